#include "actors/node.hpp"

#include <caf/io/all.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>

#include "memory_chain.hpp"
#include "net/messages.hpp"
#include "test_support.hpp"

namespace ac::actors {
namespace {

using testing::make_test_chain;
using testing::MemoryChain;

struct NodesOverLoopback : ::testing::Test {
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> system;
  std::unique_ptr<caf::scoped_actor> self;
  std::vector<NodeActors> nodes;

  NodesOverLoopback() {
    config.load<caf::io::middleman>();
    config.set("scheduler.max-threads", size_t{2});
    system = std::make_unique<caf::actor_system>(config);
    self = std::make_unique<caf::scoped_actor>(*system);
  }
  ~NodesOverLoopback() override {
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

  // Waits until `endpoint` is a peer of `node` whose handshake is done (20 s at most).
  bool await_peer(const NodeActor& node, const std::string& endpoint) {
    bool ready = false;
    (*self)
        ->request(node, std::chrono::seconds(20), AwaitPeer{endpoint})
        .receive([&](bool answer) { ready = answer; }, [](caf::error&) {});
    return ready;
  }

  // Waits for TipChanged from `chain` until its height reaches `height`.
  TipInfo await_height(const ChainActor& chain, int height) {
    TipInfo tip;
    (*self)->send(chain, SubscribeTipChanged{testing::as<TipChangedListener>(*self)});
    (*self)
        ->request(chain, std::chrono::seconds(5), GetTip{})
        .receive([&](const TipInfo& t) { tip = t; }, [](caf::error&) {});
    // One deadline for the whole wait: other messages in the mailbox must not extend it.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (tip.height < height && std::chrono::steady_clock::now() < deadline) {
      (*self)->receive([&](const TipChanged& change) { tip = change.tip; },
                       caf::after(std::chrono::milliseconds(200)) >> [] {});
    }
    return tip;
  }

