// The wallet's history (Core's listtransactions, gettransaction), getbalances' pending
// amounts and abandontransaction (whose errors tell a wallet transaction from another). The history
// (wallet/history.hpp) is kept here, on the RPC side, and caught up before each answer: the active
// chain's blocks it has not seen (actors/rpc_chain_follow.hpp; the first question scans the whole
// chain, later ones only the new blocks; a reorganisation or a new key starts it again), then the
// mempool's transactions on top. The RPC threads wait on each other for it, never an actor on them.
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "actors/chain_actor.hpp"
#include "actors/mempool_actor.hpp"
#include "actors/rpc_ask.hpp"
#include "actors/rpc_chain_follow.hpp"
#include "actors/rpc_methods.hpp"
#include "actors/wallet_actor.hpp"
#include "net/jsonrpc_params.hpp"
#include "net/rpc_json.hpp"
#include "net/rpc_wallet_json.hpp"
#include "wallet/address.hpp"
#include "wallet/history.hpp"

namespace ac::actors {

namespace {

using rpc::Json;
using rpc::RpcError;

struct HistoryCache {
  std::mutex mutex;
  wallet::WalletHistory history;
  // When each mempool transaction was first seen here (order, time): unconfirmed entries are
  // listed in that order, as Core lists them by time received.
  std::unordered_map<Hash256, std::pair<uint64_t, int64_t>> first_seen;
  uint64_t next_seen = 0;
  // The wallet's coinbases of blocks that left the active chain after the history saw them
  // (Core's "orphan"), oldest first; kept while the node runs, dropped if their block returns.
  std::vector<wallet::WalletTx> orphaned;
};

// What a question sees: the history up to the tip, the mempool's part, and where they stand.
struct HistoryView {
  std::vector<wallet::WalletTx> txs;  // confirmed in chain order, then unconfirmed
  rpc::WalletTxPlace place;
  wallet::WalletHistory keys;  // which outputs are the wallet's (no transactions)
};

std::unordered_set<Hash160> wallet_keys(const RpcAsk& ask, const RpcNodeContext& ctx) {
  std::unordered_set<Hash160> keys;
  for (const std::string& address :
       ask.value<std::vector<std::string>>(ctx.wallet, ListWalletAddresses{})) {
    if (auto key = wallet::decode_address(address, ctx.params)) keys.insert(*key);
  }
  return keys;
}

// After a reorganisation: the coinbases of `before` the new history lacks are orphans; the
// orphans the new history holds again are not.
void note_orphans(HistoryCache& cache, const std::vector<wallet::WalletTx>& before) {
  const std::vector<wallet::WalletTx>& now = cache.history.confirmed();
  std::vector<wallet::WalletTx> still_lost = wallet::lost_coinbases(cache.orphaned, now);
  for (wallet::WalletTx& lost : wallet::lost_coinbases(before, now)) {
    bool known = std::any_of(still_lost.begin(), still_lost.end(),
                             [&](const wallet::WalletTx& tx) { return tx.txid == lost.txid; });
    if (!known) still_lost.push_back(std::move(lost));
  }
  cache.orphaned = std::move(still_lost);
}

// Feeds the cache's history the active chain's blocks after the last it saw. REQUIRES: the
// cache's lock.
void catch_up(HistoryCache& cache, const RpcAsk& ask, const RpcNodeContext& ctx) {
  wallet::WalletHistory& history = cache.history;
  std::vector<wallet::WalletTx> before;  // what the history held before a reorganisation
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::optional<FollowedBlock> last;
    if (!history.scanned().empty())
      last =
          FollowedBlock{history.scanned().back(), static_cast<int>(history.scanned().size()) - 1};
    bool followed =
        follow_active_chain(ask, ctx, last, [&](const Block& block, const FollowedBlock& at) {
          history.connect_block(block, at.hash, at.height);
        });
    if (followed) {
      if (attempt > 0) note_orphans(cache, before);
      return;
    }
    // The chain reorganised under us: start again from the genesis.
    if (attempt == 0) before = history.confirmed();
    history.clear();
  }
  throw RpcError(rpc::kMiscError, "the chain kept changing while the wallet's history was read");
}

HistoryView view(HistoryCache& cache, const RpcAsk& ask, const RpcNodeContext& ctx) {
  std::unordered_set<Hash160> keys = wallet_keys(ask, ctx);
  HistoryView out;
  out.keys = wallet::WalletHistory(keys);
  std::lock_guard lock(cache.mutex);
  if (keys != cache.history.keys()) cache.history = wallet::WalletHistory(std::move(keys));
  catch_up(cache, ask, ctx);
  auto pooled = ask.value<TxSelection>(ctx.actors.mempool, SelectTxs{uint64_t{UINT64_MAX}}).txs;
  std::vector<Transaction> unconfirmed;
  for (const TxPtr& tx : pooled) unconfirmed.push_back(*tx);
  out.place.tip_height = static_cast<int>(cache.history.scanned().size()) - 1;
  out.place.now = std::time(nullptr);
  std::unordered_map<Hash256, std::pair<uint64_t, int64_t>> seen;
  for (const Transaction& tx : unconfirmed) {
    Hash256 txid = tx.txid();
    auto known = cache.first_seen.find(txid);
    seen[txid] = known != cache.first_seen.end() ? known->second
                                                 : std::pair{cache.next_seen++, out.place.now};
  }
  cache.first_seen = std::move(seen);  // forgets those that left the mempool
  out.txs = cache.history.with_unconfirmed(unconfirmed);
  auto first_unconfirmed = std::find_if(out.txs.begin(), out.txs.end(),
                                        [](const wallet::WalletTx& tx) { return tx.height < 0; });
  for (auto it = first_unconfirmed; it != out.txs.end(); ++it)
    it->time_received = cache.first_seen[it->txid].second;
  std::stable_sort(first_unconfirmed, out.txs.end(),
                   [&](const wallet::WalletTx& x, const wallet::WalletTx& y) {
                     return cache.first_seen[x.txid].first < cache.first_seen[y.txid].first;
                   });
  // Orphans after the confirmed transactions, before the mempool's.
  out.txs.insert(first_unconfirmed, cache.orphaned.begin(), cache.orphaned.end());
  return out;
}

}  // namespace

