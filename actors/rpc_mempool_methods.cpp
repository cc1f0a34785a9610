// The mempool's methods (Core's src/rpc/mempool.cpp): getmempoolinfo, getrawmempool,
// getmempoolentry, getmempoolancestors, getmempooldescendants, savemempool. The mempool actor
// answers (actors/mempool_queries.hpp); the entries carry Core's fields and units.
#include "actors/mempool_actor.hpp"
#include "actors/rpc_ask.hpp"
#include "actors/rpc_methods.hpp"
#include "net/jsonrpc_params.hpp"
#include "net/rpc_json.hpp"

namespace ac::actors {

namespace {

using rpc::Json;
using rpc::RpcError;

// The pool has no fee floor of its own (Core's -minrelaytxfee defaults to 1 sat/vB): any fee,
// none included, is accepted while there is room, and a full pool takes a newcomer only when it
// outpays what it would evict. So the minimum fee rate a transaction needs is zero.
constexpr int64_t kMinRelayFeePerKvB = 0;

Json txids_json(const std::vector<Hash256>& txids) {
  Json out = Json::array();
  for (const Hash256& txid : txids) out.push_back(txid.hex());
  return out;
}

// Core's entry object (getmempoolentry, getrawmempool true, ...). Without witnesses, the vsize is
// the serialized size, the weight four times it, and the wtxid the txid.
Json entry_json(const MempoolEntryInfo& entry) {
  const auto fee = static_cast<int64_t>(entry.fee);
  return Json{{"vsize", entry.bytes},
              {"weight", entry.bytes * 4},
              {"time", entry.entry_time},
              {"height", entry.height},
              {"descendantcount", entry.descendant_count},
              {"descendantsize", entry.descendant_bytes},
              {"ancestorcount", entry.ancestor_count},
              {"ancestorsize", entry.ancestor_bytes},
              {"wtxid", entry.txid.hex()},
              {"fees",
               {{"base", rpc::amount_json(fee)},
                {"modified", rpc::amount_json(fee)},
                {"ancestor", rpc::amount_json(static_cast<int64_t>(entry.ancestor_fees))},
                {"descendant", rpc::amount_json(static_cast<int64_t>(entry.descendant_fees))}}},
              {"depends", txids_json(entry.depends)},
              {"spentby", txids_json(entry.spent_by)},
              {"bip125-replaceable", entry.replaceable}};
}

MempoolEntries entries_or_throw(const RpcAsk& ask, const RpcNodeContext& ctx, MempoolQuery which,
                                const Hash256& txid) {
  auto answer = ask.value<MempoolEntries>(ctx.actors.mempool, GetMempoolEntries{which, txid});
  if (!answer.found) throw RpcError(rpc::kInvalidAddressOrKey, "Transaction not in mempool");
  return answer;
}

// getrawmempool true and the verbose getmempoolancestors / getmempooldescendants: an object by
// txid; otherwise the txids.
Json entries_json(const MempoolEntries& answer, bool verbose) {
  Json out = verbose ? Json::object() : Json::array();
  for (const MempoolEntryInfo& entry : answer.entries) {
    if (verbose)
      out[entry.txid.hex()] = entry_json(entry);
    else
      out.push_back(entry.txid.hex());
  }
  return out;
}

void add_relatives(rpc::Dispatcher& methods, const RpcNodeContext& ctx, const std::string& name,
                   MempoolQuery which) {
  RpcAsk ask(*ctx.system, ctx.timeout);
  methods.add({"Blockchain",
               name,
               {"txid", "verbose"},
               1,
               name + " \"txid\" ( verbose )",
               [=](const Json& params) -> Json {
                 Hash256 txid = rpc::hash_param(params, 0, "txid");
                 bool verbose = rpc::bool_param(params, 1, false);
                 return entries_json(entries_or_throw(ask, ctx, which, txid), verbose);
               }});
}

}  // namespace

void add_mempool_methods(rpc::Dispatcher& methods, const RpcNodeContext& ctx) {
  RpcAsk ask(*ctx.system, ctx.timeout);
  methods.add({"Blockchain", "getmempoolinfo", {}, 0, "getmempoolinfo", [=](const Json&) -> Json {
                 auto info = ask.value<MempoolInfo>(ctx.actors.mempool, GetMempoolInfo{});
                 return Json{{"loaded", info.loaded},
                             {"size", info.size},
                             {"bytes", info.bytes},
                             {"usage", info.usage},
                             {"total_fee", rpc::amount_json(info.total_fee)},
                             {"maxmempool", info.max_bytes},
                             {"mempoolminfee", rpc::amount_json(kMinRelayFeePerKvB)},
                             {"minrelaytxfee", rpc::amount_json(kMinRelayFeePerKvB)}};
               }});
  methods.add({"Blockchain", "savemempool", {}, 0, "savemempool", [=](const Json&) -> Json {
                 auto saved = ask.value<MempoolSaved>(ctx.actors.mempool, SaveMempool{});
                 if (saved.ok) return Json{{"filename", saved.detail}};
                 if (saved.detail.starts_with("mempool-not-loaded"))
                   throw RpcError(rpc::kMiscError, "The mempool was not loaded yet");
                 throw RpcError(rpc::kMiscError, "Unable to dump mempool to disk: " + saved.detail);
               }});
  methods.add({"Blockchain",
               "getrawmempool",
               {"verbose"},
               0,
               "getrawmempool ( verbose )",
               [=](const Json& params) -> Json {
                 if (rpc::bool_param(params, 0, false))
                   return entries_json(entries_or_throw(ask, ctx, MempoolQuery::kAll, {}), true);
                 // Parents before their children, as the pool would mine them.
                 Json out = Json::array();
                 auto pool = ask.value<TxSelection>(ctx.actors.mempool, SelectTxs{UINT64_MAX});
                 for (const TxPtr& tx : pool.txs) out.push_back(tx->txid().hex());
                 return out;
               }});
  methods.add({"Blockchain",
               "getmempoolentry",
               {"txid"},
               1,
               "getmempoolentry \"txid\"",
               [=](const Json& params) -> Json {
                 Hash256 txid = rpc::hash_param(params, 0, "txid");
                 auto answer = entries_or_throw(ask, ctx, MempoolQuery::kEntry, txid);
                 return entry_json(answer.entries.at(0));
               }});
  add_relatives(methods, ctx, "getmempoolancestors", MempoolQuery::kAncestors);
  add_relatives(methods, ctx, "getmempooldescendants", MempoolQuery::kDescendants);
}

}  // namespace ac::actors
