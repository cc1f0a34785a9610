// BIP152 compact blocks with the peer. We say sendcmpct version 1 after the handshake (high
// bandwidth when the node picked this peer as one of the three that last gave us new blocks),
// push a new block as cmpctblock to a peer that asked for high bandwidth, rebuild the peer's
// cmpctblock from our mempool (and its recently accepted transactions), ask getblocktxn for
// what is missing, and fall back to fetching the whole block through the sync coordinator on a
// short-id collision or a rebuilt block whose merkle root is wrong. A rebuilt block goes to the
// sync coordinator like any other and is fully validated by the chain. A malformed compact
// block message costs the peer.
#include <fmt/format.h>

#include "actors/peer_link.hpp"
#include "actors/peer_protocol_state.hpp"
#include "net/compact_block.hpp"
#include "net/headers_check.hpp"

namespace ac::actors {

namespace {

// BIP152's only version without witnesses: short ids of txids.
constexpr uint64_t kCompactVersion = 1;
// Core's MAX_CMPCTBLOCK_DEPTH: older blocks asked for as cmpctblock are sent whole.
constexpr int kMaxCompactDepth = 5;

// The block is announced to the sync coordinator as if by inv, so it fetches it whole; one we
// asked of this peer as a cmpctblock (the coordinator waits for it from here) is asked again
// whole at once.
void fetch_whole(Protocol* self, const Hash256& hash) {
  auto& state = self->state;
  if (state.compact_asked == hash) {
    state.compact_asked.reset();
    send_message(self, net::GetData{{net::InvItem{net::kMsgBlock, hash}}});
    return;
  }
  if (state.context->sync)
    self->send(state.context->sync, BlocksAnnounced{self_handle(self), {hash}});
}

void hand_over(Protocol* self, const net::PartialBlock& partial) {
  auto& state = self->state;
  Result<Block> block = partial.finish();
  if (!block) {
    state.context->log->line(fmt::format("cmpctblock {} from {}: {}, fetching the block",
                                         partial.hash().short_hex(), state.peer, block.reason()),
                             &state.trace);
    return fetch_whole(self, partial.hash());
  }
  if (state.compact_asked == partial.hash()) state.compact_asked.reset();
  if (state.context->sync)
    self->send(state.context->sync,
               BlockArrived{self_handle(self),
                            std::make_shared<const Block>(std::move(block).value()), true});
}

// Complete, or ask the peer for what is missing.
void rebuild_or_ask(Protocol* self, net::PartialBlock partial) {
  auto& state = self->state;
  std::vector<uint32_t> missing = partial.missing();
  if (missing.empty()) return hand_over(self, partial);
  Hash256 hash = partial.hash();
  state.rebuilding = std::move(partial);
  send_message(self, net::GetBlockTxn{hash, std::move(missing)});
}

// Fills `partial` from the mempool, then goes on.
void match_mempool(Protocol* self, net::PartialBlock partial) {
  auto& state = self->state;
  // Nothing to match (a block of its coinbase alone): no trip to the mempool.
  if (!state.context->mempool || partial.missing().empty())
    return rebuild_or_ask(self, std::move(partial));
  auto shared = std::make_shared<net::PartialBlock>(std::move(partial));
  ask(self, state.context->mempool, MatchShortIds{shared->key(), shared->wanted_short_ids()})
      .then(
          [=](const std::vector<TxPtr>& txs) {
            if (answered(self)) return;
            for (const TxPtr& tx : txs) shared->offer(tx);
            rebuild_or_ask(self, std::move(*shared));
          },
          [=](caf::error&) {
            if (answered(self)) return;
            fetch_whole(self, shared->hash());
          });
}

}  // namespace

void send_compact_mode(Protocol* self) {
  auto& state = self->state;
  if (!state.ready || state.peer_version < net::kCompactBlocksVersion) return;
  if (state.compact_mode_sent == state.compact_from_peer) return;
  state.compact_mode_sent = state.compact_from_peer;
  send_message(self, net::SendCmpct{state.compact_from_peer, kCompactVersion});
}

void on_compact_relay(Protocol* self, bool high_bandwidth) {
  self->state.compact_from_peer = high_bandwidth;
  send_compact_mode(self);
}

void on_compact(Protocol* self, const net::SendCmpct& message) {
  auto& state = self->state;
  if (message.version != kCompactVersion) return;  // version 2 (wtxids) is segwit's
  state.peer_speaks_compact = true;
  state.push_compact_to_peer = message.high_bandwidth;
}

bool push_compact_block(Protocol* self, const AnnounceInventory& announcement) {
  auto& state = self->state;
  if (!state.push_compact_to_peer || !announcement.compact || announcement.hashes.size() != 1)
    return false;
  const Hash256& hash = announcement.hashes.front();
  if (state.known_inventory.contains(hash) || peer_has(state, hash)) return true;
  if (!peer_has(state, announcement.compact->header.prev_block)) return false;
  remember(state, hash);
  note_peer_has(state, hash);
  if (announcement.block) state.pushed_block = announcement.block;
  send_message(self, *announcement.compact);
  return true;
}

void on_compact(Protocol* self, const net::CmpctBlock& compact) {
  auto& state = self->state;
  if (Status checked = net::check_headers({compact.header}, state.context->params); !checked) {
    pay(self, headers_penalty(checked.kind()),
        fmt::format("bad cmpctblock header: {} {}", checked.reason(), checked.error().detail));
    return;
  }
  Result<net::PartialBlock> started = net::PartialBlock::start(compact);
  if (!started && started.kind() == ErrorKind::kInvalid) {
    misbehaving(self, kDiscourageScore, "bad cmpctblock: " + started.reason());
    return;
  }
  const Hash256 hash = compact.header.hash();
  remember(state, hash);
  note_peer_has(state, hash);
  note_block_known(state, hash);
  if (we_have(state, hash)) {  // our node announced it to us already
    if (state.compact_asked == hash) state.compact_asked.reset();
    return;
  }
  if (!started) return fetch_whole(self, hash);  // a short-id collision: nobody's fault
  // A block we already have needs nothing more.
  auto partial = std::make_shared<net::PartialBlock>(std::move(started).value());
  ask(self, state.context->chain, GetBlockSummary{hash})
      .then(
          [=](const std::optional<BlockSummary>& known) {
            if (answered(self)) return;
            if (known && (known->record.status & block_status::kHaveData || known->record.failed()))
              return;
            match_mempool(self, std::move(*partial));
          },
          [=](caf::error&) { answered(self); });
}

void on_compact(Protocol* self, const net::BlockTxn& answer) {
  auto& state = self->state;
  // Unasked (or for a block rebuilt meanwhile): ignored, as Core does.
  if (!state.rebuilding || state.rebuilding->hash() != answer.block_hash) return;
  net::PartialBlock partial = std::move(*state.rebuilding);
  state.rebuilding.reset();
  if (Status filled = partial.fill(answer.transactions); !filled) {
    misbehaving(self, kDiscourageScore, "bad blocktxn: " + filled.reason());
    return;
  }
  hand_over(self, partial);
}

namespace {

void answer_getblocktxn(Protocol* self, const net::GetBlockTxn& request, const Block& block) {
  net::BlockTxn answer{request.block_hash, {}};
  for (uint32_t index : request.indexes) {
    if (index >= block.transactions.size()) {
      misbehaving(self, kDiscourageScore,
                  fmt::format("getblocktxn index {} beyond the block's {} transactions", index,
                              block.transactions.size()));
      return;
    }
    answer.transactions.push_back(block.transactions[index]);
  }
  send_message(self, std::move(answer));
}

}  // namespace

void on_compact(Protocol* self, const net::GetBlockTxn& request) {
  // The block we pushed (maybe before the chain stored it) needs no trip to the chain.
  const auto& pushed = self->state.pushed_block;
  if (pushed && pushed->hash() == request.block_hash)
    return answer_getblocktxn(self, request, *pushed);
  ask(self, self->state.context->chain, GetBlocks{{request.block_hash}})
      .then(
          [=](const std::vector<BlockPtr>& blocks) {
            if (answered(self)) return;
            if (blocks.empty() || !blocks.front()) return;  // unknown to us: ignored, as Core
            answer_getblocktxn(self, request, *blocks.front());
          },
          [=](caf::error&) { answered(self); });
}

void serve_compact_block(Protocol* self, const Hash256& hash) {
  auto& state = self->state;
  ask(self, state.context->chain, GetBlockSummary{hash})
      .then(
          [=](const std::optional<BlockSummary>& summary) {
            bool recent =
                summary && summary->record.height >= summary->tip_height - kMaxCompactDepth;
            ask(self, self->state.context->chain, GetBlocks{{hash}})
                .then(
                    [=](const std::vector<BlockPtr>& blocks) {
                      auto& s = self->state;
                      if (s.closed) return finish_serving(self);
                      if (blocks.empty() || !blocks.front()) {
                        send_message(self,
                                     net::NotFound{{net::InvItem{net::kMsgCmpctBlock, hash}}});
                        return finish_serving(self);
                      }
                      remember(s, hash);
                      note_peer_has(s, hash);
                      if (recent)
                        send_message(self,
                                     net::make_compact_block(*blocks.front(), random_nonce()));
                      else
                        send_message(self, net::BlockMessage{*blocks.front()});
                      finish_serving(self);
                    },
                    [=](caf::error&) { finish_serving(self); });
            answered(self);
          },
          [=](caf::error&) { finish_serving(self); });
}

}  // namespace ac::actors
