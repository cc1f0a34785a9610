#include "actors/mempool_queries.hpp"

#include <algorithm>

namespace ac::actors {

MempoolEntries mempool_entries(const Mempool& pool, const GetMempoolEntries& request) {
  MempoolEntries answer;
  std::vector<Hash256> txids;
  switch (request.which) {
    case MempoolQuery::kAll:
      txids = pool.txids();
      std::sort(txids.begin(), txids.end());
      break;
    case MempoolQuery::kEntry:
      txids = {request.txid};
      break;
    case MempoolQuery::kAncestors:
      txids = pool.ancestors(request.txid);
      break;
    case MempoolQuery::kDescendants:
      txids = pool.descendants(request.txid);
      break;
  }
  if (request.which != MempoolQuery::kAll && !pool.contains(request.txid)) {
    answer.found = false;
    return answer;
  }
  answer.entries.reserve(txids.size());
  for (const Hash256& txid : txids)
    if (auto info = pool.entry_info(txid)) answer.entries.push_back(std::move(*info));
  return answer;
}

MempoolInfo mempool_info(const Mempool& pool, bool loaded) {
  return MempoolInfo{loaded,
                     static_cast<uint64_t>(pool.size()),
                     static_cast<uint64_t>(pool.bytes()),
                     static_cast<uint64_t>(pool.memory_usage()),
                     static_cast<int64_t>(pool.total_fee()),
                     static_cast<uint64_t>(pool.max_bytes())};
}

}  // namespace ac::actors
