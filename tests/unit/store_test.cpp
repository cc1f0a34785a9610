#include "chain/store.hpp"

#include <gtest/gtest.h>
#include <leveldb/db.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "chain/block_files_migration.hpp"
#include "chain/block_index.hpp"
#include "chain/script.hpp"
#include "chain/undo.hpp"

namespace ac {
namespace {

Coin p2pkh_coin(uint8_t owner, Amount value, int height, bool is_coinbase = false) {
  Hash160 pubkey_hash;
  pubkey_hash.data.fill(owner);
  return Coin{TxOut{value, p2pkh_script(pubkey_hash)}, height, is_coinbase};
}

Hash160 owner_hash(uint8_t owner) {
  Hash160 pubkey_hash;
  pubkey_hash.data.fill(owner);
  return pubkey_hash;
}

OutPoint outpoint(uint8_t tag, uint32_t index) {
  OutPoint out;
  out.txid.data.fill(tag);
  out.index = index;
  return out;
}

Hash256 hash_of(uint8_t tag) {
  Hash256 hash;
  hash.data.fill(tag);
  return hash;
}

BlockIndexRecord sample_record(uint32_t nonce, int height) {
  BlockIndexRecord record;
  record.header.version = 0x20000000;
  record.header.prev_block = hash_of(0x11);
  record.header.merkle_root = hash_of(0x22);
  record.header.time = 1700000000;
  record.header.bits = 0x207fffff;
  record.header.nonce = nonce;
  record.hash = record.header.hash();
  record.height = height;
  Hash256 work;
  work.data[0] = 0x34;
  work.data[31] = 0x80;  // top bit: the whole 256-bit width survives the round trip
  record.chain_work = Arith256::from_hash(work);
  record.status = block_status::kHaveData | block_status::kValidChecked;
  return record;
}

// ---- codecs ----

TEST(CoinCodec, RoundTripsValueScriptHeightAndCoinbaseFlag) {
  for (const Coin& coin :
       {p2pkh_coin(1, 50 * kCoin, 0, true), p2pkh_coin(2, 1, 125, false),
        p2pkh_coin(3, kMaxMoney, 2'000'000'000, true), Coin{TxOut{0, Bytes{}}, 32768, false}}) {
    Bytes out;
    Writer writer(out);
    write_coin(writer, coin);
    Reader reader(out);
    Coin back;
    ASSERT_TRUE(read_coin(reader, back));
    EXPECT_TRUE(reader.finish().ok());
    EXPECT_EQ(back, coin);
  }
}

TEST(CoinCodec, EncodesLowHeightInOneByte) {
  Bytes out;
  Writer writer(out);
  write_coin(writer, p2pkh_coin(1, 5, 100, true));
  EXPECT_EQ(out.size(), 1u + 8 + 1 + kP2pkhScriptBytes);
  EXPECT_EQ(out[0], 201);  // 100 * 2 + coinbase
}

TEST(CoinCodec, RejectsEveryTruncation) {
  Bytes out;
  Writer writer(out);
  write_coin(writer, p2pkh_coin(1, 7, 300));
  for (size_t length = 0; length < out.size(); ++length) {
    Reader reader(ByteSpan(out).first(length));
    Coin back;
    EXPECT_FALSE(read_coin(reader, back)) << length;
    EXPECT_EQ(reader.error(), "truncated") << length;
  }
}

TEST(CoinCodec, RejectsValueOutsideMoneyRange) {
  Bytes out;
  Writer writer(out);
  write_coin(writer, Coin{TxOut{-1, Bytes{}}, 1, false});
  Reader reader(out);
  Coin back;
  EXPECT_FALSE(read_coin(reader, back));
  EXPECT_EQ(reader.error(), "coin-value-out-of-range");
}

TEST(BlockUndoCodec, RoundTrips) {
  BlockUndo undo{
      {p2pkh_coin(1, 10, 5, true), p2pkh_coin(2, 20, 6), Coin{TxOut{3, {0x51}}, 7, false}}};
  auto back = decode_block_undo(encode_block_undo(undo));
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, undo);
  auto empty = decode_block_undo(encode_block_undo(BlockUndo{}));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->spent_coins.empty());
}

TEST(BlockUndoCodec, RejectsEveryTruncationAndTrailingBytes) {
  Bytes data = encode_block_undo(BlockUndo{{p2pkh_coin(1, 10, 5), p2pkh_coin(2, 20, 6)}});
  for (size_t length = 0; length < data.size(); ++length) {
    auto back = decode_block_undo(ByteSpan(data).first(length));
    ASSERT_FALSE(back.ok()) << length;
    EXPECT_EQ(back.reason(), "truncated") << length;
  }
  data.push_back(0);
  auto trailing = decode_block_undo(data);
  ASSERT_FALSE(trailing.ok());
  EXPECT_EQ(trailing.reason(), "trailing-bytes");
}

TEST(BlockUndoCodec, RejectsCountLargerThanTheBytesLeft) {
  Bytes data;
  Writer(data).compact_size(50'000);
  data.resize(data.size() + 100);
  auto back = decode_block_undo(data);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.reason(), "truncated");
}

TEST(BlockIndexRecordCodec, RoundTripsAndRecomputesHash) {
  const BlockIndexRecord record = sample_record(42, 1234);
  const Bytes data = encode_block_index_record(record);
  EXPECT_EQ(data.size(), 120u);
  auto back = decode_block_index_record(data);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, record);
}

TEST(BlockIndexRecordCodec, RejectsTruncationTrailingBytesAndNegativeHeight) {
  Bytes data = encode_block_index_record(sample_record(1, 2));
  for (size_t length : {size_t{0}, size_t{79}, size_t{80}, size_t{100}, data.size() - 1}) {
    auto back = decode_block_index_record(ByteSpan(data).first(length));
    ASSERT_FALSE(back.ok()) << length;
    EXPECT_EQ(back.reason(), "truncated") << length;
  }
  Bytes trailing = data;
  trailing.push_back(0);
  EXPECT_EQ(decode_block_index_record(trailing).reason(), "trailing-bytes");
  Bytes negative = encode_block_index_record(sample_record(1, -1));
  EXPECT_EQ(decode_block_index_record(negative).reason(), "negative-height");
}

// ---- the store ----

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("actorchain-store-" + std::to_string(::getpid()) + "-" + info->name());
    std::filesystem::remove_all(path_);
  }
  void TearDown() override { std::filesystem::remove_all(path_); }

  std::unique_ptr<Store> open_store() {
    auto store = Store::open(path_.string());
    EXPECT_TRUE(store.ok()) << store.error().message();
    return store ? std::move(store.value()) : nullptr;
  }

  // Writes a raw value under `key`, bypassing the store (to simulate corruption).
  void put_raw(const std::string& key, const std::string& value) {
    leveldb::DB* db = nullptr;
    leveldb::Options options;
    ASSERT_TRUE(leveldb::DB::Open(options, path_.string(), &db).ok());
    ASSERT_TRUE(db->Put(leveldb::WriteOptions(), key, value).ok());
    delete db;
  }

  // Runs `body` on the store in a child process that then ends as if SIGKILLed: no destructor,
  // no flush. `body` returns the child's exit status (0: every step succeeded).
  void in_killed_child(const std::function<int(Store&)>& body) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      auto store = Store::open(path_.string());
      ::_exit(store ? body(**store) : 2);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }

  std::filesystem::path path_;
};

