// Reindexing (chain/reindex.hpp): a store whose LevelDB part is deleted is rebuilt from its
// block files to the same tip and coins, stale branches included and no block appended again;
// a damaged record is skipped and the chain is rebuilt up to the damaged block's parent, which
// a peer's copy then completes; an unfinished reindex keeps the store from opening.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "chain/block_files.hpp"
#include "chain/chain_storage.hpp"
#include "chain/reindex.hpp"
#include "tests/unit/chain_fixture.hpp"

namespace ac {
namespace {

using chain_test::TempDir;
using chain_test::TestKey;

const ChainStorageOptions kOptions{StoreOptions{}, 1, [] { return chain_test::kTestNow; }};

struct TestChain {
  std::vector<Block> main;   // main[h]: the main chain's block at height h
  std::vector<Block> stale;  // a branch off main[10], the tip for a while
};

// Each main block spends the previous coinbase; the stale branch spends main[10]'s coinbase
// another way, so the reorganisation changes coins both ways.
TestChain build_chain(int length) {
  const ChainParams params = quick_params();
  const TestKey key(9);
  TestChain chain;
  chain.main.push_back(chain_test::make_genesis(key, params));
  auto spend = [&](const Block& parent, Amount fee) {
    return chain_test::make_spend(
        key, {chain_test::coinbase_outpoint(parent)},
        {TxOut{parent.transactions[0].outputs[0].value - fee, key.script()}});
  };
  for (int height = 1; height <= length; ++height) {
    const Block& parent = chain.main.back();
    chain.main.push_back(
        chain_test::make_child(parent, height - 1, key, params, {spend(parent, kCoin)}, kCoin));
  }
  const Block& fork = chain.main[10];
  chain.stale.push_back(
      chain_test::make_child(fork, 10, key, params, {spend(fork, 2 * kCoin)}, 2 * kCoin, 1));
  chain.stale.push_back(chain_test::make_child(chain.stale[0], 11, key, params, {}, 0, 1));
  return chain;
}

// Feeds main[0..10], the stale branch (the tip at height 12), then the rest of main (the tip
// moves back at height 13).
void store_chain(ChainState& chain, const TestChain& blocks) {
  ASSERT_TRUE(chain.create_genesis(blocks.main[0]));
  for (size_t height = 1; height < blocks.main.size(); ++height) {
    if (height == 11) {
      for (const Block& block : blocks.stale) {
        auto outcome = chain.accept_block(block);
        ASSERT_TRUE(outcome) << outcome.error().message();
      }
      ASSERT_EQ(chain.tip()->hash, blocks.stale.back().hash());
    }
    auto outcome = chain.accept_block(blocks.main[height]);
    ASSERT_TRUE(outcome) << outcome.error().message();
  }
  ASSERT_EQ(chain.tip()->hash, blocks.main.back().hash());
}

std::map<OutPoint, Coin> all_coins(const Store& store) {
  std::map<OutPoint, Coin> coins;
  store.for_each_coin([&](const OutPoint& outpoint, const Coin& coin) { coins[outpoint] = coin; });
  return coins;
}

// Deletes everything of the store but its block files (LevelDB and the undo files too).
void delete_index(const std::filesystem::path& store) {
  for (const auto& entry : std::filesystem::directory_iterator(store)) {
    if (entry.path().filename() != "blocks") std::filesystem::remove_all(entry.path());
  }
  for (const auto& entry : std::filesystem::directory_iterator(store / "blocks")) {
    if (entry.path().filename().string().rfind("rev", 0) == 0)
      std::filesystem::remove(entry.path());
  }
}

std::filesystem::path first_block_file(const TempDir& dir) {
  return dir.path() / "blocks" / "blk00000.dat";
}

// Where each block's record lies in the first block file.
std::map<Hash256, uint64_t> record_offsets(const TempDir& dir) {
  std::map<Hash256, uint64_t> offsets;
  Status scanned = scan_flat_file(first_block_file(dir), kBlockFileMagic,
                                  [&](uint64_t offset, ByteSpan payload) {
                                    if (auto block = decode_block(payload))
                                      offsets.emplace(block->hash(), offset);
                                  });
  EXPECT_TRUE(scanned);
  return offsets;
}

void overwrite(const std::filesystem::path& path, uint64_t offset, const Bytes& bytes) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(static_cast<std::streamoff>(offset));
  file.write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(file.good());
}

ReindexOptions reindex_options(std::vector<std::string>* lines = nullptr) {
  ReindexOptions options;
  options.script_threads = 1;
  options.now_seconds = [] { return chain_test::kTestNow; };
  options.progress_every = 10;
  if (lines) options.log = [lines](const std::string& line) { lines->push_back(line); };
  return options;
}

bool has_line(const std::vector<std::string>& lines, const std::string& needle) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
    return line.find(needle) != std::string::npos;
  });
}

