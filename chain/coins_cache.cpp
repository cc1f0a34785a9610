#include "chain/coins_cache.hpp"

namespace ac {

namespace {
// A node of the map: its next pointer and cached hash beside the value, plus one bucket
// pointer; the script is a heap block of its own (malloc's header and rounding to 16 bytes).
constexpr size_t kNodeOverhead = 2 * sizeof(void*) + sizeof(void*);
constexpr size_t kMallocOverhead = 16;
}  // namespace

size_t CoinsCache::entry_bytes(const Coin& coin) {
  const size_t script = coin.output.script_pubkey.capacity();
  const size_t script_block = script == 0 ? 0 : ((script + 15) / 16) * 16 + kMallocOverhead;
  return sizeof(std::pair<const OutPoint, Entry>) + kNodeOverhead + kMallocOverhead + script_block;
}

const CoinsCache::Entry* CoinsCache::find(const OutPoint& outpoint) const {
  auto found = entries_.find(outpoint);
  return found == entries_.end() ? nullptr : &found->second;
}

void CoinsCache::add(const OutPoint& outpoint, const Coin& coin, bool may_be_stored) {
  auto [entry, inserted] = entries_.try_emplace(outpoint);
  if (inserted) {
    entry->second.fresh = !may_be_stored;
  } else {
    // A tombstone brought back (a disconnect restoring a coin): the database may hold it.
    memory_bytes_ -= entry_bytes(entry->second.coin);
    if (may_be_stored) entry->second.fresh = false;
  }
  entry->second.coin = coin;
  entry->second.spent = false;
  memory_bytes_ += entry_bytes(entry->second.coin);
}

void CoinsCache::spend(const OutPoint& outpoint, const Coin& coin) {
  auto [entry, inserted] = entries_.try_emplace(outpoint);
  if (!inserted) {
    memory_bytes_ -= entry_bytes(entry->second.coin);
    if (entry->second.fresh) {
      entries_.erase(entry);  // created and spent in memory: the database never sees it
      return;
    }
  }
  entry->second.coin = coin;
  entry->second.spent = true;
  entry->second.fresh = false;
  memory_bytes_ += entry_bytes(entry->second.coin);
}

void CoinsCache::for_each(const std::function<void(const OutPoint&, const Entry&)>& visit) const {
  for (const auto& [outpoint, entry] : entries_) visit(outpoint, entry);
}

size_t CoinsCache::for_each_while(
    const std::function<bool(const OutPoint&, const Entry&)>& visit) const {
  size_t taken = 0;
  for (const auto& [outpoint, entry] : entries_) {
    if (!visit(outpoint, entry)) break;
    ++taken;
  }
  return taken;
}

void CoinsCache::erase_first(size_t count) {
  for (; count > 0 && !entries_.empty(); --count) {
    memory_bytes_ -= entry_bytes(entries_.begin()->second.coin);
    entries_.erase(entries_.begin());
  }
}

void CoinsCache::clear() {
  // A fresh map: clear() would keep the bucket array of the largest size ever reached.
  std::unordered_map<OutPoint, Entry>().swap(entries_);
  memory_bytes_ = 0;
}

}  // namespace ac
