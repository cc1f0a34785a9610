// pruneblockchain and getblockchaininfo's pruning fields (Core's src/rpc/blockchain.cpp): the
// chain actor deletes the block and undo files of blocks buried deep enough
// (ChainState::prune_to).
#include "actors/chain_actor.hpp"
#include "actors/rpc_ask.hpp"
#include "actors/rpc_methods.hpp"
#include "net/jsonrpc_params.hpp"

namespace ac::actors {

using rpc::Json;
using rpc::RpcError;

namespace {
// As Core: a larger "height" is a UNIX time, and block times may run two hours ahead.
constexpr int64_t kTimestampThreshold = 1'000'000'000;
constexpr int64_t kTimestampWindow = 2 * 60 * 60;
}  // namespace

void add_prune_fields(Json& info, const PruneState& state) {
  info["pruned"] = state.enabled;
  if (state.enabled) {
    info["pruneheight"] = state.first_stored_height;
    info["automatic_pruning"] = state.target_bytes != 0;
    if (state.target_bytes != 0) info["prune_target_size"] = state.target_bytes;
  }
  info["size_on_disk"] = state.stored_bytes;
}

void add_prune_methods(rpc::Dispatcher& methods, const RpcNodeContext& ctx) {
  // Deleting files and flushing the coins first may take a while: no short timeout.
  RpcAsk patient(*ctx.system, std::chrono::minutes(10));
  RpcAsk ask(*ctx.system, ctx.timeout);
  methods.add({"Blockchain",
               "pruneblockchain",
               {"height"},
               1,
               "pruneblockchain height",
               [=](const Json& params) -> Json {
                 int64_t height = rpc::int_param(params, 0, 0);
                 if (!ask.value<PruneState>(ctx.actors.chain, GetPruneState{}).enabled) {
                   throw RpcError(rpc::kMiscError,
                                  "Cannot prune blocks because node is not in prune mode.");
                 }
                 if (height < 0) throw RpcError(rpc::kInvalidParameter, "Negative block height.");
                 if (height > kTimestampThreshold) {
                   // Core's timestamp form: the blocks up to the first one that reaches the
                   // time, less the two hours a block's time may run ahead.
                   auto found = ask.value<std::optional<int>>(
                       ctx.actors.chain, GetHeightAtTime{height - kTimestampWindow});
                   if (!found) {
                     throw RpcError(rpc::kInvalidParameter,
                                    "Could not find block with at least the specified timestamp.");
                   }
                   height = *found;
                 }
                 if (height > ask.value<TipInfo>(ctx.actors.chain, GetTip{}).height) {
                   throw RpcError(rpc::kInvalidParameter,
                                  "Blockchain is shorter than the attempt to prune!");
                 }
                 auto outcome = patient.value<PruneOutcome>(
                     ctx.actors.chain, PruneBlockchain{static_cast<int>(height)});
                 if (!outcome.error.empty()) throw RpcError(rpc::kDatabaseError, outcome.error);
                 return outcome.last_pruned;
               }});
}

}  // namespace ac::actors
