// The node's store: one LevelDB database, and the block and undo data in append-only flat files
// beside it (<path>/blocks/blk?????.dat and rev?????.dat, chain/block_files.hpp, as Bitcoin
// Core), so LevelDB's compactions never rewrite block data. LevelDB's key prefixes:
//   'f' hash            -> FilePos of the block   'i' hash -> BlockIndexRecord
//   'r' hash            -> FilePos of its undo    'c' outpoint -> Coin
//   'a' hash160 outpoint -> (empty)  address index: a balance never scans the whole set
//   'T'                 -> best tip hash          'G' -> genesis hash
//   'D'                 -> present while blocks were stored or connected since the coins
//                          were last written: the coins may lag the stored blocks. Empty, or
//                          while a flush is under way its head blocks: from (the tip 'T'
//                          names, zero for none) | to (the tip the flush writes), 64 bytes
//
// A block's or undo's bytes are appended to their file before their position goes into LevelDB;
// flush() syncs the files before LevelDB. A store of the earlier layout (the bytes in LevelDB
// under 'b' and 'u') is moved to the files by open(), once (chain/block_files_migration.hpp).
//
// Coins, their address index and the tip marker are cached in memory (a CoinsCache) and
// written by flush_coins(): when the cache passes its bound (the owner asks
// coins_cache_full() at quiet points), at shutdown, and in the destructor. Blocks, index
// records and undo data are written at once; undo data of a disconnected block is only
// deleted with the next coins flush, so the flushed tip can always be disconnected. A crash
// therefore leaves the coins of the last flush, consistent with its tip marker and address
// index, plus every block stored since: ChainState::open replays them (as Bitcoin Core
// replays the blocks after its flushed best block).
// A flush too large for one bounded batch (StoreOptions::coins_flush_batch_bytes) goes as
// Bitcoin Core's does: first the head blocks in 'D', then the coins in batches, each batch's
// entries leaving the cache once written (so the flush never holds a second copy of the
// cache, nor LevelDB's memtable all of it), last the tip, the undo erasures and 'D''s removal.
// A crash in between leaves coins partly of `from` and partly of `to`: ChainState::open rolls
// them forward from `from` to `to` (chain/coins_rollforward.hpp) before anything else.
// Not thread-safe for writes: one owner (the chain) writes; reads (coins, balances, blocks)
// are safe from other threads and see each applied StoreDelta whole.
// Reads return nullopt (or skip the entry) when a stored value fails to decode; the first such
// failure is kept and reported by first_read_error(), so a corrupt store is never silent.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chain/block.hpp"
#include "chain/block_files.hpp"
#include "chain/block_index.hpp"
#include "chain/coins.hpp"
#include "chain/result.hpp"
#include "chain/undo.hpp"

namespace ac {

// What one block's connection or disconnection writes to the store (Store::apply): the coins
// it adds and spends, its undo data, index status changes and the new tip. Not the chain
// actor's TipChanged event (actors/chain_actor.hpp), which tells subscribers the tip moved.
struct StoreDelta {
  Hash256 new_tip;
  std::vector<std::pair<OutPoint, Coin>> coins_added;
  std::vector<std::pair<OutPoint, Coin>> coins_spent;          // the coin as it was (address index)
  std::optional<std::pair<Hash256, BlockUndo>> undo_to_write;  // on connect
  std::optional<Hash256> undo_to_erase;                        // on disconnect
  std::vector<BlockIndexRecord> index_updates;                 // status changes
  // A roll forward after an interrupted flush: the database may already hold the coins of
  // coins_added (and lack those of coins_spent), so both are written whatever it holds.
  bool coins_may_be_stored = false;
};

// The default bound of the coins cache (--dbcache): about 220,000 coins of ordinary P2PKH
// outputs. A flush needs one bounded batch more (coins_flush_batch_bytes).
inline constexpr size_t kDefaultCoinsCacheBytes = size_t{32} << 20;

struct StoreOptions {
  size_t coins_cache_bytes = kDefaultCoinsCacheBytes;
  // The most a coins flush writes in one batch (0: half of LevelDB's write buffer, which is an
  // eighth of coins_cache_bytes within 1-4 MiB).
  size_t coins_flush_batch_bytes = 0;
  // Tests: after this many batches of coins in one flush, every write fails, as if the process
  // had been killed there (the destructor's flush fails too).
  std::optional<size_t> crash_after_flush_batches = std::nullopt;
  // The size at which a new block (and undo) file begins: Core's 128 MiB, or 64 KiB with
  // --fastprune (tests of pruning).
  uint64_t block_file_bytes = kMaxFlatFileBytes;
};

// Where the stored blocks' data and undo data lie (pruning, chain/prune.hpp).
struct StoredFiles {
  std::vector<std::pair<Hash256, FilePos>> blocks;  // every 'f' entry
  std::vector<std::pair<Hash256, FilePos>> undos;   // every 'r' entry
  uint32_t current_block_file = 0;                  // the files appends go to: never pruned
  uint32_t current_undo_file = 0;
};

// One pruning step (Store::prune): the files to delete and what the database says of them.
struct PruneChange {
  std::vector<uint32_t> block_files;
  std::vector<uint32_t> undo_files;
  std::vector<Hash256> blocks_removed;          // their positions ('f') are erased
  std::vector<Hash256> undos_removed;           // their positions ('r') are erased
  std::vector<BlockIndexRecord> index_updates;  // kHaveData cleared, kPruned set
  // A block of a pruned file that must stay (the genesis): appended again first.
  std::optional<Block> keep;
};

// A flush under way or interrupted: the coins are partly those of `from` and partly of `to`.
struct FlushHeads {
  Hash256 from;  // zero: no tip was written before
  Hash256 to;
};

// What the last coins flush wrote.
struct CoinsFlushCounts {
  size_t coins_written = 0;  // Puts of coins
  size_t coins_erased = 0;   // Deletes of coins the database held
  size_t batches = 0;        // batches of coins (one: written with the tip, no head blocks)
};

class Store : public CoinsView, public TipCoins {
 public:
  // Opens (creating if missing) the database and block files at `path`. Reason "store-locked"
  // when another process holds it; "store-migration-failed" when moving an earlier layout's
  // block data failed; "store-corrupt" when LevelDB finds its files corrupt; "store-open-failed"
  // otherwise (detail: LevelDB's message).
  static Result<std::unique_ptr<Store>> open(const std::string& path, StoreOptions options = {});
  // Writes the cached coins (flush_coins); a failure leaves the last flushed state.
  ~Store() override;

