// The node's one LevelDB database. Key prefixes:
//   'b' hash            -> block bytes            'i' hash -> BlockIndexRecord
//   'u' hash            -> BlockUndo              'c' outpoint -> Coin
//   'a' hash160 outpoint -> (empty)  address index: a balance never scans the whole set
//   'T'                 -> best tip hash          'G' -> genesis hash
// Moving the tip by one block is ONE WriteBatch (coins, address index, undo, tip, index
// records), so a crash leaves the previous or the next consistent state, never a mix.
// Not thread-safe for writes: one owner (the chain or utxo actor) writes; LevelDB makes
// concurrent reads safe.
// Reads return nullopt (or skip the entry) when a stored value fails to decode; the first such
// failure is kept and reported by first_read_error(), so a corrupt store is never silent.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chain/block.hpp"
#include "chain/block_index.hpp"
#include "chain/coins.hpp"
#include "chain/result.hpp"
#include "chain/undo.hpp"

namespace ac {

// Everything that changes when one block is connected or disconnected.
struct TipChange {
  Hash256 new_tip;
  std::vector<std::pair<OutPoint, Coin>> coins_added;
  std::vector<std::pair<OutPoint, Coin>> coins_spent;          // the coin as it was (address index)
  std::optional<std::pair<Hash256, BlockUndo>> undo_to_write;  // on connect
  std::optional<Hash256> undo_to_erase;                        // on disconnect
  std::vector<BlockIndexRecord> index_updates;                 // status changes
};

class Store : public CoinsView {
 public:
  // Opens (creating if missing) the database at `path`. Reason "store-locked" when another
  // process holds it; "store-open-failed" otherwise (detail: LevelDB's message).
  static Result<std::unique_ptr<Store>> open(const std::string& path);
  ~Store() override;

  // Block data and its index record, in one batch.
  Status put_block(const Block& block, const BlockIndexRecord& record);
  Status put_index_records(const std::vector<BlockIndexRecord>& records);
  std::optional<Block> block(const Hash256& hash) const;
  std::optional<Bytes> block_bytes(const Hash256& hash) const;
  std::vector<BlockIndexRecord> load_index() const;

  std::optional<Coin> coin(const OutPoint& outpoint) const override;
  // Every unspent coin paying `pubkey_hash` (P2PKH), found through the address index.
  std::vector<std::pair<OutPoint, Coin>> coins_of(const Hash160& pubkey_hash) const;
  void for_each_coin(const std::function<void(const OutPoint&, const Coin&)>& visit) const;
  std::optional<BlockUndo> undo(const Hash256& hash) const;

  std::optional<Hash256> tip() const;
  std::optional<Hash256> genesis() const;
  Status set_genesis(const Hash256& hash);

  // Writes the whole change as one batch. An outpoint both in coins_added and coins_spent
  // ends absent (a coin created and spent by the same block). Not fsynced: see flush().
  Status apply(const TipChange& change);

  // Forces everything written so far to disk (fsync of LevelDB's log).
  Status flush();

  // The first failure met by a read: reason "store-corrupt" (a stored value or key did not
  // decode; detail names the key) or "store-read-failed" (LevelDB reported an error).
  std::optional<Error> first_read_error() const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ac
