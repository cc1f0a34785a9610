// Chain synchronisation between real processes on ephemeral 127.0.0.1 ports, with the quick
// chain (trivial proof of work) so that thousands of blocks take seconds: a long initial sync,
// a sync interrupted by SIGKILL and resumed, and two miners racing on one network.
#include <gtest/gtest.h>

#include <cctype>
#include <memory>

#include "tests/integration/process.hpp"
#include "tests/integration/quick_chain_test.hpp"

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

// The number after the first "height=" in `text` from `from` on, or -1. (No std::regex: g++ 12
// warns inside it under the sanitizer build.)
int height_in(const std::string& text, size_t from = 0) {
  size_t at = text.find("height=", from);
  if (at == std::string::npos) return -1;
  at += 7;
  size_t end = at;
  while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
  return end == at ? -1 : std::stoi(text.substr(at, end - at));
}

// The highest "new tip height=N" a node has logged so far, or -1.
int highest_logged_tip(NodeProcess& process) {
  const std::string out = process.output();
  int highest = -1;
  for (size_t at = out.find("new tip height="); at != std::string::npos;
       at = out.find("new tip height=", at + 1))
    highest = std::max(highest, height_in(out, at));
  return highest;
}

class Sync : public QuickChainTest {
 protected:
  // The stored tip of a stopped node, from the first line of printchain.
  Tip tip_of(uint16_t node) {
    CommandResult chain = run(node, {"printchain"});
    EXPECT_EQ(chain.exit_code, 0) << chain.err;
    // "block <64 hex> height=N ..."
    const std::string& out = chain.out;
    if (out.rfind("block ", 0) != 0 || out.size() < 6 + 64) return {};
    return {height_in(out.substr(0, out.find('\n'))), out.substr(6, 64)};
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
    while (std::chrono::steady_clock::now() < deadline) {
      // "12:00:01.204 [8001] <- 127.0.0.1:8000 COMMAND ..."
      auto line =
          process.wait_for_line("] <- ", std::chrono::duration_cast<std::chrono::milliseconds>(
                                             deadline - std::chrono::steady_clock::now()));
      if (!line) return false;
      size_t peer = line->find("] <- ") + 5;
      size_t space = line->find(' ', peer);
      if (space != std::string::npos &&
          line->compare(space + 1, command.size() + 1, command + " ") == 0)
        return true;
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
  // The line that says where it listens carries the tip it opened with (the RPC server's line
  // may come first).
  EXPECT_GT(height_in(b->output(), b->output().find(" listening on ")), 0) << b->output();
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
