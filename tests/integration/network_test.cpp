// The tutorial's three-role scenario with real processes on ephemeral 127.0.0.1 ports: a
// central node, a wallet node that syncs from nothing, and a miner that mines the wallet's
// transaction and announces the block to everyone.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <memory>

#include "tests/integration/process.hpp"

namespace ac::test {
namespace {

using namespace std::chrono_literals;

class ThreeNodes : public ::testing::Test {
 protected:
  std::string ok(uint16_t node, const std::vector<std::string>& args) {
    CommandResult r = run_command(node, dir_.path(), args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " on " << node << " failed: " << r.err;
    return r.last_line();
  }
  std::string balance(uint16_t node, const std::string& address) {
    return ok(node, {"getbalance", "--address", address});
  }
  // Every node is given the central's address; the central, given its own, connects nowhere.
  std::unique_ptr<NodeProcess> start(uint16_t node, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"startnode", "--rpc-port", "0", "--connect",
                                     central_endpoint()};
    args.insert(args.end(), extra.begin(), extra.end());
    auto process = std::make_unique<NodeProcess>(node, dir_.path(), args);
    EXPECT_TRUE(process->wait_for("listening on", 30s)) << process->output();
    return process;
  }
  std::string central_endpoint() const { return "127.0.0.1:" + std::to_string(central_); }

  TempDir dir_;
  uint16_t central_ = free_port();
  uint16_t wallet_ = free_port();
  uint16_t miner_ = free_port();
};

TEST_F(ThreeNodes, WalletTransactionTravelsToTheMinerAndItsBlockReachesEveryone) {
  std::string central_address = ok(central_, {"createwallet"});
  std::string wallet_address = ok(wallet_, {"createwallet"});
  std::string miner_address = ok(miner_, {"createwallet"});
  ok(central_, {"createblockchain", "--address", central_address});
  ok(central_,
     {"send", "--from", central_address, "--to", wallet_address, "--amount", "2", "--mine"});
  ok(central_,
     {"send", "--from", central_address, "--to", wallet_address, "--amount", "3", "--mine"});

  std::string trace_file = (dir_.path() / "central-trace.jsonl").string();
  auto central = start(central_, {"--trace-file", trace_file});

  // The wallet node starts with no chain, adopts the central's genesis and syncs to height 2.
  auto wallet = start(wallet_);
  ASSERT_TRUE(wallet->wait_for("new tip height=2", 30s)) << wallet->output();
  EXPECT_EQ(wallet->stop(), 0);
  EXPECT_EQ(balance(wallet_, wallet_address), "5.00000000");

  auto miner = start(miner_, {"--miner", miner_address, "--min-txs", "1"});
  ASSERT_TRUE(miner->wait_for("new tip height=2", 30s)) << miner->output();

  // send without --mine: the wallet hands its transaction to the central node.
  CommandResult sent = run_command(wallet_, dir_.path(),
                                   {"send", "--from", wallet_address, "--to", miner_address,
                                    "--amount", "1", "--connect", central_endpoint()});
  ASSERT_EQ(sent.exit_code, 0) << sent.err << sent.out;
  std::string txid = sent.last_line();

  ASSERT_TRUE(miner->wait_for("mined block", 60s)) << miner->output();
  ASSERT_TRUE(central->wait_for("new tip height=3", 30s)) << central->output();

  wallet = start(wallet_);
  ASSERT_TRUE(wallet->wait_for("new tip height=3", 30s)) << wallet->output();

  EXPECT_EQ(wallet->stop(), 0);
  EXPECT_EQ(miner->stop(), 0);
  EXPECT_EQ(central->stop(), 0);

  for (uint16_t node : {central_, wallet_, miner_}) {
    SCOPED_TRACE("node " + std::to_string(node));
    EXPECT_EQ(balance(node, central_address), "25.00000000");  // 3 blocks mined, 5 sent
    EXPECT_EQ(balance(node, wallet_address), "4.00000000");
    EXPECT_EQ(balance(node, miner_address), "11.00000000");
    EXPECT_EQ(run_command(node, dir_.path(), {"verifychain"}).exit_code, 0);
    CommandResult chain = run_command(node, dir_.path(), {"printchain"});
    EXPECT_NE(chain.out.find(txid), std::string::npos);
  }

  // --trace-file: one JSON object per message, every command of the flow present.
  std::ifstream trace(trace_file);
  std::string line;
  std::string commands;
  int lines = 0;
  while (std::getline(trace, line)) {
    ++lines;
    EXPECT_EQ(line.front(), '{');
    EXPECT_EQ(line.back(), '}');
    commands += line;
  }
  EXPECT_GT(lines, 10);
  for (const char* command : {"version", "verack", "getblocks", "inv", "getdata", "block", "tx"})
    EXPECT_NE(commands.find(std::string("\"") + command + "\""), std::string::npos) << command;
}

// (getbalance and the other tutorial commands go through a running node's RPC instead:
// tests/rpc/cli_parity_test.py.)
TEST_F(ThreeNodes, StoreCommandsRefuseTheStoreOfARunningNode) {
  std::string address = ok(central_, {"createwallet"});
  ok(central_, {"createblockchain", "--address", address});
  auto central = start(central_);
  CommandResult r = run_command(central_, dir_.path(), {"verifychain"}, std::chrono::seconds(10));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("store-locked"), std::string::npos) << r.err;
  EXPECT_EQ(central->stop(), 0);
  EXPECT_EQ(balance(central_, address), "10.00000000");  // a clean stop releases it
}

TEST_F(ThreeNodes, AStartOnAPortInUseSaysSoInOneLine) {
  // Someone else listens on the node's port.
  int other = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(other, 0);
  sockaddr_in where{};
  where.sin_family = AF_INET;
  where.sin_port = htons(central_);
  where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(other, reinterpret_cast<sockaddr*>(&where), sizeof where), 0);
  ASSERT_EQ(::listen(other, 1), 0);
  CommandResult r = run_command(central_, dir_.path(), {"startnode", "--connect", "none"},
                                std::chrono::seconds(30));
  ::close(other);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.err,
            "error: port-in-use: 127.0.0.1:" + std::to_string(central_) + " is already in use\n");
}

}  // namespace
}  // namespace ac::test
