// POST /auth/rebind: everything a device wrote anonymously moves to the signed-in user, in one
// transaction, once per device and user (the contract's Rebind section, rule by rule).
#include "e2e/expectations.hpp"
#include "support/gatehouse_fixture.hpp"

#include <boost/json/serialize.hpp>

#include <atomic>
#include <set>
#include <thread>

namespace gatehouse::testing {

class Rebind : public GatehouseTest {
 protected:
  void SetUp() override {
    start();
    ASSERT_TRUE(wait_for_jwks_loaded()) << server().output();
  }

  HttpResponse rebind(std::string const& bearer, std::string const& device_id) {
    return post(port(), "/auth/rebind", boost::json::serialize(boost::json::object{{"device_id", device_id}}), bearer);
  }

  // An anonymous session on the device that writes `research` items (each with an event) and
  // `secrets` secrets; returns its token.
  std::string seed_device(std::string const& device_id, int research, int secrets, std::string const& tag = "r") {
    std::string const token = anonymous_session(device_id);
    for (int i = 0; i < research; ++i) {
      auto const created = post(port(), "/research", R"({"title":")" + tag + std::to_string(i) + R"("})", token);
      EXPECT_EQ(created.status, 201) << created.body;
      auto const event = post(port(), "/research/" + str(created.json(), "id") + "/events",
                              R"({"event":"progress","data":{"i":)" + std::to_string(i) + "}}", token);
      EXPECT_EQ(event.status, 201) << event.body;
    }
    for (int i = 0; i < secrets; ++i) {
      auto const res = put(port(), "/secrets/" + tag + "secret" + std::to_string(i), R"({"value":"v"})", token);
      EXPECT_EQ(res.status, 204) << res.body;
    }
    return token;
  }

  std::vector<std::string> research_titles(std::string const& token) {
    auto const res = get(port(), "/research", token);
    EXPECT_EQ(res.status, 200) << res.body;
    std::vector<std::string> out;
    auto const body = res.json();
    for (auto const& item : body.at("items").as_array()) out.push_back(str(item, "title"));
    return out;
  }

  std::int64_t owned(std::string const& table, std::string const& principal) const {
    return *db_int("SELECT count(*) FROM " + table + " WHERE owner_id = ?1", {principal});
  }

  static std::string body_of(bool rebound, int moved) {
    return boost::json::serialize(boost::json::object{{"rebound", rebound}, {"moved", moved}});
  }
};

TEST_F(Rebind, DeviceNeverUsedIsNotRebound) {
  std::string const user = user_session("user_never_used");
  auto const res = rebind(user, "device-never-seen");
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_TRUE(IsJson(res));
  EXPECT_EQ(res.body, body_of(false, 0));
  // And nothing was recorded for the device: another user may still claim it later.
  EXPECT_EQ(*db_int("SELECT count(*) FROM device_bindings"), 0);
  EXPECT_EQ(*db_int("SELECT count(*) FROM principals WHERE kind = 'anonymous'"), 0);
}

TEST_F(Rebind, FirstRebindMovesResearchAndSecretsToTheUser) {
  std::string const anon = seed_device("laptop-1", 2, 1);
  std::string const anon_principal = principal_of(anon);
  std::string const user = user_session("user_alice");
  std::string const user_principal = principal_of(user);

  auto const res = rebind(user, "laptop-1");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.body, body_of(true, 3));

  auto const items = get(port(), "/research", user).json().at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  for (auto const& item : items) {
    EXPECT_EQ(str(item, "owner_id"), user_principal);
    // The events came along: the item's sequence continues where the device left it.
    auto const next = post(port(), "/research/" + str(item, "id") + "/events", R"({"event":"progress"})", user);
    EXPECT_EQ(next.status, 201) << next.body;
    EXPECT_EQ(num(next.json(), "seq"), 2);
  }
  auto const secrets = get(port(), "/auth/bootstrap", user).json().at("secrets").as_object();
  EXPECT_TRUE(secrets.contains("rsecret0")) << boost::json::serialize(secrets);
  EXPECT_EQ(owned("research", anon_principal), 0);
  EXPECT_EQ(owned("secrets", anon_principal), 0);
}

