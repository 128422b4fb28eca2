// --tls-cert/--tls-key: the one listener serves HTTPS, SSE over TLS and WSS, verified against a
// CA the test makes with the openssl command; old protocol versions, weak ciphers, plaintext and
// stalled handshakes are refused without harm; SIGHUP swaps the certificate for new connections
// and keeps open streams.
#include "stream_test_support.hpp"
#include "support/child_process.hpp"
#include "support/prometheus_text.hpp"
#include "support/tls_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <signal.h>

#include <fstream>

namespace gatehouse::testing {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs a tool (openssl, curl) to completion; -1 when it had to be killed.
CommandResult run_command(std::vector<std::string> argv) {
  ChildProcess child(std::move(argv));
  auto const exit_code = child.wait(std::chrono::seconds(30));
  return CommandResult{exit_code.value_or(-1), child.output()};
}

// What a handshake with the server gave: its certificate's serial and subject, or the failure.
struct Handshake {
  bool ok = false;
  std::string error;
  long serial = -1;
  std::string subject;
};

// Connects and handshakes with a client context that `configure` adjusts (versions, ciphers).
template <typename Configure>
Handshake handshake_with(std::uint16_t port, TlsTrust const& trust, Configure&& configure) {
  asio::io_context ioc;
  auto ctx = verifying_client_context(trust);
  configure(ctx.native_handle());
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  auto& tcp = beast::get_lowest_layer(stream);
  tcp.expires_after(std::chrono::seconds(10));
  tcp.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  Handshake out;
  stream.async_handshake(ssl::stream_base::client, [&](boost::system::error_code ec) {
    out.ok = !ec;
    out.error = ec.message();
  });
  ioc.run();
  if (!out.ok) return out;
  if (X509* cert = SSL_get1_peer_certificate(stream.native_handle())) {
    out.serial = ASN1_INTEGER_get(X509_get_serialNumber(cert));
    char name[256];
    X509_NAME_oneline(X509_get_subject_name(cert), name, sizeof name);
    out.subject = name;
    X509_free(cert);
  }
  return out;
}

Handshake handshake(std::uint16_t port, TlsTrust const& trust) {
  return handshake_with(port, trust, [](SSL_CTX*) {});
}

}  // namespace

