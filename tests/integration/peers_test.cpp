// Twenty nodes on 127.0.0.1 keep themselves connected as real nodes do (issue 11): each syncs,
// no node exceeds its outbound slots or --max-peers, the CLI's `send` gets into a full node,
// a transaction sent while the miner was offline is mined once it is back, killing the
// bootstrap node leaves everyone connected (a block mined afterwards reaches every node), and
// the restarted bootstrap is reconnected by the nodes that name it.
#include <gtest/gtest.h>

#include <memory>
#include <regex>

#include "tests/integration/quick_chain_test.hpp"

namespace ac::test {
namespace {

using namespace std::chrono_literals;

constexpr int kNodes = 20;
constexpr int kMaxOutbound = 3;

struct ConnectionCounts {
  int outbound = 0;
  int bootstrap = 0;
  int inbound = 0;
  int all = 0;
};

// Every "..., A outbound, B bootstrap, C inbound, D in all" a node logged, in order.
std::vector<ConnectionCounts> connection_counts(const std::string& output) {
  static const std::regex pattern(
      R"((\d+) outbound, (\d+) bootstrap, (\d+) inbound, (\d+) in all)");
  std::vector<ConnectionCounts> out;
  for (std::sregex_iterator it(output.begin(), output.end(), pattern), end; it != end; ++it)
    out.push_back(ConnectionCounts{std::stoi((*it)[1]), std::stoi((*it)[2]), std::stoi((*it)[3]),
                                   std::stoi((*it)[4])});
  return out;
}

size_t count_of(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

class TwentyNodes : public QuickChainTest {
 protected:
  struct Node {
    uint16_t port = 0;
    std::vector<std::string> args;  // startnode options
    int max_outbound = kMaxOutbound;
    int max_peers = 125;
    std::unique_ptr<NodeProcess> process;
    std::string earlier_output;  // of its runs before the current one
  };

  Node& add(std::vector<std::string> args, int max_outbound = kMaxOutbound, int max_peers = 125) {
    Node node;
    node.port = free_port();
    node.args = std::move(args);
    node.max_outbound = max_outbound;
    node.max_peers = max_peers;
    nodes_.push_back(std::move(node));
    return nodes_.back();
  }
  void start_node(Node& node) {
    std::vector<std::string> args = {"--chain",
                                     "quick",
                                     "startnode",
                                     "--rpc-port",
                                     "0",
                                     "--max-outbound",
                                     std::to_string(node.max_outbound),
                                     "--max-peers",
                                     std::to_string(node.max_peers)};
    args.insert(args.end(), node.args.begin(), node.args.end());
    node.process = std::make_unique<NodeProcess>(node.port, dir_.path(), args);
    ASSERT_TRUE(node.process->wait_for("listening on", 30s)) << node.process->output();
  }
  void halt(Node& node, bool kill) {
    if (kill)
      node.process->kill_now();
    else
      EXPECT_EQ(node.process->stop(), 0) << node.process->output();
    node.earlier_output += node.process->output();
    node.process.reset();
  }
  // The first node whose process ended although the test did not stop it, or null.
  const Node* ended_unasked() const {
    for (const Node& node : nodes_)
      if (node.process && node.process->ended()) return &node;
    return nullptr;
  }
  // Waits until `process` logs `needle` (after its last match, or anywhere) or `deadline`
  // passes; gives up at once, with a failure naming it, when any node's process ends unasked,
  // so that one crash does not cost every later wait its whole timeout.
  bool wait_watching(NodeProcess& process, const std::string& needle,
                     std::chrono::steady_clock::time_point deadline, bool after_last) {
    while (!process.wait_for(needle, 250ms, after_last)) {
      if (const Node* gone = ended_unasked()) {
        ADD_FAILURE() << "node " << gone->port << " exited unexpectedly\n"
                      << gone->process->output();
        return false;
      }
      if (std::chrono::steady_clock::now() >= deadline) return false;
    }
    return true;
  }
  // Waits, 60 s in all, until every running node has its tip at `height` ("new tip height=N"
  // or, restarted, "listening on ..., tip height=N"; a peer's version line says "height=" too).
  bool all_at(int height) {
    auto deadline = std::chrono::steady_clock::now() + 60s;
    std::string needle = "tip height=" + std::to_string(height) + " ";
    for (Node& node : nodes_) {
      if (!node.process) continue;
      if (!wait_watching(*node.process, needle, deadline, false)) {
        ADD_FAILURE() << "node " << node.port << " never reached height " << height << "\n"
                      << node.process->output();
        return false;
      }
    }
    return true;
  }

  std::vector<Node> nodes_;
};

TEST_F(TwentyNodes, StayConnectedWithinTheirSlotsThroughChurnAndRelayEverything) {
  nodes_.reserve(kNodes);
  Node& central = add({"--connect", "none"});
  std::string central_at = endpoint(central.port);
  // The wallet node: its coins come from the central; it only runs to sync, and sends while
  // stopped, as the tutorial's wallet does.
  Node& wallet = add({"--connect", central_at});
  Node& miner = add({"--connect", central_at});
  // A full node: 1 bootstrap + 2 outbound + 1 inbound fill --max-peers 4; `send` goes through it.
  Node& full = add({"--connect", central_at}, 2, 4);
  // Its inbound peer for sure (a bootstrap peer of its own).
  add({"--connect", endpoint(full.port)});
  while (nodes_.size() < static_cast<size_t>(kNodes)) add({"--connect", central_at});

  std::string central_address = ok(central.port, {"createwallet"});
  std::string wallet_address = ok(wallet.port, {"createwallet"});
  std::string miner_address = ok(miner.port, {"createwallet"});
  miner.args.insert(miner.args.end(), {"--miner", miner_address, "--min-txs", "1"});
  ok(central.port, {"createblockchain", "--address", central_address});
  for (int i = 0; i < 2; ++i)
    ok(central.port,
       {"send", "--from", central_address, "--to", wallet_address, "--amount", "3", "--mine"});

  for (Node& node : nodes_) start_node(node);
  ASSERT_TRUE(all_at(2));
  EXPECT_TRUE(full.process->wait_for("4 in all", 30s, false)) << full.process->output();

  // The wallet and the miner leave; the wallet hands a payment to the full node.
  halt(wallet, false);
  halt(miner, false);
  CommandResult sent = run(wallet.port, {"send", "--from", wallet_address, "--to", miner_address,
                                         "--amount", "1", "--connect", endpoint(full.port)});
  ASSERT_EQ(sent.exit_code, 0) << sent.err << sent.out << full.process->output();
  EXPECT_TRUE(full.process->wait_for("evicted to make room", 10s, false)) << full.process->output();
  // The payment reached the network; the miner, back, hears of it and mines it.
  EXPECT_TRUE(central.process->wait_for("accepted tx " + sent.last_line(), 30s, false))
      << central.process->output();
  start_node(miner);
  ASSERT_TRUE(miner.process->wait_for("mined block", 60s)) << miner.process->output();
  ASSERT_TRUE(all_at(3));

  // The bootstrap dies: everyone keeps other peers, so a block mined now reaches every node.
  halt(central, true);
  CommandResult second =
      run(wallet.port, {"send", "--from", wallet_address, "--to", miner_address, "--amount", "1",
                        "--connect", endpoint(nodes_.back().port)});
  ASSERT_EQ(second.exit_code, 0) << second.err << second.out;
  ASSERT_TRUE(all_at(4));

  // The bootstrap comes back: the nodes naming it reconnect (retrying every 1 s to 60 s; or it
  // reaches them first from its address book) and it catches up with the block it missed.
  start_node(central);
  EXPECT_FALSE(central.process->wait_for("cannot connect", 0ms, false));
  size_t naming_central = 0;
  for (const Node& node : nodes_)
    if (node.process && node.args.size() >= 2 && node.args[1] == central_at) ++naming_central;
  auto reconnect_deadline = std::chrono::steady_clock::now() + 90s;
  for (size_t i = 0; i < naming_central; ++i)
    ASSERT_TRUE(wait_watching(*central.process, "connected (", reconnect_deadline, true))
        << i << " of " << naming_central << " reconnected\n"
        << central.process->output();
  EXPECT_TRUE(central.process->wait_for("new tip height=4 ", 30s, false))
      << central.process->output();

  for (Node& node : nodes_) {
    if (node.process) halt(node, false);
    SCOPED_TRACE("node " + std::to_string(node.port));
    std::vector<ConnectionCounts> counts = connection_counts(node.earlier_output);
    EXPECT_FALSE(counts.empty());
    for (const ConnectionCounts& c : counts) {
      EXPECT_LE(c.outbound, node.max_outbound);
      EXPECT_LE(c.all, node.max_peers) << node.earlier_output;
    }
  }
  // Never a star: the other nodes found peers beyond the bootstrap.
  EXPECT_GT(count_of(nodes_.back().earlier_output, "(outbound)"), 0u);
  // The central, with `--connect none`, dialled nothing before its first peer came.
  std::string first_run =
      central.earlier_output.substr(0, central.earlier_output.find("connected ("));
  EXPECT_EQ(count_of(first_run, "cannot connect"), 0u) << first_run;
}

}  // namespace
}  // namespace ac::test
