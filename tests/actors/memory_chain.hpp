// A ChainBackend kept in memory for actor tests: no validation beyond parent linkage, blocks
// with an unknown parent wait as orphans, the longest chain wins (first seen on ties), and
// reorganisations report what they disconnect and connect. Blocks are made by make_test_block so
// each test chain is distinct.
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "actors/chain_backend.hpp"
#include "chain/memory_coins.hpp"

namespace ac::actors::testing {

inline Block make_test_block(const Hash256& prev, uint32_t tag,
                             std::vector<Transaction> extra_txs = {}) {
  Block block;
  block.header.prev_block = prev;
  block.header.time = 1'700'000'000 + tag;
  block.header.nonce = tag;
  Transaction coinbase;
  coinbase.inputs.push_back(TxIn{OutPoint::null(), Bytes{0x01, static_cast<uint8_t>(tag)}, 0});
  coinbase.outputs.push_back(TxOut{50, Bytes{0x51}});
  block.transactions.push_back(coinbase);
  for (Transaction& tx : extra_txs) block.transactions.push_back(std::move(tx));
  return block;
}

// A chain of `count` blocks starting with a genesis; `tag` tells chains apart.
inline std::vector<Block> make_test_chain(size_t count, uint32_t tag = 0) {
  std::vector<Block> blocks;
  Hash256 prev;
  for (size_t i = 0; i < count; ++i) {
    blocks.push_back(make_test_block(prev, tag * 1000 + static_cast<uint32_t>(i)));
    prev = blocks.back().hash();
  }
  return blocks;
}

// Coins for the mempool in actor tests: what the test puts there, as of the tip the test says
// they are at (as the Store's coins are at its tip marker). Thread-safe: the test writes while
// the mempool reads.
class TestTipCoins final : public TipCoins {
 public:
  void add(const OutPoint& outpoint, Coin coin) {
    std::lock_guard lock(mutex_);
    coins_.add(outpoint, std::move(coin));
  }
  std::optional<Coin> coin(const OutPoint& outpoint) const {
    std::lock_guard lock(mutex_);
    return coins_.coin(outpoint);
  }
  void set_tip(const Hash256& tip) {
    std::lock_guard lock(mutex_);
    tip_ = tip;
  }
  std::optional<std::vector<std::pair<OutPoint, Coin>>> coins_at(
      const Hash256& tip, std::span<const OutPoint> outpoints) const override {
    std::lock_guard lock(mutex_);
    if (tip != tip_) return std::nullopt;
    std::vector<std::pair<OutPoint, Coin>> out;
    for (const OutPoint& outpoint : outpoints)
      if (auto coin = coins_.coin(outpoint)) out.emplace_back(outpoint, std::move(*coin));
    return out;
  }

 private:
  mutable std::mutex mutex_;
  MemoryCoins coins_;
  Hash256 tip_;
};

class MemoryChain : public ChainBackend {
 public:
  TipInfo tip() const override {
    if (active_.empty()) return {};
    return {active_.back(), static_cast<int>(active_.size()) - 1};
  }
  std::optional<Hash256> genesis() const override {
    if (active_.empty()) return std::nullopt;
    return active_.front();
  }
  std::vector<Hash256> locator() const override {
    std::vector<Hash256> out(active_.rbegin(), active_.rend());
    return out;
  }
  std::vector<Hash256> hashes_after(const std::vector<Hash256>& locator, const Hash256& stop,
                                    size_t max) const override {
    size_t start = 0;
    for (const Hash256& hash : locator) {
      auto found = std::find(active_.begin(), active_.end(), hash);
      if (found != active_.end()) {
        start = static_cast<size_t>(found - active_.begin()) + 1;
        break;
      }
    }
    std::vector<Hash256> out;
    for (size_t i = start; i < active_.size() && out.size() < max; ++i) {
      out.push_back(active_[i]);
      if (active_[i] == stop) break;
    }
    return out;
  }
  std::optional<Block> block(const Hash256& hash) const override {
    auto found = blocks_.find(hash);
    if (found == blocks_.end()) return std::nullopt;
    return found->second;
  }
  Status create_genesis(const Block& block) override {
    if (!active_.empty()) return make_error("have-genesis");
    blocks_[block.hash()] = block;
    heights_[block.hash()] = 0;
    active_.push_back(block.hash());
    return {};
  }
  // No rules to check here: a new block on the tip qualifies.
  bool may_announce_early(const Block& block) const override {
    return !active_.empty() && block.header.prev_block == active_.back() &&
           blocks_.count(block.hash()) == 0 && orphans_.count(block.hash()) == 0;
  }
  Acceptance accept_block(const Block& block) override {
    Hash256 hash = block.hash();
    if (blocks_.count(hash) != 0 || orphans_.count(hash) != 0)
      return {true, "already-have", {}, {}, {}, {}, {}, {}};
    if (heights_.count(block.header.prev_block) == 0) {
      orphans_[hash] = block;
      return {true, "orphan", {}, {}, {}, {}, {}, {}, true};
    }
    Hash256 best = active_.back();
    store(hash, block, best);
    // Orphans whose parent is now known join the tree, as ChainState's orphan pool does.
    for (bool progress = true; progress;) {
      progress = false;
      for (auto it = orphans_.begin(); it != orphans_.end(); ++it) {
        if (heights_.count(it->second.header.prev_block) == 0) continue;
        Hash256 orphan = it->first;
        Block orphan_block = it->second;
        orphans_.erase(it);
        store(orphan, orphan_block, best);
        progress = true;
        break;
      }
    }
    if (best == active_.back()) return {true, "side-branch", {}, {}, {}, {}, {}, {}};
    return switch_to(best);
  }

 private:
  // Stores a block whose parent is known; `best` follows the most work (height; first seen).
  void store(const Hash256& hash, const Block& block, Hash256& best) {
    blocks_[hash] = block;
    heights_[hash] = heights_.at(block.header.prev_block) + 1;
    if (heights_[hash] > heights_.at(best)) best = hash;
  }

  Acceptance switch_to(const Hash256& tip) {
    std::vector<Hash256> branch;  // new tip back to (not including) the fork point
    Hash256 cursor = tip;
    while (true) {
      int h = heights_.at(cursor);
      if (h < static_cast<int>(active_.size()) && active_[static_cast<size_t>(h)] == cursor) break;
      branch.push_back(cursor);
      cursor = blocks_.at(cursor).header.prev_block;
    }
    Acceptance out{true, "new-tip", {}, {}, {}, {}, {}, {}};
    size_t fork_height = static_cast<size_t>(heights_.at(cursor));
    while (active_.size() > fork_height + 1) {
      out.disconnected.push_back(active_.back());
      active_.pop_back();
    }
    for (auto it = branch.rbegin(); it != branch.rend(); ++it) {
      active_.push_back(*it);
      out.connected.push_back(*it);
    }
    std::set<Hash256> confirmed_ids;
    for (const Hash256& h : out.connected)
      for (const Transaction& tx : blocks_.at(h).transactions)
        if (!tx.is_coinbase()) {
          confirmed_ids.insert(tx.txid());
          out.confirmed.push_back(tx);
        }
    for (const Hash256& h : out.disconnected)
      for (const Transaction& tx : blocks_.at(h).transactions)
        if (!tx.is_coinbase() && confirmed_ids.count(tx.txid()) == 0) out.returned.push_back(tx);
    return out;
  }

  std::map<Hash256, Block> orphans_;
  std::map<Hash256, Block> blocks_;
  std::map<Hash256, int> heights_;
  std::vector<Hash256> active_;
};

}  // namespace ac::actors::testing
