// Several nodes on one PostgreSQL (contract: scale-out.md): three real gatehouse processes on a
// fresh database of the test server. A token minted on one node is accepted by the others on the
// next request; a revocation anywhere closes streams held by the other nodes within a second;
// events posted on any node reach every node's subscribers in seq order, without gaps or
// duplicates; two users rebinding one device through different nodes get exactly one winner;
// and the faults: PostgreSQL restarted under the nodes (on a private cluster of the test's own),
// a node's feed connection cut, a node killed with SIGKILL.
#include "stream_test_support.hpp"
#include "support/postgres_test_db.hpp"

#include "gatehouse/auth/api_key_format.hpp"

#include <boost/json/parse.hpp>

#include "support/child_process.hpp"
#include "support/gatehouse_command.hpp"
#include "support/temp_dir.hpp"

#include <csignal>
#include <iostream>
#include <functional>
#include <future>
#include <set>
#include <thread>

namespace gatehouse::testing {

class MultiNode : public GatehouseTest {
 protected:
  void SetUp() override { GATEHOUSE_REQUIRE_POSTGRES(); }

  // Starts n nodes on `uri` (default: a fresh database on the test server), sharing the JWKS host
  // and one secrets key, each in a working directory of its own.
  void start_nodes(int n, std::optional<std::string> uri = std::nullopt, std::vector<std::string> extra = {}) {
    if (!uri) {
      database_ = std::make_unique<PostgresTestDatabase>();
      uri = database_->uri();
    }
    uri_ = *uri;
    for (int i = 0; i < n; ++i) start_node(i, extra);
  }

  void start_node(int i, std::vector<std::string> const& extra = {}) {
    auto const dir = this->dir().path() / ("node" + std::to_string(i));
    std::filesystem::create_directories(dir);
    std::vector<std::string> args{"--db",         uri_,
                                  "--node-id",    "n" + std::to_string(i),
                                  "--jwks-url",   jwks_host().url(jwks_path),
                                  "--issuer",     issuer,
                                  "--authorized-parties", authorized_party,
                                  "--secrets-key", (this->dir().path() / "shared-secrets.key").string(),
                                  "--threads",    "2",
                                  "--session-rate-limit", "off",
                                  "--failed-auth-rate-limit", "off"};
    args.insert(args.end(), extra.begin(), extra.end());
    if (static_cast<int>(nodes_.size()) <= i) nodes_.resize(static_cast<std::size_t>(i) + 1);
    nodes_[static_cast<std::size_t>(i)] = std::make_unique<ServerProcess>(args, dir);
    ASSERT_TRUE(nodes_[static_cast<std::size_t>(i)]->wait_for_output(R"("msg":"changes feed connected")", 15s))
        << nodes_[static_cast<std::size_t>(i)]->output();
  }

  std::uint16_t at(int i) const { return nodes_.at(static_cast<std::size_t>(i))->port(); }
  ServerProcess& node(int i) { return *nodes_.at(static_cast<std::size_t>(i)); }

  void TearDown() override {
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      if (!nodes_[i]) continue;
      if (nodes_[i]->running()) nodes_[i]->stop();
      if (HasFailure()) std::cerr << "---- n" << i << " ----\n" << nodes_[i]->output() << "\n";
    }
  }

  // POST /auth/anonymous on a node; the token.
  std::string anonymous_on(int i, std::string const& device) {
    auto const res = post(at(i), "/auth/anonymous", R"({"device_id":")" + device + R"("})");
    EXPECT_EQ(res.status, 200) << res.body;
    return res.status == 200 ? str(res.json(), "token") : std::string();
  }

  std::string user_session_on(int i, std::string const& sub) {
    EXPECT_TRUE(node(i).wait_for_output(R"("msg":"JWKS loaded")", 15s));
    auto const res = http(at(i), "POST", "/auth/session", {}, {{"Authorization", "Bearer " + mint_jwt(sub)}});
    EXPECT_EQ(res.status, 200) << res.body;
    return res.status == 200 ? str(res.json(), "token") : std::string();
  }

  // Polls `holds` (a request to a node) until true or the deadline: what the node learns from the
  // feed shows only in its answers.
  static bool eventually(std::function<bool()> const& holds, std::chrono::milliseconds within) {
    auto const deadline = Clock::now() + within;
    while (!holds()) {
      if (Clock::now() >= deadline) return false;
      std::this_thread::sleep_for(20ms);
    }
    return true;
  }

