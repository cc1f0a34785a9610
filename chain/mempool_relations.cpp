// The mempool's graph of pooled parents and children, and what Core's mempool RPCs report of
// it: each transaction's in-pool ancestors and descendants, and the pool's memory estimate.
// Computed on demand by walking the pool's spender index (the pool keeps no totals per entry:
// only the RPC asks for them).
#include <algorithm>
#include <unordered_set>

#include "chain/mempool.hpp"

namespace ac {

namespace {

// BIP125: a transaction signals replaceability with any input's sequence below 0xfffffffe.
bool signals_replaceable(const Transaction& tx) {
  return std::any_of(tx.inputs.begin(), tx.inputs.end(),
                     [](const TxIn& input) { return input.sequence < 0xfffffffe; });
}

std::vector<Hash256> sorted(const std::unordered_set<Hash256>& set) {
  std::vector<Hash256> out(set.begin(), set.end());
  std::sort(out.begin(), out.end());
  return out;
}

// Heap bytes of a vector's buffer.
template <typename T>
size_t heap_of(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

// A node of a std::unordered_map or std::set: the value and about three pointers (links, a
// bucket slot or the red-black colour and parent).
template <typename T>
constexpr size_t node_bytes() {
  return sizeof(T) + 3 * sizeof(void*);
}

}  // namespace

std::vector<Hash256> Mempool::pooled_children(const Hash256& txid, const Entry& entry) const {
  std::vector<Hash256> children;
  for (uint32_t index = 0; index < entry.tx.outputs.size(); ++index) {
    auto spender = spenders_.find(OutPoint{txid, index});
    if (spender != spenders_.end() &&
        std::find(children.begin(), children.end(), spender->second) == children.end())
      children.push_back(spender->second);
  }
  return children;
}

std::vector<Hash256> Mempool::ancestors(const Hash256& txid) const {
  std::unordered_set<Hash256> found;
  std::vector<Hash256> pending = {txid};
  while (!pending.empty()) {
    auto it = entries_.find(pending.back());
    pending.pop_back();
    if (it == entries_.end()) continue;
    for (const Hash256& parent : pooled_parents(it->second.tx))
      if (found.insert(parent).second) pending.push_back(parent);
  }
  return sorted(found);
}

std::vector<Hash256> Mempool::descendants(const Hash256& txid) const {
  std::unordered_set<Hash256> found;
  std::vector<Hash256> pending = {txid};
  while (!pending.empty()) {
    const Hash256 current = pending.back();
    pending.pop_back();
    auto it = entries_.find(current);
    if (it == entries_.end()) continue;
    for (const Hash256& child : pooled_children(current, it->second))
      if (found.insert(child).second) pending.push_back(child);
  }
  return sorted(found);
}

std::optional<MempoolEntryInfo> Mempool::entry_info(const Hash256& txid) const {
  auto it = entries_.find(txid);
  if (it == entries_.end()) return std::nullopt;
  const Entry& entry = it->second;
  MempoolEntryInfo info;
  info.txid = txid;
  info.bytes = entry.bytes;
  info.fee = entry.fee;
  info.entry_time = entry.entry_time;
  info.height = entry.height;
  // Core's orders: the parents by their hex, the children by hash.
  info.depends = pooled_parents(entry.tx);
  std::sort(info.depends.begin(), info.depends.end(),
            [](const Hash256& a, const Hash256& b) { return a.hex() < b.hex(); });
  info.spent_by = pooled_children(txid, entry);
  std::sort(info.spent_by.begin(), info.spent_by.end());
  info.ancestor_count = info.descendant_count = 1;
  info.ancestor_bytes = info.descendant_bytes = entry.bytes;
  info.ancestor_fees = info.descendant_fees = entry.fee;
  info.replaceable = signals_replaceable(entry.tx);
  for (const Hash256& ancestor : ancestors(txid)) {
    const Entry& other = entries_.at(ancestor);
    ++info.ancestor_count;
    info.ancestor_bytes += other.bytes;
    info.ancestor_fees += other.fee;
    info.replaceable = info.replaceable || signals_replaceable(other.tx);
  }
  for (const Hash256& descendant : descendants(txid)) {
    const Entry& other = entries_.at(descendant);
    ++info.descendant_count;
    info.descendant_bytes += other.bytes;
    info.descendant_fees += other.fee;
  }
  return info;
}

size_t Mempool::memory_usage() const {
  size_t usage = entries_.bucket_count() * sizeof(void*) + spenders_.bucket_count() * sizeof(void*);
  for (const auto& [txid, entry] : entries_) {
    usage += node_bytes<std::pair<const Hash256, Entry>>() + node_bytes<FeeRateKey>();
    usage += heap_of(entry.tx.inputs) + heap_of(entry.tx.outputs);
    for (const TxIn& input : entry.tx.inputs) usage += input.script_sig.capacity();
    for (const TxOut& output : entry.tx.outputs) usage += output.script_pubkey.capacity();
    usage += entry.tx.inputs.size() * node_bytes<std::pair<const OutPoint, Hash256>>();
  }
  return usage;
}

}  // namespace ac