// "Every row written under the device's anonymous principal (research and its events, secrets,
// and any later owner-bearing table)": a table with an owner_id column that this test does not
// know fails it, until the table is added to src/store/rebind_store.cpp and seeded here.
TEST_F(Rebind, EveryOwnerBearingTableMovesWithTheDevice) {
  auto const tables = db_text(
      "SELECT group_concat(name, ',') FROM (SELECT m.name AS name FROM sqlite_master m, pragma_table_info(m.name) p "
      "WHERE m.type = 'table' AND p.name = 'owner_id' ORDER BY m.name)");
  ASSERT_TRUE(tables.has_value());
  EXPECT_EQ(*tables, "research,secrets") << "a new owner-bearing table: seed it in this test and move it on rebind";

  std::string const anon = seed_device("every-table", 2, 2);
  std::string const anon_principal = principal_of(anon);
  std::string const user = user_session("user_every_table");
  ASSERT_EQ(rebind(user, "every-table").status, 200);
  std::size_t start = 0;
  while (start <= tables->size()) {
    auto const comma = tables->find(',', start);
    std::string const table = tables->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    EXPECT_EQ(owned(table, anon_principal), 0) << table;
    EXPECT_GT(owned(table, principal_of(user)), 0) << table;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  // Events follow their research item.
  EXPECT_EQ(*db_int("SELECT count(*) FROM research_events e JOIN research r ON r.id = e.research_id "
                    "WHERE r.owner_id = ?1",
                    {principal_of(user)}),
            2);
}

TEST_F(Rebind, RebindRevokesTheDevicesAnonymousSessions) {
  std::string const first = seed_device("shared-tablet", 1, 0);
  std::string const second = anonymous_session("shared-tablet");
  std::string const bystander = anonymous_session("other-tablet");
  std::string const user = user_session("user_tablet");
  ASSERT_EQ(rebind(user, "shared-tablet").status, 200);
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", first)));
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", second)));
  EXPECT_EQ(get(port(), "/auth/whoami", user).status, 200);
  EXPECT_EQ(get(port(), "/auth/whoami", bystander).status, 200);
}

TEST_F(Rebind, SameUserAgainWithNothingNewIsNotRebound) {
  seed_device("phone-1", 1, 1);
  std::string const user = user_session("user_repeat");
  ASSERT_EQ(rebind(user, "phone-1").body, body_of(true, 2));
  auto const again = rebind(user, "phone-1");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.body, body_of(false, 0));
  EXPECT_EQ(research_titles(user).size(), 1u);
}

TEST_F(Rebind, RowsWrittenAnonymouslyAfterARebindMoveOnTheNextRebind) {
  seed_device("kiosk", 2, 0, "before");
  std::string const user = user_session("user_kiosk");
  ASSERT_EQ(rebind(user, "kiosk").body, body_of(true, 2));

  // The device keeps being used anonymously (its old sessions are dead: a new one).
  std::string const later = seed_device("kiosk", 1, 1, "after");
  auto const res = rebind(user, "kiosk");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.body, body_of(true, 2));
  auto const titles = research_titles(user);
  EXPECT_EQ(std::set<std::string>(titles.begin(), titles.end()),
            (std::set<std::string>{"before0", "before1", "after0"}));
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", later)));
}

TEST_F(Rebind, DifferentUserIsConflictAndNothingMoves) {
  seed_device("family-pc", 1, 0, "first");
  std::string const alice = user_session("user_alice_pc");
  ASSERT_EQ(rebind(alice, "family-pc").body, body_of(true, 1));
  std::string const anon = seed_device("family-pc", 1, 1, "second");

  std::string const bob = user_session("user_bob_pc");
  EXPECT_TRUE(IsError(rebind(bob, "family-pc"), 409, "device family-pc already rebound to a different user"));
  EXPECT_TRUE(research_titles(bob).empty());
  EXPECT_EQ(research_titles(alice), std::vector<std::string>{"first0"});
  // The refused rebind changed nothing for the device either: rows and session stay.
  EXPECT_EQ(research_titles(anon), std::vector<std::string>{"second0"});
  EXPECT_EQ(owned("secrets", principal_of(anon)), 1);
  EXPECT_EQ(*db_text("SELECT user_principal_id FROM device_bindings WHERE device_id = 'family-pc'"), principal_of(alice));
}

TEST_F(Rebind, AnonymousSessionTokenIsRefused) {
  std::string const anon = seed_device("sneaky", 1, 0);
  seed_device("victim-device", 1, 0);
  EXPECT_TRUE(IsError(rebind(anon, "victim-device"), 401,
                      "Rebind requires an authenticated user token; got anonymous session"));
  EXPECT_TRUE(IsError(rebind(anon, "sneaky"), 401,
                      "Rebind requires an authenticated user token; got anonymous session"));
  EXPECT_EQ(*db_int("SELECT count(*) FROM device_bindings"), 0);
  EXPECT_EQ(research_titles(anon).size(), 1u);
}

TEST_F(Rebind, ClerkJwtWorksInsteadOfASessionToken) {
  seed_device("jwt-device", 2, 1);
  auto const res = rebind(mint_jwt("user_jwt_rebinder"), "jwt-device");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.body, body_of(true, 3));
  // The user principal the JWT named (created by the rebind) owns the rows.
  std::string const user = user_session("user_jwt_rebinder");
  EXPECT_EQ(research_titles(user).size(), 2u);
  EXPECT_EQ(get(port(), "/auth/bootstrap", user).json().at("secrets").as_object().size(), 1u);
}

TEST_F(Rebind, InvalidClerkJwtIsRefused) {
  seed_device("jwt-bad-device", 1, 0);
  auth::ClerkTokenSpec spec;
  spec.lifetime = -120;
  EXPECT_TRUE(IsInvalidToken(rebind(mint_jwt("user_late", spec), "jwt-bad-device"), "expired"));
  spec = {};
  spec.azp = "https://phishing.example";
  EXPECT_TRUE(IsError(rebind(mint_jwt("user_phished", spec), "jwt-bad-device"), 401, "Invalid authorized party"));
  EXPECT_EQ(*db_int("SELECT count(*) FROM device_bindings"), 0);
}