std::map<OutPoint, Coin> all_coins(const Store& store) {
  std::map<OutPoint, Coin> coins;
  store.for_each_coin([&](const OutPoint& out, const Coin& coin) { coins.emplace(out, coin); });
  return coins;
}

std::map<OutPoint, Coin> coins_of(const Store& store, uint8_t owner) {
  std::map<OutPoint, Coin> coins;
  for (auto& [out, coin] : store.coins_of(owner_hash(owner))) coins.emplace(out, coin);
  return coins;
}

TEST_F(StoreTest, PutBlockThenReadsBlockBytesAndIndexBack) {
  auto store = open_store();
  ASSERT_TRUE(store);
  Block block;
  block.header = sample_record(7, 1).header;
  Transaction tx;
  tx.inputs.push_back(TxIn{OutPoint::null(), {0x01, 0x02}, 0xffffffff});
  tx.outputs.push_back(TxOut{50 * kCoin, p2pkh_script(owner_hash(9))});
  block.transactions.push_back(tx);
  BlockIndexRecord record = sample_record(7, 1);
  ASSERT_TRUE(store->put_block(block, record).ok());

  EXPECT_EQ(store->block(record.hash), block);
  EXPECT_EQ(store->block_bytes(record.hash), block.serialize());
  EXPECT_FALSE(store->block(hash_of(0x99)).has_value());
  auto index = store->load_index();
  ASSERT_EQ(index.size(), 1u);
  EXPECT_EQ(index[0], record);
  EXPECT_EQ(store->index_record(record.hash), record);  // one record, without the whole index
  EXPECT_FALSE(store->index_record(hash_of(0x99)).has_value());

  record.status |= block_status::kConnected;
  BlockIndexRecord other = sample_record(8, 2);
  ASSERT_TRUE(store->put_index_records({record, other}).ok());
  index = store->load_index();
  ASSERT_EQ(index.size(), 2u);
  EXPECT_TRUE(index[0] == record || index[1] == record);
  EXPECT_TRUE(index[0] == other || index[1] == other);
  EXPECT_FALSE(store->first_read_error().has_value());
}