  // tests/postgres/cluster ACTION DIR, to completion.
  static int cluster(std::string const& action, std::filesystem::path const& dir) {
    auto const script = std::filesystem::path(GATEHOUSE_SOURCE_DIR) / "tests" / "postgres" / "cluster";
    ChildProcess run({script.string(), action, dir.string()});
    auto const status = run.wait(60s);
    EXPECT_EQ(status, 0) << "cluster " << action << ": " << run.output();
    return status.value_or(-1);
  }

  std::unique_ptr<PostgresTestDatabase> database_;
  std::string uri_;
  std::vector<std::unique_ptr<ServerProcess>> nodes_;
};

TEST_F(MultiNode, ATokenMintedOnOneNodeIsAcceptedByTheOthersOnTheNextRequest) {
  start_nodes(3);
  for (int round = 0; round < 20; ++round) {
    int const minter = round % 3;
    std::string const token = anonymous_on(minter, "device-" + std::to_string(round));
    for (int other = 0; other < 3; ++other) {
      auto const res = get(at(other), "/auth/whoami", token);
      EXPECT_EQ(res.status, 200) << "minted on n" << minter << ", asked n" << other << ": " << res.body;
    }
  }
  // A signed-in user's session, an API key and a stream ticket too.
  std::string const user = user_session_on(0, "user_multinode");
  auto const key = post(at(0), "/me/keys", R"({"name":"k","scopes":["research.read"]})", user);
  ASSERT_EQ(key.status, 201) << key.body;
  EXPECT_EQ(http(at(1), "GET", "/research", {}, {{"X-API-Key", str(key.json(), "key")}}).status, 200);
  EXPECT_EQ(get(at(2), "/auth/whoami", user).status, 200);
  std::string const research = create_research(at(0), user);
  std::string const ticket = stream_ticket(at(0), user);
  SseClient sse(at(2), events_path(research) + "?ticket=" + ticket);
  EXPECT_EQ(sse.status(), 200) << sse.body();
  SseClient again(at(1), events_path(research) + "?ticket=" + ticket);
  EXPECT_EQ(again.status(), 401) << "a ticket is taken once, whichever node takes it";
  EXPECT_NE(again.body().find("Invalid token: unknown, used or expired ticket"), std::string::npos) << again.body();
}

TEST_F(MultiNode, AMadeUpTokenIsRefusedOnEveryNode) {
  start_nodes(2);
  std::string const made_up = auth::mint_api_key("gk_").text;
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(IsError(http(at(i), "GET", "/research", {}, {{"X-API-Key", made_up}}), 401, "invalid api key"));
    EXPECT_TRUE(IsError(get(at(i), "/auth/whoami", "gs_" + std::string(43, 'A')), 401, "Invalid token: unknown token"));
  }
}

TEST_F(MultiNode, ARevocationOnOneNodeClosesStreamsHeldByTheOthersWithinOneSecond) {
  start_nodes(3);
  std::string const token = anonymous_on(0, "revoked-device");
  std::string const research = create_research(at(0), token);
  SseClient sse(at(1), events_path(research), bearer(token));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  WsClient ws(at(2), "/ws", bearer(token));
  ASSERT_TRUE(IsMessage(ws.receive(), "welcome"));

  auto const t0 = Clock::now();
  ASSERT_EQ(http(at(0), "DELETE", "/auth/session", {}, bearer(token)).status, 204);
  auto const revoked = sse.next_event(2s);
  ASSERT_TRUE(revoked) << "the SSE stream on n1 did not end";
  EXPECT_EQ(revoked->event, "revoked");
  EXPECT_EQ(ws.wait_close(2s), 4401);
  EXPECT_LT(elapsed_since(t0).count(), 1000) << "revocation took too long to cross nodes";
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(IsError(get(at(i), "/auth/whoami", token), 401, "Invalid token: token revoked")) << "n" << i;
  }
}

