// Shared pieces of the actor tests: an actor system on the real scheduler, a LogSink whose
// lines the test can read back, blocking request helpers, and a way for the test's own
// (dynamically typed) scoped actor to stand in for a typed listener.
#pragma once

#include <caf/all.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "actors/log_sink.hpp"

namespace ac::actors::testing {

// The test's scoped actor as a typed handle, so it can subscribe to an actor's events and
// receive them with `receive`.
template <class Handle>
Handle as(const caf::scoped_actor& self) {
  return caf::actor_cast<Handle>(caf::actor{self});
}

// A TCP connection to 127.0.0.1:`port` whose reads give up after 20 s; -1 when it failed.
inline int connect_loopback(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{20, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// How many entries `folder` lists: /proc/self/fd, the open descriptors; /proc/self/task, the
// threads.
inline size_t entries_in(const char* folder) {
  size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder)) ++count;
  return count;
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