TEST_F(Rebind, MissingTokenIsMissingBearerToken) {
  EXPECT_TRUE(IsError(post(port(), "/auth/rebind", R"({"device_id":"x"})"), 401, "Missing Bearer token"));
}

TEST_F(Rebind, RevokedUserTokenIsRefused) {
  seed_device("revoked-user-device", 1, 0);
  std::string const user = user_session("user_logged_out");
  ASSERT_EQ(del(port(), "/auth/session", user).status, 204);
  EXPECT_TRUE(IsInvalidToken(rebind(user, "revoked-user-device")));
  EXPECT_EQ(*db_int("SELECT count(*) FROM device_bindings"), 0);
}

TEST_F(Rebind, MissingDeviceIdIsDeviceIdRequired) {
  std::string const user = user_session("user_no_device");
  for (std::string const body : {"", "{}", R"({"device_id":""})", R"({"device_id":12})", R"({"device_id":null})"}) {
    EXPECT_TRUE(IsError(post(port(), "/auth/rebind", body, user), 422, "device_id required")) << body;
  }
  auto const invalid = post(port(), "/auth/rebind", R"({"device_id":)", user);
  EXPECT_EQ(invalid.status, 422);
  EXPECT_NE(invalid.detail().find("JSON"), std::string::npos) << invalid.detail();
}

TEST_F(Rebind, ConflictingSecretNamesLeaveTheUserOneSecretOfThatName) {
  std::string const anon = anonymous_session("conflict-device");
  ASSERT_EQ(put(port(), "/secrets/openai", R"({"value":"device-key"})", anon).status, 204);
  ASSERT_EQ(put(port(), "/secrets/device-only", R"({"value":"x"})", anon).status, 204);
  std::string const user = user_session("user_conflict");
  ASSERT_EQ(put(port(), "/secrets/openai", R"({"value":"user-key"})", user).status, 204);
  auto const res = rebind(user, "conflict-device");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_TRUE(res.json().at("rebound").as_bool());
  auto const secrets = get(port(), "/auth/bootstrap", user).json().at("secrets").as_object();
  EXPECT_EQ(secrets.size(), 2u) << boost::json::serialize(secrets);
  EXPECT_EQ(owned("secrets", principal_of(user)), 2);
  EXPECT_EQ(*db_int("SELECT count(*) FROM secrets"), 2);
}

TEST_F(Rebind, DeviceWithASessionButNoRowsIsClaimedAndItsSessionsRevoked) {
  std::string const anon = anonymous_session("empty-handed");
  std::string const user = user_session("user_empty");
  auto const res = rebind(user, "empty-handed");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(num(res.json(), "moved"), 0);
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", anon)));
  // The device is now the user's: another user is refused.
  EXPECT_TRUE(IsError(rebind(user_session("user_latecomer"), "empty-handed"), 409,
                      "device empty-handed already rebound to a different user"));
}

TEST_F(Rebind, RacingUsersExactlyOneWinsAndTakesEveryRow) {
  constexpr int research = 4;
  constexpr int secrets = 3;
  constexpr int racers = 12;
  seed_device("contested", research, secrets);
  std::vector<std::string> tokens;
  std::vector<std::string> principals;
  for (int i = 0; i < racers; ++i) {
    tokens.push_back(user_session("user_racer_" + std::to_string(i)));
    principals.push_back(principal_of(tokens.back()));
  }

  std::atomic<bool> go{false};
  std::vector<HttpResponse> results(racers);
  std::vector<std::thread> threads;
  for (int i = 0; i < racers; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      results[static_cast<std::size_t>(i)] = rebind(tokens[static_cast<std::size_t>(i)], "contested");
    });
  }
  go = true;
  for (auto& t : threads) t.join();

  int winner = -1;
  for (int i = 0; i < racers; ++i) {
    auto const& res = results[static_cast<std::size_t>(i)];
    if (res.status == 200) {
      EXPECT_EQ(winner, -1) << "two winners: " << winner << " and " << i;
      winner = i;
      EXPECT_EQ(res.body, body_of(true, research + secrets));
    } else {
      EXPECT_TRUE(IsError(res, 409, "device contested already rebound to a different user")) << i;
    }
  }
  ASSERT_NE(winner, -1);
  std::string const& owner = principals[static_cast<std::size_t>(winner)];
  EXPECT_EQ(owned("research", owner), research);
  EXPECT_EQ(owned("secrets", owner), secrets);
  EXPECT_EQ(*db_int("SELECT count(*) FROM research"), research);
  EXPECT_EQ(*db_int("SELECT count(*) FROM secrets"), secrets);
  for (int i = 0; i < racers; ++i) {
    if (i != winner) {
      EXPECT_TRUE(research_titles(tokens[static_cast<std::size_t>(i)]).empty()) << i;
    }
  }
  EXPECT_EQ(research_titles(tokens[static_cast<std::size_t>(winner)]).size(), static_cast<std::size_t>(research));
}

}  // namespace gatehouse::testing