TEST_F(StoreTest, DataSurvivesReopen) {
  {
    auto store = open_store();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->set_genesis(hash_of(1)).ok());
    StoreDelta change;
    change.new_tip = hash_of(1);
    change.coins_added.emplace_back(outpoint(1, 0), p2pkh_coin(5, 100, 0, true));
    ASSERT_TRUE(store->apply(change).ok());
    ASSERT_TRUE(store->flush().ok());
  }
  auto store = open_store();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->genesis(), hash_of(1));
  EXPECT_EQ(store->tip(), hash_of(1));
  EXPECT_EQ(store->coin(outpoint(1, 0)), p2pkh_coin(5, 100, 0, true));
}

TEST_F(StoreTest, ConnectThenDisconnectRestoresCoinsAndAddressIndexExactly) {
  auto store = open_store();
  ASSERT_TRUE(store);
  EXPECT_FALSE(store->tip().has_value());

  // Block 1: a coinbase to owner 5, a non-P2PKH coin, and two coins of one tx to owner 6.
  StoreDelta first;
  first.new_tip = hash_of(0xa1);
  first.coins_added = {{outpoint(1, 0), p2pkh_coin(5, 50 * kCoin, 1, true)},
                       {outpoint(2, 0), Coin{TxOut{7, {0x51}}, 1, false}},
                       {outpoint(3, 0), p2pkh_coin(6, 10, 1)},
                       {outpoint(3, 1), p2pkh_coin(6, 20, 1)}};
  first.undo_to_write = std::make_pair(hash_of(0xa1), BlockUndo{});
  ASSERT_TRUE(store->apply(first).ok());
  EXPECT_EQ(store->tip(), hash_of(0xa1));
  const auto coins_before = all_coins(*store);
  const auto owner5_before = coins_of(*store, 5);
  const auto owner6_before = coins_of(*store, 6);
  ASSERT_EQ(coins_before.size(), 4u);
  ASSERT_EQ(owner5_before.size(), 1u);
  ASSERT_EQ(owner6_before.size(), 2u);

  // Block 2 spends owner 6's first coin and the coinbase, pays owner 7.
  const BlockUndo undo{{*store->coin(outpoint(3, 0)), *store->coin(outpoint(1, 0))}};
  StoreDelta connect;
  connect.new_tip = hash_of(0xa2);
  connect.coins_spent = {{outpoint(3, 0), undo.spent_coins[0]},
                         {outpoint(1, 0), undo.spent_coins[1]}};
  connect.coins_added = {{outpoint(4, 0), p2pkh_coin(7, 50 * kCoin + 10, 2)}};
  connect.undo_to_write = std::make_pair(hash_of(0xa2), undo);
  BlockIndexRecord record = sample_record(2, 2);
  record.status |= block_status::kConnected;
  connect.index_updates = {record};
  ASSERT_TRUE(store->apply(connect).ok());

  EXPECT_EQ(store->tip(), hash_of(0xa2));
  EXPECT_FALSE(store->coin(outpoint(3, 0)).has_value());
  EXPECT_FALSE(store->coin(outpoint(1, 0)).has_value());
  EXPECT_TRUE(coins_of(*store, 5).empty());
  EXPECT_EQ(coins_of(*store, 6).size(), 1u);
  EXPECT_EQ(coins_of(*store, 7).size(), 1u);
  EXPECT_EQ(store->undo(hash_of(0xa2)), undo);
  ASSERT_EQ(store->load_index().size(), 1u);
  EXPECT_EQ(store->load_index()[0], record);

  // Disconnect block 2 from its undo data.
  StoreDelta disconnect;
  disconnect.new_tip = hash_of(0xa1);
  disconnect.coins_spent = {{outpoint(4, 0), p2pkh_coin(7, 50 * kCoin + 10, 2)}};
  auto stored_undo = store->undo(hash_of(0xa2));
  ASSERT_TRUE(stored_undo.has_value());
  disconnect.coins_added = {{outpoint(3, 0), stored_undo->spent_coins[0]},
                            {outpoint(1, 0), stored_undo->spent_coins[1]}};
  disconnect.undo_to_erase = hash_of(0xa2);
  ASSERT_TRUE(store->apply(disconnect).ok());

  EXPECT_EQ(store->tip(), hash_of(0xa1));
  EXPECT_EQ(all_coins(*store), coins_before);
  EXPECT_EQ(coins_of(*store, 5), owner5_before);
  EXPECT_EQ(coins_of(*store, 6), owner6_before);
  EXPECT_TRUE(coins_of(*store, 7).empty());
  EXPECT_FALSE(store->undo(hash_of(0xa2)).has_value());
  EXPECT_TRUE(store->undo(hash_of(0xa1)).has_value());
  EXPECT_FALSE(store->first_read_error().has_value());
}