class Tls : public GatehouseTest {
 protected:
  // A CA, and a server certificate for 127.0.0.1 and localhost signed by it, in the test's
  // directory; the server is started with them.
  void SetUp() override {
    auto const ca = run_command({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                 "-nodes", "-days", "2", "-subj", "/CN=gatehouse-test-ca", "-addext",
                                 "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                                 "-keyout", path("ca.key"), "-out", path("ca.pem")});
    ASSERT_EQ(ca.exit_code, 0) << ca.output;
    trust_.ca_file = dir() / "ca.pem";
    issue("server.pem", "server.key", 1001, "gatehouse-test-server-1");
  }

  void start_tls(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--tls-cert", path("server.pem"), "--tls-key", path("server.key")};
    args.insert(args.end(), extra.begin(), extra.end());
    start(args);
  }

  std::string path(std::string const& name) const { return (dir() / name).string(); }

  // A server certificate (SAN IP:127.0.0.1, DNS:localhost) with this serial and common name.
  void issue(std::string const& cert, std::string const& key, long serial, std::string const& common_name) {
    std::ofstream(dir() / "server.ext") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                           "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n";
    auto const csr = run_command({"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                  "-subj", "/CN=" + common_name, "-keyout", path(key), "-out", path("server.csr")});
    ASSERT_EQ(csr.exit_code, 0) << csr.output;
    auto const signed_cert =
        run_command({"openssl", "x509", "-req", "-days", "2", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey",
                     path("ca.key"), "-set_serial", std::to_string(serial), "-extfile", path("server.ext"), "-out",
                     path(cert)});
    ASSERT_EQ(signed_cert.exit_code, 0) << signed_cert.output;
  }

  HttpResponse request(std::string const& method, std::string const& target, std::string const& body = {},
                       std::string const& token = {}) {
    return https(port(), trust_, method, target, body, token.empty() ? Headers{} : bearer(token));
  }

  std::string anonymous_token(std::string const& device) {
    auto const res = request("POST", "/auth/anonymous", R"({"device_id":")" + device + R"("})");
    EXPECT_EQ(res.status, 200) << res.body;
    return res.status == 200 ? str(res.json(), "token") : std::string();
  }

  std::string research_of(std::string const& token) {
    auto const res = request("POST", "/research", R"({"title":"t"})", token);
    EXPECT_EQ(res.status, 201) << res.body;
    return res.status == 201 ? str(res.json(), "id") : std::string();
  }

  std::int64_t publish(std::string const& token, std::string const& research, std::string const& event) {
    auto const res = request("POST", events_path(research), R"({"event":")" + event + R"(","data":{"n":1}})", token);
    EXPECT_EQ(res.status, 201) << res.body;
    return res.status == 201 ? num(res.json(), "seq") : -1;
  }

  // Sends SIGHUP and waits for the server to say how the reload went (once per test).
  bool reload_and_wait(std::string const& outcome) {
    ::kill(server().pid(), SIGHUP);
    return server().wait_for_output(outcome, std::chrono::seconds(10));
  }

  TlsTrust trust_;
};

TEST_F(Tls, HttpsIsVerifiedByCurlAndByTheCppClient) {
  start_tls();
  EXPECT_TRUE(server().wait_for_output(R"("scheme":"https")", std::chrono::seconds(1))) << server().output();
  std::string const url = "https://127.0.0.1:" + std::to_string(port()) + "/health";
  auto const curl = run_command({"curl", "-sS", "--max-time", "10", "--cacert", path("ca.pem"), url});
  EXPECT_EQ(curl.exit_code, 0) << curl.output;
  EXPECT_NE(curl.output.find(R"("status":"ok")"), std::string::npos) << curl.output;
  // Verification is on: without the CA, curl refuses the certificate (exit 60).
  auto const untrusted = run_command({"curl", "-sS", "--max-time", "10", url});
  EXPECT_EQ(untrusted.exit_code, 60) << untrusted.output;

  auto const res = request("GET", "/health");
  EXPECT_EQ(res.status, 200);
  EXPECT_NE(res.body.find(R"("status":"ok")"), std::string::npos) << res.body;
  auto const shook = handshake(port(), trust_);
  ASSERT_TRUE(shook.ok) << shook.error;
  EXPECT_EQ(shook.serial, 1001);
}

TEST_F(Tls, AnonymousSessionThenWhoamiOverHttps) {
  start_tls();
  std::string const token = anonymous_token("tls-device");
  ASSERT_FALSE(token.empty());
  auto const me = request("GET", "/auth/whoami", {}, token);
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(me.json(), "kind"), "anonymous");
}

TEST_F(Tls, WssSubscribeReceivesAPostedEvent) {
  start_tls();
  std::string const token = anonymous_token("wss-device");
  std::string const research = research_of(token);
  WsClient ws(port(), trust_, "/ws", bearer(token));
  ASSERT_TRUE(IsMessage(ws.receive(), "welcome"));
  ws.send(subscribe_message(research));
  ASSERT_TRUE(IsMessage(ws.receive(), "subscribed"));
  std::int64_t const seq = publish(token, research, "step");
  EXPECT_TRUE(IsEvent(ws.receive(), research, seq));
  ws.send(R"({"type":"ping"})");
  EXPECT_TRUE(IsMessage(ws.receive(), "pong"));
}

TEST_F(Tls, SseOverTlsReceivesAnEvent) {
  start_tls();
  std::string const token = anonymous_token("sse-device");
  std::string const research = research_of(token);
  SseClient sse(port(), trust_, events_path(research), bearer(token));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  EXPECT_EQ(sse.header("Content-Type"), "text/event-stream");
  std::int64_t const seq = publish(token, research, "step");
  EXPECT_TRUE(IsSseEvent(sse.next_event(), std::to_string(seq), "step"));
  publish(token, research, "done");
  EXPECT_TRUE(IsSseEvent(sse.next_event(), std::to_string(seq + 1), "done"));
  EXPECT_TRUE(sse.wait_closed());
}

TEST_F(Tls, StreamsWhoseClientsGoAwayAreLetGo) {
  start_tls();
  std::string const token = anonymous_token("gone-device");
  std::string const research = research_of(token);
  auto sse = std::make_unique<SseClient>(port(), trust_, events_path(research), bearer(token));
  ASSERT_EQ(sse->status(), 200) << sse->body();
  auto ws = std::make_unique<WsClient>(port(), trust_, "/ws", bearer(token));
  ASSERT_TRUE(IsMessage(ws->receive(), "welcome"));
  auto const active = [&](char const* kind) {
    return parse_prometheus_text(request("GET", "/metrics").body)
        .value("gatehouse_streams_active", {{"kind", kind}})
        .value_or(-1);
  };
  ASSERT_EQ(active("sse"), 1);
  ASSERT_EQ(active("ws"), 1);

  // Gone without a close_notify or a close frame: the sockets just close.
  sse.reset();
  ws.reset();
  // Nothing tells the test when the server has noticed: scrape until it shows, under a deadline.
  double sse_open = 1, ws_open = 1;
  for (auto const deadline = Clock::now() + std::chrono::seconds(5);
       (sse_open != 0 || ws_open != 0) && Clock::now() < deadline;) {
    sse_open = active("sse");
    ws_open = active("ws");
  }
  EXPECT_EQ(sse_open, 0);
  EXPECT_EQ(ws_open, 0);
}

TEST_F(Tls, PlaintextHttpToTheTlsPortFailsCleanly) {
  start_tls();
  std::string const answer = raw_exchange(port(), "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(answer.find("HTTP/1.1"), std::string::npos) << "plaintext was answered in plaintext: " << answer;
  EXPECT_EQ(answer.find("status"), std::string::npos) << answer;
  auto const res = request("GET", "/health");
  EXPECT_EQ(res.status, 200) << "the server did not survive plaintext on its TLS port";
  auto const metrics = request("GET", "/metrics");
  EXPECT_NE(metrics.body.find("gatehouse_tls_handshake_failures_total 1"), std::string::npos) << metrics.body;
  EXPECT_TRUE(server().running());
}

TEST_F(Tls, Tls11AndNonAeadCiphersAreRefusedWhileTls12AeadIsServed) {
  start_tls();
  // The client allows everything the server might wrongly accept (security level 0).
  auto const tls11 = handshake_with(port(), trust_, [](SSL_CTX* ctx) {
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
    SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
  });
  EXPECT_FALSE(tls11.ok) << "TLS 1.1 was accepted";
  auto const legacy = run_command({"openssl", "s_client", "-tls1_1", "-connect", "127.0.0.1:" + std::to_string(port()),
                                   "-CAfile", path("ca.pem")});
  EXPECT_EQ(legacy.exit_code, 1) << legacy.output;  // (a handshake that succeeded would exit 0 or hang)
  EXPECT_NE(legacy.output.find("alert protocol version"), std::string::npos) << legacy.output;

  auto const cbc = handshake_with(port(), trust_, [](SSL_CTX* ctx) {
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384");
  });
  EXPECT_FALSE(cbc.ok) << "a TLS 1.2 CBC cipher was accepted";

  auto const tls12 = handshake_with(port(), trust_, [](SSL_CTX* ctx) {
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256");
  });
  EXPECT_TRUE(tls12.ok) << tls12.error;
  auto const tls13 = handshake_with(port(), trust_, [](SSL_CTX* ctx) {
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
  });
  EXPECT_TRUE(tls13.ok) << tls13.error;
}

TEST_F(Tls, AClientStallingMidHandshakeIsDroppedAtTheRequestTimeoutWhileOthersAreServed) {
  start_tls({"--request-timeout", "1"});
  asio::io_context ioc;
  beast::tcp_stream stalled(ioc);
  stalled.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()));
  // The first bytes of a ClientHello record header, then nothing.
  static constexpr char partial_hello[] = {0x16, 0x03, 0x01, 0x02, 0x00};
  asio::write(stalled, asio::buffer(partial_hello, sizeof partial_hello));
  auto const started = Clock::now();

  EXPECT_EQ(request("GET", "/health").status, 200) << "a stalled handshake held up another client";

  char byte = 0;
  beast::error_code ec;
  std::size_t n = 0;
  stalled.expires_after(std::chrono::seconds(10));  // beast::error::timeout: never dropped
  stalled.async_read_some(asio::buffer(&byte, 1), [&](beast::error_code e, std::size_t got) {
    ec = e;
    n = got;
  });
  ioc.run();
  auto const waited = elapsed_since(started);
  EXPECT_EQ(n, 0u);
  EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_LT(waited, std::chrono::seconds(5));
}

TEST_F(Tls, SighupServesANewCertificateToNewConnectionsAndKeepsOpenStreams) {
  start_tls();
  std::string const token = anonymous_token("reload-device");
  std::string const research = research_of(token);
  WsClient ws(port(), trust_, "/ws", bearer(token));
  ASSERT_TRUE(IsMessage(ws.receive(), "welcome"));
  ws.send(subscribe_message(research));
  ASSERT_TRUE(IsMessage(ws.receive(), "subscribed"));
  ASSERT_EQ(handshake(port(), trust_).serial, 1001);

  issue("server.pem", "server.key", 2002, "gatehouse-test-server-2");
  ASSERT_TRUE(reload_and_wait("TLS certificate reloaded")) << server().output();

  auto const fresh = handshake(port(), trust_);
  ASSERT_TRUE(fresh.ok) << fresh.error;
  EXPECT_EQ(fresh.serial, 2002);
  EXPECT_NE(fresh.subject.find("gatehouse-test-server-2"), std::string::npos) << fresh.subject;
  std::int64_t const seq = publish(token, research, "after-reload");
  EXPECT_TRUE(IsEvent(ws.receive(), research, seq)) << "the stream opened before the reload was lost";
  EXPECT_FALSE(ws.closed());
}

TEST_F(Tls, ABrokenCertificateAtSighupKeepsTheOldOne) {
  start_tls();
  std::ofstream(dir() / "server.pem", std::ios::trunc) << "-----BEGIN CERTIFICATE-----\nbroken\n";
  ASSERT_TRUE(reload_and_wait("TLS certificate reload failed")) << server().output();
  auto const still = handshake(port(), trust_);
  ASSERT_TRUE(still.ok) << still.error;
  EXPECT_EQ(still.serial, 1001);
  EXPECT_EQ(request("GET", "/health").status, 200);
}

TEST_F(Tls, AKeyThatDoesNotMatchTheCertificateIsAStartupError) {
  issue("other.pem", "other.key", 3003, "gatehouse-test-other");
  try {
    start({"--tls-cert", path("server.pem"), "--tls-key", path("other.key")});
    ADD_FAILURE() << "started with a mismatched key";
  } catch (std::runtime_error const& e) {
    EXPECT_NE(std::string(e.what()).find("does not match the certificate"), std::string::npos) << e.what();
  }
  try {
    start({"--tls-cert", path("missing.pem"), "--tls-key", path("server.key")});
    ADD_FAILURE() << "started without a certificate file";
  } catch (std::runtime_error const& e) {
    EXPECT_NE(std::string(e.what()).find("missing.pem cannot be read"), std::string::npos) << e.what();
  }
}

}  // namespace gatehouse::testing
