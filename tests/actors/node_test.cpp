#include "actors/node.hpp"

#include <caf/io/all.hpp>

#include "actors/messages.hpp"
#include "memory_chain.hpp"
#include "test_support.hpp"

namespace ac::actors {
namespace {

using testing::make_test_chain;
using testing::MemoryChain;

struct TwoNodes : ::testing::Test {
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> system;
  std::unique_ptr<caf::scoped_actor> self;
  std::vector<NodeActors> nodes;

  TwoNodes() {
    config.load<caf::io::middleman>();
    config.set("scheduler.max-threads", size_t{2});
    system = std::make_unique<caf::actor_system>(config);
    self = std::make_unique<caf::scoped_actor>(*system);
  }
  ~TwoNodes() override {
    for (const NodeActors& node : nodes) stop_node_actors(node);
  }

  NodeActors start(std::shared_ptr<MemoryChain> chain, std::vector<std::string> connect) {
    NodeConfig node_config;
    node_config.params = quick_params();
    node_config.connect = std::move(connect);
    node_config.log = std::make_shared<LogSink>(std::to_string(nodes.size()), std::tmpfile());
    auto started = start_node_actors(*system, node_config, std::move(chain));
    EXPECT_TRUE(started.ok());
    nodes.push_back(*started);
    return *started;
  }

  // Waits for TipChanged from `chain` until its height reaches `height`.
  TipInfo await_height(const caf::actor& chain, int height) {
    TipInfo tip;
    (*self)->send(chain, subscribe_atom::value, caf::actor{*self});
    (*self)
        ->request(chain, std::chrono::seconds(5), tip_atom::value)
        .receive([&](const TipInfo& t) { tip = t; }, [](caf::error&) {});
    bool timed_out = false;
    while (tip.height < height && !timed_out) {
      (*self)->receive([&](const TipChanged& change) { tip = change.tip; },
                       caf::after(std::chrono::seconds(20)) >> [&] { timed_out = true; });
    }
    return tip;
  }
};

TEST_F(TwoNodes, EmptyNodeAdoptsGenesisAndSyncsThePeersChain) {
  auto blocks = make_test_chain(30, 5);
  auto full = std::make_shared<MemoryChain>();
  ASSERT_TRUE(full->create_genesis(blocks[0]).ok());
  for (size_t i = 1; i < blocks.size(); ++i) ASSERT_TRUE(full->accept_block(blocks[i]).accepted);
  NodeActors a = start(full, {});
  NodeActors b = start(std::make_shared<MemoryChain>(), {"127.0.0.1:" + std::to_string(a.port)});
  TipInfo tip = await_height(b.chain, 29);
  EXPECT_EQ(tip.height, 29);
  EXPECT_EQ(tip.hash, blocks.back().hash());
}

TEST_F(TwoNodes, NewTipIsRelayedToConnectedPeer) {
  auto blocks = make_test_chain(4, 6);
  auto chain_a = std::make_shared<MemoryChain>();
  auto chain_b = std::make_shared<MemoryChain>();
  ASSERT_TRUE(chain_a->create_genesis(blocks[0]).ok());
  ASSERT_TRUE(chain_b->create_genesis(blocks[0]).ok());
  NodeActors a = start(chain_a, {});
  NodeActors b = start(chain_b, {"127.0.0.1:" + std::to_string(a.port)});
  (*self)->send(b.chain, subscribe_atom::value, caf::actor{*self});
  // Blocks A connects before B's handshake reach B by getblocks, later ones by A's relay.
  for (size_t i = 1; i < blocks.size(); ++i)
    (*self)->send(a.chain, submit_block_atom::value, std::make_shared<const Block>(blocks[i]),
                  caf::actor{});
  TipInfo tip = await_height(b.chain, 3);
  EXPECT_EQ(tip.hash, blocks.back().hash());
}

}  // namespace
}  // namespace ac::actors