TEST_F(StoreTest, CoinCreatedAndSpentInOneChangeEndsAbsent) {
  auto store = open_store();
  ASSERT_TRUE(store);
  StoreDelta change;
  change.new_tip = hash_of(1);
  change.coins_added = {{outpoint(1, 0), p2pkh_coin(5, 10, 1)}};
  change.coins_spent = {{outpoint(1, 0), p2pkh_coin(5, 10, 1)}};
  ASSERT_TRUE(store->apply(change).ok());
  EXPECT_FALSE(store->coin(outpoint(1, 0)).has_value());
  EXPECT_TRUE(coins_of(*store, 5).empty());
}

TEST_F(StoreTest, SecondOpenFromAnotherProcessReportsStoreLocked) {
  int to_parent[2];
  int to_child[2];
  ASSERT_EQ(::pipe(to_parent), 0);
  ASSERT_EQ(::pipe(to_child), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child opens first (its lock table is empty), reports, and holds the lock until told.
    auto store = Store::open(path_.string());
    const char opened = store.ok() ? 'y' : 'n';
    if (::write(to_parent[1], &opened, 1) != 1) ::_exit(2);
    char go;
    if (::read(to_child[0], &go, 1) != 1) ::_exit(3);
    ::_exit(store.ok() ? 0 : 1);
  }
  char opened = 0;
  ASSERT_EQ(::read(to_parent[0], &opened, 1), 1);
  EXPECT_EQ(opened, 'y');
  auto second = Store::open(path_.string());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.reason(), "store-locked") << second.error().message();
  const char go = 'x';
  ASSERT_EQ(::write(to_child[1], &go, 1), 1);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  for (int fd : {to_parent[0], to_parent[1], to_child[0], to_child[1]}) ::close(fd);

  auto after = Store::open(path_.string());
  EXPECT_TRUE(after.ok()) << "the lock is released when the holder exits";
}

TEST_F(StoreTest, SecondOpenInSameProcessReportsStoreLocked) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto second = Store::open(path_.string());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.reason(), "store-locked");
}