TEST(Reindex, RebuildsTheSameTipCoinsAndBranchesWithoutAppendingBlocks) {
  TempDir dir;
  const TestChain blocks = build_chain(30);
  std::map<OutPoint, Coin> coins_before;
  {
    auto storage = open_chain_storage(dir.str(), quick_params(), kOptions);
    ASSERT_TRUE(storage) << storage.error().message();
    store_chain(*storage->chain, blocks);
    coins_before = all_coins(*storage->store);
  }
  const auto block_bytes = std::filesystem::file_size(first_block_file(dir));
  delete_index(dir.path());

  std::vector<std::string> lines;
  auto summary = reindex_store(dir.path(), quick_params(), reindex_options(&lines));
  ASSERT_TRUE(summary) << summary.error().message();
  EXPECT_EQ(summary->records, blocks.main.size() + blocks.stale.size());
  EXPECT_EQ(summary->stored, summary->records);
  EXPECT_EQ(summary->skipped, 0u);
  EXPECT_EQ(summary->without_parent, 0u);
  ASSERT_TRUE(summary->tip);
  EXPECT_EQ(summary->tip->hash, blocks.main.back().hash());
  EXPECT_TRUE(has_line(lines, "reindex: 10 blocks read (blk00000.dat), tip height=9"));
  EXPECT_TRUE(has_line(lines, "reindex done in "));
  // Every record was reused where it lay: the block files did not grow.
  EXPECT_EQ(std::filesystem::file_size(first_block_file(dir)), block_bytes);
  EXPECT_FALSE(reindex_unfinished(dir.path()));

  auto storage = open_chain_storage(dir.str(), quick_params(), kOptions);
  ASSERT_TRUE(storage) << storage.error().message();
  ChainState& chain = *storage->chain;
  EXPECT_EQ(chain.tip()->hash, blocks.main.back().hash());
  EXPECT_EQ(chain.tip()->height, 30);
  EXPECT_TRUE(chain.verify_chain());
  EXPECT_EQ(all_coins(*storage->store), coins_before);
  // The stale branch is known again, off the active chain.
  ASSERT_TRUE(chain.record(blocks.stale.back().hash()));
  EXPECT_FALSE(chain.in_active_chain(blocks.stale.back().hash()));
  EXPECT_TRUE(check_recent_blocks(chain, *storage->store));
  // A working chain: the next block connects on the rebuilt coins.
  const TestKey key(9);
  Block next = chain_test::make_child(blocks.main.back(), 30, key, quick_params());
  auto outcome = chain.accept_block(next);
  ASSERT_TRUE(outcome) << outcome.error().message();
  EXPECT_EQ(outcome->status, AcceptStatus::kNewTip);
  // And the rebuilt undo data takes the tip back down.
  storage->close();
}