  void submit(const ChainActor& chain, const Block& block) {
    (*self)
        ->request(chain, std::chrono::seconds(10),
                  SubmitBlock{std::make_shared<const Block>(block), SessionActor{}})
        .receive([](const BlockVerdict& verdict) { EXPECT_TRUE(verdict.accepted); },
                 [](caf::error&) { ADD_FAILURE(); });
  }
};

TEST_F(NodesOverLoopback, EmptyNodeAdoptsGenesisAndSyncsThePeersChain) {
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

TEST_F(NodesOverLoopback, NewTipIsRelayedToConnectedPeer) {
  auto blocks = make_test_chain(4, 6);
  auto chain_a = std::make_shared<MemoryChain>();
  auto chain_b = std::make_shared<MemoryChain>();
  ASSERT_TRUE(chain_a->create_genesis(blocks[0]).ok());
  ASSERT_TRUE(chain_b->create_genesis(blocks[0]).ok());
  NodeActors a = start(chain_a, {});
  NodeActors b = start(chain_b, {"127.0.0.1:" + std::to_string(a.port)});
  // Blocks A connects before B's handshake reach B by getblocks, later ones by A's relay.
  for (size_t i = 1; i < blocks.size(); ++i) submit(a.chain, blocks[i]);
  TipInfo tip = await_height(b.chain, 3);
  EXPECT_EQ(tip.hash, blocks.back().hash());
}

// A peer of the central node learns the other peers' listening addresses from it and connects
// to them, so blocks flow between them even without the central node.
TEST_F(NodesOverLoopback, PeersLearnEachOtherThroughTheCentralNode) {
  auto blocks = make_test_chain(3, 7);
  std::vector<std::shared_ptr<MemoryChain>> chains;
  for (int i = 0; i < 3; ++i) {
    chains.push_back(std::make_shared<MemoryChain>());
    ASSERT_TRUE(chains.back()->create_genesis(blocks[0]).ok());
  }
  NodeActors central = start(chains[0], {});
  std::string central_endpoint = "127.0.0.1:" + std::to_string(central.port);
  NodeActors wallet = start(chains[1], {central_endpoint});
  std::string wallet_endpoint = "127.0.0.1:" + std::to_string(wallet.port);
  ASSERT_TRUE(await_peer(central.node, wallet_endpoint));
  NodeActors miner = start(chains[2], {central_endpoint});
  ASSERT_TRUE(await_peer(miner.node, wallet_endpoint));
  stop_node_actors(central);
  for (size_t i = 1; i < blocks.size(); ++i) submit(miner.chain, blocks[i]);
  EXPECT_EQ(await_height(wallet.chain, 2).hash, blocks[2].hash());
}

// What the node says of its peer at `endpoint` (getpeerinfo's source); fails the test when
// there is none.
PeerDetail detail_of(caf::scoped_actor& self, const NodeActor& node, const std::string& endpoint) {
  std::vector<PeerDetail> details;
  self->request(node, std::chrono::seconds(10), GetPeerDetails{})
      .receive([&](std::vector<PeerDetail>& answer) { details = std::move(answer); },
               [](caf::error&) { ADD_FAILURE() << "no peer details"; });
  for (const PeerDetail& detail : details)
    if (detail.endpoint == endpoint) return detail;
  ADD_FAILURE() << "no peer " << endpoint;
  return {};
}

// Core's connection types: a peer dialled because --connect or addnode named it is "manual";
// one dialled to fill an outbound slot from the address book is not.
TEST_F(NodesOverLoopback, PeersNamedByConnectOrAddnodeAreManualOthersAreNot) {
  auto blocks = make_test_chain(1, 8);
  std::vector<std::shared_ptr<MemoryChain>> chains;
  for (int i = 0; i < 4; ++i) {
    chains.push_back(std::make_shared<MemoryChain>());
    ASSERT_TRUE(chains.back()->create_genesis(blocks[0]).ok());
  }
  NodeActors target = start(chains[0], {});
  std::string target_endpoint = "127.0.0.1:" + std::to_string(target.port);
  NodeActors by_connect = start(chains[1], {target_endpoint});
  NodeActors by_addnode = start(chains[2], {});
  (*self)->send(by_addnode.node, ConnectTo{target_endpoint});
  NodeActors by_address_book = start(chains[3], {});
  auto address = net::NetAddress::from_endpoint(target_endpoint, net::kNodeNetwork);
  ASSERT_TRUE(address);
  (*self)->send(by_address_book.node, AddressesLearned{SessionActor{}, AddressList{{0, *address}}});
  for (const NodeActors* dialler : {&by_connect, &by_addnode, &by_address_book})
    ASSERT_TRUE(await_peer(dialler->node, target_endpoint));
  PeerDetail connect_detail = detail_of(*self, by_connect.node, target_endpoint);
  EXPECT_FALSE(connect_detail.inbound);
  EXPECT_TRUE(connect_detail.manual);
  PeerDetail addnode_detail = detail_of(*self, by_addnode.node, target_endpoint);
  EXPECT_FALSE(addnode_detail.inbound);
  EXPECT_TRUE(addnode_detail.manual);
  PeerDetail slot_detail = detail_of(*self, by_address_book.node, target_endpoint);
  EXPECT_FALSE(slot_detail.inbound);
  EXPECT_FALSE(slot_detail.manual);
}

// The address book's entry for `endpoint` (every dial the node makes is recorded there first).
std::optional<net::AddressInfo> book_entry(caf::scoped_actor& self, const NodeActors& node,
                                           const std::string& endpoint) {
  // A round trip to the node first: what it sent the book before answering is in the book's
  // mailbox before the question.
  self->request(node.node, std::chrono::seconds(10), GetReadyPeers{})
      .receive([](const std::vector<std::string>&) {}, [](caf::error&) { ADD_FAILURE(); });
  std::optional<net::AddressInfo> found;
  self->request(node.address_book, std::chrono::seconds(10), ListAddresses{})
      .receive(
          [&](const AddressInfoList& entries) {
            for (const auto& entry : entries)
              if (entry.endpoint() == endpoint) found = entry;
          },
          [](caf::error&) { ADD_FAILURE(); });
  return found;
}

// Once its shutdown begins (SIGTERM) a node dials no one, not even a peer addnode names: the
// central node of the demo used to log a failed dial to a node stopped before it.
TEST_F(NodesOverLoopback, DialsNoOneOnceShutdownBegins) {
  NodeActors a = start(std::make_shared<MemoryChain>(), {});
  // Nothing listens on ports 1 and 2: the dials fail, but each is recorded when it starts.
  (*self)->send(a.node, ConnectTo{"127.0.0.1:1"});
  auto before = book_entry(*self, a, "127.0.0.1:1");
  ASSERT_TRUE(before);
  EXPECT_GE(before->attempts, 1u);  // what the check below would see of a dial
  begin_node_shutdown(a);
  (*self)->send(a.node, ConnectTo{"127.0.0.1:2"});
  auto after = book_entry(*self, a, "127.0.0.1:2");
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->pinned);
  EXPECT_EQ(after->attempts, 0u);
  EXPECT_EQ(after->last_attempt, 0);
}

// Reads until the node closes the connection; false on timeout.
bool closed_by_peer(int fd) {
  char buffer[4096];
  while (true) {
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n == 0) return true;
    if (n < 0) return false;
  }
}

TEST_F(NodesOverLoopback, DisconnectsPeerSendingBadMagic) {
  NodeActors a = start(std::make_shared<MemoryChain>(), {});
  int fd = testing::connect_loopback(a.port);
  ASSERT_GE(fd, 0);
  Bytes frame = net::encode_frame(net::Magic{1, 2, 3, 4}, net::Message{net::Verack{}});
  ASSERT_EQ(send(fd, frame.data(), frame.size(), 0), static_cast<ssize_t>(frame.size()));
  EXPECT_TRUE(closed_by_peer(fd));
  close(fd);
}

TEST_F(NodesOverLoopback, DisconnectsPeerSendingUndecodablePayload) {
  NodeActors a = start(std::make_shared<MemoryChain>(), {});
  int fd = testing::connect_loopback(a.port);
  ASSERT_GE(fd, 0);
  Bytes payload{0x01, 0x02, 0x03};
  Bytes frame = net::encode_message(quick_params().magic, "version", payload);
  ASSERT_EQ(send(fd, frame.data(), frame.size(), 0), static_cast<ssize_t>(frame.size()));
  EXPECT_TRUE(closed_by_peer(fd));
  close(fd);
}

}  // namespace
}  // namespace ac::actors
