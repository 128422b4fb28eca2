#pragma once
// A registration that releases itself: while it lives, its owner (a registry) counts the
// registered thing; destroying or releasing it removes it, however the code that held it ended.
// Owner declares `friend class Registration<Owner>;` and a `void remove(std::uint64_t id)`.
#include <cstdint>

namespace gatehouse {

template <typename Owner>
class Registration {
 public:
  Registration() = default;
  Registration(Owner* owner, std::uint64_t id) : owner_(owner), id_(id) {}
  Registration(Registration&& other) noexcept : owner_(other.owner_), id_(other.id_) { other.owner_ = nullptr; }
  Registration& operator=(Registration&& other) noexcept {
    if (this != &other) {
      release();
      owner_ = other.owner_;
      id_ = other.id_;
      other.owner_ = nullptr;
    }
    return *this;
  }
  Registration(Registration const&) = delete;
  Registration& operator=(Registration const&) = delete;
  ~Registration() { release(); }

  void release() {
    if (owner_) owner_->remove(id_);
    owner_ = nullptr;
  }

 private:
  Owner* owner_ = nullptr;
  std::uint64_t id_ = 0;
};

}  // namespace gatehouse
