// Nodes stopped while their sockets are just starting: the listening socket right after the
// start, a connection being accepted, a dial being adopted. CAF 0.17 loses a socket asked to
// start and to stop in the same multiplexer round (actors/next_round.hpp): its handler keeps
// itself alive and its descriptor open. So once a round's actor system is gone, every socket of
// the round must be closed (and the sanitizer build's LeakSanitizer must find nothing at exit).
#include <caf/io/all.hpp>

#include <unistd.h>

#include <cstdio>
#include <thread>

#include "actors/node.hpp"
#include "memory_chain.hpp"
#include "test_support.hpp"

namespace ac::actors {
namespace {

NodeActors start(caf::actor_system& system, std::FILE* log, std::vector<std::string> connect) {
  NodeConfig config;
  config.params = quick_params();
  config.connect = std::move(connect);
  config.log = std::make_shared<LogSink>("9999", log);
  auto started = start_node_actors(system, config, std::make_shared<testing::MemoryChain>());
  EXPECT_TRUE(started.ok());
  return started.ok() ? *started : NodeActors{};
}

TEST(NodeShutdown, NodesStoppedAsTheirSocketsStartLeaveNoSocketOpen) {
  std::FILE* log = std::tmpfile();  // a LogSink does not close its file
  size_t before = testing::entries_in("/proc/self/fd");
  // Each round stops two nodes a little later than the last (0 to 3 ms after the start), so
  // that the rounds sweep over the moments when the listeners, the dial of b to a and the
  // connections accepted by a make their first turn. The wait varies the timing; it
  // synchronises nothing.
  for (int round = 0; round < 40; ++round) {
    caf::actor_system_config config;
    config.load<caf::io::middleman>();
    config.set("scheduler.max-threads", size_t{2});
    caf::actor_system system{config};
    NodeActors a = start(system, log, {});
    NodeActors b = start(system, log, {"127.0.0.1:" + std::to_string(a.port)});
    int client = testing::connect_loopback(a.port);  // an inbound connection, silent
    std::this_thread::sleep_for(std::chrono::microseconds(75 * round));
    stop_node_actors(a);
    stop_node_actors(b);
    if (client >= 0) close(client);
    // The system waits here for every actor, the brokers included, to be done.
  }
  EXPECT_EQ(testing::entries_in("/proc/self/fd"), before);
  std::fclose(log);
}

}  // namespace
}  // namespace ac::actors
