#include "actors/chain_actor.hpp"

#include <caf/all.hpp>

#include <fmt/format.h>

#include <string_view>

#include "net/messages.hpp"

namespace ac::actors {

namespace {

// The chain's own: publish the tip changes and verdicts held back while blocks were queued.
struct PublishHeld {};

}  // namespace
}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PublishHeld)

namespace ac::actors {
namespace {

using ChainImpl = ChainActor::extend<caf::reacts_to<PublishHeld>>;

struct ChainActorState {
  std::shared_ptr<ChainBackend> backend;
  LogSinkPtr log;
  std::vector<TipChangedListener> subscribers;
  std::vector<PowValidListener> early_subscribers;
  // Held back until PublishHeld comes round (see the header): the merged tip change, and the
  // verdicts of the blocks it covers, answered after it as before.
  std::optional<TipChanged> unpublished;
  size_t unpublished_blocks = 0;
  std::vector<std::pair<caf::typed_response_promise<BlockVerdict>, BlockVerdict>> unanswered;
  std::vector<
      std::pair<caf::typed_response_promise<std::vector<BlockVerdict>>, std::vector<BlockVerdict>>>
      unanswered_batches;
  bool publish_queued = false;
  static inline const char* name = "chain";
};

using ChainSelf = ChainImpl::stateful_pointer<ChainActorState>;

std::vector<TxPtr> shared(std::vector<Transaction>& txs) {
  std::vector<TxPtr> out;
  out.reserve(txs.size());
  for (Transaction& tx : txs) out.push_back(std::make_shared<const Transaction>(std::move(tx)));
  return out;
}

// The event of a tip move, taking its blocks and transactions out of `acceptance`.
TipChanged tip_change(Acceptance& acceptance, const TipInfo& tip) {
  TipChanged change;
  change.tip = tip;
  change.connected = std::move(acceptance.connected);
  change.disconnected = std::move(acceptance.disconnected);
  change.confirmed = shared(acceptance.confirmed);
  change.returned_to_mempool = shared(acceptance.returned);
  return change;
}

BlockPtr load_block(const ChainBackend& backend, const Hash256& hash) {
  std::optional<Block> block = backend.block(hash);
  if (!block) return nullptr;
  return std::make_shared<const Block>(std::move(*block));
}

void log_new_tip(ChainSelf self, const TipInfo& tip) {
  self->state.log->line(fmt::format("new tip height={} hash={}", tip.height, tip.hash.hex()));
}

// Sends the held-back tip change, then answers the verdicts behind it.
void publish_held(ChainSelf self) {
  auto& state = self->state;
  if (state.unpublished) {
    for (const TipChangedListener& subscriber : state.subscribers)
      self->send(subscriber, *state.unpublished);
    state.unpublished.reset();
  }
  state.unpublished_blocks = 0;
  for (auto& [promise, verdict] : state.unanswered) promise.deliver(std::move(verdict));
  state.unanswered.clear();
  for (auto& [promise, verdicts] : state.unanswered_batches) promise.deliver(std::move(verdicts));
  state.unanswered_batches.clear();
}

// Only a plain extension merges: blocks connected on top of the held change. A reorganisation
// is published on its own, after what was held.
bool extends(const TipChanged& held, const TipChanged& next) {
  return next.disconnected.empty() && next.returned_to_mempool.empty() && !held.connected.empty() &&
         !next.connected.empty();
}

void hold(ChainSelf self, TipChanged change) {
  auto& state = self->state;
  log_new_tip(self, change.tip);
  if (state.unpublished && !extends(*state.unpublished, change)) publish_held(self);
  if (!state.unpublished) {
    state.unpublished = std::move(change);
  } else {
    TipChanged& held = *state.unpublished;
    held.tip = change.tip;
    held.connected.insert(held.connected.end(), change.connected.begin(), change.connected.end());
    held.confirmed.insert(held.confirmed.end(), change.confirmed.begin(), change.confirmed.end());
    // The source must have every block announced as known to it.
    if (held.source != change.source) held.source = SessionActor{};
  }
  ++state.unpublished_blocks;
}

void publish(ChainSelf self, TipChanged change) {
  hold(self, std::move(change));
  publish_held(self);
}

// Tells the early-block subscribers of a new block on the tip that passed every check but its
// scripts and spends, before it is connected (BIP152 relay ahead of validation).
void announce_early(ChainSelf self, const BlockPtr& block, const SessionActor& source) {
  auto& state = self->state;
  if (state.early_subscribers.empty() || !state.backend->may_announce_early(*block)) return;
  for (const PowValidListener& subscriber : state.early_subscribers)
    self->send(subscriber, NewPowValidBlock{block, source});
}

BlockVerdict submit(ChainSelf self, const BlockPtr& block, const SessionActor& source,
                    bool relay_early) {
  auto& state = self->state;
  ChainBackend& backend = *state.backend;
  BlockVerdict verdict;
  verdict.hash = block->hash();
  if (block->header.prev_block.is_zero()) {
    std::optional<Hash256> genesis = backend.genesis();
    if (genesis && *genesis == verdict.hash) {
      verdict.accepted = true;
      verdict.outcome = "already-have";
    } else if (genesis) {
      verdict.outcome = "different-genesis";
      verdict.kind = ErrorKind::kDifferentChain;
      std::string reason =
          fmt::format("peer's genesis {} differs from ours {}", verdict.hash.hex(), genesis->hex());
      state.log->line("refused block: " + reason);
      if (source) self->send(source, DisconnectPeer{reason});
    } else if (Acceptance adopted = backend.adopt_genesis(*block); !adopted.accepted) {
      verdict.outcome = adopted.outcome;
      verdict.kind = adopted.kind;
      state.log->line("refused genesis " + verdict.hash.hex() + ": " + adopted.outcome +
                      (adopted.detail.empty() ? "" : ": " + adopted.detail));
    } else {
      verdict.accepted = true;
      verdict.new_tip = true;
      verdict.outcome = "new-tip";
      state.log->line("adopted genesis " + verdict.hash.hex());
      TipChanged change;
      change.tip = backend.tip();
      // The genesis, then the blocks that waited for it (fetched before it: block 1 told
      // which genesis to ask for).
      change.connected = std::move(adopted.connected);
      change.confirmed = shared(adopted.confirmed);
      if (change.connected.size() == 1) change.source = source;
      publish(self, std::move(change));
    }
    verdict.tip = backend.tip();
    return verdict;
  }
  if (relay_early) announce_early(self, block, source);
  Acceptance acceptance = backend.accept_block(*block);
  verdict.accepted = acceptance.accepted;
  verdict.outcome = acceptance.outcome;
  verdict.orphan = acceptance.orphan;
  verdict.kind = acceptance.kind;
  verdict.new_tip = !acceptance.connected.empty() || !acceptance.disconnected.empty();
  verdict.tip = backend.tip();
  if (!acceptance.accepted)
    state.log->line(fmt::format("rejected block {}: {} ({}){}{}", verdict.hash.hex(),
                                acceptance.outcome, kind_name(acceptance.kind),
                                acceptance.detail.empty() ? "" : ": ", acceptance.detail));
  if (verdict.new_tip) {
    TipChanged change = tip_change(acceptance, verdict.tip);
    // The sender has this block and its ancestors, not the waiting orphans it let connect.
    if (!change.connected.empty() && change.connected.back() == verdict.hash)
      change.source = source;
    hold(self, std::move(change));
  }
  return verdict;
}

// invalidateblock / reconsiderblock: the tip change published at once, as a reorganisation.
BlockVerdict change_by_hand(ChainSelf self, const Hash256& hash, Acceptance acceptance,
                            std::string_view what) {
  auto& state = self->state;
  BlockVerdict verdict;
  verdict.hash = hash;
  verdict.accepted = acceptance.accepted;
  verdict.outcome = acceptance.outcome;
  verdict.kind = acceptance.kind;
  verdict.tip = state.backend->tip();
  if (!acceptance.accepted) {
    state.log->line(fmt::format("{} {} refused: {} ({}){}{}", what, hash.hex(), acceptance.outcome,
                                kind_name(acceptance.kind), acceptance.detail.empty() ? "" : ": ",
                                acceptance.detail));
    return verdict;
  }
  state.log->line(fmt::format("{} {}: {} blocks disconnected, {} connected", what, hash.hex(),
                              acceptance.disconnected.size(), acceptance.connected.size()));
  verdict.new_tip = !acceptance.connected.empty() || !acceptance.disconnected.empty();
  if (verdict.new_tip) publish(self, tip_change(acceptance, verdict.tip));
  return verdict;
}

// Holds the answer back while a tip change is: see answer().
void queue_publish(ChainSelf self) {
  auto& state = self->state;
  if (state.unpublished_blocks >= kMaxBlocksPerTipChange) {
    publish_held(self);
  } else if (!state.publish_queued) {
    // Behind every message queued by now: the blocks waiting there join this batch.
    state.publish_queued = true;
    self->send(self, PublishHeld{});
  }
}

// Answers a submitted block's verdict. While a tip change is held back, the verdict waits
// behind it, so that a submitter hears of the tip before the verdict, as without batching.
caf::result<BlockVerdict> answer(ChainSelf self, BlockVerdict verdict) {
  auto& state = self->state;
  if (!state.unpublished) return verdict;
  auto promise = self->make_response_promise<BlockVerdict>();
  state.unanswered.emplace_back(promise, std::move(verdict));
  queue_publish(self);
  return promise;
}

// A batch: each block as one SubmitBlock, the verdicts answered together, after the tip change.
caf::result<std::vector<BlockVerdict>> submit_batch(ChainSelf self, const SubmitBlocks& batch) {
  auto& state = self->state;
  std::vector<BlockVerdict> verdicts;
  verdicts.reserve(batch.blocks.size());
  for (size_t i = 0; i < batch.blocks.size(); ++i) {
    const BlockPtr& block = batch.blocks[i];
    if (!block) {
      verdicts.push_back(BlockVerdict{{}, false, false, "null-block", ErrorKind::kLocal, {}});
      continue;
    }
    // The next block of the batch is hashed and checked while this one's signatures are.
    state.backend->expect_next(i + 1 < batch.blocks.size() ? batch.blocks[i + 1] : nullptr);
    verdicts.push_back(submit(self, block,
                              i < batch.sources.size() ? batch.sources[i] : SessionActor{},
                              batch.relay_early && batch.blocks.size() == 1));
    if (state.unpublished_blocks >= kMaxBlocksPerTipChange) publish_held(self);
  }
  if (!state.unpublished) return verdicts;
  auto promise = self->make_response_promise<std::vector<BlockVerdict>>();
  state.unanswered_batches.emplace_back(promise, std::move(verdicts));
  queue_publish(self);
  return promise;
}

ChainImpl::behavior_type chain_actor(ChainSelf self, std::shared_ptr<ChainBackend> backend,
                                     LogSinkPtr log) {
  self->state.backend = std::move(backend);
  self->state.log = std::move(log);
  // What was held back is true already: tell it before going.
  self->set_exit_handler([=](caf::exit_msg& exit) {
    publish_held(self);
    self->quit(exit.reason);
  });
  return {
      [=](const SubmitBlock& submission) -> caf::result<BlockVerdict> {
        if (!submission.block)
          return answer(self, BlockVerdict{{}, false, false, "null-block", ErrorKind::kLocal, {}});
        return answer(self, submit(self, submission.block, submission.source, true));
      },
      [=](const SubmitBlocks& batch) -> caf::result<std::vector<BlockVerdict>> {
        return submit_batch(self, batch);
      },
      [=](PublishHeld) {
        self->state.publish_queued = false;
        publish_held(self);
      },
      [=](GetTip) -> TipInfo { return self->state.backend->tip(); },
      [=](GetLocator) -> std::vector<Hash256> { return self->state.backend->locator(); },
      [=](const GetHashesAfter& request) -> std::vector<Hash256> {
        return self->state.backend->hashes_after(request.locator, request.stop, kMaxHashesAfter);
      },
      [=](const GetHeadersAfter& request) -> std::vector<BlockHeader> {
        return self->state.backend->headers_after(request.locator, request.stop,
                                                  net::kMaxHeadersPerMessage);
      },
      [=](const GetBlockHeaders& request) -> std::vector<BlockHeader> {
        std::vector<BlockHeader> headers;
        for (const Hash256& hash : request.hashes) {
          std::optional<BlockHeader> header = self->state.backend->header(hash);
          if (!header) break;
          headers.push_back(*header);
        }
        return headers;
      },
      [=](const GetBlocks& request) -> std::vector<BlockPtr> {
        std::vector<BlockPtr> blocks;
        blocks.reserve(request.hashes.size());
        for (const Hash256& hash : request.hashes)
          blocks.push_back(load_block(*self->state.backend, hash));
        return blocks;
      },
      [=](const GetHeaderPlace& request) -> HeaderPlace {
        const ChainBackend& backend = *self->state.backend;
        return HeaderPlace{backend.header(request.hash).has_value(),
                           backend.tip().height >= 0 && backend.tip().hash == request.hash};
      },
      [=](const SubscribeTipChanged& subscription) {
        self->state.subscribers.push_back(subscription.listener);
      },
      [=](const SubscribePowValid& subscription) {
        self->state.early_subscribers.push_back(subscription.listener);
      },
      [=](const GetBlockSummary& request) -> std::optional<BlockSummary> {
        return self->state.backend->summary(request.hash);
      },
      [=](const GetActiveHashAt& request) -> std::optional<Hash256> {
        return self->state.backend->active_hash_at(request.height);
      },
      [=](GetBranchTips) -> std::vector<BranchTip> { return self->state.backend->branch_tips(); },
      [=](VerifyChain) -> std::string {
        Status verified = self->state.backend->verify();
        return verified ? std::string{} : verified.error().message();
      },
      [=](const InvalidateBlock& request) -> BlockVerdict {
        return change_by_hand(self, request.hash,
                              self->state.backend->invalidate_block(request.hash),
                              "invalidateblock");
      },
      [=](const ReconsiderBlock& request) -> BlockVerdict {
        return change_by_hand(self, request.hash,
                              self->state.backend->reconsider_block(request.hash),
                              "reconsiderblock");
      },
      [=](GetPruneState) -> PruneState { return self->state.backend->prune_state(); },
      [=](const GetHeightAtTime& request) -> std::optional<int> {
        return self->state.backend->earliest_height_at_time(request.time);
      },
      [=](const PruneBlockchain& request) -> PruneOutcome {
        Result<int> pruned = self->state.backend->prune_to(request.height);
        if (!pruned) return PruneOutcome{-1, pruned.error().message()};
        self->state.log->line(
            fmt::format("pruneblockchain: blocks up to height {} pruned", *pruned));
        return PruneOutcome{*pruned, {}};
      },
  };
}

}  // namespace

ChainActor spawn_chain(caf::actor_system& system, std::shared_ptr<ChainBackend> backend,
                       LogSinkPtr log, bool detached) {
  if (detached) return system.spawn<caf::detached>(chain_actor, std::move(backend), std::move(log));
  return system.spawn(chain_actor, std::move(backend), std::move(log));
}

}  // namespace ac::actors
