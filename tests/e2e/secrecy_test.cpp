// Credentials stay secret: after a session of varied calls, no session token, stream ticket, JWT
// or secret value is in the server's output, and no session token is in the database files.
#include "e2e/expectations.hpp"
#include "support/gatehouse_fixture.hpp"

#include "gatehouse/crypto/sha256.hpp"

#include <boost/json/serialize.hpp>

namespace gatehouse::testing {

class Secrecy : public GatehouseTest {
 protected:
  // Everything secret the session below handled; each must stay out of logs (and tokens out of the database).
  std::vector<std::string> tokens;
  std::vector<std::string> jwts;
  std::vector<std::string> tickets;
  std::vector<std::string> secret_values;

  void exercise_everything() {
    ASSERT_TRUE(wait_for_jwks_loaded());
    auth::ClerkTokenSpec spec;
    spec.email = "secret.keeper@example.com";
    spec.name = "Keeper";
    jwts.push_back(mint_jwt("user_secrecy", spec));
    auto const exchanged = exchange("Bearer " + jwts.back());
    ASSERT_EQ(exchanged.status, 200);
    std::string const user = str(exchanged.json(), "token");
    tokens.push_back(user);

    // Refused JWTs are logged as refusals, never verbatim.
    spec.azp = "https://phishing.example";
    jwts.push_back(mint_jwt("user_secrecy", spec));
    ASSERT_EQ(exchange("Bearer " + jwts.back()).status, 401);
    spec = {};
    spec.lifetime = -300;
    jwts.push_back(mint_jwt("user_secrecy", spec));
    ASSERT_EQ(exchange("Bearer " + jwts.back()).status, 401);

    std::string const anon = anonymous_session("secrecy-device");
    tokens.push_back(anon);
    std::string const id = str(post(port(), "/research", R"({"title":"t"})", anon).json(), "id");
    ASSERT_EQ(post(port(), "/research/" + id + "/events", R"({"event":"progress","data":{}})", anon).status, 201);
    secret_values = {"sk-secrecy-canary-0a1b2c3d", "ghp_secrecy_canary_4e5f6a7b"};
    ASSERT_EQ(put(port(), "/secrets/openai", boost::json::serialize(boost::json::object{{"value", secret_values[0]}}), anon)
                  .status,
              204);
    ASSERT_EQ(put(port(), "/secrets/github", boost::json::serialize(boost::json::object{{"value", secret_values[1]}}), user)
                  .status,
              204);
    ASSERT_EQ(del(port(), "/secrets/github", user).status, 204);

    for (std::string const& t : {user, anon}) {
      auto const ticket = post(port(), "/auth/stream-ticket", "", t);
      ASSERT_EQ(ticket.status, 200);
      tickets.push_back(str(ticket.json(), "ticket"));
      ASSERT_EQ(get(port(), "/auth/whoami", t).status, 200);
      ASSERT_EQ(get(port(), "/auth/bootstrap", t).status, 200);
      ASSERT_EQ(get(port(), "/auth/sessions", t).status, 200);
    }
    // Credentials in a query string, where a careless access log would copy them.
    ASSERT_EQ(get(port(), "/nowhere?access_token=" + user + "&ticket=" + tickets[0]).status, 404);
    ASSERT_EQ(get(port(), "/auth/whoami?access_token=" + anon).status, 401);

    jwts.push_back(mint_jwt("user_rebinder"));
    ASSERT_EQ(post(port(), "/auth/rebind", R"({"device_id":"secrecy-device"})", jwts.back()).status, 200);

    // Tokens that were never issued are secrets of whoever sent them, too.
    std::string const forged = "gs_" + std::string(43, 'Z');
    tokens.push_back(forged);
    ASSERT_EQ(get(port(), "/auth/whoami", forged).status, 401);
    ASSERT_EQ(get(port(), "/auth/whoami", anon).status, 401);  // revoked by the rebind
    ASSERT_EQ(del(port(), "/auth/session", user).status, 204);
    ASSERT_EQ(get(port(), "/auth/whoami", user).status, 401);
  }

  // A token and its parts long enough to be telling (a JWT's signature, a token's random part).
  static std::vector<std::string> telltales(std::string const& credential) {
    std::vector<std::string> out{credential};
    if (auto const dot = credential.rfind('.'); dot != std::string::npos) out.push_back(credential.substr(dot + 1));
    if (auto const underscore = credential.find('_'); underscore != std::string::npos && underscore < 4) {
      out.push_back(credential.substr(underscore + 1));
    }
    return out;
  }
};

TEST_F(Secrecy, NoCredentialOrSecretValueAppearsInTheServerOutput) {
  start({"--log-level", "debug"});
  exercise_everything();
  stop_server();
  std::string const output = server().output();
  ASSERT_NE(output.find(R"("msg":"request")"), std::string::npos) << "the server logged nothing to inspect";
  for (auto const* list : {&tokens, &jwts, &tickets, &secret_values}) {
    for (auto const& credential : *list) {
      for (auto const& telltale : telltales(credential)) {
        EXPECT_EQ(output.find(telltale), std::string::npos) << "\"" << telltale << "\" is in the output:\n" << output;
      }
    }
  }
}

TEST_F(Secrecy, NoSessionTokenAppearsInTheDatabaseFiles) {
  start();
  exercise_everything();
  auto const check = [&](std::string const& when) {
    std::string const bytes = db_file_bytes();
    ASSERT_FALSE(bytes.empty());
    for (auto const* list : {&tokens, &tickets, &secret_values}) {
      for (auto const& credential : *list) {
        for (auto const& telltale : telltales(credential)) {
          EXPECT_EQ(bytes.find(telltale), std::string::npos) << when << ": \"" << telltale << "\" is in the database";
        }
      }
    }
  };
  check("while running");
  // The tokens are there as hashes only: the lookup the server does is the one stored.
  auto const digest = crypto::sha256(tokens[0]);
  EXPECT_EQ(*db_int("SELECT count(*) FROM sessions WHERE hex(token_hash) = ?1",
                    {db_hex(digest)}),
            1);
  stop_server();
  check("after shutdown");
}

}  // namespace gatehouse::testing
