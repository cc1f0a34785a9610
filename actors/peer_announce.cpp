// What we tell the peer of on our own: new blocks, pushed whole as cmpctblock when the peer
// asked for high-bandwidth compact blocks (BIP152, actors/peer_compact.cpp), by their headers
// when the peer asked for that (BIP130) and can connect them, by inv otherwise; transactions by
// inv, unless the peer's version asked for none (relay flag off); our mempool when it asks (BIP35).
#include <algorithm>

#include "actors/peer_link.hpp"
#include "actors/peer_protocol_state.hpp"

namespace ac::actors {

namespace {

// The blocks remembered as the peer's: enough to find the parent of any new tip.
constexpr size_t kBlocksPeerHas = 32;
// The blocks remembered as our node's: the last few it announced, which peers announce back.
constexpr size_t kOurBlocks = 8;

void note_we_have(ProtocolState& state, const Hash256& hash) {
  if (we_have(state, hash)) return;
  if (state.our_blocks.size() == kOurBlocks) state.our_blocks.pop_front();
  state.our_blocks.push_back(hash);
}
// A BIP35 mempool answer covers the best transactions up to this many bytes.
constexpr uint64_t kMempoolAnswerBytes = 4'000'000;

// Core's rule: leave out the leading blocks the peer has; the rest go as headers when the
// peer has the parent of the first (it can connect them). False when they cannot go so.
bool announce_by_headers(Protocol* self, const AnnounceInventory& announcement) {
  auto& state = self->state;
  const auto& headers = announcement.headers;
  if (!state.prefer_headers || headers.empty() || headers.size() != announcement.hashes.size())
    return false;
  size_t first = 0;
  while (first < headers.size() && peer_has(state, announcement.hashes[first])) ++first;
  if (first == headers.size()) return true;  // nothing it lacks
  if (!peer_has(state, headers[first].prev_block)) return false;
  std::vector<BlockHeader> fresh(headers.begin() + static_cast<std::ptrdiff_t>(first),
                                 headers.end());
  for (size_t i = first; i < headers.size(); ++i) {
    remember(state, announcement.hashes[i]);
    note_peer_has(state, announcement.hashes[i]);
  }
  send_message(self, net::Headers{std::move(fresh)});
  return true;
}

}  // namespace

void note_peer_has(ProtocolState& state, const Hash256& hash) {
  if (peer_has(state, hash)) return;
  if (state.blocks_peer_has.size() == kBlocksPeerHas) state.blocks_peer_has.pop_front();
  state.blocks_peer_has.push_back(hash);
}

bool we_have(const ProtocolState& state, const Hash256& hash) {
  return std::find(state.our_blocks.begin(), state.our_blocks.end(), hash) !=
         state.our_blocks.end();
}

bool peer_has(const ProtocolState& state, const Hash256& hash) {
  for (auto it = state.blocks_peer_has.rbegin(); it != state.blocks_peer_has.rend(); ++it)
    if (*it == hash) return true;
  return false;
}

void announce(Protocol* self, uint32_t type, const std::vector<Hash256>& hashes) {
  auto& state = self->state;
  std::vector<Hash256> fresh;
  for (const Hash256& hash : hashes)
    if (!state.known_inventory.contains(hash)) fresh.push_back(hash);
  for (const Hash256& hash : fresh) remember(state, hash);
  if (!fresh.empty()) send_message(self, net::Inv{items_of(type, fresh)});
}

void on_announce(Protocol* self, const AnnounceInventory& announcement) {
  if (announcement.inv_type == net::kMsgTx && !self->state.relay_txs) return;
  if (announcement.inv_type == net::kMsgBlock) {
    const auto& hashes = announcement.hashes;
    for (size_t i = hashes.size() > kOurBlocks ? hashes.size() - kOurBlocks : 0; i < hashes.size();
         ++i)
      note_we_have(self->state, hashes[i]);
  }
  // Not connected yet: a high-bandwidth peer gets it pushed, the others wait for the block to
  // be connected.
  if (announcement.early) {
    push_compact_block(self, announcement);
    return;
  }
  if (announcement.inv_type == net::kMsgBlock &&
      (push_compact_block(self, announcement) || announce_by_headers(self, announcement)))
    return;
  announce(self, announcement.inv_type, announcement.hashes);
}

// Answered whatever the peer's relay flag, as Core does: asking is what it wants.
void on_mempool_request(Protocol* self) {
  auto& state = self->state;
  if (!state.context->mempool) return;
  ask(self, state.context->mempool, SelectTxs{kMempoolAnswerBytes})
      .then(
          [=](const TxSelection& selection) {
            if (answered(self)) return;
            std::vector<Hash256> txids;
            for (const TxPtr& tx : selection.txs) {
              if (txids.size() == net::kMaxInventoryItems) break;
              txids.push_back(tx->txid());
            }
            announce(self, net::kMsgTx, txids);
          },
          [=](caf::error&) { answered(self); });
}

}  // namespace ac::actors
