// The chain state with what it runs on: the node's Store (LevelDB) and a ScriptVerifier with
// its worker threads, opened together and closed in the right order (the chain state first,
// then the verifier, then the store: members go in reverse). The one way the node, the
// commands, the benchmarks and the tests open a chain.
#pragma once

#include <memory>
#include <string>

#include "chain/chainstate.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"
#include "chain/script_verify.hpp"
#include "chain/store.hpp"

namespace ac {

struct ChainStorage {
  std::unique_ptr<Store> store;
  std::unique_ptr<ScriptVerifier> verifier;  // null while only the store is open
  std::unique_ptr<ChainState> chain;         // null while only the store is open

  ChainStorage() = default;
  ChainStorage(ChainStorage&&) = default;
  // Closes what it held first, in order (member-wise assignment would close the store first).
  ChainStorage& operator=(ChainStorage&& other) noexcept {
    close();
    store = std::move(other.store);
    verifier = std::move(other.verifier);
    chain = std::move(other.chain);
    return *this;
  }
  // The chain state, then the verifier, then the store (which writes its cached coins).
  void close() {
    chain.reset();
    verifier.reset();
    store.reset();
  }
};

struct ChainStorageOptions {
  StoreOptions store;
  unsigned script_threads = 2;
  ChainState::Clock now_seconds;  // empty: the system clock
};

// Opens only the store at `path` (a command that reads coins needs no block index). Reasons:
// the store's ("store-locked", "store-open-failed", "store-corrupt"), and "store-reindexing"
// while a reindex is unfinished (chain/reindex.hpp).
Result<ChainStorage> open_chain_store(const std::string& path, StoreOptions options = {});

// Opens the verifier and the chain state over an open store (ChainState::open: loads the
// block index, replays blocks stored since the coins were last written). Reason
// "store-corrupt" as ChainState::open.
Status open_chain_state(ChainStorage& storage, const ChainParams& params,
                        unsigned script_threads = 2, ChainState::Clock now_seconds = {});

// Both: the store at `path` and the chain state over it.
Result<ChainStorage> open_chain_storage(const std::string& path, const ChainParams& params,
                                        ChainStorageOptions options = {});

}  // namespace ac
