// Opening a store written before block and undo data moved to flat files (chain/block_files.hpp):
// its LevelDB holds the bytes themselves under 'b' and 'u' + hash. Store::open moves them into
// the files once, in bounded batches, so a user's data folder keeps working after an upgrade.
#pragma once

#include <cstddef>

#include "chain/block_files.hpp"
#include "chain/result.hpp"

namespace leveldb {
class DB;
}

namespace ac {

// At most this many bytes of block or undo data are moved per batch.
inline constexpr size_t kMigrationBatchBytes = size_t{16} << 20;

// Moves every value under `from_prefix` into `files`, puts its position under the same key with
// `to_prefix` instead, and deletes the old entry: batch by batch, each batch's records synced
// to their file before the batch is written (synced), so a crash midway leaves every entry
// either moved or still in place (a copy appended but not recorded is a harmless tail, moved
// again on the next open). Then compacts the emptied key range. Nothing to move: one seek.
Status move_to_flat_files(leveldb::DB& db, char from_prefix, char to_prefix, FlatFiles& files);

}  // namespace ac
