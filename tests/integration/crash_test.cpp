// Crash safety with real processes: a node SIGKILLed at random moments (seeded, so a failure
// can be replayed with ACTORCHAIN_CRASH_SEED) while it mines or while it syncs must restart on
// a consistent store (verifychain), keep its wallet, and never lose a block it had announced
// as its tip: a block is logged as the new tip only after its batch was written, and a killed
// process loses nothing the kernel already holds.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <random>

#include "tests/integration/node_log.hpp"
#include "tests/integration/process.hpp"
#include "tests/integration/quick_chain_test.hpp"

namespace ac::test {
namespace {

using namespace std::chrono_literals;

uint32_t crash_seed() {
  const char* text = std::getenv("ACTORCHAIN_CRASH_SEED");
  return text != nullptr ? static_cast<uint32_t>(std::strtoul(text, nullptr, 10)) : 20261124u;
}

class Crash : public QuickChainTest {
 protected:
  Crash() : QuickChainTest(60s) {}
  std::unique_ptr<NodeProcess> start(uint16_t node, const std::vector<std::string>& args) {
    std::vector<std::string> full = {"--chain", "quick", "startnode", "--rpc-port", "0"};
    full.insert(full.end(), args.begin(), args.end());
    return std::make_unique<NodeProcess>(node, dir_.path(), full);
  }

  // The tip verifychain replayed up to ("ok: the coins match a replay of N blocks up to H"),
  // after asserting it passed.
  TipLine verified_tip(uint16_t node) {
    CommandResult r = run(node, {"verifychain"});
    EXPECT_EQ(r.exit_code, 0) << "verifychain on " << node << ": " << r.err << r.out;
    TipLine tip;
    std::string line = r.last_line();
    size_t of = line.find("replay of ");
    size_t up_to = line.find(" blocks up to ");
    if (of == std::string::npos || up_to == std::string::npos) {
      ADD_FAILURE() << "unexpected verifychain output: " << r.out;
      return tip;
    }
    tip.height = std::stoi(line.substr(of + 10, up_to - of - 10)) - 1;
    tip.hash = line.substr(up_to + 14);
    return tip;
  }

