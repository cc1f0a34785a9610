// Load: a mining node under a flood from 32 peers at once (tests/load/tx_flood.cpp): 5,000
// valid and 5,000 invalid transactions pushed as fast as the node reads them. The node must not
// crash, must mine every valid transaction and none of the invalid ones, must drop only the
// connections that sent consensus-invalid transactions, and its resident memory must stay
// bounded (its peak is measured and reported).
//
// ACTORCHAIN_LOAD_TXS=N scales the flood (N valid and N invalid; default 5,000). The sanitizer
// build runs the same flood in about the same time, but AddressSanitizer's own memory (a
// quarantine of up to 256 MiB of freed blocks, shadow memory, redzones) makes its resident set
// several times larger: it gets a bound of its own.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

#include "tests/integration/node_log.hpp"
#include "tests/integration/process.hpp"

namespace ac::test {
namespace {

using namespace std::chrono_literals;

constexpr int kConnections = 32;
// Consensus-invalid transactions the tool sends, each on an extra connection (tx_flood's kBadTxs).
constexpr int kBadTxs = 10;
constexpr int kDefaultTxs = 5000;
// Generous: about 90 MiB measured in Release (the node holds the chain, a mempool of a few MiB,
// 42 sessions and the messages queued between its actors), about 630 MiB under ASan.
#ifdef __SANITIZE_ADDRESS__
constexpr long kMaxPeakRssKib = 1536 * 1024;
#else
constexpr long kMaxPeakRssKib = 512 * 1024;
#endif

int load_txs() {
  if (const char* value = std::getenv("ACTORCHAIN_LOAD_TXS")) {
    int parsed = std::atoi(value);
    if (parsed >= 100) return parsed;
  }
  return kDefaultTxs;
}

// A "VmHWM:" or "VmRSS:" figure of /proc/PID/status in KiB; -1 when unreadable (the process is
// gone or a zombie, which has no memory lines).
long memory_kib(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  return -1;
}

// The value of `key=` in a key=value summary line, or "" when absent.
std::string field(const std::string& text, const std::string& key) {
  size_t at = text.find(" " + key + "=");
  if (at == std::string::npos) return {};
  at += key.size() + 2;
  return text.substr(at, text.find_first_of(" \n", at) - at);
}

// The number after "txs=" in a "mined block <hash> height=N txs=K" line, or -1.
int mined_txs(const std::string& line) {
  size_t at = line.find(" txs=");
  return at == std::string::npos ? -1 : std::atoi(line.c_str() + at + 5);
}

class Load : public ::testing::Test {
 protected:
  CommandResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--chain", "quick"});
    return run_command(port_, dir_.path(), args);
  }

