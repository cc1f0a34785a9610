#include "chain/chain_storage.hpp"

#include "chain/reindex.hpp"

namespace ac {

Result<ChainStorage> open_chain_store(const std::string& path, StoreOptions options) {
  // Half rebuilt: never taken for a complete store.
  if (reindex_unfinished(path))
    return make_error(ErrorKind::kLocal, "store-reindexing",
                      "a reindex of " + path + " did not finish; startnode finishes it");
  auto store = Store::open(path, options);
  if (!store) return store.error();
  ChainStorage storage;
  storage.store = std::move(*store);
  return storage;
}

Status open_chain_state(ChainStorage& storage, const ChainParams& params, unsigned script_threads,
                        ChainState::Clock now_seconds) {
  storage.chain.reset();
  storage.verifier = std::make_unique<ScriptVerifier>(script_threads);
  auto chain = ChainState::open(*storage.store, params, *storage.verifier, std::move(now_seconds));
  if (!chain) return chain.error();
  storage.chain = std::move(*chain);
  return {};
}

Result<ChainStorage> open_chain_storage(const std::string& path, const ChainParams& params,
                                        ChainStorageOptions options) {
  auto storage = open_chain_store(path, options.store);
  if (!storage) return storage.error();
  if (Status opened = open_chain_state(*storage, params, options.script_threads,
                                       std::move(options.now_seconds));
      !opened)
    return opened.error();
  return storage;
}

}  // namespace ac
