// Bitcoin Core's signature cache: a (sighash digest, public key, signature) triple that verified
// once is not verified again. A transaction checked for the mempool stores its signatures; when
// the block holding it arrives, connect_block finds them (and drops them: a block is connected
// once) instead of running ECDSA a second time.
//
// Entries are SHA-256 of a random per-cache salt followed by the triple, so nobody outside the
// process can make entries collide. Only valid signatures are cached, so a lookup can only
// save work, never change a verdict. Bounded: at most `max_entries` entries (oldest out first),
// split over shards with a lock each, so the script verifier's threads rarely contend.
#pragma once

#include <cstddef>
#include <memory>

#include "chain/bytes.hpp"
#include "chain/uint256.hpp"

namespace ac {

class SignatureCache {
 public:
  static constexpr size_t kDefaultMaxEntries = 1 << 18;  // 8 MiB of entries, as 32-byte keys

  explicit SignatureCache(size_t max_entries = kDefaultMaxEntries);
  ~SignatureCache();
  SignatureCache(const SignatureCache&) = delete;
  SignatureCache& operator=(const SignatureCache&) = delete;

  // The cache the node's verifiers share by default (mempool and chain run on other threads,
  // with verifiers of their own; the cache is a memo of a pure function, so sharing is safe).
  static SignatureCache& shared();

  // True when the triple was stored; with `erase`, the entry is removed as it is found.
  bool contains(const Hash256& digest, ByteSpan pubkey, ByteSpan signature, bool erase);
  // Stores a triple that verified.
  void insert(const Hash256& digest, ByteSpan pubkey, ByteSpan signature);

  size_t size() const;
  size_t max_entries() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ac
