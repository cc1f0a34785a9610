// What startnode does about a store before opening it: a reindex when asked (--reindex) or when
// one did not finish, and the hint to run one when the store is found damaged.
#pragma once

#include <functional>
#include <string>

#include "apps/cli_args.hpp"
#include "apps/commands.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"

namespace ac::app {

// With --reindex, or while a reindex is unfinished, rebuilds the store from its block files
// (chain/reindex.hpp), logging through `log`. Otherwise fails with "store-corrupt" when the
// block files hold blocks but the index is gone.
Status prepare_store(const NodeEnvironment& env, const ChainParams& params,
                     const StartNodeOptions& options,
                     const std::function<void(const std::string&)>& log);

// A "store-corrupt" or "missing-block-data" error, told how to repair the store.
Error with_reindex_hint(Error error);

}  // namespace ac::app