  // Block data (appended to its file) and its index record with the block's position, in one
  // batch.
  Status put_block(const Block& block, const BlockIndexRecord& record);
  Status put_index_records(const std::vector<BlockIndexRecord>& records);
  // Reindexing (chain/reindex.hpp): when the next put_block stores `hash`, it records `pos`, a
  // record of the block files already holding the block's bytes (the same size), instead of
  // appending them again. The next put_block forgets it, whichever block it stores.
  void reuse_block_record(const Hash256& hash, const FilePos& pos);
  std::optional<Block> block(const Hash256& hash) const;
  std::optional<Bytes> block_bytes(const Hash256& hash) const;
  std::vector<BlockIndexRecord> load_index() const;
  // One block's index record, read from the database (no block index in memory needed).
  std::optional<BlockIndexRecord> index_record(const Hash256& hash) const;

  std::optional<Coin> coin(const OutPoint& outpoint) const override;
  // The coins as of `tip` (zero: no chain yet), or nullopt when the coins (the cache's tip
  // marker over the database's) are those of another tip: one read under the coins lock, so a
  // block being applied is never half seen.
  std::optional<std::vector<std::pair<OutPoint, Coin>>> coins_at(
      const Hash256& tip, std::span<const OutPoint> outpoints) const override;
  // Every unspent coin paying `pubkey_hash` (P2PKH), found through the address index.
  std::vector<std::pair<OutPoint, Coin>> coins_of(const Hash160& pubkey_hash) const;
  void for_each_coin(const std::function<void(const OutPoint&, const Coin&)>& visit) const;
  std::optional<BlockUndo> undo(const Hash256& hash) const;

  std::optional<Hash256> tip() const;
  std::optional<Hash256> genesis() const;
  Status set_genesis(const Hash256& hash);

  // Moves the tip: index records and new undo data are written at once (one batch); the
  // coins, the address index, the tip and the erasing of undo data go to the coins cache. An
  // outpoint both in coins_added and coins_spent ends absent (a coin created and spent by the
  // same block). REQUIRES: coins_added are not unspent before the change (as connect_block
  // and disconnect_block guarantee). Not fsynced: see flush().
  Status apply(const StoreDelta& change);

  // Writes the cached coins, address index entries, tip and undo erasures in ONE batch and
  // empties the cache. On failure the cache is kept (nothing was written).
  Status flush_coins();
  // Whether the cache has reached its bound: the owner flushes at its next quiet point.
  bool coins_cache_full() const;
  size_t coins_cache_bytes() const;
  size_t coins_cache_limit() const;
  CoinsFlushCounts last_coins_flush() const;
  // Set from open until the flush after the roll forward when a flush of several batches was
  // interrupted (a crash): the coins must be rolled forward from `from` to `to` before they are
  // used (ChainState::open does); until then flush_coins keeps the head blocks.
  std::optional<FlushHeads> interrupted_flush() const;
  // True while blocks were stored or connected since the last coins flush (also across a
  // crash): the coins and the tip marker may lag what ChainState::open would make of them.
  bool coins_may_lag_blocks() const;

  // The bytes of the block and undo files, and the block file appends go to.
  uint64_t block_files_bytes() const;
  uint32_t current_block_file() const;
  StoredFiles stored_files() const;
  // Deletes block and undo files: first the database forgets them (synced, with the kept
  // block's new position), then the files go, so a crash in between leaves only files that
  // nothing points to. REQUIRES: the coins were flushed past every block whose data goes.
  Status prune(const PruneChange& change);

  // flush_coins(), then forces everything written so far to disk (fdatasync of the block files,
  // then fsync of LevelDB's log).
  Status flush();

  // The first failure met by a read: reason "store-corrupt" (a stored value or key did not
  // decode, or a block file's record is missing or damaged; detail names the key) or
  // "store-read-failed" (LevelDB reported an error).
  std::optional<Error> first_read_error() const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ac