  TempDir dir_;
  uint16_t port_ = free_port();
};

std::string tail_of(const std::string& text, size_t bytes) {
  return text.size() <= bytes ? text : text.substr(text.size() - bytes);
}

TEST_F(Load, ThirtyTwoPeersFloodingValidAndInvalidTxsGetEveryValidOneMinedInBoundedMemory) {
  const int txs = load_txs();
  const std::string coins = (dir_.path() / "coins.hex").string();
  const std::string txids_path = (dir_.path() / "txids.txt").string();

  CommandResult wallet = run({"createwallet"});
  ASSERT_EQ(wallet.exit_code, 0) << wallet.err;
  const std::string miner_address = wallet.last_line();
  const std::string store = (dir_.path() / std::to_string(port_) / "chainstate").string();
  CommandResult prepared = run_program(TX_FLOOD_BIN, {"prepare", "--store", store, "--coins", coins,
                                                      "--valid", std::to_string(txs)});
  ASSERT_EQ(prepared.exit_code, 0) << prepared.err << prepared.out;

  const std::string endpoint = "127.0.0.1:" + std::to_string(port_);
  NodeProcess node(
      port_, dir_.path(),
      {"--chain", "quick", "startnode", "--rpc-port", "0", "--miner", miner_address, "--min-txs",
       "1", "--connect", endpoint, "--max-peers", std::to_string(kConnections + kBadTxs)});
  ASSERT_TRUE(node.wait_for("listening on", 30s)) << node.output();
  const long rss_before_kib = memory_kib(node.pid(), "VmRSS");

  CommandResult flood =
      run_program(TX_FLOOD_BIN,
                  {"flood", "--target", endpoint, "--coins", coins, "--valid", std::to_string(txs),
                   "--invalid", std::to_string(txs), "--connections", std::to_string(kConnections),
                   "--txids", txids_path, "--timeout", "300"},
                  400s);
  std::cout << flood.out << flood.err;
  ASSERT_EQ(flood.exit_code, 0) << flood.err << flood.out << "\nnode's last lines:\n"
                                << tail_of(node.output(), 6000);
  const std::string summary = flood.out.substr(flood.out.find("flood connections="));
  EXPECT_EQ(field(summary, "accepted_valid"), std::to_string(txs));
  EXPECT_EQ(field(summary, "accepted_invalid"), "0");
  EXPECT_EQ(field(summary, "flood_dropped"), "0");
  EXPECT_EQ(field(summary, "bad_dropped"), std::to_string(kBadTxs) + "/" + std::to_string(kBadTxs));
  // Local tools share 127.0.0.1: it is disconnected, never discouraged.
  EXPECT_EQ(node.output().find("discouraging"), std::string::npos);

  // Every valid transaction is in a mined block (the miner mines whenever its pool holds one).
  LogReader log(node);
  int mined = 0;
  while (mined < txs) {
    auto line = log.next_line("mined block ", 120s);
    ASSERT_TRUE(line) << "mined " << mined << " of " << txs << " transactions";
    int count = mined_txs(*line);
    if (count > 0) mined += count - 1;  // not the coinbase
  }

  // Still alive after it all; VmHWM is the peak of the resident set over the node's lifetime.
  const long peak_kib = memory_kib(node.pid(), "VmHWM");
  const long rss_after_kib = memory_kib(node.pid(), "VmRSS");
  ASSERT_GT(peak_kib, 0) << "the node is gone";
  std::cout << "load: txs=" << txs << " node rss_before_kib=" << rss_before_kib
            << " rss_after_kib=" << rss_after_kib << " peak_rss_kib=" << peak_kib << " ("
            << peak_kib / 1024 << " MiB)\n";
  RecordProperty("txs", txs);
  RecordProperty("peak_rss_kib", static_cast<int>(peak_kib));
  RecordProperty("rss_before_kib", static_cast<int>(rss_before_kib));
  RecordProperty("rss_after_kib", static_cast<int>(rss_after_kib));
  RecordProperty("accepted_per_s", field(summary, "accepted_per_s"));
  EXPECT_LT(peak_kib, kMaxPeakRssKib);
  EXPECT_EQ(node.stop(), 0) << node.output().substr(0, 4000);

  // Exactly: every valid txid in the stored chain, no invalid one.
  CommandResult chain = run({"printchain"});
  ASSERT_EQ(chain.exit_code, 0) << chain.err;
  std::set<std::string> chain_txids;
  std::istringstream chain_lines(chain.out);
  for (std::string line; std::getline(chain_lines, line);)
    if (line.rfind("  tx ", 0) == 0) chain_txids.insert(line.substr(5));
  std::ifstream listed(txids_path);
  int valid_seen = 0;
  int valid_missing = 0;
  int invalid_mined = 0;
  for (std::string kind, txid; listed >> kind >> txid;) {
    const bool in_chain = chain_txids.contains(txid);
    if (kind == "valid") {
      ++valid_seen;
      if (!in_chain) ++valid_missing;
    } else if (in_chain) {
      ++invalid_mined;
    }
  }
  EXPECT_EQ(valid_seen, txs);
  EXPECT_EQ(valid_missing, 0);
  EXPECT_EQ(invalid_mined, 0);

  CommandResult verified = run({"verifychain"});
  EXPECT_EQ(verified.exit_code, 0) << verified.err << verified.out;
}

}  // namespace
}  // namespace ac::test
