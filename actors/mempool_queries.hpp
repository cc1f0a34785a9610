// What the RPC server asks the mempool actor about its pool, as Core's mempool RPCs report it
// (getmempoolinfo, getrawmempool true, getmempoolentry, getmempoolancestors and
// getmempooldescendants): the messages, and the pure answers the actor gives from its Mempool
// (mempool_queries.cpp), so the actor's own file stays about admission.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include <cstdint>
#include <vector>

#include "chain/amount.hpp"
#include "chain/mempool.hpp"
#include "chain/uint256.hpp"

namespace ac::actors {

enum class MempoolQuery : uint8_t {
  kAll,          // every pooled transaction
  kEntry,        // `txid` alone
  kAncestors,    // `txid`'s pooled ancestors, without it
  kDescendants,  // `txid`'s pooled descendants, without it
};

// Sent by the RPC server, handled by the mempool: answers MempoolEntries.
struct GetMempoolEntries {
  MempoolQuery which = MempoolQuery::kAll;
  Hash256 txid;  // unless kAll
};

struct MempoolEntries {
  bool found = true;                      // false when `txid` is not pooled
  std::vector<MempoolEntryInfo> entries;  // sorted by txid
};

// Sent by the RPC server (getmempoolinfo), handled by the mempool: answers MempoolInfo.
struct GetMempoolInfo {};

struct MempoolInfo {
  bool loaded = true;  // mempool.dat's transactions were all submitted
  uint64_t size = 0;   // transactions
  uint64_t bytes = 0;  // their serialized sizes (= vsizes)
  uint64_t usage = 0;  // Mempool::memory_usage()
  int64_t total_fee = 0;
  uint64_t max_bytes = 0;  // the pool's bound
};

MempoolEntries mempool_entries(const Mempool& pool, const GetMempoolEntries& request);
MempoolInfo mempool_info(const Mempool& pool, bool loaded);

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetMempoolEntries)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::MempoolEntries)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetMempoolInfo)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::MempoolInfo)
