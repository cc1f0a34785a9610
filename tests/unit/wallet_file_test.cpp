#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "chain/hash.hpp"
#include "wallet/address.hpp"
#include "wallet/wallet_file.hpp"

namespace ac::wallet {
namespace {

namespace fs = std::filesystem;

class WalletFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    directory_ = fs::temp_directory_path() /
                 ("actorchain-wallet-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(directory_);
    fs::create_directories(directory_);
    path_ = directory_ / "wallet.dat";
  }
  void TearDown() override { fs::remove_all(directory_); }

  Bytes read_file() const {
    std::ifstream in(path_, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  void write_file(const Bytes& bytes) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }
  WalletFile sample() const {
    WalletFile file;
    for (int i = 0; i < 3; ++i) file.keys.push_back(std::move(signer_.generate_key()).value());
    PendingSpend spend;
    spend.outpoint.txid.data[0] = 0xaa;
    spend.outpoint.index = 7;
    spend.spending_txid.data[31] = 0xbb;
    spend.time_seconds = 1'700'000'000;
    file.pending_spends.push_back(spend);
    return file;
  }

  fs::path directory_;
  fs::path path_;
  Signer signer_ = std::move(Signer::create()).value();
};

TEST_F(WalletFileTest, SaveThenLoadRoundTripsKeysAndPendingSpends) {
  WalletFile file = sample();
  ASSERT_TRUE(save_wallet_file(path_, file).ok());
  auto loaded = load_wallet_file(path_, signer_);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  ASSERT_EQ(loaded->keys.size(), file.keys.size());
  for (size_t i = 0; i < file.keys.size(); ++i) {
    EXPECT_EQ(loaded->keys[i], file.keys[i]);
    EXPECT_EQ(loaded->keys[i].public_key(), file.keys[i].public_key());
  }
  EXPECT_EQ(loaded->pending_spends, file.pending_spends);
}

TEST_F(WalletFileTest, SavedFileIsOwnerOnly) {
  ASSERT_TRUE(save_wallet_file(path_, sample()).ok());
  struct stat status {};
  ASSERT_EQ(::stat(path_.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600u);
}

TEST_F(WalletFileTest, SaveLeavesNoTempFileBehind) {
  ASSERT_TRUE(save_wallet_file(path_, sample()).ok());
  ASSERT_TRUE(save_wallet_file(path_, sample()).ok());
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory_)) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"wallet.dat"});
}

TEST_F(WalletFileTest, SaveReplacesPreviousContents) {
  ASSERT_TRUE(save_wallet_file(path_, sample()).ok());
  WalletFile smaller;
  smaller.keys.push_back(std::move(signer_.generate_key()).value());
  ASSERT_TRUE(save_wallet_file(path_, smaller).ok());
  auto loaded = load_wallet_file(path_, signer_);
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->keys.size(), 1u);
  EXPECT_EQ(loaded->keys[0], smaller.keys[0]);
  EXPECT_TRUE(loaded->pending_spends.empty());
}

TEST_F(WalletFileTest, AnyFlippedByteIsCorrupt) {
  ASSERT_TRUE(save_wallet_file(path_, sample()).ok());
  const Bytes original = read_file();
  for (size_t i = 0; i < original.size(); ++i) {
    Bytes damaged = original;
    damaged[i] ^= 0x01;
    write_file(damaged);
    auto loaded = load_wallet_file(path_, signer_);
    ASSERT_FALSE(loaded.ok()) << "byte " << i;
    EXPECT_EQ(loaded.reason(), "wallet-corrupt") << "byte " << i;
  }
}

TEST_F(WalletFileTest, TruncatedFileIsCorrupt) {
  ASSERT_TRUE(save_wallet_file(path_, sample()).ok());
  const Bytes original = read_file();
  for (size_t length :
       {size_t{0}, size_t{5}, size_t{12}, original.size() / 2, original.size() - 1}) {
    write_file(Bytes(original.begin(), original.begin() + static_cast<ptrdiff_t>(length)));
    auto loaded = load_wallet_file(path_, signer_);
    ASSERT_FALSE(loaded.ok()) << length;
    EXPECT_EQ(loaded.reason(), "wallet-corrupt") << length;
  }
}

