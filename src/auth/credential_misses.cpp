#include "gatehouse/auth/credential_misses.hpp"

namespace gatehouse::auth {

void CredentialMisses::note(crypto::Sha256Digest const& hash, UnixSeconds now) {
  std::lock_guard lock(mutex_);
  if (missed_.size() >= max_entries) {
    std::erase_if(missed_, [now](auto const& e) { return e.second + remember_for <= now; });
    // Still full of fresh misses (a flood of distinct made-up tokens): start over; the failed-auth
    // rate limit bounds what each client can make us read.
    if (missed_.size() >= max_entries) missed_.clear();
  }
  missed_[hash] = now;
}

bool CredentialMisses::recently_missed(crypto::Sha256Digest const& hash, UnixSeconds now) const {
  std::lock_guard lock(mutex_);
  auto it = missed_.find(hash);
  return it != missed_.end() && now < it->second + remember_for;
}

}  // namespace gatehouse::auth
