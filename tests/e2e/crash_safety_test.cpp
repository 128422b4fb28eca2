// Crash safety: SIGKILL the server at random moments while clients create sessions, write
// research and events and rebind devices; after each restart, everything the server
// acknowledged is there, no device's rows are split between two owners, and SQLite's
// integrity check passes.
#include "stream_test_support.hpp"

#include "gatehouse/crypto/sha256.hpp"

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace gatehouse::testing {

namespace {

// A request that may meet a dead server: status 0 then.
HttpResponse try_http(std::uint16_t port, std::string const& method, std::string const& target, std::string const& body,
                      Headers const& headers) {
  try {
    return http(port, method, target, body, headers);
  } catch (std::exception const&) {
    return {};
  }
}

// What the server acknowledged (a 2xx reached the client) before it died.
struct Acknowledged {
  std::mutex mutex;
  std::vector<std::string> session_tokens;
  std::vector<std::pair<std::string, std::int64_t>> events;  // research id, seq
  std::map<std::string, std::vector<std::string>> research_of_device;
  std::set<std::string> finished_devices;  // the writer is done with them: free to rebind
  std::set<std::string> rebound_devices;
};

}  // namespace

class CrashSafety : public GatehouseTest {};

TEST_F(CrashSafety, SigkillDuringAWriteStormLosesNothingAcknowledgedAndSplitsNoDevice) {
  start({"--session-rate-limit", "off"});
  ASSERT_TRUE(wait_for_jwks_loaded());
  std::string const user_principal = principal_of(user_session("user_crash"));
  Acknowledged ack;
  std::mt19937 rng(20261125);
  constexpr int rounds = 8;
  int device_counter = 0;

  for (int round = 0; round < rounds; ++round) {
    if (round > 0) {
      restart();
      ASSERT_TRUE(wait_for_jwks_loaded());
    }
    std::uint16_t const port = this->port();
    // The user's session may have been created in a round that died; mint a fresh one each round.
    std::string const user = user_session("user_crash");
    std::atomic<bool> stop{false};

    auto writer = [&](int id) {
      while (!stop) {
        std::string device;
        {
          std::lock_guard lock(ack.mutex);
          device = "crash-dev-" + std::to_string(device_counter++) + "-" + std::to_string(id);
        }
        auto const session = try_http(port, "POST", "/auth/anonymous", R"({"device_id":")" + device + R"("})", {});
        if (session.status != 200) continue;
        std::string const token(session.json().at("token").as_string());
        {
          std::lock_guard lock(ack.mutex);
          ack.session_tokens.push_back(token);
        }
        for (int r = 0; r < 2 && !stop; ++r) {
          auto const research = try_http(port, "POST", "/research", R"({"title":"t"})", bearer(token));
          if (research.status != 201) break;
          std::string const rid(research.json().at("id").as_string());
          {
            std::lock_guard lock(ack.mutex);
            ack.research_of_device[device].push_back(rid);
          }
          for (int e = 0; e < 3 && !stop; ++e) {
            auto const event = try_http(port, "POST", "/research/" + rid + "/events", R"({"event":"e","data":1})",
                                        bearer(token));
            if (event.status != 201) break;
            std::lock_guard lock(ack.mutex);
            ack.events.emplace_back(rid, event.json().at("seq").as_int64());
          }
        }
        // Rebinding a device while its session still writes would be a race the contract
        // settles (rows written after the rebind stay anonymous until the next one); this test
        // is about crashes, so a device is rebound only once its writer is done with it.
        std::lock_guard lock(ack.mutex);
        ack.finished_devices.insert(device);
      }
    };
    auto rebinder = [&] {
      while (!stop) {
        std::string device;
        {
          std::lock_guard lock(ack.mutex);
          for (auto const& d : ack.finished_devices) {
            if (!ack.rebound_devices.contains(d) && ack.research_of_device.contains(d)) device = d;
          }
        }
        if (device.empty()) {
          std::this_thread::sleep_for(std::chrono::milliseconds(2));  // nothing to rebind yet
          continue;
        }
        auto const res = try_http(port, "POST", "/auth/rebind", R"({"device_id":")" + device + R"("})", bearer(user));
        if (res.status == 200) {
          std::lock_guard lock(ack.mutex);
          ack.rebound_devices.insert(device);
        }
      }
    };
    std::vector<std::thread> clients;
    clients.emplace_back(writer, 0);
    clients.emplace_back(writer, 1);
    clients.emplace_back(rebinder);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(100, 500)(rng)));
    EXPECT_EQ(server().stop(SIGKILL), 128 + SIGKILL);
    stop = true;
    for (auto& t : clients) t.join();
  }

  restart();
  EXPECT_EQ(db_text("PRAGMA integrity_check"), "ok");
  std::lock_guard lock(ack.mutex);
  ASSERT_GT(ack.events.size(), 0u) << "the storm wrote nothing: the test proves nothing";
  for (auto const& token : ack.session_tokens) {
    EXPECT_EQ(db_int("SELECT count(*) FROM sessions WHERE hex(token_hash) = ?1", {db_hex(crypto::sha256(token))}), 1)
        << "an acknowledged session is gone";
  }
  for (auto const& [rid, seq] : ack.events) {
    EXPECT_EQ(db_int("SELECT count(*) FROM research_events WHERE research_id = ?1 AND seq = ?2", {rid, std::to_string(seq)}), 1)
        << "acknowledged event " << rid << "/" << seq << " is gone";
  }
  int rebound_checked = 0;
  for (auto const& [device, rids] : ack.research_of_device) {
    std::set<std::string> owners;
    for (auto const& rid : rids) owners.insert(db_text("SELECT owner_id FROM research WHERE id = ?1", {rid}).value_or("(missing)"));
    EXPECT_EQ(owners.size(), 1u) << "device " << device << " is split between owners";
    EXPECT_FALSE(owners.contains("(missing)")) << "acknowledged research of " << device << " is gone";
    if (ack.rebound_devices.contains(device)) {
      ++rebound_checked;
      EXPECT_EQ(*owners.begin(), user_principal) << "acknowledged rebind of " << device << " is not in the database";
    }
  }
  RecordProperty("sessions", static_cast<int>(ack.session_tokens.size()));
  RecordProperty("events", static_cast<int>(ack.events.size()));
  RecordProperty("rebinds", rebound_checked);
}

}  // namespace gatehouse::testing