TEST_F(StoreTest, OpenOnAFileReportsStoreOpenFailed) {
  std::filesystem::create_directories(path_);
  const std::string file = (path_ / "plain-file").string();
  {
    FILE* f = std::fopen(file.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  auto store = Store::open(file);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.reason(), "store-open-failed");
}

TEST_F(StoreTest, CorruptCoinValueIsReportedNotReturned) {
  {
    auto store = open_store();
    ASSERT_TRUE(store);
    StoreDelta change;
    change.new_tip = hash_of(1);
    change.coins_added = {{outpoint(1, 0), p2pkh_coin(5, 10, 1)},
                          {outpoint(1, 1), p2pkh_coin(5, 11, 1)}};
    ASSERT_TRUE(store->apply(change).ok());
  }
  std::string key = "c" + std::string(32, '\x01') + std::string("\0\0\0\0", 4);
  put_raw(key, std::string("\x02\xff\xff", 3));
  auto store = open_store();
  ASSERT_TRUE(store);
  EXPECT_FALSE(store->first_read_error().has_value());
  EXPECT_FALSE(store->coin(outpoint(1, 0)).has_value());
  auto error = store->first_read_error();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason, "store-corrupt");
  EXPECT_NE(error->detail.find("truncated"), std::string::npos) << error->detail;
  EXPECT_EQ(store->coin(outpoint(1, 1)), p2pkh_coin(5, 11, 1));
  EXPECT_EQ(all_coins(*store).size(), 1u);
  EXPECT_EQ(coins_of(*store, 5).size(), 1u);
}

TEST_F(StoreTest, CorruptTipIndexAndUndoAreReported) {
  { ASSERT_TRUE(open_store()); }
  put_raw("T", "short");
  put_raw("i" + std::string(32, '\x05'), "garbage");
  put_raw("r" + std::string(32, '\x06'), std::string("\x05", 1));  // a truncated position
  auto store = open_store();
  ASSERT_TRUE(store);
  EXPECT_FALSE(store->tip().has_value());
  ASSERT_TRUE(store->first_read_error().has_value());
  EXPECT_EQ(store->first_read_error()->reason, "store-corrupt");
  EXPECT_TRUE(store->load_index().empty());
  EXPECT_FALSE(store->undo(hash_of(6)).has_value());
}

TEST_F(StoreTest, IndexRecordUnderTheWrongHashIsReported) {
  { ASSERT_TRUE(open_store()); }
  const Bytes record = encode_block_index_record(sample_record(3, 3));
  put_raw("i" + std::string(32, '\x07'), std::string(record.begin(), record.end()));
  auto store = open_store();
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->load_index().empty());
  EXPECT_FALSE(store->index_record(Hash256::from_span(as_span(std::string(32, '\x07')))));
  ASSERT_TRUE(store->first_read_error().has_value());
  EXPECT_NE(store->first_read_error()->detail.find("index-key-mismatch"), std::string::npos);
}

// ---- block and undo data in flat files ----

Block sample_block(uint32_t nonce, uint8_t owner) {
  Block block;
  block.header = sample_record(nonce, 1).header;
  Transaction tx;
  tx.inputs.push_back(TxIn{OutPoint::null(), {0x01, static_cast<uint8_t>(nonce)}, 0xffffffff});
  tx.outputs.push_back(TxOut{50 * kCoin, p2pkh_script(owner_hash(owner))});
  block.transactions.push_back(tx);
  return block;
}

BlockUndo sample_undo(uint8_t owner) {
  BlockUndo undo;
  undo.spent_coins = {p2pkh_coin(owner, 10, 1), p2pkh_coin(owner, 11, 1, true)};
  return undo;
}

std::vector<std::string> keys_with_prefix(const std::filesystem::path& path, char prefix) {
  leveldb::DB* db = nullptr;
  std::vector<std::string> keys;
  if (!leveldb::DB::Open(leveldb::Options(), path.string(), &db).ok()) return {"open failed"};
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(leveldb::ReadOptions()));
  for (it->Seek(std::string(1, prefix)); it->Valid() && it->key()[0] == prefix; it->Next())
    keys.push_back(it->key().ToString());
  it.reset();
  delete db;
  return keys;
}

