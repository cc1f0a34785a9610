// invalidateblock and reconsiderblock (Core's src/rpc/blockchain.cpp): the operator marks a
// block invalid by hand, or takes the mark back; the chain actor moves the tip
// (ChainState::invalidate_block / reconsider_block) and publishes it as any reorganisation.
#include "actors/chain_actor.hpp"
#include "actors/rpc_ask.hpp"
#include "actors/rpc_methods.hpp"
#include "net/jsonrpc_params.hpp"

namespace ac::actors {

namespace {

using rpc::Json;
using rpc::RpcError;

// Core's errors: -5 for a block the index does not know, -8 for the genesis (which has no
// parent to fall back to), -20 (a database error) for a failure of the store.
void throw_unless_done(const BlockVerdict& verdict) {
  if (verdict.accepted) return;
  switch (verdict.kind) {
    case ErrorKind::kNotFound:
      throw RpcError(rpc::kInvalidAddressOrKey, "Block not found");
    case ErrorKind::kRefused:
      throw RpcError(rpc::kInvalidParameter,
                     "Invalid parameter: the genesis block cannot be invalidated");
    default:
      throw RpcError(rpc::kDatabaseError, verdict.outcome);
  }
}

}  // namespace

void add_invalidate_methods(rpc::Dispatcher& methods, const RpcNodeContext& ctx) {
  // A reorganisation of many blocks may take long: no short timeout.
  RpcAsk patient(*ctx.system, std::chrono::hours(1));
  methods.add({"Blockchain",
               "invalidateblock",
               {"blockhash"},
               1,
               "invalidateblock \"blockhash\"",
               [=](const Json& params) -> Json {
                 Hash256 hash = rpc::hash_param(params, 0, "blockhash");
                 throw_unless_done(
                     patient.value<BlockVerdict>(ctx.actors.chain, InvalidateBlock{hash}));
                 return nullptr;
               }});
  methods.add({"Blockchain",
               "reconsiderblock",
               {"blockhash"},
               1,
               "reconsiderblock \"blockhash\"",
               [=](const Json& params) -> Json {
                 Hash256 hash = rpc::hash_param(params, 0, "blockhash");
                 throw_unless_done(
                     patient.value<BlockVerdict>(ctx.actors.chain, ReconsiderBlock{hash}));
                 return nullptr;
               }});
}

}  // namespace ac::actors
