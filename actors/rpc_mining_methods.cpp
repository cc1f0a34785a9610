// Mining by outside software, as Core's src/rpc/mining.cpp offers it: getblocktemplate (BIP22
// and BIP23's template mode) hands out what a block on our tip must hold, and submitblock takes a
// mined block back, answering as BIP22 does (null when it is our new tip, otherwise a word).
// The block goes through the chain actor like a peer's, fully validated.
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <unordered_map>

#include "actors/block_template_source.hpp"
#include "actors/rpc_ask.hpp"
#include "actors/rpc_methods.hpp"
#include "actors/utxo_indexer.hpp"
#include "chain/block_assembly.hpp"
#include "chain/pow.hpp"
#include "chain/script_ops.hpp"
#include "chain/tx_verify.hpp"
#include "net/jsonrpc_params.hpp"

namespace ac::actors {

namespace {

using rpc::Json;
using rpc::RpcError;

constexpr int kSigopScale = 4;  // a legacy or P2SH sigop costs 4 (Core's WITNESS_SCALE_FACTOR)

// The template's request object, as Core checks it: only "template" mode is served.
void check_template_request(const Json& params) {
  if (!rpc::has_param(params, 0)) return;
  const Json& request = params[0];
  if (!request.is_object()) throw RpcError(rpc::kTypeError, "template_request must be an object");
  if (auto mode = request.find("mode"); mode != request.end()) {
    if (!mode->is_string()) throw RpcError(rpc::kTypeError, "mode must be a string");
    if (mode->get<std::string>() != "template")
      throw RpcError(rpc::kInvalidParameter, "Invalid mode");
  }
}

// Sigop cost of a template transaction: legacy sigops, and those of the P2SH scripts it runs
// (the spent coin from the chain, or from an earlier transaction of the template).
int64_t sigop_cost(const Transaction& tx, const RpcAsk& ask, const RpcNodeContext& ctx,
                   const std::unordered_map<Hash256, const Transaction*>& earlier) {
  int64_t sigops = legacy_sigop_count(tx);
  for (const TxIn& input : tx.inputs) {
    std::optional<Bytes> spent;
    if (auto parent = earlier.find(input.prevout.txid); parent != earlier.end()) {
      if (input.prevout.index < parent->second->outputs.size())
        spent = parent->second->outputs[input.prevout.index].script_pubkey;
    } else if (ctx.actors.utxo_indexer) {
      auto coin = ask.value<std::optional<Coin>>(ctx.actors.utxo_indexer, GetCoin{input.prevout});
      if (coin) spent = coin->output.script_pubkey;
    }
    if (spent) sigops += count_p2sh_sigops(*spent, input.script_sig);
  }
  return sigops * kSigopScale;
}

Json block_template(const RpcAsk& ask, const RpcNodeContext& ctx) {
  const auto selection = ask.value<TxSelection>(ctx.actors.mempool, template_selection(ctx.params));
  const TipInfo& tip = selection.tip;
  if (tip.height < 0) throw RpcError(rpc::kMiscError, "No chain yet: nothing to build on");
  // The header's fields as our own miner would set them (version, bits, time rule).
  const BlockTemplate draft = template_on(selection, {});
  const BlockHeader header = assemble_block(draft, ctx.params).header;
  auto target = target_from_compact(header.bits);
  if (!target) throw RpcError(rpc::kMiscError, "the chain's bits encode no target");

  Json transactions = Json::array();
  std::unordered_map<Hash256, size_t> position;  // txid -> 1-based place in the template
  std::unordered_map<Hash256, const Transaction*> earlier;
  for (size_t i = 0; i < selection.txs.size(); ++i) {
    const Transaction& tx = *selection.txs[i];
    const Hash256 txid = tx.txid();
    Json depends = Json::array();
    for (const TxIn& input : tx.inputs) {
      auto parent = position.find(input.prevout.txid);
      if (parent != position.end() &&
          std::find(depends.begin(), depends.end(), parent->second) == depends.end())
        depends.push_back(parent->second);
    }
    const Bytes data = tx.serialize();
    transactions.push_back(Json{{"data", to_hex(data)},
                                {"txid", txid.hex()},
                                {"hash", txid.hex()},  // no witnesses: the wtxid is the txid
                                {"depends", depends},
                                {"fee", i < selection.tx_fees.size() ? selection.tx_fees[i] : 0},
                                {"sigops", sigop_cost(tx, ask, ctx, earlier)},
                                {"weight", data.size() * 4}});
    position.emplace(txid, i + 1);
    earlier.emplace(txid, &tx);
  }
  const int64_t min_time = tip.median_time_past + 1;
  return Json{{"capabilities", Json::array()},
              {"version", header.version},
              {"rules", Json::array()},
              {"vbavailable", Json::object()},
              {"vbrequired", 0},
              {"previousblockhash", tip.hash.hex()},
              {"transactions", transactions},
              {"coinbaseaux", Json::object()},
              {"coinbasevalue", block_subsidy(draft.height, ctx.params) + selection.fees},
              {"longpollid", fmt::format("{}{}", tip.hash.hex(), selection.pool_size)},
              {"target", target->hex()},
              {"mintime", min_time},
              {"mutable", Json::array({"time", "transactions", "prevblock"})},
              {"noncerange", "00000000ffffffff"},
              {"sigoplimit", ctx.params.max_block_sigops_cost},
              {"sizelimit", ctx.params.max_block_bytes},
              {"weightlimit", ctx.params.max_block_weight},
              {"curtime", std::max<int64_t>(std::time(nullptr), min_time)},
              {"bits", fmt::format("{:08x}", header.bits)},
              {"height", draft.height}};
}

// BIP22's answer for a verdict: null for a new tip; "duplicate" for a block we had;
// "inconclusive" for a valid block that is not (yet) on our best chain (a side branch, or an
// orphan whose parent we lack); otherwise the reason it was refused.
Json submit_answer(const BlockVerdict& verdict) {
  if (verdict.accepted) {
    if (verdict.new_tip) return nullptr;
    if (verdict.outcome == "already-have") return "duplicate";
    return "inconclusive";
  }
  return verdict.outcome;
}

}  // namespace

void add_mining_template_methods(rpc::Dispatcher& methods, const RpcNodeContext& ctx) {
  RpcAsk ask(*ctx.system, ctx.timeout);
  methods.add({"Mining",
               "getblocktemplate",
               {"template_request"},
               0,
               "getblocktemplate ( \"template_request\" )",
               [=](const Json& params) -> Json {
                 check_template_request(params);
                 return block_template(ask, ctx);
               }});
  methods.add(
      {"Mining",
       "submitblock",
       {"hexdata", "dummy"},
       1,
       "submitblock \"hexdata\" ( \"dummy\" )",
       [=](const Json& params) -> Json {
         auto bytes = from_hex(rpc::string_param(params, 0));
         if (!bytes) throw RpcError(rpc::kDeserializationError, "Block decode failed");
         auto block = decode_block(*bytes);
         if (!block) throw RpcError(rpc::kDeserializationError, "Block decode failed");
         if (block->transactions.empty() || !block->transactions[0].is_coinbase())
           throw RpcError(rpc::kDeserializationError, "Block does not start with a coinbase");
         auto verdict = ask.value<BlockVerdict>(
             ctx.actors.chain,
             SubmitBlock{std::make_shared<const Block>(std::move(block).value()), SessionActor{}});
         return submit_answer(verdict);
       }});
}

}  // namespace ac::actors