TEST_F(StoreTest, BlockAndUndoBytesLiveInFlatFilesAndLevelDBHoldsTheirPositions) {
  const Block block = sample_block(7, 9);
  const BlockIndexRecord record = sample_record(7, 1);
  {
    auto store = open_store();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->put_block(block, record).ok());
    StoreDelta connect;
    connect.new_tip = record.hash;
    connect.undo_to_write = std::make_pair(record.hash, sample_undo(3));
    ASSERT_TRUE(store->apply(connect).ok());
    ASSERT_TRUE(store->flush().ok());
  }
  const auto blk = path_ / "blocks" / "blk00000.dat";
  const auto rev = path_ / "blocks" / "rev00000.dat";
  EXPECT_EQ(std::filesystem::file_size(blk), 8 + block.serialize().size());
  EXPECT_EQ(std::filesystem::file_size(rev), 8 + encode_block_undo(sample_undo(3)).size());
  EXPECT_EQ(keys_with_prefix(path_, 'f').size(), 1u);
  EXPECT_EQ(keys_with_prefix(path_, 'r').size(), 1u);
  EXPECT_TRUE(keys_with_prefix(path_, 'b').empty());
  EXPECT_TRUE(keys_with_prefix(path_, 'u').empty());

  auto store = open_store();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->block(record.hash), block);
  EXPECT_EQ(store->block_bytes(record.hash), block.serialize());
  EXPECT_EQ(store->undo(record.hash), sample_undo(3));
  // The next block goes after the first in the same file.
  const Block second = sample_block(8, 9);
  ASSERT_TRUE(store->put_block(second, sample_record(8, 2)).ok());
  EXPECT_EQ(store->block(sample_record(8, 2).hash), second);
  EXPECT_EQ(std::filesystem::file_size(blk),
            16 + block.serialize().size() + second.serialize().size());
  EXPECT_FALSE(store->first_read_error().has_value());
}

TEST_F(StoreTest, DamagedBlockFileIsReportedNotReturned) {
  const BlockIndexRecord record = sample_record(7, 1);
  {
    auto store = open_store();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->put_block(sample_block(7, 9), record).ok());
  }
  std::filesystem::resize_file(path_ / "blocks" / "blk00000.dat", 20);  // the record cut short
  auto store = open_store();
  ASSERT_TRUE(store);
  EXPECT_FALSE(store->block(record.hash).has_value());
  EXPECT_FALSE(store->block_bytes(record.hash).has_value());
  ASSERT_TRUE(store->first_read_error().has_value());
  EXPECT_EQ(store->first_read_error()->reason, "store-corrupt");
  EXPECT_NE(store->first_read_error()->detail.find("block-files-read-failed"), std::string::npos)
      << store->first_read_error()->detail;
  EXPECT_EQ(store->index_record(record.hash), record);
}

// A process killed right after storing blocks, without a flush: every block it stored reads back
// (its bytes were in the file before its position was in LevelDB), and the store appends after
// them.
TEST_F(StoreTest, KillAfterPutBlockLeavesEveryStoredBlockReadable) {
  in_killed_child([](Store& store) {
    for (uint32_t nonce = 1; nonce <= 50; ++nonce) {
      if (!store.put_block(sample_block(nonce, 9), sample_record(nonce, 1))) return 3;
    }
    return 0;
  });

  auto store = open_store();
  ASSERT_TRUE(store);
  for (uint32_t nonce = 1; nonce <= 50; ++nonce)
    EXPECT_EQ(store->block(sample_record(nonce, 1).hash), sample_block(nonce, 9)) << nonce;
  ASSERT_TRUE(store->put_block(sample_block(51, 9), sample_record(51, 1)).ok());
  EXPECT_EQ(store->block(sample_record(51, 1).hash), sample_block(51, 9));
  EXPECT_EQ(store->block(sample_record(1, 1).hash), sample_block(1, 9));
  EXPECT_FALSE(store->first_read_error().has_value());
}

