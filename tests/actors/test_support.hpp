// Shared pieces of the actor tests: an actor system on the real scheduler, a LogSink whose
// lines the test can read back, blocking request helpers, and a way for the test's own
// (dynamically typed) scoped actor to stand in for a typed listener.
#pragma once

#include <caf/all.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "actors/log_sink.hpp"

namespace ac::actors::testing {

// The test's scoped actor as a typed handle, so it can subscribe to an actor's events and
// receive them with `receive`.
template <class Handle>
Handle as(const caf::scoped_actor& self) {
  return caf::actor_cast<Handle>(caf::actor{self});
}

inline std::shared_ptr<LogSink> captured_log() {
  return std::make_shared<LogSink>("9999", std::tmpfile());
}

struct ActorSystemTest : ::testing::Test {
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> system;
  std::unique_ptr<caf::scoped_actor> self;

  ActorSystemTest() {
    config.set("scheduler.max-threads", size_t{2});
    system = std::make_unique<caf::actor_system>(config);
    self = std::make_unique<caf::scoped_actor>(*system);
  }

  // The reply of `dest` to `args`, or a test failure.
  template <class Reply, class Handle, class... Ts>
  Reply ask(const Handle& dest, Ts&&... args) {
    Reply out{};
    (*self)
        ->request(dest, std::chrono::seconds(10), std::forward<Ts>(args)...)
        .receive([&](Reply& reply) { out = std::move(reply); },
                 [&](caf::error& error) { ADD_FAILURE() << system->render(error); });
    return out;
  }
};

}  // namespace ac::actors::testing
