// The single-node walk-through, run through the real binary in a temporary data folder.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "chain/params.hpp"
#include "tests/integration/process.hpp"
#include "wallet/address.hpp"
#include "wallet/key.hpp"

namespace ac::test {
namespace {

class Walkthrough : public ::testing::Test {
 protected:
  CommandResult run(const std::vector<std::string>& args) {
    return run_command(node_id_, dir_.path(), args);
  }
  std::string ok(const std::vector<std::string>& args) {
    CommandResult r = run(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " failed: " << r.err;
    return r.last_line();
  }

  TempDir dir_;
  uint16_t node_id_ = free_port();
};

TEST_F(Walkthrough, TwoWalletsMinedSendsBothWaysGiveExactBalances) {
  std::string alice = ok({"createwallet"});
  std::string bob = ok({"createwallet"});
  ASSERT_NE(alice, bob);
  CommandResult listed = run({"listaddresses"});
  EXPECT_NE(listed.out.find(alice), std::string::npos);
  EXPECT_NE(listed.out.find(bob), std::string::npos);

  ok({"createblockchain", "--address", alice});
  EXPECT_EQ(ok({"getbalance", "--address", alice}), "10.00000000");
  EXPECT_EQ(ok({"getbalance", "--address", bob}), "0.00000000");

  std::string first_txid = ok({"send", "--from", alice, "--to", bob, "--amount", "3", "--mine"});
  EXPECT_EQ(ok({"getbalance", "--address", alice}), "17.00000000");  // 10 - 3 + 10 reward
  EXPECT_EQ(ok({"getbalance", "--address", bob}), "3.00000000");

  // The tutorial's single-dash spelling works too.
  std::string second_txid = ok({"send", "-from", bob, "-to", alice, "-amount", "1.5", "-mine"});
  EXPECT_EQ(ok({"getbalance", "--address", alice}), "18.50000000");
  EXPECT_EQ(ok({"getbalance", "--address", bob}), "11.50000000");  // 3 - 1.5 + 10 reward

  CommandResult chain = run({"printchain"});
  ASSERT_EQ(chain.exit_code, 0) << chain.err;
  EXPECT_NE(chain.out.find(first_txid), std::string::npos);
  EXPECT_NE(chain.out.find(second_txid), std::string::npos);
  std::vector<std::string> heights;
  std::istringstream lines(chain.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("block ", 0) != 0) continue;
    size_t at = line.find(" height=") + 8;
    heights.push_back(line.substr(at, line.find(' ', at) - at));
  }
  EXPECT_EQ(heights, (std::vector<std::string>{"2", "1", "0"}));  // tip first

  CommandResult hex = run({"printchain", "--hex"});
  ASSERT_EQ(hex.exit_code, 0);
  EXPECT_EQ(std::count(hex.out.begin(), hex.out.end(), '\n'), 3);

  EXPECT_EQ(run({"verifychain"}).exit_code, 0);
}

TEST_F(Walkthrough, DumpPrivKeyPrintsTheWifOfTheAddressKey) {
  std::string alice = ok({"createwallet"});
  std::string wif = ok({"dumpprivkey", "--address", alice});
  auto signer = wallet::Signer::create();
  ASSERT_TRUE(signer);
  auto key = signer->import_wif(wif, demo_params());
  ASSERT_TRUE(key) << wif << ": " << key.error().message();
  EXPECT_EQ(wallet::encode_address(key->pubkey_hash(), demo_params()), alice);

  std::string stranger = ok({"createwallet"});
  TempDir other;
  CommandResult unknown =
      run_command(node_id_, other.path(), {"dumpprivkey", "--address", stranger});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("unknown-address"), std::string::npos) << unknown.err;
}

TEST_F(Walkthrough, ErrorsAreOneLineOnStderrWithNonZeroExit) {
  auto expect_error = [&](const std::vector<std::string>& args, const std::string& reason) {
    CommandResult r = run(args);
    EXPECT_NE(r.exit_code, 0) << args[0];
    EXPECT_NE(r.err.find(reason), std::string::npos) << args[0] << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  };
  std::string alice = ok({"createwallet"});
  expect_error({"getbalance", "--address", alice}, "no-chain");
  expect_error({"getbalance", "--address", "notanaddress"}, "address");
  ok({"createblockchain", "--address", alice});
  expect_error({"createblockchain", "--address", alice}, "chain-exists");
  std::string bob = ok({"createwallet"});
  expect_error({"send", "--from", alice, "--to", bob, "--amount", "11", "--mine"},
               "insufficient-funds");
  expect_error({"send", "--from", alice, "--to", bob, "--amount", "1.000000001", "--mine"},
               "bad-amount");
  expect_error({"send", "--from", bob, "--to", alice, "--amount", "1", "--mine"},
               "insufficient-funds");
  // An address this node's wallet holds no key for.
  TempDir other_dir;
  uint16_t other = free_port();
  std::string stranger = run_command(other, other_dir.path(), {"createwallet"}).last_line();
  expect_error({"send", "--from", stranger, "--to", alice, "--amount", "1", "--mine"},
               "unknown-address");
  expect_error({"createblockchain", "--address", "mzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"}, "address");
}

TEST_F(Walkthrough, CorruptWalletFileIsReportedNeverLoadedOrOverwritten) {
  ok({"createwallet"});
  auto wallet_path = dir_.path() / std::to_string(node_id_) / "wallet.dat";
  std::string bytes;
  {
    std::ifstream in(wallet_path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(bytes.size(), 40u);
  bytes[bytes.size() / 2] ^= 0x01;
  {
    std::ofstream out(wallet_path, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  for (const char* command : {"listaddresses", "createwallet"}) {
    CommandResult r = run({command});
    EXPECT_NE(r.exit_code, 0) << command;
    EXPECT_NE(r.err.find("wallet-corrupt"), std::string::npos) << command << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  // The damaged file is left as it was for the user to restore, not replaced by a new wallet.
  std::ifstream in(wallet_path, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), bytes);
}

TEST(Cli, MissingNodeIdIsAClearError) {
  TempDir dir;
  unsetenv("NODE_ID");
  // run_command always sets NODE_ID; exercise the binary directly without it.
  std::string command = std::string(ACTORCHAIN_BIN) + " listaddresses --datadir " +
                        dir.path().string() + " 2>&1 >/dev/null";
  FILE* pipe = popen(("env -u NODE_ID " + command).c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buffer[512] = {};
  size_t n = fread(buffer, 1, sizeof buffer - 1, pipe);
  int status = pclose(pipe);
  EXPECT_NE(status, 0);
  EXPECT_NE(std::string(buffer, n).find("node-id-missing"), std::string::npos);
}

}  // namespace
}  // namespace ac::test