// A data folder of the earlier layout (block and undo bytes in LevelDB under 'b' and 'u'): open
// moves them to the files, every block and undo reads as before, and LevelDB keeps positions.
TEST_F(StoreTest, OpenMovesAnEarlierLayoutsBlockAndUndoDataToTheFiles) {
  { ASSERT_TRUE(open_store()); }
  std::vector<std::pair<BlockIndexRecord, Block>> blocks;
  // Enough bytes for more than one migration batch.
  const size_t count = kMigrationBatchBytes / 4000 + 20;
  {
    leveldb::DB* db = nullptr;
    ASSERT_TRUE(leveldb::DB::Open(leveldb::Options(), path_.string(), &db).ok());
    for (uint32_t nonce = 1; nonce <= count; ++nonce) {
      Block block = sample_block(nonce, 9);
      block.transactions[0].outputs[0].script_pubkey.resize(4000, 0x6a);
      BlockIndexRecord record = sample_record(nonce, 1);
      const Bytes bytes = block.serialize();
      const Bytes index = encode_block_index_record(record);
      const Bytes undo = encode_block_undo(sample_undo(static_cast<uint8_t>(nonce)));
      const std::string hash(reinterpret_cast<const char*>(record.hash.data.data()), 32);
      ASSERT_TRUE(db->Put({}, "b" + hash, std::string(bytes.begin(), bytes.end())).ok());
      ASSERT_TRUE(db->Put({}, "i" + hash, std::string(index.begin(), index.end())).ok());
      ASSERT_TRUE(db->Put({}, "u" + hash, std::string(undo.begin(), undo.end())).ok());
      blocks.emplace_back(record, std::move(block));
    }
    delete db;
  }
  {
    auto store = open_store();
    ASSERT_TRUE(store);
    for (const auto& [record, block] : blocks) {
      EXPECT_EQ(store->block(record.hash), block);
      EXPECT_EQ(store->undo(record.hash), sample_undo(static_cast<uint8_t>(record.header.nonce)));
    }
    EXPECT_EQ(store->load_index().size(), count);
    EXPECT_FALSE(store->first_read_error().has_value());
  }
  EXPECT_TRUE(keys_with_prefix(path_, 'b').empty());
  EXPECT_TRUE(keys_with_prefix(path_, 'u').empty());
  EXPECT_EQ(keys_with_prefix(path_, 'f').size(), count);
  EXPECT_EQ(keys_with_prefix(path_, 'r').size(), count);
  EXPECT_GT(std::filesystem::file_size(path_ / "blocks" / "blk00000.dat"), kMigrationBatchBytes);
}

// ---- the coins cache ----

TEST_F(StoreTest, CachedCoinsAreReadBeforeTheFlushAndWrittenByIt) {
  auto store = open_store();
  ASSERT_TRUE(store);
  StoreDelta change;
  change.new_tip = hash_of(0xb1);
  change.coins_added = {{outpoint(1, 0), p2pkh_coin(5, 10, 1)},
                        {outpoint(1, 1), p2pkh_coin(5, 11, 1)},
                        {outpoint(2, 0), Coin{TxOut{7, {0x51}}, 1, false}}};
  ASSERT_TRUE(store->apply(change).ok());
  EXPECT_GT(store->coins_cache_bytes(), 0u);
  EXPECT_TRUE(store->coins_may_lag_blocks());
  EXPECT_EQ(store->tip(), hash_of(0xb1));
  EXPECT_EQ(store->coin(outpoint(1, 1)), p2pkh_coin(5, 11, 1));
  EXPECT_EQ(coins_of(*store, 5).size(), 2u);
  EXPECT_EQ(all_coins(*store).size(), 3u);

  ASSERT_TRUE(store->flush_coins().ok());
  EXPECT_EQ(store->last_coins_flush().coins_written, 3u);
  EXPECT_EQ(store->coins_cache_bytes(), 0u);
  EXPECT_FALSE(store->coins_may_lag_blocks());
  EXPECT_EQ(store->tip(), hash_of(0xb1));
  EXPECT_EQ(coins_of(*store, 5).size(), 2u);
  EXPECT_EQ(all_coins(*store).size(), 3u);
}

