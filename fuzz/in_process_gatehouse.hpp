#pragma once
// A whole gatehouse in this process, without a listener: the real Services (database thread on
// a fresh SQLite file, registries, JWKS provider reading the fixed fuzz JWKS from a file), the
// real routes and dispatcher, driven one request at a time on a local io_context. Rate limits
// are off so that a long run keeps reaching the handlers.
#include "gatehouse/api/dispatcher.hpp"
#include "gatehouse/api/request.hpp"
#include "gatehouse/api/response.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace gatehouse::fuzz {

class InProcessGatehouse {
 public:
  InProcessGatehouse();
  ~InProcessGatehouse();

  // Runs the dispatcher on req until its response is ready.
  api::Response dispatch(api::Request const& req);

  // Live credentials made at start, for inputs to use (see fuzz_http.cpp's placeholders).
  std::string const& anonymous_session() const { return anonymous_session_; }
  std::string const& user_session() const { return user_session_; }
  std::string const& api_key() const { return api_key_; }
  // A Clerk JWT signed with the fixed fuzz key, valid for an hour from now.
  std::string const& clerk_jwt() const { return clerk_jwt_; }
  // A research item of the anonymous session's principal, with one event.
  std::string const& research_id() const { return research_id_; }

 private:
  struct Parts;
  std::filesystem::path dir_;
  std::unique_ptr<Parts> parts_;
  std::string anonymous_session_, user_session_, api_key_, clerk_jwt_, research_id_;
};

}  // namespace gatehouse::fuzz