TEST_F(MultiNode, EventsPostedOnAnyNodeReachEveryNodesSubscribersInOrderOnce) {
  start_nodes(3);
  std::string const token = anonymous_on(0, "events-device");
  std::string const research = create_research(at(0), token);
  ASSERT_EQ(post_event(at(0), token, research, "stored"), 1);
  SseClient sse(at(1), events_path(research), bearer(token));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  WsClient ws(at(2), "/ws", bearer(token));
  ASSERT_TRUE(IsMessage(ws.receive(), "welcome"));
  ws.send(subscribe_message(research, 0));
  ASSERT_TRUE(IsMessage(ws.receive(), "subscribed"));

  constexpr int total = 40;
  // Posted from every node, two at a time, while the subscribers read.
  auto poster = [&](int offset) {
    for (int k = offset; k < total; k += 2) post_event(at(k % 3), token, research, "e" + std::to_string(k));
  };
  auto a = std::async(std::launch::async, poster, 0);
  auto b = std::async(std::launch::async, poster, 1);
  a.get();
  b.get();

  std::vector<std::int64_t> sse_seqs;
  while (static_cast<int>(sse_seqs.size()) < total + 1) {
    auto e = sse.next_event(5s);
    if (!e) break;
    sse_seqs.push_back(std::stoll(e->id));
  }
  std::vector<std::int64_t> ws_seqs;
  while (static_cast<int>(ws_seqs.size()) < total + 1) {
    auto m = ws.receive(5s);
    if (!m) break;
    ws_seqs.push_back(m->at("seq").as_int64());
  }
  std::vector<std::int64_t> expected(total + 1);
  for (int i = 0; i <= total; ++i) expected[static_cast<std::size_t>(i)] = i + 1;
  EXPECT_EQ(sse_seqs, expected) << "SSE on n1";
  EXPECT_EQ(ws_seqs, expected) << "WebSocket on n2";
  // A late subscriber on another node resumes after what it saw.
  SseClient late(at(0), events_path(research) + "?last_event_id=" + std::to_string(total - 3), bearer(token));
  for (int s = total - 2; s <= total + 1; ++s) {
    auto e = late.next_event(5s);
    ASSERT_TRUE(e) << "seq " << s;
    EXPECT_EQ(e->id, std::to_string(s));
  }
}

TEST_F(MultiNode, TwoUsersRebindingOneDeviceThroughDifferentNodesGetOneWinner) {
  start_nodes(2);
  for (int round = 0; round < 5; ++round) {
    std::string const device = "contested-" + std::to_string(round);
    std::string const anonymous = anonymous_on(round % 2, device);
    std::string const research = create_research(at(0), anonymous, "mine");
    std::string const alice = user_session_on(0, "user_alice_" + std::to_string(round));
    std::string const bob = user_session_on(1, "user_bob_" + std::to_string(round));
    auto rebind = [&](int i, std::string const& token) {
      return post(at(i), "/auth/rebind", R"({"device_id":")" + device + R"("})", token);
    };
    auto first = std::async(std::launch::async, rebind, 0, alice);
    auto second = std::async(std::launch::async, rebind, 1, bob);
    auto const a = first.get();
    auto const b = second.get();
    std::multiset<int> const statuses{a.status, b.status};
    EXPECT_EQ(statuses, (std::multiset<int>{200, 409})) << a.body << " / " << b.body;
    std::string const& winner = a.status == 200 ? alice : bob;
    std::string const& loser = a.status == 200 ? bob : alice;
    EXPECT_EQ(get(at(0), "/research/" + research, winner).status, 200);
    EXPECT_EQ(get(at(1), "/research/" + research, loser).status, 404);
  }
}

TEST_F(MultiNode, ANodeWhoseFeedWasCutCatchesUpFromTheTable) {
  start_nodes(2);
  std::string const token = anonymous_on(0, "catch-up-device");
  ASSERT_EQ(get(at(1), "/auth/whoami", token).status, 200);
  // Cut n1's feed connection and revoke while it reconnects: the NOTIFY is lost to it, the row is not.
  database_->query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'gatehouse-feed n1'");
  ASSERT_EQ(http(at(0), "DELETE", "/auth/session", {}, bearer(token)).status, 204);
  ASSERT_TRUE(node(1).wait_for_output(R"("msg":"changes feed lost")", 5s)) << node(1).output();
  ASSERT_TRUE(node(1).wait_for_occurrences(R"("msg":"changes feed connected")", 2, 10s)) << node(1).output();
  EXPECT_TRUE(eventually([&] { return get(at(1), "/auth/whoami", token).status == 401; }, 2s))
      << "n1 never learned of the revocation made while its feed was down";
}