TEST_F(StoreTest, CoinCreatedAndSpentBetweenFlushesIsNeverWritten) {
  auto store = open_store();
  ASSERT_TRUE(store);
  StoreDelta first;
  first.new_tip = hash_of(0xc1);
  first.coins_added = {{outpoint(1, 0), p2pkh_coin(5, 10, 1)},
                       {outpoint(1, 1), p2pkh_coin(6, 5, 1)}};
  ASSERT_TRUE(store->apply(first).ok());
  StoreDelta second;
  second.new_tip = hash_of(0xc2);
  second.coins_spent = {{outpoint(1, 0), p2pkh_coin(5, 10, 1)}};
  second.coins_added = {{outpoint(3, 0), p2pkh_coin(5, 9, 2)}};
  ASSERT_TRUE(store->apply(second).ok());
  ASSERT_TRUE(store->flush_coins().ok());
  EXPECT_EQ(store->last_coins_flush().coins_written, 2u);
  EXPECT_EQ(store->last_coins_flush().coins_erased, 0u);
  EXPECT_EQ(coins_of(*store, 5), (std::map<OutPoint, Coin>{{outpoint(3, 0), p2pkh_coin(5, 9, 2)}}));

  // Spending a flushed coin deletes it, and its address index entry, at the next flush.
  StoreDelta third;
  third.new_tip = hash_of(0xc3);
  third.coins_spent = {{outpoint(3, 0), p2pkh_coin(5, 9, 2)}};
  ASSERT_TRUE(store->apply(third).ok());
  EXPECT_TRUE(coins_of(*store, 5).empty());
  EXPECT_FALSE(store->coin(outpoint(3, 0)).has_value());
  ASSERT_TRUE(store->flush_coins().ok());
  EXPECT_EQ(store->last_coins_flush().coins_erased, 1u);
  EXPECT_TRUE(coins_of(*store, 5).empty());
  EXPECT_EQ(all_coins(*store).size(), 1u);
  EXPECT_FALSE(store->first_read_error().has_value());
}

TEST_F(StoreTest, CacheReportsFullAtItsBound) {
  auto store = Store::open(path_.string(), StoreOptions{1000});
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->coins_cache_limit(), 1000u);
  EXPECT_FALSE((*store)->coins_cache_full());
  StoreDelta change;
  change.new_tip = hash_of(1);
  for (uint32_t i = 0; i < 10; ++i)
    change.coins_added.emplace_back(outpoint(1, i), p2pkh_coin(5, 1, 1));
  ASSERT_TRUE((*store)->apply(change).ok());
  EXPECT_TRUE((*store)->coins_cache_full());
  ASSERT_TRUE((*store)->flush_coins().ok());
  EXPECT_FALSE((*store)->coins_cache_full());
}

// A process killed between flushes: the store holds the last flush's coins and tip, the undo
// data of a block disconnected since, and the marker that says blocks may need replaying.
TEST_F(StoreTest, KillBetweenFlushesLeavesTheFlushedCoinsTipAndUndo) {
  in_killed_child([](Store& store) {
    StoreDelta connect;
    connect.new_tip = hash_of(0xd1);
    connect.coins_added = {{outpoint(1, 0), p2pkh_coin(5, 10, 1)}};
    connect.undo_to_write = std::make_pair(hash_of(0xd1), BlockUndo{});
    if (!store.apply(connect) || !store.flush_coins()) return 3;
    StoreDelta disconnect;
    disconnect.new_tip = hash_of(0xd0);
    disconnect.coins_spent = connect.coins_added;
    disconnect.undo_to_erase = hash_of(0xd1);
    StoreDelta other;
    other.new_tip = hash_of(0xd2);
    other.coins_added = {{outpoint(2, 0), p2pkh_coin(6, 20, 1)}};
    if (!store.apply(disconnect) || !store.apply(other)) return 4;
    if (store.undo(hash_of(0xd1)).has_value()) return 5;  // erased, as far as reads go
    return 0;
  });

  auto store = open_store();
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->coins_may_lag_blocks());
  EXPECT_EQ(store->tip(), hash_of(0xd1));
  EXPECT_EQ(all_coins(*store), (std::map<OutPoint, Coin>{{outpoint(1, 0), p2pkh_coin(5, 10, 1)}}));
  EXPECT_EQ(coins_of(*store, 5).size(), 1u);
  EXPECT_TRUE(coins_of(*store, 6).empty());
  EXPECT_TRUE(store->undo(hash_of(0xd1)).has_value());
}

}  // namespace
}  // namespace ac
