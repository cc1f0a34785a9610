#include "chain/signature_cache.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <mutex>
#include <random>
#include <unordered_set>

#include "chain/hash.hpp"

namespace ac {
namespace {

constexpr size_t kShards = 16;

struct KeyHash {
  size_t operator()(const Hash256& key) const {
    size_t out;  // the key is a salted SHA-256: any 8 of its bytes are uniform
    std::memcpy(&out, key.data.data(), sizeof out);
    return out;
  }
};

struct Shard {
  std::mutex mutex;
  std::unordered_set<Hash256, KeyHash> entries;
  std::deque<Hash256> order;  // insertion order; may name entries already erased
};

}  // namespace

struct SignatureCache::Impl {
  std::array<uint8_t, 32> salt{};
  size_t max_per_shard = 1;
  std::array<Shard, kShards> shards;

  Hash256 key_of(const Hash256& digest, ByteSpan pubkey, ByteSpan signature) const {
    Bytes material;
    material.reserve(salt.size() + digest.size() + 8 + pubkey.size() + signature.size());
    material.insert(material.end(), salt.begin(), salt.end());
    material.insert(material.end(), digest.begin(), digest.end());
    // The public key's length keeps (pubkey, signature) splits of the same bytes apart.
    const uint64_t pubkey_bytes = pubkey.size();
    for (int shift = 0; shift < 64; shift += 8)
      material.push_back(static_cast<uint8_t>(pubkey_bytes >> shift));
    material.insert(material.end(), pubkey.begin(), pubkey.end());
    material.insert(material.end(), signature.begin(), signature.end());
    return sha256(material);
  }

  Shard& shard_of(const Hash256& key) { return shards[key.data[8] % kShards]; }
};

SignatureCache::SignatureCache(size_t max_entries) : impl_(std::make_unique<Impl>()) {
  std::random_device random;
  for (size_t i = 0; i < impl_->salt.size(); i += 4) {
    const uint32_t word = random();
    std::memcpy(impl_->salt.data() + i, &word, 4);
  }
  impl_->max_per_shard = std::max<size_t>(1, max_entries / kShards);
}

SignatureCache::~SignatureCache() = default;

SignatureCache& SignatureCache::shared() {
  static SignatureCache cache;
  return cache;
}

bool SignatureCache::contains(const Hash256& digest, ByteSpan pubkey, ByteSpan signature,
                              bool erase) {
  const Hash256 key = impl_->key_of(digest, pubkey, signature);
  Shard& shard = impl_->shard_of(key);
  std::lock_guard lock(shard.mutex);
  auto it = shard.entries.find(key);
  if (it == shard.entries.end()) return false;
  if (erase) shard.entries.erase(it);
  return true;
}

void SignatureCache::insert(const Hash256& digest, ByteSpan pubkey, ByteSpan signature) {
  const Hash256 key = impl_->key_of(digest, pubkey, signature);
  Shard& shard = impl_->shard_of(key);
  std::lock_guard lock(shard.mutex);
  if (!shard.entries.insert(key).second) return;
  shard.order.push_back(key);
  // Erased entries leave their key in `order`; they are skipped here, and `order` is
  // compacted when it grows past twice the bound, so it stays bounded too.
  while (shard.entries.size() > impl_->max_per_shard && !shard.order.empty()) {
    shard.entries.erase(shard.order.front());
    shard.order.pop_front();
  }
  if (shard.order.size() > 2 * impl_->max_per_shard) {
    std::deque<Hash256> kept;
    for (const Hash256& k : shard.order)
      if (shard.entries.contains(k)) kept.push_back(k);
    shard.order.swap(kept);
  }
}

size_t SignatureCache::size() const {
  size_t out = 0;
  for (Shard& shard : impl_->shards) {
    std::lock_guard lock(shard.mutex);
    out += shard.entries.size();
  }
  return out;
}

size_t SignatureCache::max_entries() const {
  return impl_->max_per_shard * kShards;
}

}  // namespace ac