TEST_F(MultiNode, ANodeKilledWithSigkillLosesNothingAcknowledgedAndTheOthersServeItsTokens) {
  start_nodes(2);
  std::string const token = anonymous_on(0, "killed-node-device");
  std::string const research = create_research(at(0), token);
  ASSERT_EQ(post_event(at(0), token, research, "acknowledged"), 1);
  node(0).stop(SIGKILL);
  EXPECT_EQ(get(at(1), "/auth/whoami", token).status, 200);
  auto const item = get(at(1), "/research/" + research, token);
  EXPECT_EQ(item.status, 200) << item.body;
  SseClient sse(at(1), events_path(research), bearer(token));
  auto const e = sse.next_event();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->event, "acknowledged");
  // The killed node comes back and serves the same state.
  start_node(0);
  EXPECT_EQ(get(at(0), "/auth/whoami", token).status, 200);
}

// PostgreSQL itself restarts (a private cluster, so the other tests' server is not touched):
// meanwhile token checks answer from memory and database work is a 503; afterwards the nodes
// reconnect, write again, and hear each other again.
TEST_F(MultiNode, APostgresRestartIsA503ForDatabaseWorkWhileTokensAreCheckedFromMemory) {
  // Beside the test's directory, not inside it: the postgres account must reach it.
  auto const private_cluster = std::filesystem::temp_directory_path() / ("gatehouse-pg-" + dir().path().filename().string());
  ASSERT_EQ(cluster("start", private_cluster), 0);
  std::string const uri = read_file(private_cluster / "uri");
  start_nodes(2, uri.substr(0, uri.find('\n')));
  std::string const token = anonymous_on(0, "restart-device");
  // n1 learns of the session before the outage (a miss lookup, or the feed's poll); from then on
  // it answers for the token from memory.
  ASSERT_EQ(get(at(1), "/auth/whoami", token).status, 200);

  ASSERT_EQ(cluster("halt", private_cluster), 0);
  EXPECT_EQ(get(at(1), "/auth/whoami", token).status, 200) << "a token check needs no database";
  EXPECT_TRUE(IsError(post(at(1), "/auth/anonymous", R"({"device_id":"during-outage"})"), 503,
                      "Database unavailable; retry later"));
  auto const ready = get(at(0), "/ready");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(str(ready.json(), "database"), "unavailable") << ready.body;

  ASSERT_EQ(cluster("resume", private_cluster), 0);
  // Writes succeed again once a node has reconnected (it retries with a backoff of at most 5 s).
  HttpResponse minted;
  EXPECT_TRUE(eventually(
      [&] {
        minted = post(at(1), "/auth/anonymous", R"({"device_id":"after-outage"})");
        return minted.status == 200;
      },
      15s))
      << minted.body;
  ASSERT_EQ(minted.status, 200);
  // And the nodes hear each other again: a revocation on n1 reaches n0.
  ASSERT_TRUE(node(0).wait_for_occurrences(R"("msg":"changes feed connected")", 2, 15s)) << node(0).output();
  std::string const after = str(minted.json(), "token");
  ASSERT_EQ(http(at(1), "DELETE", "/auth/session", {}, bearer(after)).status, 204);
  EXPECT_TRUE(eventually([&] { return get(at(0), "/auth/whoami", after).status == 401; }, 2s));
  for (auto& n : nodes_) n->stop();
  cluster("stop", private_cluster);
}

}  // namespace gatehouse::testing

