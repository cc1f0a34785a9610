// The chain actor's backend in a real node: the node's Store (LevelDB), a ScriptVerifier with
// its worker threads, and the ChainState over them. Opened once per process (LevelDB's lock
// must not be taken twice by one process).
#pragma once

#include <memory>
#include <string>

#include "actors/chain_backend.hpp"
#include "chain/chain_storage.hpp"
#include "chain/params.hpp"

namespace ac::actors {

class ChainStateBackend : public ChainBackend {
 public:
  // Opens the store at `path`. Reasons: the store's ("store-locked", "store-open-failed") and
  // ChainState's ("store-corrupt").
  static Result<std::shared_ptr<ChainStateBackend>> open(const std::string& path,
                                                         const ChainParams& params,
                                                         StoreOptions store_options = {},
                                                         unsigned script_threads = 2);

  TipInfo tip() const override;
  std::optional<Hash256> genesis() const override;
  std::vector<Hash256> locator() const override;
  std::vector<Hash256> hashes_after(const std::vector<Hash256>& locator, const Hash256& stop,
                                    size_t max) const override;
  std::optional<Block> block(const Hash256& hash) const override;
  std::optional<BlockHeader> header(const Hash256& hash) const override;
  std::vector<BlockHeader> headers_after(const std::vector<Hash256>& locator, const Hash256& stop,
                                         size_t max) const override;
  Status create_genesis(const Block& block) override;
  Acceptance adopt_genesis(const Block& block) override;
  Acceptance accept_block(const Block& block) override;
  void expect_next(std::shared_ptr<const Block> next) override {
    chain_->expect_next(std::move(next));
  }
  bool may_announce_early(const Block& block) const override {
    return chain_->may_announce_early(block);
  }
  std::optional<BlockSummary> summary(const Hash256& hash) const override;
  std::optional<Hash256> active_hash_at(int height) const override;
  std::vector<BranchTip> branch_tips() const override;
  Status verify() const override;
  Acceptance invalidate_block(const Hash256& hash) override;
  Acceptance reconsider_block(const Hash256& hash) override;
  PruneState prune_state() const override;
  std::optional<int> earliest_height_at_time(int64_t time) const override {
    return chain_->earliest_height_at_time(time);
  }
  Result<int> prune_to(int height) override { return chain_->prune_to(height); }
  // Before the chain actor runs: pruning off, by hand, or to a target (ChainState::set_prune).
  void set_prune(ChainState::PruneSettings settings) { chain_->set_prune(settings); }

  // Reads only: LevelDB reads are safe from other threads while the chain actor writes.
  const Store& store() const { return *storage_.store; }
  const ChainState& chain_state() const { return *chain_; }

 private:
  explicit ChainStateBackend(ChainStorage storage)
      : storage_(std::move(storage)), chain_(storage_.chain.get()) {}

  ChainStorage storage_;
  ChainState* chain_;  // storage_'s
};

}  // namespace ac::actors
