// Blockchain and raw-transaction methods (Core's src/rpc/blockchain.cpp, rawtransaction.cpp):
// the chain actor answers about blocks, the utxo_indexer about coins, the mempool about
// unconfirmed transactions (its own methods: rpc_mempool_methods.cpp).
#include <fmt/format.h>

#include "actors/chain_actor.hpp"
#include "actors/mempool_actor.hpp"
#include "actors/rpc_ask.hpp"
#include "actors/rpc_methods.hpp"
#include "actors/rpc_txindex.hpp"
#include "actors/utxo_indexer.hpp"
#include "chain/bytes.hpp"
#include "chain/script.hpp"
#include "net/jsonrpc_params.hpp"
#include "net/rpc_json.hpp"
#include "wallet/address.hpp"

namespace ac::actors {

namespace {

using rpc::Json;
using rpc::RpcError;

BlockSummary summary_or_throw(const RpcAsk& ask, const RpcNodeContext& ctx, const Hash256& hash) {
  auto summary = ask.value<std::optional<BlockSummary>>(ctx.actors.chain, GetBlockSummary{hash});
  if (!summary) throw RpcError(rpc::kInvalidAddressOrKey, "Block not found");
  return std::move(*summary);
}

rpc::BlockPlace place_of(const BlockSummary& summary, size_t transaction_count) {
  rpc::BlockPlace place;
  place.height = summary.record.height;
  place.confirmations =
      summary.in_active_chain ? summary.tip_height - summary.record.height + 1 : -1;
  place.median_time = summary.median_time;
  place.chain_work_hex = summary.record.chain_work.hex();
  if (summary.record.height > 0) place.previous = summary.record.header.prev_block;
  place.next = summary.next;
  place.transaction_count = transaction_count;
  return place;
}

// The block `hash`, or null when the chain does not have it.
BlockPtr block_of(const RpcAsk& ask, const RpcNodeContext& ctx, const Hash256& hash) {
  auto blocks = ask.value<std::vector<BlockPtr>>(ctx.actors.chain, GetBlocks{{hash}});
  return blocks.empty() ? nullptr : blocks.front();
}

TipInfo tip_of(const RpcAsk& ask, const RpcNodeContext& ctx) {
  return ask.value<TipInfo>(ctx.actors.chain, GetTip{});
}

std::vector<TxPtr> mempool_txs(const RpcAsk& ask, const RpcNodeContext& ctx) {
  return ask.value<TxSelection>(ctx.actors.mempool, SelectTxs{UINT64_MAX}).txs;
}

Transaction decode_tx_param(const Json& params) {
  std::string hex = rpc::string_param(params, 0);
  auto bytes = from_hex(hex);
  if (!bytes) throw RpcError(rpc::kDeserializationError, "TX decode failed");
  auto tx = decode_transaction(*bytes);
  if (!tx) throw RpcError(rpc::kDeserializationError, "TX decode failed");
  return std::move(*tx);
}

void add_blockchain(rpc::Dispatcher& methods, const RpcNodeContext& ctx) {
  RpcAsk ask(*ctx.system, ctx.timeout);
  methods.add({"Blockchain", "getblockcount", {}, 0, "getblockcount", [=](const Json&) -> Json {
                 return tip_of(ask, ctx).height;
               }});
  methods.add(
      {"Blockchain", "getbestblockhash", {}, 0, "getbestblockhash", [=](const Json&) -> Json {
         return tip_of(ask, ctx).hash.hex();
       }});
  methods.add({"Blockchain",
               "getblockhash",
               {"height"},
               1,
               "getblockhash height",
               [=](const Json& params) -> Json {
                 int64_t height = rpc::int_param(params, 0, -1);
                 if (height < 0 || height > INT32_MAX)
                   throw RpcError(rpc::kInvalidParameter, "Block height out of range");
                 auto hash = ask.value<std::optional<Hash256>>(
                     ctx.actors.chain, GetActiveHashAt{static_cast<int>(height)});
                 if (!hash) throw RpcError(rpc::kInvalidParameter, "Block height out of range");
                 return hash->hex();
               }});
  methods.add({"Blockchain",
               "getblockheader",
               {"blockhash", "verbose"},
               1,
               "getblockheader \"blockhash\" ( verbose )",
               [=](const Json& params) -> Json {
                 Hash256 hash = rpc::hash_param(params, 0, "blockhash");
                 bool verbose = rpc::bool_param(params, 1, true);
                 BlockSummary summary = summary_or_throw(ask, ctx, hash);
                 if (!verbose) {
                   auto raw = summary.record.header.serialize();
                   return to_hex(ByteSpan(raw.data(), raw.size()));
                 }
                 auto block = block_of(ask, ctx, hash);
                 return rpc::header_json(summary.record.header,
                                         place_of(summary, block ? block->transactions.size() : 0));
               }});
  methods.add({"Blockchain",
               "getblock",
               {"blockhash", "verbosity"},
               1,
               "getblock \"blockhash\" ( verbosity )",
               [=](const Json& params) -> Json {
                 Hash256 hash = rpc::hash_param(params, 0, "blockhash");
                 int verbosity = rpc::verbosity_param(params, 1, 1);
                 BlockSummary summary = summary_or_throw(ask, ctx, hash);
                 auto block = block_of(ask, ctx, hash);
                 if (!block && (summary.record.status & block_status::kPruned))
                   throw RpcError(rpc::kMiscError, "Block not available (pruned data)");
                 if (!block) throw RpcError(rpc::kMiscError, "Block not available");
                 if (verbosity <= 0) return to_hex(block->serialize());
                 return rpc::block_json(*block, place_of(summary, block->transactions.size()),
                                        verbosity, ctx.params);
               }});
  methods.add({"Blockchain", "getchaintips", {}, 0, "getchaintips", [=](const Json&) -> Json {
                 Json out = Json::array();
                 for (const BranchTip& tip :
                      ask.value<std::vector<BranchTip>>(ctx.actors.chain, GetBranchTips{}))
                   out.push_back({{"height", tip.height},
                                  {"hash", tip.hash.hex()},
                                  {"branchlen", tip.branch_length},
                                  {"status", tip.status}});
                 return out;
               }});
  methods.add({"Blockchain", "getdifficulty", {}, 0, "getdifficulty", [=](const Json&) -> Json {
                 return rpc::difficulty(ctx.params.block_bits);
               }});
  methods.add(
      {"Blockchain", "getblockchaininfo", {}, 0, "getblockchaininfo", [=](const Json&) -> Json {
         TipInfo tip = tip_of(ask, ctx);
         Json out{{"chain", ctx.params.name},
                  {"blocks", tip.height},
                  {"headers", tip.height},
                  {"bestblockhash", tip.hash.hex()},
                  {"difficulty", rpc::difficulty(ctx.params.block_bits)}};
         if (tip.height >= 0) {
           BlockSummary summary = summary_or_throw(ask, ctx, tip.hash);
           out["time"] = summary.record.header.time;
           out["mediantime"] = summary.median_time;
           out["chainwork"] = summary.record.chain_work.hex();
         }
         out["verificationprogress"] = 1.0;
         out["initialblockdownload"] = false;
         add_prune_fields(out, ask.value<PruneState>(ctx.actors.chain, GetPruneState{}));
         out["warnings"] = "";
         return out;
       }});
  methods.add({"Blockchain",
               "gettxout",
               {"txid", "n", "include_mempool"},
               2,
               "gettxout \"txid\" n ( include_mempool )",
               [=](const Json& params) -> Json {
                 Hash256 txid = rpc::hash_param(params, 0, "txid");
                 int64_t n = rpc::int_param(params, 1, 0);
                 if (n < 0 || n > UINT32_MAX)
                   throw RpcError(rpc::kInvalidParameter, "vout cannot be negative");
                 auto coin = ask.value<std::optional<Coin>>(
                     ctx.actors.utxo_indexer, GetCoin{OutPoint{txid, static_cast<uint32_t>(n)}});
                 if (!coin) return nullptr;
                 TipInfo tip = tip_of(ask, ctx);
                 Json script{{"asm", rpc::script_asm(coin->output.script_pubkey, false)},
                             {"hex", to_hex(coin->output.script_pubkey)}};
                 if (auto pubkey_hash = match_p2pkh(coin->output.script_pubkey)) {
                   script["address"] = wallet::encode_address(*pubkey_hash, ctx.params);
                   script["type"] = "pubkeyhash";
                 } else {
                   script["type"] = "nonstandard";
                 }
                 return Json{{"bestblock", tip.hash.hex()},
                             {"confirmations", tip.height - coin->height + 1},
                             {"value", rpc::amount_json(coin->output.value)},
                             {"scriptPubKey", script},
                             {"coinbase", coin->is_coinbase}};
               }});
  methods.add({"Blockchain",
               "verifychain",
               {"checklevel", "nblocks"},
               0,
               "verifychain ( checklevel nblocks )",
               [=](const Json& params) -> Json {
                 rpc::int_param(params, 0, 3);
                 rpc::int_param(params, 1, 6);
                 // Replaying every block can take long on a big chain: no short timeout.
                 RpcAsk patient(*ctx.system, std::chrono::hours(1));
                 return patient.value<std::string>(ctx.actors.chain, VerifyChain{}).empty();
               }});
}

void add_raw_transactions(rpc::Dispatcher& methods, const RpcNodeContext& ctx) {
  RpcAsk ask(*ctx.system, ctx.timeout);
  methods.add({"Rawtransactions",
               "decoderawtransaction",
               {"hexstring"},
               1,
               "decoderawtransaction \"hexstring\"",
               [=](const Json& params) -> Json {
                 Json out = rpc::transaction_json(decode_tx_param(params), ctx.params);
                 out.erase("hex");
                 return out;
               }});
  methods.add({"Rawtransactions",
               "getrawtransaction",
               {"txid", "verbose", "blockhash"},
               1,
               "getrawtransaction \"txid\" ( verbose \"blockhash\" )",
               [=](const Json& params) -> Json {
                 Hash256 txid = rpc::hash_param(params, 0, "txid");
                 bool verbose = rpc::verbosity_param(params, 1, 0) != 0;
                 std::optional<Transaction> found;
                 Json extra = Json::object();
                 // A block's place: Core adds it to a confirmed transaction's verbose object.
                 auto add_place = [&](const Hash256& block_hash, bool say_if_active) {
                   BlockSummary summary = summary_or_throw(ask, ctx, block_hash);
                   extra["blockhash"] = block_hash.hex();
                   if (say_if_active) extra["in_active_chain"] = summary.in_active_chain;
                   if (summary.in_active_chain) {
                     extra["confirmations"] = summary.tip_height - summary.record.height + 1;
                     extra["time"] = summary.record.header.time;
                     extra["blocktime"] = summary.record.header.time;
                   }
                   return summary.in_active_chain;
                 };
                 if (rpc::has_param(params, 2)) {
                   Hash256 block_hash = rpc::hash_param(params, 2, "blockhash");
                   auto block = block_of(ask, ctx, block_hash);
                   if (!block) throw RpcError(rpc::kInvalidAddressOrKey, "Block hash not found");
                   for (const Transaction& tx : block->transactions)
                     if (tx.txid() == txid) found = tx;
                   if (!found)
                     throw RpcError(rpc::kInvalidAddressOrKey,
                                    "No such transaction found in the provided block");
                   add_place(block_hash, true);
                 } else {
                   for (const TxPtr& tx : mempool_txs(ask, ctx))
                     if (tx->txid() == txid) found = *tx;
                   if (!found && ctx.txindex) {
                     auto indexed = find_confirmed_transaction(ask, ctx, txid);
                     if (indexed && add_place(indexed->block_hash, false))
                       found = std::move(indexed->tx);
                     else
                       extra = Json::object();
                     if (!found)
                       throw RpcError(rpc::kInvalidAddressOrKey,
                                      "No such mempool or blockchain transaction. Use "
                                      "gettransaction for wallet transactions.");
                   }
                   if (!found)
                     throw RpcError(rpc::kInvalidAddressOrKey,
                                    "No such mempool transaction. Use -txindex or provide a "
                                    "block hash to enable blockchain transaction queries. Use "
                                    "gettransaction for wallet transactions.");
                 }
                 if (!verbose) return to_hex(found->serialize());
                 Json out = rpc::transaction_json(*found, ctx.params);
                 out.update(extra);
                 return out;
               }});
  methods.add(
      {"Rawtransactions",
       "sendrawtransaction",
       {"hexstring", "maxfeerate"},
       1,
       "sendrawtransaction \"hexstring\" ( maxfeerate )",
       [=](const Json& params) -> Json {
         Transaction tx = decode_tx_param(params);
         Hash256 txid = tx.txid();
         auto [accepted, reason, kind] = ask.value<TxVerdict>(
             ctx.actors.mempool,
             SubmitTx{std::make_shared<const Transaction>(std::move(tx)), SessionActor{}});
         if (accepted || kind == ErrorKind::kAlreadyHave) return txid.hex();
         // Core: -27 already confirmed, -25 inputs missing or spent, -26 any other
         // refusal by the rules.
         if (kind == ErrorKind::kMissingParent) {
           auto coin =
               ask.value<std::optional<Coin>>(ctx.actors.utxo_indexer, GetCoin{OutPoint{txid, 0}});
           if (coin)
             throw RpcError(rpc::kVerifyAlreadyInChain, "Transaction already in block chain");
           throw RpcError(rpc::kVerifyError, "bad-txns-inputs-missingorspent");
         }
         throw RpcError(rpc::kVerifyRejected, reason);
       }});
}

}  // namespace

void add_chain_methods(rpc::Dispatcher& methods, const RpcNodeContext& context) {
  add_blockchain(methods, context);
  add_invalidate_methods(methods, context);
  add_prune_methods(methods, context);
  add_mempool_methods(methods, context);
  add_raw_transactions(methods, context);
}

}  // namespace ac::actors
