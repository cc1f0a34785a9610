#include "actors/chainstate_backend.hpp"

namespace ac::actors {

namespace {

std::string outcome_name(AcceptStatus status) {
  switch (status) {
    case AcceptStatus::kNewTip:
      return "new-tip";
    case AcceptStatus::kSideBranch:
      return "side-branch";
    case AcceptStatus::kAlreadyHave:
      return "already-have";
    case AcceptStatus::kOrphan:
      return "orphan";
  }
  return "unknown";
}

}  // namespace

Result<std::shared_ptr<ChainStateBackend>> ChainStateBackend::open(const std::string& path,
                                                                   const ChainParams& params,
                                                                   StoreOptions store_options,
                                                                   unsigned script_threads) {
  auto storage = open_chain_storage(path, params, {store_options, script_threads, {}});
  if (!storage) return storage.error();
  return std::shared_ptr<ChainStateBackend>(new ChainStateBackend(std::move(*storage)));
}

TipInfo ChainStateBackend::tip() const {
  auto tip = chain_->tip();
  if (!tip) return {};
  return {tip->hash, tip->height, chain_->median_time_past(tip->hash).value_or(0)};
}

std::optional<Hash256> ChainStateBackend::genesis() const {
  return chain_->genesis();
}

std::vector<Hash256> ChainStateBackend::locator() const {
  return chain_->locator();
}

std::vector<Hash256> ChainStateBackend::hashes_after(const std::vector<Hash256>& locator,
                                                     const Hash256& stop, size_t max) const {
  return chain_->hashes_after(locator, stop, max);
}

std::optional<Block> ChainStateBackend::block(const Hash256& hash) const {
  return chain_->block(hash);
}

Status ChainStateBackend::create_genesis(const Block& block) {
  return chain_->create_genesis(block);
}

std::optional<BlockHeader> ChainStateBackend::header(const Hash256& hash) const {
  return chain_->header(hash);
}

std::vector<BlockHeader> ChainStateBackend::headers_after(const std::vector<Hash256>& locator,
                                                          const Hash256& stop, size_t max) const {
  return chain_->headers_after(locator, stop, max);
}

namespace {

Acceptance acceptance_of(Result<AcceptOutcome> outcome) {
  Acceptance out;
  if (!outcome) {
    out.outcome = outcome.reason();
    out.kind = outcome.kind();
    out.detail = outcome.error().detail;
    return out;
  }
  out.accepted = true;
  out.outcome = outcome_name(outcome->status);
  out.orphan = outcome->status == AcceptStatus::kOrphan;
  out.connected = std::move(outcome->connected);
  out.disconnected = std::move(outcome->disconnected);
  out.confirmed = std::move(outcome->confirmed_transactions);
  out.returned = std::move(outcome->returned_transactions);
  return out;
}

}  // namespace

Acceptance ChainStateBackend::accept_block(const Block& block) {
  return acceptance_of(chain_->accept_block(block));
}

Acceptance ChainStateBackend::adopt_genesis(const Block& block) {
  return acceptance_of(chain_->adopt_genesis(block));
}

Acceptance ChainStateBackend::invalidate_block(const Hash256& hash) {
  return acceptance_of(chain_->invalidate_block(hash));
}

Acceptance ChainStateBackend::reconsider_block(const Hash256& hash) {
  return acceptance_of(chain_->reconsider_block(hash));
}

std::optional<BlockSummary> ChainStateBackend::summary(const Hash256& hash) const {
  auto record = chain_->record(hash);
  if (!record) return std::nullopt;
  BlockSummary out;
  out.record = std::move(*record);
  out.in_active_chain = chain_->in_active_chain(hash);
  if (out.in_active_chain) out.next = chain_->active_chain_hash_at(out.record.height + 1);
  out.median_time = chain_->median_time_past(hash).value_or(0);
  if (auto tip = chain_->tip()) out.tip_height = tip->height;
  return out;
}

std::optional<Hash256> ChainStateBackend::active_hash_at(int height) const {
  return chain_->active_chain_hash_at(height);
}

std::vector<BranchTip> ChainStateBackend::branch_tips() const {
  return chain_->branch_tips();
}

Status ChainStateBackend::verify() const {
  return chain_->verify_chain();
}

PruneState ChainStateBackend::prune_state() const {
  PruneState state;
  state.enabled = chain_->prune_settings().enabled;
  state.target_bytes = chain_->prune_settings().target_bytes;
  state.first_stored_height = chain_->first_stored_height();
  state.stored_bytes = storage_.store->block_files_bytes();
  return state;
}

}  // namespace ac::actors
