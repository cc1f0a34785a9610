#include "apps/store_repair.hpp"

#include "chain/reindex.hpp"

namespace ac::app {

Status prepare_store(const NodeEnvironment& env, const ChainParams& params,
                     const StartNodeOptions& options,
                     const std::function<void(const std::string&)>& log) {
  const std::filesystem::path store = env.store_dir();
  if (!options.reindex && !reindex_unfinished(store)) return check_index_present(store);
  ReindexOptions reindex;
  reindex.store = StoreOptions{options.dbcache_mib << 20};
  reindex.log = log;
  auto done = reindex_store(store, params, reindex);
  if (!done) return done.error();
  return {};
}

Error with_reindex_hint(Error error) {
  if (error.reason == "store-corrupt" || error.reason == "missing-block-data") {
    error.detail += (error.detail.empty() ? "" : "; ");
    error.detail +=
        "run `actorchain startnode --reindex` to rebuild the block index and coins from the "
        "block files";
  }
  return error;
}

}  // namespace ac::app
