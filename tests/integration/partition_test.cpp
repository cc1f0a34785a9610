// A network split and its healing with real processes: A (miner) and C (plain) on one side, B
// (miner) alone on the other, the topology set by --connect lists and cut by restarting nodes
// with other lists. Both sides mine apart, B's side longer; a payment is confirmed only on the
// losing side. After the heal every node follows the most-work tip and the payment, returned to
// the mempool by the reorganisation, is mined again into the winning chain.
#include <gtest/gtest.h>

#include <memory>

#include "tests/integration/node_log.hpp"
#include "tests/integration/process.hpp"
#include "tests/integration/quick_chain_test.hpp"

namespace ac::test {
namespace {

using namespace std::chrono_literals;

// The next "mined block <hash> height=N txs=M" line of a block holding a payment (M > 1).
std::optional<std::string> next_block_mined_with_payment(LogReader& log,
                                                         std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (auto line =
             log.next_line("mined block ", std::chrono::duration_cast<std::chrono::milliseconds>(
                                               deadline - std::chrono::steady_clock::now()))) {
    if (line->find(" txs=1") == std::string::npos) return line;
  }
  return std::nullopt;
}

class Partition : public QuickChainTest {
 protected:
  Partition() : QuickChainTest(60s) {}
  // Starts `node` connected to `peers` only (its own endpoint when it must dial nobody) and
  // waits until it listens.
  std::unique_ptr<NodeProcess> start(uint16_t node, const std::vector<uint16_t>& peers,
                                     const std::vector<std::string>& extra = {}) {
    // No outbound slots: the --connect lists alone make the topology (addresses learned from
    // peers, and kept in peers.dat across restarts, would bridge the partition).
    std::vector<std::string> args = {"--chain", "quick",          "startnode", "--rpc-port",
                                     "0",       "--max-outbound", "0"};
    for (uint16_t peer : peers) {
      args.push_back("--connect");
      args.push_back(endpoint(peer));
    }
    args.insert(args.end(), extra.begin(), extra.end());
    auto process = std::make_unique<NodeProcess>(node, dir_.path(), args);
    EXPECT_TRUE(process->wait_for("listening on", 30s)) << process->output();
    return process;
  }
  // The tip verifychain replayed up to, after asserting it passed.
  TipLine verified_tip(uint16_t node) {
    CommandResult r = run(node, {"verifychain"});
    EXPECT_EQ(r.exit_code, 0) << "verifychain on " << node << ": " << r.err << r.out;
    std::string line = r.last_line();
    size_t of = line.find("replay of ");
    size_t up_to = line.find(" blocks up to ");
    if (of == std::string::npos || up_to == std::string::npos) {
      ADD_FAILURE() << "unexpected verifychain output: " << r.out;
      return {};
    }
    return {std::stoi(line.substr(of + 10, up_to - of - 10)) - 1, line.substr(up_to + 14)};
  }

  // Common chain, split, both sides mining apart. Afterwards all three nodes are stopped:
  // A and C hold A's branch with the payment, B holds its longer branch without it.
  void split_and_mine_apart() {
    address_a_ = ok(a_, {"createwallet"});
    address_b_ = ok(b_, {"createwallet"});
    address_c_ = ok(c_, {"createwallet"});
    ok(a_, {"createblockchain", "--address", address_a_});
    ok(a_, {"send", "--from", address_a_, "--to", address_c_, "--amount", "5", "--mine"});

    // Together: B and C take the common chain (height 1, C holding 5 coins) from A.
    {
      auto a = start(a_, {a_});
      auto b = start(b_, {a_});
      auto c = start(c_, {a_});
      ASSERT_TRUE(b->wait_for("new tip height=1 ", 30s)) << b->output();
      ASSERT_TRUE(c->wait_for("new tip height=1 ", 30s)) << c->output();
      ASSERT_EQ(c->stop(), 0);
      ASSERT_EQ(b->stop(), 0);
      ASSERT_EQ(a->stop(), 0);
    }
    ASSERT_EQ(ok(c_, {"getbalance", "--address", address_c_}), "5.00000000");

    // A's side: A mines; C's wallet hands A a payment to B; C then syncs A's branch.
    {
      auto a = start(a_, {a_}, {"--miner", address_a_, "--min-txs", "0"});
      LogReader a_log(*a);
      CommandResult sent = run(c_, {"send", "--from", address_c_, "--to", address_b_, "--amount",
                                    "2", "--connect", endpoint(a_)});
      ASSERT_EQ(sent.exit_code, 0) << sent.err << sent.out;
      txid_ = sent.last_line();
      ASSERT_TRUE(a_log.next_line("accepted tx " + txid_, 30s)) << a->output().substr(0, 3000);
      auto mined = next_block_mined_with_payment(a_log, 30s);
      ASSERT_TRUE(mined) << a->output().substr(0, 3000);
      auto tx_block = parse_tip(*mined);
      ASSERT_TRUE(tx_block);
      losing_block_ = mined->substr(mined->find("mined block ") + 12, 64);
      ASSERT_TRUE(a_log.next_tip_at_least(tx_block->height + 3, 30s));

      auto c = start(c_, {a_});
      LogReader c_log(*c);
      c_log.keep_draining(*a);
      ASSERT_TRUE(c_log.next_tip_at_least(tx_block->height + 3, 30s)) << c->output();
      ASSERT_EQ(a->stop(), 0);
      ASSERT_EQ(c->stop(), 0);
    }
    losing_tip_ = verified_tip(a_);
    verified_tip(c_);

    // B's side: B alone mines a longer branch.
    {
      auto b = start(b_, {b_}, {"--miner", address_b_, "--min-txs", "0"});
      LogReader b_log(*b);
      ASSERT_TRUE(b_log.next_tip_at_least(losing_tip_.height + 10, 60s)) << b->output();
      ASSERT_EQ(b->stop(), 0);
    }
    winning_tip_ = verified_tip(b_);
    ASSERT_GT(winning_tip_.height, losing_tip_.height);
    CommandResult b_chain = run(b_, {"printchain"});
    ASSERT_EQ(b_chain.out.find(txid_), std::string::npos) << "the payment leaked to B's side";
  }

