#include "apps/node_context.hpp"

#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "apps/store_repair.hpp"

namespace ac::app {

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {
Status ensure_node_dir(const NodeEnvironment& env) {
  std::error_code error;
  std::filesystem::create_directories(env.node_dir, error);
  if (error)
    return make_error("datadir-unwritable",
                      fmt::format("{}: {}", env.node_dir.string(), error.message()));
  return {};
}
}  // namespace

namespace {
Result<ChainContext> open_store(const NodeEnvironment& env) {
  if (Status s = ensure_node_dir(env); !s) return s.error();
  auto store = open_chain_store(env.store_dir().string());
  if (!store && store.kind() == ErrorKind::kBusy)
    return make_error(ErrorKind::kBusy, "store-locked",
                      fmt::format("node {} is running and holds its store; stop it first or "
                                  "use another NODE_ID",
                                  env.node_id));
  if (!store) return with_reindex_hint(store.error());
  return store;
}

Status add_chain_state(ChainContext& context, const ChainParams& params) {
  Status opened = open_chain_state(context, params,
                                   std::max(1u, std::thread::hardware_concurrency()), now_seconds);
  if (!opened) return with_reindex_hint(opened.error());
  return opened;
}

}  // namespace

Error no_chain(const NodeEnvironment& env) {
  return make_error("no-chain", fmt::format("node {} has no blockchain yet: run "
                                            "createblockchain or sync it with startnode",
                                            env.node_id));
}

Result<ChainContext> open_chain(const NodeEnvironment& env, const ChainParams& params) {
  auto context = open_store(env);
  if (!context) return context.error();
  if (Status opened = add_chain_state(*context, params); !opened) return opened.error();
  return context;
}

Result<ChainContext> open_existing_chain(const NodeEnvironment& env, const ChainParams& params) {
  auto context = open_chain(env, params);
  if (context && !context->chain->tip()) return no_chain(env);
  return context;
}

Result<ChainContext> open_coins(const NodeEnvironment& env, const ChainParams& params) {
  auto context = open_store(env);
  if (!context) return context.error();
  // Blocks stored since the coins were last written (the node was killed): the chain state
  // replays them and writes the coins, as the node's own start would.
  if (context->store->coins_may_lag_blocks()) {
    if (Status opened = add_chain_state(*context, params); !opened) return opened.error();
  }
  if (!context->store->tip()) return no_chain(env);
  return context;
}

Result<ChainTip> stored_tip(const ChainContext& context) {
  if (context.chain) {
    if (auto tip = context.chain->tip()) return *tip;
  }
  std::optional<Hash256> hash = context.store->tip();
  std::optional<BlockIndexRecord> record;
  if (hash) record = context.store->index_record(*hash);
  if (!record) return make_error(ErrorKind::kLocal, "store-corrupt", "the tip has no index record");
  return ChainTip{record->hash, record->height, record->chain_work};
}

Result<wallet::Wallet> open_wallet(const NodeEnvironment& env) {
  if (Status s = ensure_node_dir(env); !s) return s.error();
  return wallet::Wallet::open(env.wallet_path());
}

}  // namespace ac::app
