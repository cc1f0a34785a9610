// Chain synchronisation between real processes on ephemeral 127.0.0.1 ports, with the quick
// chain (trivial proof of work) so that thousands of blocks take seconds: a long initial sync,
// a sync interrupted by SIGKILL and resumed, and two miners racing on one network.
#include <gtest/gtest.h>

#include <memory>
#include <regex>

#include "tests/integration/process.hpp"

namespace ac::test {
namespace {

using namespace std::chrono_literals;

constexpr int kLongChain = 2000;

struct Tip {
  int height = -1;
  std::string hash;
  // The part of a log line that names this tip, in both "listening on ..., tip height=H hash=X"
  // and "new tip height=H hash=X".
  std::string needle() const { return "height=" + std::to_string(height) + " hash=" + hash; }
};

// The number after "height=" in a log line, or -1.
int height_in(const std::string& line) {
  static const std::regex pattern("height=([0-9]+)");
  std::smatch match;
  if (!std::regex_search(line, match, pattern)) return -1;
  return std::stoi(match[1]);
}

// The highest "new tip height=N" a node has logged so far, or -1.
int highest_logged_tip(NodeProcess& process) {
  static const std::regex pattern("new tip height=([0-9]+)");
  const std::string out = process.output();
  int highest = -1;
  for (auto it = std::sregex_iterator(out.begin(), out.end(), pattern);
       it != std::sregex_iterator(); ++it)
    highest = std::max(highest, std::stoi((*it)[1]));
  return highest;
}

class Sync : public ::testing::Test {
 protected:
  CommandResult run(uint16_t node, std::vector<std::string> args) {
    args.insert(args.begin(), {"--chain", "quick"});
    return run_command(node, dir_.path(), args);
  }
  std::string ok(uint16_t node, const std::vector<std::string>& args) {
    CommandResult r = run(node, args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " on " << node << " failed: " << r.err << r.out;
    return r.last_line();
  }
  static std::string endpoint(uint16_t node) { return "127.0.0.1:" + std::to_string(node); }

  // startnode connected to `peer` (a node given its own address connects nowhere).
  std::unique_ptr<NodeProcess> start(uint16_t node, uint16_t peer,
                                     std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--chain", "quick", "startnode", "--connect", endpoint(peer)};
    args.insert(args.end(), extra.begin(), extra.end());
    auto process = std::make_unique<NodeProcess>(node, dir_.path(), args);
    EXPECT_TRUE(process->wait_for("listening on", 30s)) << process->output();
    return process;
  }

  // The stored tip of a stopped node, from the first line of printchain.
  Tip tip_of(uint16_t node) {
    CommandResult chain = run(node, {"printchain"});
    EXPECT_EQ(chain.exit_code, 0) << chain.err;
    static const std::regex first("^block ([0-9a-f]{64}) height=([0-9]+)");
    std::smatch match;
    if (!std::regex_search(chain.out, match, first)) return {};
    return {std::stoi(match[2]), match[1]};
  }

  // Waits until the node logs a new tip at `height` or above; returns the height reached.
  static int wait_for_height(NodeProcess& process, int height, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto line = process.wait_for_line("new tip height=",
                                        std::chrono::duration_cast<std::chrono::milliseconds>(
                                            deadline - std::chrono::steady_clock::now()));
      if (!line) return -1;
      int reached = height_in(*line);
      if (reached >= height) return reached;
    }
    return -1;
  }

  // Waits until the node traces a received message `command`.
  static bool wait_for_received(NodeProcess& process, const std::string& command,
                                std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    const std::regex received("\\] <- \\S+ " + command + " ");
    while (std::chrono::steady_clock::now() < deadline) {
      auto line =
          process.wait_for_line("] <- ", std::chrono::duration_cast<std::chrono::milliseconds>(
                                             deadline - std::chrono::steady_clock::now()));
      if (!line) return false;
      if (std::regex_search(*line, received)) return true;
    }
    return false;
  }

  // Mines a chain of at least `height` blocks on `node` with a continuous miner, then stops it.
  Tip build_chain(uint16_t node, int height) {
    std::string address = ok(node, {"createwallet"});
    ok(node, {"createblockchain", "--address", address});
    auto miner = start(node, node, {"--miner", address, "--min-txs", "0"});
    EXPECT_TRUE(miner->wait_for("new tip height=" + std::to_string(height) + " ", 300s))
        << miner->output().substr(0, 4000);
    EXPECT_EQ(miner->stop(), 0);
    Tip tip = tip_of(node);
    EXPECT_GE(tip.height, height);
    return tip;
  }

  void expect_same_chain(uint16_t a, uint16_t b, int height) {
    CommandResult chain_a = run(a, {"printchain", "--hex"});
    CommandResult chain_b = run(b, {"printchain", "--hex"});
    ASSERT_EQ(chain_a.exit_code, 0) << chain_a.err;
    ASSERT_EQ(chain_b.exit_code, 0) << chain_b.err;
    EXPECT_EQ(std::count(chain_a.out.begin(), chain_a.out.end(), '\n'), height + 1);
    EXPECT_TRUE(chain_a.out == chain_b.out) << "printchain --hex differs between the nodes";
  }

  void expect_verifies(uint16_t node) {
    CommandResult verified = run(node, {"verifychain"});
    EXPECT_EQ(verified.exit_code, 0) << "node " << node << ": " << verified.err << verified.out;
  }

