#include "actors/chain_actor.hpp"

#include <caf/all.hpp>

#include <fmt/format.h>

#include "actors/messages.hpp"

namespace ac::actors {

namespace {

struct ChainActorState {
  std::shared_ptr<ChainBackend> backend;
  LogSinkPtr log;
  std::vector<caf::actor> subscribers;
  static inline const char* name = "chain";
};

using ChainActor = caf::stateful_actor<ChainActorState>;

TipInfo tip_info(const BackendTip& tip) {
  return TipInfo{tip.hash, tip.height, tip.median_time_past};
}

std::vector<TxPtr> shared(std::vector<Transaction>& txs) {
  std::vector<TxPtr> out;
  out.reserve(txs.size());
  for (Transaction& tx : txs) out.push_back(std::make_shared<const Transaction>(std::move(tx)));
  return out;
}

BlockPtr load_block(const ChainBackend& backend, const Hash256& hash) {
  std::optional<Block> block = backend.block(hash);
  if (!block) return nullptr;
  return std::make_shared<const Block>(std::move(*block));
}

void publish(ChainActor* self, TipChanged change) {
  auto& state = self->state;
  state.log->line(
      fmt::format("new tip height={} hash={}", change.tip.height, change.tip.hash.hex()));
  for (const caf::actor& subscriber : state.subscribers) self->send(subscriber, change);
}

BlockVerdict submit(ChainActor* self, const BlockPtr& block, const caf::actor& source) {
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
      std::string reason =
          fmt::format("peer's genesis {} differs from ours {}", verdict.hash.hex(), genesis->hex());
      state.log->line("refused block: " + reason);
      if (source) self->send(source, disconnect_atom::value, reason);
    } else if (Status status = backend.create_genesis(*block); !status) {
      verdict.outcome = status.reason();
      state.log->line("refused genesis " + verdict.hash.hex() + ": " + status.error().message());
    } else {
      verdict.accepted = true;
      verdict.new_tip = true;
      verdict.outcome = "new-tip";
      state.log->line("adopted genesis " + verdict.hash.hex());
      TipChanged change;
      change.tip = tip_info(backend.tip());
      change.connected.push_back(verdict.hash);
      publish(self, std::move(change));
    }
    verdict.tip = tip_info(backend.tip());
    return verdict;
  }
  Acceptance acceptance = backend.accept_block(*block);
  verdict.accepted = acceptance.accepted;
  verdict.outcome = acceptance.outcome;
  verdict.new_tip = !acceptance.connected.empty() || !acceptance.disconnected.empty();
  verdict.tip = tip_info(backend.tip());
  if (!acceptance.accepted)
    state.log->line("rejected block " + verdict.hash.hex() + ": " + acceptance.outcome);
  if (verdict.new_tip) {
    TipChanged change;
    change.tip = verdict.tip;
    change.connected = std::move(acceptance.connected);
    change.disconnected = std::move(acceptance.disconnected);
    change.confirmed = shared(acceptance.confirmed);
    change.returned_to_mempool = shared(acceptance.returned);
    publish(self, std::move(change));
  }
  return verdict;
}

caf::behavior chain_actor(ChainActor* self, std::shared_ptr<ChainBackend> backend, LogSinkPtr log) {
  self->state.backend = std::move(backend);
  self->state.log = std::move(log);
  return {
      [=](submit_block_atom, const BlockPtr& block, const caf::actor& source) -> BlockVerdict {
        if (!block) return BlockVerdict{{}, false, false, "null-block", {}};
        return submit(self, block, source);
      },
      [=](tip_atom) -> TipInfo { return tip_info(self->state.backend->tip()); },
      [=](locator_atom) -> std::vector<Hash256> { return self->state.backend->locator(); },
      [=](hashes_after_atom, const std::vector<Hash256>& locator,
          const Hash256& stop) -> std::vector<Hash256> {
        return self->state.backend->hashes_after(locator, stop, kMaxHashesAfter);
      },
      [=](get_block_atom, const Hash256& hash) -> BlockPtr {
        return load_block(*self->state.backend, hash);
      },
      [=](get_block_atom, const std::vector<Hash256>& hashes) -> std::vector<BlockPtr> {
        std::vector<BlockPtr> blocks;
        blocks.reserve(hashes.size());
        for (const Hash256& hash : hashes) blocks.push_back(load_block(*self->state.backend, hash));
        return blocks;
      },
      [=](has_block_atom, const Hash256& hash) -> bool {
        return self->state.backend->has_block(hash);
      },
      [=](subscribe_atom, const caf::actor& subscriber) {
        self->state.subscribers.push_back(subscriber);
      },
  };
}

}  // namespace

caf::actor spawn_chain(caf::actor_system& system, std::shared_ptr<ChainBackend> backend,
                       LogSinkPtr log, bool detached) {
  if (detached) return system.spawn<caf::detached>(chain_actor, std::move(backend), std::move(log));
  return system.spawn(chain_actor, std::move(backend), std::move(log));
}

}  // namespace ac::actors