void add_wallet_history_methods(rpc::Dispatcher& methods, const RpcNodeContext& ctx) {
  RpcAsk ask(*ctx.system, ctx.timeout);
  auto cache = std::make_shared<HistoryCache>();
  methods.add({"Wallet", "getbalances", {}, 0, "getbalances", [=](const Json&) -> Json {
                 auto [confirmed, pending] =
                     ask.value<WalletBalance>(ctx.wallet, GetWalletBalance{});
                 // Others' unconfirmed payments to the wallet (its own change is trusted).
                 int64_t untrusted = 0;
                 for (const wallet::WalletTx& tx : view(*cache, ask, ctx).txs)
                   if (tx.height < 0 && !tx.from_me()) untrusted += tx.credit;
                 return Json{{"mine",
                              {{"trusted", rpc::amount_json(confirmed + pending)},
                               {"untrusted_pending", rpc::amount_json(untrusted)},
                               {"immature", rpc::amount_json(0)}}}};
               }});
  methods.add({"Wallet",
               "listtransactions",
               {"label", "count", "skip", "include_watchonly"},
               0,
               "listtransactions ( \"label\" count skip include_watchonly )",
               [=](const Json& params) -> Json {
                 std::string label = rpc::string_param(params, 0, "*");
                 int64_t count = rpc::int_param(params, 1, 10);
                 int64_t skip = rpc::int_param(params, 2, 0);
                 rpc::bool_param(params, 3, false);
                 if (count < 0) throw RpcError(rpc::kInvalidParameter, "Negative count");
                 if (skip < 0) throw RpcError(rpc::kInvalidParameter, "Negative from");
                 Json entries = Json::array();
                 if (label != "*" && !label.empty()) return entries;  // every key's label is ""
                 HistoryView seen = view(*cache, ask, ctx);
                 for (const wallet::WalletTx& tx : seen.txs)
                   for (Json& entry :
                        rpc::list_transaction_entries(tx, seen.keys, ctx.params, seen.place))
                     entries.push_back(std::move(entry));
                 // The `count` most recent after skipping the `skip` most recent, oldest first.
                 int64_t end = std::max<int64_t>(0, static_cast<int64_t>(entries.size()) - skip);
                 int64_t begin = std::max<int64_t>(0, end - count);
                 Json out = Json::array();
                 for (int64_t i = begin; i < end; ++i) out.push_back(std::move(entries[i]));
                 return out;
               }});
  methods.add({"Wallet",
               "gettransaction",
               {"txid", "include_watchonly", "verbose"},
               1,
               "gettransaction \"txid\" ( include_watchonly verbose )",
               [=](const Json& params) -> Json {
                 Hash256 txid = rpc::hash_param(params, 0, "txid");
                 rpc::bool_param(params, 1, true);
                 bool verbose = rpc::bool_param(params, 2, false);
                 HistoryView seen = view(*cache, ask, ctx);
                 for (const wallet::WalletTx& tx : seen.txs) {
                   if (tx.txid != txid) continue;
                   Json out = rpc::get_transaction_json(tx, seen.keys, ctx.params, seen.place);
                   if (verbose) out["decoded"] = rpc::transaction_json(tx.tx, ctx.params);
                   return out;
                 }
                 throw RpcError(rpc::kInvalidAddressOrKey, "Invalid or non-wallet transaction id");
               }});
  methods.add({"Wallet",
               "abandontransaction",
               {"txid"},
               1,
               "abandontransaction \"txid\"",
               [=](const Json& params) -> Json {
                 Hash256 txid = rpc::hash_param(params, 0, "txid");
                 auto result = ask.value<AbandonResult>(ctx.wallet, AbandonTx{txid});
                 if (result.outcome == AbandonResult::kAbandoned) return nullptr;
                 if (result.outcome == AbandonResult::kFailed)
                   throw RpcError(rpc::kWalletError, result.detail);
                 // Not one of its pending payments: a wallet transaction of the chain or the
                 // mempool (or one in the mempool) is not eligible; any other is unknown.
                 bool known = result.outcome == AbandonResult::kNotEligible;
                 for (const wallet::WalletTx& tx : view(*cache, ask, ctx).txs)
                   known = known || tx.txid == txid;
                 if (known)
                   throw RpcError(rpc::kInvalidParameter,
                                  "Transaction not eligible for abandonment");
                 throw RpcError(rpc::kInvalidAddressOrKey, "Invalid or non-wallet transaction id");
               }});
}

}  // namespace ac::actors
