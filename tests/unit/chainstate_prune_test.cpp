// Pruning: the pure choice of files (chain/prune.hpp), FlatFiles' removal, and
// ChainState::prune_to / automatic pruning over a store of small block files.
#include <gtest/gtest.h>

#include <vector>

#include "chain/block_files.hpp"
#include "chain/block_index.hpp"
#include "chain/chain_storage.hpp"
#include "chain/chainstate.hpp"
#include "chain/prune.hpp"
#include "tests/unit/chain_fixture.hpp"

namespace ac {
namespace {

using chain_test::TestKey;

TEST(PruneChoice, OnlyFilesWhollyAtOrBelowTheHeightAndNeverTheCurrentOne) {
  FileSpans spans;
  spans[0] = {10, 100, false};
  spans[1] = {25, 100, false};
  spans[2] = {12, 100, true};  // holds a block the index does not know
  spans[3] = {5, 100, false};  // the current file
  EXPECT_EQ(files_at_or_below(spans, 3, 20), (std::vector<uint32_t>{0}));
  EXPECT_EQ(files_at_or_below(spans, 3, 25), (std::vector<uint32_t>{0, 1}));
  EXPECT_TRUE(files_at_or_below(spans, 3, 9).empty());
}

TEST(PruneChoice, AutomaticHeightFreesTheOldestFilesUntilTheExcessIsCovered) {
  FileSpans spans;
  spans[0] = {10, 100, false};
  spans[1] = {20, 100, false};
  spans[2] = {30, 100, false};
  spans[3] = {40, 100, false};
  EXPECT_EQ(auto_prune_height(spans, 3, 100, 150), 20);   // two files cover 150 bytes
  EXPECT_EQ(auto_prune_height(spans, 3, 100, 1000), 30);  // all but the current one
  EXPECT_EQ(auto_prune_height(spans, 3, 15, 1000), 10);   // the rest is too near the tip
  EXPECT_EQ(auto_prune_height(spans, 3, 5, 1000), std::nullopt);
}

TEST(PruneChoice, SpansWeighRecordsByFile) {
  const Hash256 known = Hash256::from_span(std::vector<uint8_t>(32, 1));
  const Hash256 unknown = Hash256::from_span(std::vector<uint8_t>(32, 2));
  const std::vector<std::pair<Hash256, FilePos>> records = {
      {known, {0, 0, 100}}, {known, {0, 108, 50}}, {unknown, {1, 0, 10}}};
  const FileSpans spans = file_spans(records, [&](const Hash256& hash) -> std::optional<int> {
    if (hash == known) return 7;
    return std::nullopt;
  });
  EXPECT_EQ(spans.at(0).bytes, 2 * kFrameHeaderBytes + 150);
  EXPECT_EQ(spans.at(0).max_height, 7);
  EXPECT_TRUE(spans.at(1).unknown);
}

TEST(FlatFilesRemoval, TotalBytesFollowAppendsAndRemovalsAndTheCurrentFileStays) {
  chain_test::TempDir dir;
  auto opened = FlatFiles::open(dir.path(), "blk", kBlockFileMagic, 64);
  ASSERT_TRUE(opened);
  FlatFiles& files = **opened;
  const Bytes payload(40, 7);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(files.append(payload));  // one record a file
  EXPECT_EQ(files.current_file(), 2u);
  EXPECT_EQ(files.total_bytes(), 3 * (kFrameHeaderBytes + 40));
  ASSERT_TRUE(files.remove_file(0));
  EXPECT_FALSE(std::filesystem::exists(files.file_path(0)));
  EXPECT_FALSE(files.read(FilePos{0, 0, 40}));
  EXPECT_EQ(files.total_bytes(), 2 * (kFrameHeaderBytes + 40));
  EXPECT_TRUE(files.remove_file(0));  // already gone: no failure
  Status current = files.remove_file(2);
  ASSERT_FALSE(current);
  EXPECT_EQ(current.error().reason, "block-files-remove-current");

  // Reopened, the series weighs what is left.
  opened = FlatFiles::open(dir.path(), "blk", kBlockFileMagic, 64);
  ASSERT_TRUE(opened);
  EXPECT_EQ((*opened)->total_bytes(), 2 * (kFrameHeaderBytes + 40));
}

class PruneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    open();
    Status created = chain().create_genesis(genesis);
    ASSERT_TRUE(created) << created.error().message();
  }

  void open() {
    ChainStorageOptions options{{}, 2, [this] { return now; }};
    options.store.block_file_bytes = 4096;  // about 18 empty blocks a file
    auto storage = open_chain_storage(dir.str(), params, options);
    chain_test::require(storage.ok(), "store and chain state open");
    storage_ = std::move(storage).value();
  }
  void reopen() {
    storage_.close();
    open();
  }

  ChainState& chain() { return *storage_.chain; }
  Store& store() { return *storage_.store; }

