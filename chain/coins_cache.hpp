// CoinsCache: the coin changes of blocks connected since the store last wrote its coins, kept
// in memory so that a coin created and spent between two writes never reaches LevelDB, and
// the writes come as one batch per flush instead of one per block (as Bitcoin Core's
// CCoinsViewCache with -dbcache).
//
// An entry is either a live coin or a spent one (a tombstone, kept with the coin so that its
// address index key can be deleted). "fresh" marks a live coin the database does not hold: when
// it is spent the entry just goes, nothing is written. The cache only knows its own entries;
// the Store overlays it on the database (chain/store.hpp) and decides when to flush.
// Not thread-safe: the Store guards it.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <unordered_map>

#include "chain/coins.hpp"

namespace ac {

class CoinsCache {
 public:
  struct Entry {
    Coin coin;
    bool spent = false;
    bool fresh = false;  // live and not in the database
  };

  // What the cache says about an outpoint: nullptr when it has no entry (ask the database),
  // otherwise the entry (spent: the coin is gone, whatever the database holds).
  const Entry* find(const OutPoint& outpoint) const;

  // A coin becomes unspent. REQUIRES: it is not unspent in the cache-over-database view (a
  // connect or disconnect never re-adds a live coin); without an entry it is taken as absent
  // from the database, so spending it again before a flush writes nothing. `may_be_stored`
  // (a roll forward after an interrupted flush, chain/coins_rollforward.hpp): the database may
  // hold it already, so the entry is written, and spending it later writes the deletion.
  void add(const OutPoint& outpoint, const Coin& coin, bool may_be_stored = false);
  // An unspent coin (as it was: the address index needs its script) is spent.
  void spend(const OutPoint& outpoint, const Coin& coin);

  // Every entry, in no particular order (what a flush writes).
  void for_each(const std::function<void(const OutPoint&, const Entry&)>& visit) const;
  // The entries in for_each's order while `visit` returns true; returns how many it took.
  size_t for_each_while(const std::function<bool(const OutPoint&, const Entry&)>& visit) const;
  // Drops the first `count` entries in for_each's order (a flush wrote them), freeing their
  // memory at once. REQUIRES: no change to the cache since the for_each_while that counted them.
  void erase_first(size_t count);

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // An estimate of the memory the entries take (the map's nodes and buckets, the scripts).
  size_t memory_bytes() const { return memory_bytes_; }
  void clear();

 private:
  static size_t entry_bytes(const Coin& coin);

  std::unordered_map<OutPoint, Entry> entries_;
  size_t memory_bytes_ = 0;
};

}  // namespace ac
