// Rebuilding a store's LevelDB part from its block files, as Bitcoin Core's -reindex: the block
// index, the coins with their address index and the undo data are thrown away and made again by
// reading every record of blocks/blk?????.dat in file order and validating and connecting it as
// a fresh node would. The block files themselves are kept and never rewritten: each block's
// index entry points at the record it was read from (Store::reuse_block_record).
//
// - Out of order: a block whose parent is not known yet waits (its position only, Core's
//   mapBlocksUnknownParent) until the parent is stored; those whose parent never comes are
//   left out, for peers to send again.
// - Damage: a record that does not decode, or a block that fails validation, is skipped with a
//   log line; the scan resumes at the next byte that starts a frame, so a damaged size field
//   never swallows the records after it.
// - Undo data is rewritten from rev00000.dat on: the old rev files are deleted first. Their
//   records carry no block hash, so only the LevelDB positions being thrown away tied them to
//   blocks; connecting each block computes its undo data anyway, and stale branches' undo goes.
// - Crash safety: a marker file (<store>/reindexing) is written and synced before anything is
//   deleted, and removed only once the rebuilt store is synced. While it exists the store is not
//   opened as a chain (open_chain_store refuses with "store-reindexing") and the node's next
//   start runs the reindex again, from the start (the wipe may have been cut short, so nothing
//   of a half-built store is trusted). A file, not a LevelDB key: it must outlive LevelDB's own
//   deletion, and LevelDB may be too damaged to open.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "chain/chain_storage.hpp"
#include "chain/chainstate.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"

namespace ac {

struct ReindexOptions {
  StoreOptions store;
  unsigned script_threads = 2;
  ChainState::Clock now_seconds;  // empty: the system clock
  // A progress line every this many records read.
  size_t progress_every = 1000;
  // Receives each log line (without a newline); empty: no log.
  std::function<void(const std::string&)> log;
};

struct ReindexSummary {
  size_t files = 0;           // blk files read
  size_t records = 0;         // well-framed records read
  size_t stored = 0;          // blocks stored (on the active chain or a side branch)
  size_t duplicates = 0;      // blocks read more than once (the store already had them)
  size_t skipped = 0;         // records that did not decode or blocks that failed validation
  size_t without_parent = 0;  // blocks whose parent never came
  size_t skipped_bytes = 0;   // bytes between records that started no frame
  std::optional<ChainTip> tip;
  double seconds = 0;
};

// <store>/reindexing: present while a reindex is under way or was interrupted.
std::filesystem::path reindex_marker_path(const std::filesystem::path& store_path);
bool reindex_unfinished(const std::filesystem::path& store_path);

// Wipes the LevelDB part of the store at `store_path` and the undo files, then rebuilds them
// from the block files (above). Reasons: "store-locked" (another process holds the store;
// nothing was touched), "reindex-failed" (a file could not be written or deleted), and the
// store's own write failures, "reindex-pruned" (kRefused: block files were pruned; nothing was
// touched). Blocks that fail are skipped, never an error.
Result<ReindexSummary> reindex_store(const std::filesystem::path& store_path,
                                     const ChainParams& params, const ReindexOptions& options);

// Bitcoin Core's -checkblocks at start, its cheapest level: the last `count` blocks of the active
// chain, and their undo data, read and decode. Reason "store-corrupt" (detail: the block, and
// what the store could not read), so an index entry pointing at damaged block-file bytes is found
// at start rather than when a peer asks for the block.
Status check_recent_blocks(const ChainState& chain, const Store& store, int count = 6);

// The block files hold blocks while LevelDB's files are gone (deleted, or a data folder copied
// without them): opening would start an empty chain beside blocks nobody indexes. Reason
// "store-corrupt".
Status check_index_present(const std::filesystem::path& store_path);

}  // namespace ac
