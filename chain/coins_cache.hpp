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
  // from the database, so spending it again before a flush writes nothing.
  void add(const OutPoint& outpoint, const Coin& coin);
  // An unspent coin (as it was: the address index needs its script) is spent.
  void spend(const OutPoint& outpoint, const Coin& coin);

  // Every entry, in no particular order (what a flush writes).
  void for_each(const std::function<void(const OutPoint&, const Entry&)>& visit) const;

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