namespace gatehouse::testing {

// gatehouse admin migrate-to-postgres: a SQLite deployment (stopped) moves into an empty
// PostgreSQL database, and a node started on it serves the same sessions, keys, items, events and
// secrets; a second migration into the same database is refused and changes nothing.
TEST_F(MultiNode, ASqliteDeploymentMovesToPostgresWithEverythingItHeld) {
  start();  // one node on SQLite, the fixture's usual server
  std::string const device = anonymous_session("moving-device");
  std::string const research = create_research(port(), device, "moved");
  ASSERT_EQ(post_event(port(), device, research, "first"), 1);
  ASSERT_EQ(post_event(port(), device, research, "second"), 2);
  ASSERT_EQ(http(port(), "PUT", "/secrets/openai", R"({"value":"sk-moved"})", bearer(device)).status, 204);
  std::string const user = user_session("user_moving");
  auto const key = post(port(), "/me/keys", R"({"name":"k","scopes":["research.read"]})", user);
  ASSERT_EQ(key.status, 201);
  stop_server();

  database_ = std::make_unique<PostgresTestDatabase>();
  auto const migrated = run_gatehouse({"admin", "migrate-to-postgres", "--from", db_path().string(), "--to", database_->uri()});
  ASSERT_EQ(migrated.exit_code, 0) << migrated.out << migrated.err;
  EXPECT_NE(migrated.out.find("research_events  2 rows"), std::string::npos) << migrated.out;

  uri_ = database_->uri();
  start_node(0, {"--secrets-key", (dir().path() / "gatehouse-secrets.key").string()});
  EXPECT_EQ(get(at(0), "/auth/whoami", device).status, 200);
  EXPECT_EQ(get(at(0), "/auth/whoami", user).status, 200);
  EXPECT_EQ(http(at(0), "GET", "/research", {}, {{"X-API-Key", str(key.json(), "key")}}).status, 200);
  auto const bootstrap = get(at(0), "/auth/bootstrap", device);
  ASSERT_EQ(bootstrap.status, 200);
  EXPECT_TRUE(bootstrap.json().at("secrets").as_object().contains("openai")) << bootstrap.body;
  SseClient sse(at(0), events_path(research), bearer(device));
  auto const first = sse.next_event();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->event, "first");
  // Events go on from where they were.
  EXPECT_EQ(post_event(at(0), device, research, "third"), 3);

  auto const again = run_gatehouse({"admin", "migrate-to-postgres", "--from", db_path().string(), "--to", database_->uri()});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already holds principals"), std::string::npos) << again.err;
}

}  // namespace gatehouse::testing

namespace gatehouse::testing {

// A stream keeps its session alive through whichever node holds it: the extensions it writes
// (batched, once a second) reach the node that minted the session, which would otherwise let it
// expire at its first TTL.
TEST_F(MultiNode, AStreamOnOneNodeKeepsItsSessionAliveOnTheOthers) {
  start_nodes(2, std::nullopt, {"--session-ttl", "3", "--heartbeat", "1"});
  std::string const token = anonymous_on(0, "extended-device");
  std::string const research = create_research(at(0), token);
  auto const minted_at = Clock::now();
  SseClient sse(at(1), events_path(research), bearer(token));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  // Past the first TTL, with the stream still open on n1 (its keepalives prove it is alive).
  while (Clock::now() < minted_at + 4500ms) ASSERT_TRUE(sse.next(3s)) << "the stream on n1 ended";
  auto const whoami = get(at(0), "/auth/whoami", token);
  EXPECT_EQ(whoami.status, 200) << "n0 let the session expire although n1's stream kept it alive: " << whoami.body;
}

}  // namespace gatehouse::testing

namespace gatehouse::testing {

// gatehouse-load with several --targets: its streams spread over the nodes and every fan-out
// event, published on one node, reaches every subscriber on all of them.
TEST_F(MultiNode, TheLoadToolSpreadsItsStreamsOverSeveralTargets) {
  start_nodes(2);
  auto const report = dir().path() / "load.json";
  ChildProcess load({GATEHOUSE_LOAD_BINARY, "--target", "127.0.0.1:" + std::to_string(at(0)), "--target",
                     "127.0.0.1:" + std::to_string(at(1)), "--streams", "60", "--kind", "mix", "--fanout", "--events",
                     "5", "--duration", "30", "--json-report", report.string()});
  auto const status = load.wait(60s);
  ASSERT_EQ(status, 0) << load.output();
  EXPECT_NE(load.output().find("targets"), std::string::npos) << load.output();
  auto const json = boost::json::parse(read_file(report)).as_object();
  EXPECT_EQ(json.at("streams").at("subscribed").as_int64(), 60) << load.output();
  EXPECT_EQ(json.at("fanout").at("events").as_int64(), 5) << load.output();
  EXPECT_EQ(json.at("fanout").at("missing_deliveries").as_int64(), 0) << load.output();
  EXPECT_EQ(json.at("options").at("targets").as_array().size(), 2u);
  // Both nodes held streams.
  for (int i = 0; i < 2; ++i) {
    EXPECT_NE(node(i).output().find("\"route\":\"/ws\""), std::string::npos) << "n" << i << " served no stream";
  }
}

}  // namespace gatehouse::testing
