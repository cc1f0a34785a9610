// The optional transaction index (`startnode --txindex`, as Core's -txindex): txid -> the
// hash of the active-chain block holding it, in a LevelDB of its own beside the store
// (<datadir>/<NODE_ID>/txindex/), with the last block indexed, so a restart goes on where it
// stopped. Like Core's index it follows the chain rather than being part of it: the caller
// feeds it the active chain's blocks in order (add_block). After a reorganisation the caller
// starts again from the genesis (reset); entries of blocks that left the chain stay until
// overwritten, so a reader checks that the block it gets is still in the active chain.
//
// Thread-safe (LevelDB is); one writer at a time is the caller's to ensure.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "chain/block.hpp"
#include "chain/result.hpp"

namespace ac {

struct IndexedTip {
  Hash256 hash;
  int height = -1;
};

class TxIndex {
 public:
  // Reasons: "txindex-locked" (another process has it open), "txindex-open-failed".
  static Result<std::unique_ptr<TxIndex>> open(const std::filesystem::path& dir);
  ~TxIndex();
  TxIndex(const TxIndex&) = delete;
  TxIndex& operator=(const TxIndex&) = delete;

  // REQUIRES: `block` is the active chain's block at `height`, after the last one added.
  // Records its transactions and makes it the last indexed, in one write. Reason
  // "txindex-write-failed".
  Status add_block(const Block& block, const Hash256& hash, int height);
  // Forgets the last indexed block (the next add_block is the genesis).
  Status reset();

  std::optional<Hash256> find(const Hash256& txid) const;
  std::optional<IndexedTip> tip() const;

 private:
  struct Impl;
  explicit TxIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ac
