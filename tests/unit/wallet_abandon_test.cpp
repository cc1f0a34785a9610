// wallet.dat's abandoned payments (format version 2, abandontransaction) and the pure helpers
// that tell the wallet's own payments (wallet/own_payments.hpp).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "chain/hash.hpp"
#include "chain/script.hpp"
#include "wallet/own_payments.hpp"
#include "wallet/wallet_file.hpp"

namespace ac::wallet {
namespace {

namespace fs = std::filesystem;

Hash256 hash_of(uint8_t tag) {
  Hash256 out;
  out.data[0] = tag;
  return out;
}

class WalletAbandonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    directory_ = fs::temp_directory_path() /
                 ("actorchain-abandon-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(directory_);
    fs::create_directories(directory_);
    path_ = directory_ / "wallet.dat";
  }
  void TearDown() override { fs::remove_all(directory_); }

  uint32_t version_on_disk() const {
    std::ifstream in(path_, std::ios::binary);
    Bytes bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>{});
    return bytes.size() < 12 ? 0 : bytes[8] | bytes[9] << 8 | bytes[10] << 16 | bytes[11] << 24;
  }

  fs::path directory_;
  fs::path path_;
};

TEST_F(WalletAbandonTest, AbandoningDropsThePendingSpendsAndIsKeptInVersion2) {
  auto wallet = Wallet::open(path_);
  ASSERT_TRUE(wallet.ok());
  ASSERT_TRUE(wallet->new_key().ok());
  const OutPoint first{hash_of(1), 0};
  const OutPoint second{hash_of(2), 3};
  ASSERT_TRUE(wallet->mark_spent(std::vector<OutPoint>{first}, hash_of(0xa), 100).ok());
  ASSERT_TRUE(wallet->mark_spent(std::vector<OutPoint>{second}, hash_of(0xb), 200).ok());
  EXPECT_EQ(version_on_disk(), 1u);  // nothing of version 2 yet: old binaries still read it

  ASSERT_TRUE(wallet->abandon({hash_of(0xa)}, 300).ok());
  EXPECT_EQ(version_on_disk(), 2u);
  auto reopened = Wallet::open(path_);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message();
  EXPECT_EQ(reopened->keys().size(), 1u);
  EXPECT_EQ(reopened->pending_outpoints(), (std::unordered_set<OutPoint>{second}));
  EXPECT_TRUE(reopened->is_abandoned(hash_of(0xa)));
  EXPECT_FALSE(reopened->is_abandoned(hash_of(0xb)));
  EXPECT_EQ(reopened->abandoned(), (std::vector<AbandonedTx>{{hash_of(0xa), 300}}));

  // Abandoning again records it once.
  ASSERT_TRUE(reopened->abandon({hash_of(0xa)}, 400).ok());
  EXPECT_EQ(reopened->abandoned().size(), 1u);

  // Confirmed after all: forgotten, and the file is version 1 again.
  ASSERT_TRUE(reopened->forget_abandoned({hash_of(0xa)}).ok());
  EXPECT_EQ(version_on_disk(), 1u);
  auto last = Wallet::open(path_);
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(last->abandoned().empty());
  EXPECT_EQ(last->pending_outpoints(), (std::unordered_set<OutPoint>{second}));
}

TEST_F(WalletAbandonTest, Version2FileRoundTripsAndRefusesTrailingBytes) {
  auto signer = Signer::create().value();
  WalletFile file;
  file.keys.push_back(signer.generate_key().value());
  file.pending_spends.push_back({OutPoint{hash_of(1), 2}, hash_of(3), 4});
  file.abandoned.push_back({hash_of(5), 6});
  file.abandoned.push_back({hash_of(7), 8});
  Bytes encoded = encode_wallet_file(file);
  auto decoded = decode_wallet_file(encoded, signer);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message();
  EXPECT_EQ(decoded->pending_spends, file.pending_spends);
  EXPECT_EQ(decoded->abandoned, file.abandoned);
  // The abandoned section cut off (checksum made right again) is a damaged file.
  Bytes body(encoded.begin(), encoded.end() - 32 - 40);
  Hash256 checksum = sha256d(body);
  body.insert(body.end(), checksum.begin(), checksum.end());
  auto truncated = decode_wallet_file(body, signer);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.reason(), "wallet-corrupt");
  // Version 2 with no abandoned payment is not how it is written (one encoding per wallet).
  Bytes empty(encoded.begin(), encoded.end() - 32 - 80 - 1);
  empty.push_back(0);
  checksum = sha256d(empty);
  empty.insert(empty.end(), checksum.begin(), checksum.end());
  auto none = decode_wallet_file(empty, signer);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.reason(), "wallet-corrupt");
}

TEST(OwnPayments, AnInputSignedByAKeyOfTheWalletMakesItsOwn) {
  auto signer = Signer::create().value();
  PrivateKey mine = signer.generate_key().value();
  PrivateKey theirs = signer.generate_key().value();
  Transaction tx;
  tx.inputs.push_back(
      TxIn{OutPoint{hash_of(1), 0}, p2pkh_script_sig(Bytes(71, 1), theirs.public_key())});
  const std::unordered_set<Hash160> keys{mine.pubkey_hash()};
  EXPECT_FALSE(spends_from(tx, keys));
  tx.inputs.push_back(
      TxIn{OutPoint{hash_of(2), 0}, p2pkh_script_sig(Bytes(71, 1), mine.public_key())});
  EXPECT_TRUE(spends_from(tx, keys));
  tx.inputs[1].script_sig = Bytes{0x51};  // not a P2PKH spend
  EXPECT_FALSE(spends_from(tx, keys));
}

TEST(OwnPayments, UnrecordedSpendsAndDescendants) {
  Transaction tx;
  tx.inputs.push_back(TxIn{OutPoint{hash_of(1), 0}, {}});
  tx.inputs.push_back(TxIn{OutPoint{hash_of(2), 1}, {}});
  std::vector<PendingSpend> pending{{OutPoint{hash_of(1), 0}, hash_of(9), 0}};
  EXPECT_EQ(unrecorded_spends(tx, hash_of(9), pending),
            (std::vector<OutPoint>{OutPoint{hash_of(2), 1}}));
  EXPECT_EQ(unrecorded_spends(tx, hash_of(8), pending).size(), 2u);

  // 9 <- 10 (spends 9's change) <- 11; 12 spends something else.
  pending.push_back({OutPoint{hash_of(9), 1}, hash_of(10), 0});
  pending.push_back({OutPoint{hash_of(10), 0}, hash_of(11), 0});
  pending.push_back({OutPoint{hash_of(4), 0}, hash_of(12), 0});
  EXPECT_EQ(with_pending_descendants(hash_of(9), pending),
            (std::unordered_set<Hash256>{hash_of(9), hash_of(10), hash_of(11)}));
  EXPECT_EQ(with_pending_descendants(hash_of(12), pending),
            (std::unordered_set<Hash256>{hash_of(12)}));
}

}  // namespace
}  // namespace ac::wallet