  // After the heal, all stopped: one tip everywhere, consistent stores, the payment confirmed
  // in the active chain and A's block that held it gone from it.
  void expect_healed(const std::string& final_hash) {
    for (uint16_t node : {a_, b_, c_}) {
      SCOPED_TRACE("node " + std::to_string(node));
      TipLine tip = verified_tip(node);
      EXPECT_EQ(tip.hash, final_hash);
      CommandResult chain = run(node, {"printchain"});
      EXPECT_NE(chain.out.find("  tx " + txid_), std::string::npos);
      EXPECT_EQ(chain.out.find("block " + losing_block_), std::string::npos);
    }
    EXPECT_EQ(ok(a_, {"getbalance", "--address", address_b_}),
              ok(b_, {"getbalance", "--address", address_b_}));
  }

  uint16_t a_ = free_port();
  uint16_t b_ = free_port();
  uint16_t c_ = free_port();
  std::string address_a_, address_b_, address_c_;
  std::string txid_;          // the payment confirmed only on A's side
  std::string losing_block_;  // A's block that confirmed it
  TipLine losing_tip_, winning_tip_;
};

// Only B mines after the heal: the payment reaches the winning side only if A or C hands on
// what their reorganisation returned to their mempools.
TEST_F(Partition, PaymentFromTheLosingSideIsRelayedToTheWinningMinerAndMinedAgain) {
  split_and_mine_apart();
  if (HasFatalFailure()) return;

  auto b = start(b_, {b_}, {"--miner", address_b_, "--min-txs", "1"});
  auto a = start(a_, {b_});
  auto c = start(c_, {a_, b_});
  LogReader a_log(*a), b_log(*b), c_log(*c);
  for (LogReader* log : {&a_log, &b_log, &c_log}) {
    for (NodeProcess* other : {a.get(), b.get(), c.get()}) log->keep_draining(*other);
  }
  // A tip line is logged per tip change, not per block: A and C may reach B's tip and the block
  // on top of it in one change, so only the final tip is awaited on them.
  auto accepted = b_log.next_line("accepted tx " + txid_, 30s);
  ASSERT_TRUE(accepted) << "the returned payment never reached the winning miner B.\nA:\n"
                        << a->output().substr(0, 6000) << "\nB:\n"
                        << b->output().substr(0, 6000);
  auto mined = next_block_mined_with_payment(b_log, 30s);
  ASSERT_TRUE(mined) << b->output().substr(0, 6000);
  const std::string final_hash = mined->substr(mined->find("mined block ") + 12, 64);
  const std::string final_line = "hash=" + final_hash;
  ASSERT_TRUE(a_log.next_line(final_line, 30s)) << a->output().substr(0, 4000);
  ASSERT_TRUE(c_log.next_line(final_line, 30s)) << c->output().substr(0, 4000);
  EXPECT_EQ(c->stop(), 0);
  EXPECT_EQ(a->stop(), 0);
  EXPECT_EQ(b->stop(), 0);
  expect_healed(final_hash);
}

// Only A mines after the heal: the reorganisation returns the payment to A's mempool and A
// mines it again on top of B's branch, which every node then follows.
TEST_F(Partition, PaymentFromTheLosingSideReturnsToTheMempoolAndIsMinedAgainOnTheWinningChain) {
  split_and_mine_apart();
  if (HasFatalFailure()) return;

  auto b = start(b_, {b_});
  auto a = start(a_, {b_}, {"--miner", address_a_, "--min-txs", "1"});
  auto c = start(c_, {a_, b_});
  LogReader a_log(*a), b_log(*b), c_log(*c);
  for (LogReader* log : {&a_log, &b_log, &c_log}) {
    for (NodeProcess* other : {a.get(), b.get(), c.get()}) log->keep_draining(*other);
  }
  ASSERT_TRUE(a_log.next_tip_at_least(winning_tip_.height, 30s)) << a->output().substr(0, 4000);
  // A block A found on a tip the sync moved past meanwhile may be logged too: skip it.
  std::optional<std::string> mined;
  while ((mined = next_block_mined_with_payment(a_log, 30s))) {
    auto mined_tip = parse_tip(*mined);
    ASSERT_TRUE(mined_tip) << *mined;
    if (mined_tip->height > winning_tip_.height) break;
  }
  ASSERT_TRUE(mined) << "A did not mine the returned payment again:\n"
                     << a->output().substr(0, 6000);
  const std::string final_hash = mined->substr(mined->find("mined block ") + 12, 64);
  ASSERT_TRUE(b_log.next_line("hash=" + final_hash, 30s)) << b->output().substr(0, 4000);
  ASSERT_TRUE(c_log.next_line("hash=" + final_hash, 30s)) << c->output().substr(0, 4000);
  EXPECT_EQ(c->stop(), 0);
  EXPECT_EQ(a->stop(), 0);
  EXPECT_EQ(b->stop(), 0);
  expect_healed(final_hash);
}

}  // namespace
}  // namespace ac::test