  // `count` blocks on top of the last of `blocks` (or the genesis), accepted in order.
  void extend(int count) {
    for (int i = 0; i < count; ++i) {
      const Block& parent = blocks.empty() ? genesis : blocks.back();
      blocks.push_back(
          chain_test::make_child(parent, static_cast<int>(blocks.size()), key, params));
      Result<AcceptOutcome> outcome = chain().accept_block(blocks.back());
      ASSERT_TRUE(outcome) << outcome.error().message();
    }
  }
  // blocks[i] is at height i + 1.
  bool stored(int height) { return store().block(blocks[height - 1].hash()).has_value(); }
  uint32_t status_at(int height) { return chain().record(blocks[height - 1].hash())->status; }

  ChainParams params = quick_params();
  TestKey key{1};
  chain_test::TempDir dir;
  ChainStorage storage_;
  Block genesis = chain_test::make_genesis(key, params);
  // Far enough ahead that none of the blocks, a minute apart, is too new.
  int64_t now = genesis.header.time + 1'000'000;
  std::vector<Block> blocks;
};

TEST_F(PruneTest, RefusedUnlessEnabled) {
  extend(300);
  Result<int> pruned = chain().prune_to(100);
  ASSERT_FALSE(pruned);
  EXPECT_EQ(pruned.error().reason, "prune-disabled");
  EXPECT_TRUE(stored(1));
}

TEST_F(PruneTest, ByHandDeletesWholeFilesBelowTheKeptWindowAndKeepsTheGenesis) {
  extend(400);
  chain().set_prune({true, 0});
  const uint64_t before = store().block_files_bytes();
  Result<int> pruned = chain().prune_to(1000);  // clamped to 400 - 288 = 112
  ASSERT_TRUE(pruned) << pruned.error().message();
  const int last_pruned = *pruned;
  EXPECT_GT(last_pruned, 50);
  EXPECT_LE(last_pruned, 112);
  EXPECT_EQ(chain().first_stored_height(), last_pruned + 1);
  EXPECT_LT(store().block_files_bytes(), before);
  for (int height = 1; height <= last_pruned; ++height) {
    ASSERT_FALSE(stored(height)) << height;
    ASSERT_EQ(status_at(height) & (block_status::kHaveData | block_status::kPruned),
              block_status::kPruned);
  }
  for (int height = last_pruned + 1; height <= 400; ++height) ASSERT_TRUE(stored(height)) << height;
  EXPECT_TRUE(store().block(genesis.hash()));
  // Nothing to announce from the genesis on: block 1 can no longer be served.
  EXPECT_TRUE(chain().hashes_after({genesis.hash()}, Hash256{}).empty());
  Status verified = chain().verify_chain();
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().reason, "verify-pruned");

  // The marks and the moved genesis survive a restart, and the chain goes on.
  const Hash256 tip = chain().tip()->hash;
  reopen();
  chain().set_prune({true, 0});
  EXPECT_EQ(chain().tip()->hash, tip);
  EXPECT_EQ(chain().first_stored_height(), last_pruned + 1);
  EXPECT_TRUE(store().block(genesis.hash()));
  EXPECT_TRUE(status_at(1) & block_status::kPruned);
  extend(1);
  EXPECT_EQ(chain().tip()->height, 401);
  // Again: nothing more may go until the tip moves on.
  Result<int> again = chain().prune_to(1000);
  ASSERT_TRUE(again);
  EXPECT_GE(*again, last_pruned);
}

TEST_F(PruneTest, ABranchFromBelowThePrunedBlocksIsStoredButNeverTaken) {
  extend(400);
  chain().set_prune({true, 0});
  Result<int> pruned = chain().prune_to(400);
  ASSERT_TRUE(pruned) << pruned.error().message();
  ASSERT_GT(*pruned, 20);
  const Hash256 tip = chain().tip()->hash;
  // A branch from block 10 (pruned) with more work than the tip: taking it would mean
  // disconnecting blocks whose data is gone.
  Block parent = blocks[9];
  for (int height = 11; height <= 402; ++height) {
    Block child = chain_test::make_child(parent, height - 1, key, params, {}, 0, 7);
    Result<AcceptOutcome> outcome = chain().accept_block(child);
    ASSERT_TRUE(outcome) << height << ": " << outcome.error().message();
    parent = child;
  }
  EXPECT_EQ(chain().tip()->hash, tip);
  EXPECT_TRUE(chain().record(parent.hash()));
  // The chain still grows on its own branch.
  extend(1);
  EXPECT_EQ(chain().tip()->height, 401);
}

TEST_F(PruneTest, AutomaticPruningKeepsTheFilesUnderTheTargetExceptTheLastBlocks) {
  chain().set_prune({true, 20 * 1024});
  extend(500);
  EXPECT_FALSE(stored(1));
  EXPECT_GT(chain().first_stored_height(), 100);
  for (int height = 500 - kMinBlocksToKeep; height <= 500; ++height) ASSERT_TRUE(stored(height));
  EXPECT_TRUE(store().block(genesis.hash()));
  // The last 288 blocks alone pass 20 KiB: what is left is about them and the current files.
  EXPECT_LT(store().block_files_bytes(), 2 * (kMinBlocksToKeep + 40) * 300);
}

}  // namespace
}  // namespace ac