TEST(Reindex, TakesABlockStoredBeforeItsParentOnceTheParentComes) {
  // Blocks stored child first (a damaged parent fetched again later, or a stale tip): the child
  // waits for its parent.
  TempDir dir;
  const TestChain blocks = build_chain(14);
  {
    auto storage = open_chain_storage(dir.str(), quick_params(), kOptions);
    ASSERT_TRUE(storage);
    store_chain(*storage->chain, blocks);
  }
  delete_index(dir.path());
  // Swap two records' positions by rewriting the file: main[5] after main[6].
  const auto offsets = record_offsets(dir);
  std::ifstream in(first_block_file(dir), std::ios::binary);
  Bytes data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  in.close();
  const uint64_t at5 = offsets.at(blocks.main[5].hash());
  const uint64_t at6 = offsets.at(blocks.main[6].hash());
  const uint64_t at7 = offsets.at(blocks.main[7].hash());
  Bytes swapped(data.begin(), data.begin() + static_cast<long>(at5));
  swapped.insert(swapped.end(), data.begin() + static_cast<long>(at6),
                 data.begin() + static_cast<long>(at7));
  swapped.insert(swapped.end(), data.begin() + static_cast<long>(at5),
                 data.begin() + static_cast<long>(at6));
  swapped.insert(swapped.end(), data.begin() + static_cast<long>(at7), data.end());
  ASSERT_EQ(swapped.size(), data.size());
  overwrite(first_block_file(dir), 0, swapped);

  auto summary = reindex_store(dir.path(), quick_params(), reindex_options());
  ASSERT_TRUE(summary) << summary.error().message();
  EXPECT_EQ(summary->without_parent, 0u);
  EXPECT_EQ(summary->tip->hash, blocks.main.back().hash());
  auto storage = open_chain_storage(dir.str(), quick_params(), kOptions);
  ASSERT_TRUE(storage);
  EXPECT_TRUE(storage->chain->verify_chain());
}

enum class Damage { kTransactionByte, kFrameSize, kFrameMagic };

class ReindexDamaged : public ::testing::TestWithParam<Damage> {};

TEST_P(ReindexDamaged, SkipsTheRecordAndRebuildsUpToItsParent) {
  TempDir dir;
  const TestChain blocks = build_chain(20);
  {
    auto storage = open_chain_storage(dir.str(), quick_params(), kOptions);
    ASSERT_TRUE(storage);
    store_chain(*storage->chain, blocks);
  }
  delete_index(dir.path());
  const Block& damaged = blocks.main[15];
  const uint64_t offset = record_offsets(dir).at(damaged.hash());
  switch (GetParam()) {
    case Damage::kTransactionByte:  // the last byte of the payload: the spend's lock time
      overwrite(first_block_file(dir), offset + kFrameHeaderBytes + damaged.serialize().size() - 1,
                {0x5a});
      break;
    case Damage::kFrameSize: {  // claims to run to the end of the file, over 5 more records
      const uint64_t size =
          std::filesystem::file_size(first_block_file(dir)) - offset - kFrameHeaderBytes;
      overwrite(first_block_file(dir), offset + 4,
                {static_cast<uint8_t>(size), static_cast<uint8_t>(size >> 8),
                 static_cast<uint8_t>(size >> 16), static_cast<uint8_t>(size >> 24)});
      break;
    }
    case Damage::kFrameMagic:
      overwrite(first_block_file(dir), offset, {0x00});
      break;
  }

  std::vector<std::string> lines;
  auto summary = reindex_store(dir.path(), quick_params(), reindex_options(&lines));
  ASSERT_TRUE(summary) << summary.error().message();
  // main[16..20] wait for main[15] in vain; the stale branch is stored.
  EXPECT_EQ(summary->without_parent, 5u);
  EXPECT_TRUE(has_line(lines, "5 blocks left out: their parent is in no block file"));
  EXPECT_EQ(summary->tip->hash, blocks.main[14].hash());
  if (GetParam() == Damage::kFrameMagic) {
    EXPECT_GT(summary->skipped_bytes, 0u);
    EXPECT_TRUE(has_line(lines, "no block record starts there"));
  } else {
    EXPECT_EQ(summary->skipped, 1u);
    EXPECT_TRUE(has_line(lines, "reindex: skipped"));
  }

  auto storage = open_chain_storage(dir.str(), quick_params(), kOptions);
  ASSERT_TRUE(storage) << storage.error().message();
  ChainState& chain = *storage->chain;
  EXPECT_EQ(chain.tip()->hash, blocks.main[14].hash());
  EXPECT_TRUE(chain.verify_chain());
  // A peer's copies complete the chain.
  for (int height = 15; height <= 20; ++height) {
    auto outcome = chain.accept_block(blocks.main[height]);
    ASSERT_TRUE(outcome) << height << ": " << outcome.error().message();
  }
  EXPECT_EQ(chain.tip()->hash, blocks.main.back().hash());
  EXPECT_TRUE(chain.verify_chain());
}

