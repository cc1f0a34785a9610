// The RPC server's worker threads: none while no client came, one per connection served at
// once up to --rpc-threads, and gone after stop().
#include "actors/rpc_server.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace ac::actors {
namespace {

size_t thread_count() {
  return testing::entries_in("/proc/self/task");
}

// Polls until the process runs `expected` threads (10 s at most); the count then.
size_t await_threads(size_t expected) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (thread_count() != expected && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return thread_count();
}

// A connection that sends nothing: it holds a worker until the server's timeout.
int connect_idle(uint16_t port) {
  int fd = testing::connect_loopback(port);
  EXPECT_GE(fd, 0);
  return fd;
}

TEST(RpcServerThreads, WorkersStartWithConnectionsUpToTheLimitAndStopWithTheServer) {
  size_t before = thread_count();
  RpcServerConfig config;
  config.credentials = "user:password";
  config.threads = 3;
  config.work_queue = 64;
  auto server = RpcServer::start(config, std::make_shared<const rpc::Dispatcher>());
  ASSERT_TRUE(server.ok());
  // The listening thread alone.
  EXPECT_EQ(await_threads(before + 1), before + 1);
  std::vector<int> clients;
  clients.push_back(connect_idle((*server)->port()));
  EXPECT_EQ(await_threads(before + 2), before + 2);
  // Five connections at once: three are served, two wait for a worker; none is answered 503,
  // so the overflow lane starts no thread either.
  for (int i = 0; i < 4; ++i) clients.push_back(connect_idle((*server)->port()));
  EXPECT_EQ(await_threads(before + 4), before + 4);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // no fourth worker comes
  EXPECT_EQ(thread_count(), before + 4);
  for (int fd : clients) close(fd);
  (*server)->stop();
  EXPECT_EQ(thread_count(), before);
}

}  // namespace
}  // namespace ac::actors
