// Registrations release themselves: a stream or connection is counted exactly as long as its
// guard lives, however the code holding it ends (an exception included), and a stream that
// registers after shutdown began is closed at once.
#include "gatehouse/net/connection_registry.hpp"
#include "gatehouse/streams/stream_registry.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using namespace gatehouse;
using streams::CloseReason;
using streams::Outbox;
using streams::StreamRegistry;

TEST(StreamRegistration, ReleasedWhenTheGuardGoesEvenByAnException) {
  StreamRegistry registry;
  auto outbox = std::make_shared<Outbox>(8);
  try {
    auto const guard = registry.add({"s1"}, outbox, StreamRegistry::Kind::sse);
    EXPECT_EQ(registry.count(StreamRegistry::Kind::sse), 1u);
    throw std::runtime_error("replay failed");
  } catch (std::runtime_error const&) {
  }
  EXPECT_EQ(registry.count(StreamRegistry::Kind::sse), 0u);
  registry.close_credential("s1", CloseReason::revoked);
  EXPECT_EQ(outbox->close_reason(), CloseReason::none) << "a released stream was still reachable by its credential";
}

TEST(StreamRegistration, AMovedGuardReleasesOnce) {
  StreamRegistry registry;
  auto outbox = std::make_shared<Outbox>(8);
  StreamRegistry::Registration kept;
  {
    auto guard = registry.add({"s1", "k1"}, outbox, StreamRegistry::Kind::ws);
    kept = std::move(guard);
  }
  EXPECT_EQ(registry.count(StreamRegistry::Kind::ws), 1u);
  registry.close_credential("k1", CloseReason::revoked);
  EXPECT_EQ(outbox->close_reason(), CloseReason::revoked);
  kept.release();
  kept.release();
  EXPECT_EQ(registry.count(StreamRegistry::Kind::ws), 0u);
}

TEST(StreamRegistration, AStreamRegisteredAfterCloseAllIsClosedAtOnce) {
  StreamRegistry registry;
  auto early = std::make_shared<Outbox>(8);
  auto const early_guard = registry.add({"s1"}, early, StreamRegistry::Kind::sse);
  registry.close_all(CloseReason::shutdown);
  EXPECT_EQ(early->close_reason(), CloseReason::shutdown);
  auto late = std::make_shared<Outbox>(8);
  auto const late_guard = registry.add({"s2"}, late, StreamRegistry::Kind::ws);
  EXPECT_EQ(late->close_reason(), CloseReason::shutdown);
}

TEST(ConnectionRegistration, CountedWhileTheGuardLivesAndShutdownFinishesWhenTheLastGoes) {
  net::ConnectionRegistry registry;
  bool empty = false;
  {
    auto const a = registry.add([] {});
    auto b = registry.add([] {});
    EXPECT_EQ(registry.active(), 2u);
    auto moved = std::move(b);
    EXPECT_EQ(registry.active(), 2u);
    registry.shutdown([&empty] { empty = true; });
    EXPECT_FALSE(empty);
  }
  EXPECT_EQ(registry.active(), 0u);
  EXPECT_TRUE(empty);
}

}  // namespace