  std::mt19937 random_{crash_seed()};
  int uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }
};

TEST_F(Crash, MinerKilledAtRandomMomentsRestartsConsistentWithWalletAndTipKept) {
  SCOPED_TRACE("ACTORCHAIN_CRASH_SEED=" + std::to_string(crash_seed()));
  const uint16_t node = free_port();
  const std::string payout = ok(node, {"createwallet"});
  ok(node, {"createwallet"});
  const std::string addresses = run(node, {"listaddresses"}).out;
  ok(node, {"createblockchain", "--address", payout});

  constexpr int kKills = 24;
  int announced = 0;  // the highest tip any run logged before it was killed
  for (int kill = 0; kill < kKills; ++kill) {
    SCOPED_TRACE("kill " + std::to_string(kill) + " after tip " + std::to_string(announced));
    auto miner = start(node, {"--miner", payout, "--min-txs", "0", "--connect", endpoint(node)});
    LogReader log(*miner);
    int moment = uniform(0, 3);
    if (moment == 0) {
      // Anywhere in the first bytes: store opening, startup, the first blocks.
      ASSERT_TRUE(log.wait_for_bytes(static_cast<size_t>(uniform(1, 6000)), 30s));
    } else {
      auto listening = log.next_line("listening on", 30s);
      ASSERT_TRUE(listening) << miner->output();
      auto restarted = parse_tip(*listening);
      ASSERT_TRUE(restarted) << *listening;
      EXPECT_GE(restarted->height, announced) << "a logged tip was lost: " << *listening;
      if (moment == 1) {
        // Right after a tip change, while the next block's proof of work runs.
        ASSERT_TRUE(log.next_tip_at_least(restarted->height + uniform(1, 150), 30s))
            << miner->output().substr(0, 2000);
      } else if (moment == 2) {
        // Right after a found block was logged, while the chain may still be connecting it.
        for (int blocks = uniform(1, 150); blocks > 0; --blocks)
          ASSERT_TRUE(log.next_line("mined block", 30s)) << miner->output().substr(0, 2000);
      } else {
        // Mid-line, anywhere in the output.
        ASSERT_TRUE(log.wait_for_bytes(
            miner->output().size() + static_cast<size_t>(uniform(1, 20000)), 30s));
      }
    }
    miner->kill_now();
    log.read_to_end(10s);
    announced = std::max(announced, highest_new_tip(miner->output()));

    TipLine tip = verified_tip(node);
    EXPECT_GE(tip.height, announced);
    CommandResult listed = run(node, {"listaddresses"});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_EQ(listed.out, addresses) << "the wallet changed";
    if (HasFailure()) return;  // the store is what the next run examines
  }
  EXPECT_GT(announced, kKills);  // the chain grew across the runs
}

TEST_F(Crash, SyncingNodeKilledAtRandomMomentsCatchesUpWithTheSource) {
  SCOPED_TRACE("ACTORCHAIN_CRASH_SEED=" + std::to_string(crash_seed()));
  const uint16_t source_id = free_port();
  const uint16_t syncing_id = free_port();
  const std::string source_address = ok(source_id, {"createwallet"});
  ok(source_id, {"createblockchain", "--address", source_address});
  ok(syncing_id, {"createwallet"});
  const std::string syncing_addresses = run(syncing_id, {"listaddresses"}).out;
  {
    auto miner = start(
        source_id, {"--miner", source_address, "--min-txs", "0", "--connect", endpoint(source_id)});
    LogReader log(*miner);
    ASSERT_TRUE(log.next_tip_at_least(3000, 60s)) << miner->output().substr(0, 2000);
    ASSERT_EQ(miner->stop(), 0);
  }
  const TipLine source_tip = verified_tip(source_id);
  ASSERT_GE(source_tip.height, 3000);

  auto source = start(source_id, {"--connect", endpoint(source_id)});
  LogReader source_log(*source);
  ASSERT_TRUE(source_log.next_line("listening on", 30s)) << source->output();

  // Kills while behind the source. The test reads the node's output later than the node writes
  // it, so on a loaded machine a run may sync hundreds of blocks past its kill target and the
  // node can catch up early: then the kills end there, but never before kMinKills of them.
  constexpr int kKills = 20;
  constexpr int kMinKills = 5;
  int announced = -1;
  std::string history;
  for (int kill = 0, behind = 0; behind < kKills && announced < source_tip.height; ++kill) {
    ASSERT_LT(kill, 2 * kKills) << "restart height>last tip logged: " << history;
    SCOPED_TRACE("kill " + std::to_string(kill) + " after tip " + std::to_string(announced));
    auto syncing = start(syncing_id, {"--connect", endpoint(source_id)});
    LogReader log(*syncing);
    log.keep_draining(*source);
    auto listening = log.next_line("listening on", 30s);
    ASSERT_TRUE(listening) << syncing->output();
    auto restarted = parse_tip(*listening);
    ASSERT_TRUE(restarted) << *listening;
    EXPECT_GE(restarted->height, announced) << "a logged tip was lost: " << *listening;
    // Spread the kills over what is left, leaving the last blocks for the final run.
    int left = source_tip.height - restarted->height;
    int step = std::max(1, left / (3 * (kKills - behind + 1)));
    if (left > 0) ++behind;
    // Right after a block connected, or mid-output (handshake, inv, a block half logged) while
    // enough blocks are missing that the output surely goes on. A run that restarted one block
    // short of the source's tip, or at it, is killed as soon as it listens.
    if (left >= 50 && uniform(0, 3) == 0) {
      ASSERT_TRUE(log.wait_for_bytes(
          syncing->output().size() + static_cast<size_t>(uniform(1, 3000)), 30s));
    } else if (left > 1) {
      int target = std::min(restarted->height + uniform(1, 2 * step), source_tip.height - 1);
      ASSERT_TRUE(log.next_tip_at_least(target, 30s)) << syncing->output().substr(0, 3000);
    }
    syncing->kill_now();
    log.read_to_end(10s);
    announced = std::max(announced, highest_new_tip(syncing->output()));
    history += std::to_string(restarted->height) + ">" + std::to_string(announced) + " ";
    if (announced >= 0) {
      TipLine tip = verified_tip(syncing_id);
      EXPECT_GE(tip.height, announced);
    }
    EXPECT_EQ(run(syncing_id, {"listaddresses"}).out, syncing_addresses);
    if (HasFailure()) return;
    if (announced >= source_tip.height) {
      ASSERT_GE(behind, kMinKills)
          << "caught up too early; restart height>last tip logged: " << history;
    }
  }

  auto syncing = start(syncing_id, {"--connect", endpoint(source_id)});
  LogReader log(*syncing);
  log.keep_draining(*source);
  auto listening = log.next_line("listening on", 30s);
  ASSERT_TRUE(listening) << syncing->output();
  if (parse_tip(*listening)->height < source_tip.height) {
    ASSERT_TRUE(log.next_line(
        "new tip height=" + std::to_string(source_tip.height) + " hash=" + source_tip.hash, 60s))
        << syncing->output().substr(0, 3000);
  }
  EXPECT_EQ(syncing->stop(), 0);
  EXPECT_EQ(source->stop(), 0);
  TipLine synced = verified_tip(syncing_id);
  EXPECT_EQ(synced.hash, source_tip.hash);
  CommandResult source_blocks = run(source_id, {"printchain", "--hex"});
  CommandResult synced_blocks = run(syncing_id, {"printchain", "--hex"});
  EXPECT_EQ(source_blocks.exit_code, 0);
  EXPECT_TRUE(source_blocks.out == synced_blocks.out) << "the synced chain differs from the source";
}

}  // namespace
}  // namespace ac::test