TEST_F(WalletFileTest, ValidChecksumOverInvalidSecretIsCorrupt) {
  WalletFile file;
  Bytes encoded = encode_wallet_file(file);
  // Rebuild by hand: one key of all zero bytes (not a valid secret), with a correct checksum.
  Bytes body(encoded.begin(), encoded.begin() + 12);
  body.push_back(1);
  body.insert(body.end(), 32, 0);
  body.push_back(0);
  Hash256 checksum = sha256d(body);
  body.insert(body.end(), checksum.begin(), checksum.end());
  auto decoded = decode_wallet_file(body, signer_);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.reason(), "wallet-corrupt");
}

TEST_F(WalletFileTest, NewerFormatVersionIsRefused) {
  Bytes encoded = encode_wallet_file(WalletFile{});
  Bytes body(encoded.begin(), encoded.end() - 32);
  body[8] = static_cast<uint8_t>(kWalletFormatVersion + 1);
  Hash256 checksum = sha256d(body);
  body.insert(body.end(), checksum.begin(), checksum.end());
  auto decoded = decode_wallet_file(body, signer_);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.reason(), "wallet-version-unsupported");
}

TEST_F(WalletFileTest, MissingFileIsReportedOrEmpty) {
  auto loaded = load_wallet_file(path_, signer_);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.reason(), "wallet-missing");
  auto empty = load_wallet_file_or_empty(path_, signer_);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->keys.empty());
  EXPECT_FALSE(fs::exists(path_));
}

TEST_F(WalletFileTest, SaveIntoMissingDirectoryFails) {
  auto status = save_wallet_file(directory_ / "absent" / "wallet.dat", sample());
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.reason(), "wallet-write-failed");
}

TEST_F(WalletFileTest, WalletPersistsEachNewKeyBeforeReturningIt) {
  auto wallet = Wallet::open(path_);
  ASSERT_TRUE(wallet.ok());
  EXPECT_FALSE(fs::exists(path_));
  auto first = wallet->new_key();
  auto second = wallet->new_key();
  ASSERT_TRUE(first.ok() && second.ok());

  auto reopened = Wallet::open(path_);
  ASSERT_TRUE(reopened.ok());
  ASSERT_EQ(reopened->keys().size(), 2u);
  EXPECT_EQ(reopened->keys()[0], *first);
  EXPECT_EQ(reopened->keys()[1], *second);
  EXPECT_EQ(reopened->addresses(demo_params()),
            (std::vector<std::string>{encode_address(first->pubkey_hash(), demo_params()),
                                      encode_address(second->pubkey_hash(), demo_params())}));
  ASSERT_NE(reopened->key_for(second->pubkey_hash()), nullptr);
  EXPECT_EQ(*reopened->key_for(second->pubkey_hash()), *second);
  EXPECT_EQ(reopened->key_for(Hash160{}), nullptr);
}

TEST_F(WalletFileTest, NewKeyThatCannotBeSavedIsNotKept) {
  auto wallet = Wallet::open(directory_ / "absent" / "wallet.dat");
  ASSERT_TRUE(wallet.ok());
  auto key = wallet->new_key();
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.reason(), "wallet-write-failed");
  EXPECT_TRUE(wallet->keys().empty());
}

TEST_F(WalletFileTest, PendingSpendsPersistAndCanBeRetired) {
  auto wallet = Wallet::open(path_);
  ASSERT_TRUE(wallet.ok());
  ASSERT_TRUE(wallet->new_key().ok());
  OutPoint first{Hash256{}, 0};
  first.txid.data[0] = 1;
  OutPoint second{Hash256{}, 1};
  second.txid.data[0] = 2;
  Hash256 txid_a;
  txid_a.data[0] = 0xa;
  Hash256 txid_b;
  txid_b.data[0] = 0xb;
  ASSERT_TRUE(wallet->mark_spent(std::vector<OutPoint>{first}, txid_a, 100).ok());
  ASSERT_TRUE(wallet->mark_spent(std::vector<OutPoint>{second}, txid_b, 200).ok());

  auto reopened = Wallet::open(path_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened->pending_outpoints(), (std::unordered_set<OutPoint>{first, second}));
  ASSERT_EQ(reopened->pending_spends().size(), 2u);
  EXPECT_EQ(reopened->pending_spends()[1].spending_txid, txid_b);
  EXPECT_EQ(reopened->pending_spends()[1].time_seconds, 200);

  ASSERT_TRUE(reopened
                  ->retain_pending_spends(
                      [&](const PendingSpend& spend) { return spend.spending_txid != txid_a; })
                  .ok());
  auto again = Wallet::open(path_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->pending_outpoints(), (std::unordered_set<OutPoint>{second}));
}

}  // namespace
}  // namespace ac::wallet
