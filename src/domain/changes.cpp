#include "gatehouse/domain/changes.hpp"

#include "gatehouse/crypto/base64url.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstring>

namespace gatehouse::domain {

namespace json = boost::json;

namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

json::value nullable(std::optional<std::string> const& s) { return s ? json::value(*s) : json::value(nullptr); }
json::value nullable(std::optional<std::int64_t> const& n) { return n ? json::value(*n) : json::value(nullptr); }

std::string digest_text(crypto::Sha256Digest const& d) {
  return crypto::base64url_encode(std::string_view(reinterpret_cast<char const*>(d.data()), d.size()));
}

bool digest_of(json::value const& v, crypto::Sha256Digest& out) {
  if (!v.is_string()) return false;
  auto bytes = crypto::base64url_decode(v.get_string());
  if (!bytes || bytes->size() != out.size()) return false;
  std::memcpy(out.data(), bytes->data(), out.size());
  return true;
}

json::array ids(std::vector<std::string> const& v) {
  json::array a;
  for (auto const& s : v) a.emplace_back(s);
  return a;
}

// Readers for the decoder: a missing or mistyped field throws, and the body is skipped.
std::string text(json::object const& o, std::string_view key) { return std::string(o.at(key).as_string()); }
std::int64_t integer(json::object const& o, std::string_view key) { return o.at(key).as_int64(); }
std::optional<std::string> opt_text(json::object const& o, std::string_view key) {
  auto const& v = o.at(key);
  if (v.is_null()) return std::nullopt;
  return std::string(v.as_string());
}
std::optional<std::int64_t> opt_integer(json::object const& o, std::string_view key) {
  auto const& v = o.at(key);
  if (v.is_null()) return std::nullopt;
  return v.as_int64();
}
std::vector<std::string> text_list(json::object const& o, std::string_view key) {
  std::vector<std::string> out;
  for (auto const& v : o.at(key).as_array()) out.emplace_back(v.as_string());
  return out;
}

}  // namespace

std::string encode(Change const& change) {
  json::object o = std::visit(
      Overloaded{
          [](SessionMinted const& c) {
            auto const& s = c.session;
            return json::object{{"type", "session_minted"},
                                {"id", s.id},
                                {"token_hash", digest_text(s.token_hash)},
                                {"principal_id", s.principal_id},
                                {"kind", store::to_string(s.kind)},
                                {"created_at", s.created_at},
                                {"expires_at", s.expires_at},
                                {"revoked_at", nullable(s.revoked_at)},
                                {"user_agent", nullable(s.user_agent)},
                                {"family_id", nullable(s.family_id)}};
          },
          [](SessionsRevoked const& c) { return json::object{{"type", "sessions_revoked"}, {"ids", ids(c.session_ids)}}; },
          [](SessionsPurged const& c) { return json::object{{"type", "sessions_purged"}, {"ids", ids(c.session_ids)}}; },
          [](SessionsExtended const& c) {
            json::array expiries;
            for (auto const& [id, at] : c.expiries) expiries.push_back(json::array{json::value(id), json::value(at)});
            return json::object{{"type", "sessions_extended"}, {"expiries", std::move(expiries)}};
          },
          [](ApiKeyCreated const& c) {
            auto const& k = c.key;
            return json::object{{"type", "api_key_created"},
                                {"id", k.id},
                                {"user_id", k.user_id},
                                {"name", k.name},
                                {"scopes", static_cast<std::int64_t>(k.scopes)},
                                {"key_hash", digest_text(k.key_hash)},
                                {"tail", k.tail},
                                {"active", k.active},
                                {"created_at", k.created_at},
                                {"expires_at", nullable(k.expires_at)},
                                {"last_used_at", nullable(k.last_used_at)}};
          },
          [](ApiKeyRevoked const& c) { return json::object{{"type", "api_key_revoked"}, {"id", c.key_id}}; },
          [](EventCommitted const& c) {
            auto const& e = c.event;
            return json::object{{"type", "event_committed"}, {"research_id", e.research_id}, {"seq", e.seq},
                                {"event", e.event},          {"data", e.data_json},          {"created_at", e.created_at}};
          },
      },
      change);
  return json::serialize(o);
}

std::optional<Change> decode(std::string_view body) {
  try {
    json::object const o = json::parse(body).as_object();
    std::string_view const type = o.at("type").as_string();
    if (type == "session_minted") {
      store::SessionRecord s;
      s.id = text(o, "id");
      if (!digest_of(o.at("token_hash"), s.token_hash)) return std::nullopt;
      s.principal_id = text(o, "principal_id");
      s.kind = text(o, "kind") == "user" ? store::PrincipalKind::user : store::PrincipalKind::anonymous;
      s.created_at = integer(o, "created_at");
      s.expires_at = integer(o, "expires_at");
      s.revoked_at = opt_integer(o, "revoked_at");
      s.user_agent = opt_text(o, "user_agent");
      // Absent in changes written by a node older than refresh families (a rolling upgrade).
      if (o.contains("family_id")) s.family_id = opt_text(o, "family_id");
      return SessionMinted{std::move(s)};
    }
    if (type == "sessions_revoked") return SessionsRevoked{text_list(o, "ids")};
    if (type == "sessions_purged") return SessionsPurged{text_list(o, "ids")};
    if (type == "sessions_extended") {
      SessionsExtended c;
      for (auto const& pair : o.at("expiries").as_array()) {
        auto const& p = pair.as_array();
        c.expiries.emplace_back(std::string(p.at(0).as_string()), p.at(1).as_int64());
      }
      return c;
    }
    if (type == "api_key_created") {
      store::ApiKeyRecord k;
      k.id = text(o, "id");
      k.user_id = text(o, "user_id");
      k.name = text(o, "name");
      k.scopes = static_cast<std::uint32_t>(integer(o, "scopes"));
      if (!digest_of(o.at("key_hash"), k.key_hash)) return std::nullopt;
      k.tail = text(o, "tail");
      k.active = o.at("active").as_bool();
      k.created_at = integer(o, "created_at");
      k.expires_at = opt_integer(o, "expires_at");
      k.last_used_at = opt_integer(o, "last_used_at");
      return ApiKeyCreated{std::move(k)};
    }
    if (type == "api_key_revoked") return ApiKeyRevoked{text(o, "id")};
    if (type == "event_committed") {
      return EventCommitted{store::EventRecord{text(o, "research_id"), integer(o, "seq"), text(o, "event"),
                                               text(o, "data"), integer(o, "created_at")}};
    }
  } catch (std::exception const&) {
  }
  return std::nullopt;
}

}  // namespace gatehouse::domain
