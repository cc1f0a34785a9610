// startnode --reindex with real processes: a node SIGKILLed at random moments of its reindex
// (seeded, ACTORCHAIN_CRASH_SEED replays a failure) never leaves a store that opens as if
// complete: verifychain either finds the whole chain or refuses with store-reindexing; the next
// start, with or without the flag, reindexes again and ends on the same tip.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <thread>

#include "tests/integration/node_log.hpp"
#include "tests/integration/process.hpp"
#include "tests/integration/quick_chain_test.hpp"

namespace ac::test {
namespace {

using namespace std::chrono_literals;

uint32_t crash_seed() {
  const char* text = std::getenv("ACTORCHAIN_CRASH_SEED");
  return text != nullptr ? static_cast<uint32_t>(std::strtoul(text, nullptr, 10)) : 20261207u;
}

class Reindex : public QuickChainTest {
 protected:
  Reindex() : QuickChainTest(60s) {}

  std::unique_ptr<NodeProcess> start_node(uint16_t node, const std::vector<std::string>& args) {
    std::vector<std::string> full = {"--chain", "quick",     "startnode",   "--rpc-port",
                                     "0",       "--connect", endpoint(node)};
    full.insert(full.end(), args.begin(), args.end());
    return std::make_unique<NodeProcess>(node, dir_.path(), full);
  }

  std::filesystem::path store_dir(uint16_t node) const {
    return dir_.path() / std::to_string(node) / "chainstate";
  }

  std::mt19937 random_{crash_seed()};
  int uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }
};

TEST_F(Reindex, KilledAtRandomMomentsNeverOpensHalfBuiltAndFinishesOnTheNextStart) {
  constexpr int kBlocks = 20000;
  SCOPED_TRACE("ACTORCHAIN_CRASH_SEED=" + std::to_string(crash_seed()));
  const uint16_t node = free_port();
  const std::string payout = ok(node, {"createwallet"});
  ok(node, {"createblockchain", "--address", payout});
  {
    auto miner = start_node(node, {"--miner", payout, "--min-txs", "0"});
    LogReader log(*miner);
    // Long enough for a reindex to take a moment (blocks of a coinbase alone go fast).
    ASSERT_TRUE(log.next_tip_at_least(kBlocks, 120s)) << miner->output().substr(0, 2000);
    ASSERT_EQ(miner->stop(), 0);
  }
  CommandResult verified = run(node, {"verifychain"});
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  const std::string complete = verified.last_line();  // "ok: ... N blocks up to HASH"
  const std::string tip_hash = complete.substr(complete.rfind(' ') + 1);

  constexpr int kKills = 8;
  int interrupted = 0;  // kills that left an unfinished reindex
  for (int kill = 0; kill < kKills; ++kill) {
    SCOPED_TRACE("kill " + std::to_string(kill));
    // The flag on the first run; later runs at random: an unfinished reindex resumes without it.
    const bool flag = kill == 0 || uniform(0, 1) == 1;
    const bool reindexes = flag || std::filesystem::exists(store_dir(node) / "reindexing");
    auto node_process =
        start_node(node, flag ? std::vector<std::string>{"--reindex"} : std::vector<std::string>{});
    LogReader log(*node_process);
    if (!reindexes) {
      ASSERT_TRUE(log.next_line("listening on", 30s)) << node_process->output();
    } else if (int moment = uniform(0, 3); moment == 0) {
      // Anywhere in the first bytes: the store's wipe, the first blocks.
      ASSERT_TRUE(log.wait_for_bytes(static_cast<size_t>(uniform(1, 300)), 30s));
    } else if (moment == 1) {
      // Right after a progress line.
      const std::string progress =
          "reindex: " + std::to_string(1000 * uniform(1, kBlocks / 1000 - 2)) + " blocks read";
      ASSERT_TRUE(log.next_line(progress, 60s)) << node_process->output().substr(0, 2000);
    } else {
      // At a random moment of the rebuild (the kill's moment, not a synchronisation).
      ASSERT_TRUE(log.next_line("reindex: rebuilding", 30s)) << node_process->output();
      std::this_thread::sleep_for(std::chrono::milliseconds(uniform(0, 800)));
    }
    node_process->kill_now();
    log.read_to_end(10s);
    // Whatever the moment: the whole chain, or a refusal to open.
    CommandResult r = run(node, {"verifychain"});
    if (r.exit_code == 0) {
      EXPECT_EQ(r.last_line(), complete);
    } else {
      EXPECT_NE(r.err.find("store-reindexing"), std::string::npos) << r.err;
      ++interrupted;
    }
    if (HasFailure()) return;
  }

  EXPECT_GE(interrupted, 1);

  // The next start without the flag finishes what a kill left.
  auto node_process = start_node(node, {});
  auto listening = node_process->wait_for_line("listening on", 60s);
  ASSERT_TRUE(listening) << node_process->output();
  auto tip = parse_tip(*listening);
  ASSERT_TRUE(tip) << *listening;
  EXPECT_EQ(tip->hash, tip_hash);
  EXPECT_EQ(node_process->stop(), 0);
  CommandResult r = run(node, {"verifychain"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.last_line(), complete);
}

TEST_F(Reindex, RebuildsADeletedIndexAndTellsToReindexWhenItIsGone) {
  const uint16_t node = free_port();
  const std::string payout = ok(node, {"createwallet"});
  ok(node, {"createblockchain", "--address", payout});
  {
    auto miner = start_node(node, {"--miner", payout, "--min-txs", "0"});
    LogReader log(*miner);
    ASSERT_TRUE(log.next_tip_at_least(50, 60s)) << miner->output().substr(0, 2000);
    ASSERT_EQ(miner->stop(), 0);
  }
  CommandResult verified = run(node, {"verifychain"});
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  const std::string balance = ok(node, {"getbalance", "--address", payout});

  // LevelDB's files gone, the block files kept.
  for (const auto& entry : std::filesystem::directory_iterator(store_dir(node)))
    if (entry.path().filename() != "blocks") std::filesystem::remove_all(entry.path());

  auto refused = start_node(node, {});
  EXPECT_TRUE(refused->wait_for("store-corrupt", 30s)) << refused->output();
  EXPECT_TRUE(refused->wait_for("startnode --reindex", 30s, false)) << refused->output();
  EXPECT_NE(refused->stop(), 0);

  auto rebuilt = start_node(node, {"--reindex"});
  ASSERT_TRUE(rebuilt->wait_for("reindex done", 60s)) << rebuilt->output();
  ASSERT_TRUE(rebuilt->wait_for("listening on", 30s)) << rebuilt->output();
  EXPECT_EQ(rebuilt->stop(), 0);
  CommandResult r = run(node, {"verifychain"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.last_line(), verified.last_line());
  EXPECT_EQ(ok(node, {"getbalance", "--address", payout}), balance);
}

}  // namespace
}  // namespace ac::test