INSTANTIATE_TEST_SUITE_P(Damages, ReindexDamaged,
                         ::testing::Values(Damage::kTransactionByte, Damage::kFrameSize,
                                           Damage::kFrameMagic));

TEST(Reindex, AnUnfinishedReindexKeepsTheStoreFromOpening) {
  TempDir dir;
  const TestChain blocks = build_chain(14);
  {
    auto storage = open_chain_storage(dir.str(), quick_params(), kOptions);
    ASSERT_TRUE(storage);
    store_chain(*storage->chain, blocks);
  }
  { std::ofstream(reindex_marker_path(dir.path())) << "reindex under way\n"; }
  auto refused = open_chain_storage(dir.str(), quick_params(), kOptions);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason, "store-reindexing");

  std::vector<std::string> lines;
  auto summary = reindex_store(dir.path(), quick_params(), reindex_options(&lines));
  ASSERT_TRUE(summary) << summary.error().message();
  EXPECT_TRUE(has_line(lines, "the last reindex did not finish; starting it over"));
  EXPECT_FALSE(reindex_unfinished(dir.path()));
  auto storage = open_chain_storage(dir.str(), quick_params(), kOptions);
  ASSERT_TRUE(storage) << storage.error().message();
  EXPECT_EQ(storage->chain->tip()->hash, blocks.main.back().hash());
}

TEST(Reindex, RebuildsAStoreWhoseLevelDbNoLongerOpens) {
  TempDir dir;
  const TestChain blocks = build_chain(14);
  {
    auto storage = open_chain_storage(dir.str(), quick_params(), kOptions);
    ASSERT_TRUE(storage);
    store_chain(*storage->chain, blocks);
  }
  { std::ofstream(dir.path() / "CURRENT", std::ios::trunc) << "MANIFEST-999999"; }  // no newline
  auto corrupt = open_chain_storage(dir.str(), quick_params(), kOptions);
  ASSERT_FALSE(corrupt);
  EXPECT_EQ(corrupt.error().reason, "store-corrupt") << corrupt.error().message();

  auto summary = reindex_store(dir.path(), quick_params(), reindex_options());
  ASSERT_TRUE(summary) << summary.error().message();
  auto storage = open_chain_storage(dir.str(), quick_params(), kOptions);
  ASSERT_TRUE(storage) << storage.error().message();
  EXPECT_EQ(storage->chain->tip()->hash, blocks.main.back().hash());
  EXPECT_TRUE(storage->chain->verify_chain());
}

TEST(Reindex, RefusesAStoreAnotherOwnerHolds) {
  TempDir dir;
  auto storage = open_chain_storage(dir.str(), quick_params(), kOptions);
  ASSERT_TRUE(storage);
  auto refused = reindex_store(dir.path(), quick_params(), reindex_options());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason, "store-locked");
  EXPECT_FALSE(reindex_unfinished(dir.path()));
}

TEST(Reindex, DamagedTipBytesAndAMissingIndexAreFoundAtOpen) {
  TempDir dir;
  const TestChain blocks = build_chain(14);
  {
    auto storage = open_chain_storage(dir.str(), quick_params(), kOptions);
    ASSERT_TRUE(storage);
    store_chain(*storage->chain, blocks);
  }
  EXPECT_TRUE(check_index_present(dir.path()));
  overwrite(first_block_file(dir), record_offsets(dir).at(blocks.main.back().hash()), {0x00});
  {
    auto storage = open_chain_storage(dir.str(), quick_params(), kOptions);
    ASSERT_TRUE(storage);
    Status checked = check_recent_blocks(*storage->chain, *storage->store);
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.error().reason, "store-corrupt");
    EXPECT_NE(checked.error().detail.find(blocks.main.back().hash().hex()), std::string::npos);
  }
  delete_index(dir.path());
  Status missing = check_index_present(dir.path());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().reason, "store-corrupt");
}

}  // namespace
}  // namespace ac