  TempDir dir_;
  uint16_t node_a_ = free_port();
  uint16_t node_b_ = free_port();
};

TEST_F(Sync, FreshNodeSyncsTwoThousandBlocksToAnIdenticalChain) {
  Tip tip = build_chain(node_a_, kLongChain);
  ASSERT_GE(tip.height, kLongChain);

  auto a = start(node_a_, node_a_);
  auto b = start(node_b_, node_a_);
  ASSERT_TRUE(b->wait_for(tip.needle(), 300s)) << b->output().substr(0, 4000);

  EXPECT_EQ(b->stop(), 0);
  EXPECT_EQ(a->stop(), 0);
  expect_verifies(node_a_);
  expect_verifies(node_b_);
  expect_same_chain(node_a_, node_b_, tip.height);
}

TEST_F(Sync, SyncKilledMidwayResumesAfterRestart) {
  Tip tip = build_chain(node_a_, kLongChain);
  ASSERT_GE(tip.height, kLongChain);

  auto a = start(node_a_, node_a_);
  auto b = start(node_b_, node_a_);
  ASSERT_TRUE(b->wait_for("new tip height=500 ", 60s)) << b->output();
  b->kill_now();
  int killed_at = highest_logged_tip(*b);
  ASSERT_LT(killed_at, tip.height) << "the sync finished before the kill: nothing was tested";

  // The store must open again after the crash, keeping blocks it had connected, and the sync
  // go on to the tip.
  b = start(node_b_, node_a_);
  EXPECT_GT(height_in(b->output().substr(0, b->output().find('\n'))), 0) << b->output();
  ASSERT_TRUE(b->wait_for(tip.needle(), 300s)) << b->output().substr(0, 4000);

  EXPECT_EQ(b->stop(), 0);
  EXPECT_EQ(a->stop(), 0);
  expect_verifies(node_b_);
  expect_same_chain(node_a_, node_b_, tip.height);
}

TEST_F(Sync, TwoConcurrentMinersEndOnOneChain) {
  std::string address_a = ok(node_a_, {"createwallet"});
  std::string address_b = ok(node_b_, {"createwallet"});
  ok(node_a_, {"createblockchain", "--address", address_a});

  // B first fetches the genesis, so that both miners start the race from the same block.
  {
    auto a = start(node_a_, node_a_);
    auto b = start(node_b_, node_a_);
    ASSERT_TRUE(b->wait_for("new tip height=0 ", 60s)) << b->output();
    EXPECT_EQ(b->stop(), 0);
    EXPECT_EQ(a->stop(), 0);
  }
  auto a = start(node_a_, node_a_, {"--miner", address_a, "--min-txs", "0"});
  auto b = start(node_b_, node_a_, {"--miner", address_b, "--min-txs", "0"});
  ASSERT_TRUE(b->wait_for("mined block", 60s)) << b->output().substr(0, 4000);
  // A receives B's blocks while it mines its own.
  ASSERT_TRUE(wait_for_received(*a, "block", 60s)) << a->output().substr(0, 4000);
  ASSERT_GT(wait_for_height(*a, 31, 120s), 30) << a->output().substr(0, 4000);
  ASSERT_GT(wait_for_height(*b, 31, 120s), 30) << b->output().substr(0, 4000);

  // B stops mining; A goes on, and B follows A's blocks as they come.
  EXPECT_EQ(b->stop(), 0);
  b = start(node_b_, node_a_);
  for (int block = 0; block < 3; ++block)
    ASSERT_TRUE(b->wait_for("new tip height=", 60s)) << b->output().substr(0, 4000);

  // A stops mining too; the two quiet nodes reconcile whatever they still disagree on.
  EXPECT_EQ(a->stop(), 0);
  EXPECT_EQ(b->stop(), 0);
  Tip tip_a = tip_of(node_a_);
  Tip tip_b = tip_of(node_b_);
  ASSERT_FALSE(tip_a.height == tip_b.height && tip_a.hash != tip_b.hash)
      << "equal heights, different tips: no chain has more work";
  Tip best = tip_a.height >= tip_b.height ? tip_a : tip_b;

  a = start(node_a_, node_a_);
  b = start(node_b_, node_a_);
  NodeProcess& behind = tip_a.height >= tip_b.height ? *b : *a;
  ASSERT_TRUE(behind.wait_for(best.needle(), 120s, false)) << behind.output().substr(0, 4000);
  EXPECT_EQ(b->stop(), 0);
  EXPECT_EQ(a->stop(), 0);

  EXPECT_EQ(tip_of(node_a_).hash, best.hash);
  EXPECT_EQ(tip_of(node_b_).hash, best.hash);
  expect_same_chain(node_a_, node_b_, best.height);
  for (uint16_t node : {node_a_, node_b_}) {
    SCOPED_TRACE("node " + std::to_string(node));
    expect_verifies(node);
    // Every block pays its 10-coin reward to one of the two miners, and nothing else moved.
    double coins_a = std::stod(ok(node, {"getbalance", "--address", address_a}));
    double coins_b = std::stod(ok(node, {"getbalance", "--address", address_b}));
    EXPECT_EQ(coins_a + coins_b, 10.0 * (best.height + 1));
  }
  EXPECT_EQ(ok(node_a_, {"getbalance", "--address", address_a}),
            ok(node_b_, {"getbalance", "--address", address_a}));
  EXPECT_EQ(ok(node_a_, {"getbalance", "--address", address_b}),
            ok(node_b_, {"getbalance", "--address", address_b}));
}

}  // namespace
}  // namespace ac::test
