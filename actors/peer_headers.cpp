// The peer's `headers` (BIP130 announcements, answers to our getheaders): checked (a broken
// sequence or a header without its proof of work costs the peer), then, when the first one's
// parent is a block we know or one the peer announced, handed to the sync coordinator as an
// inv of those blocks would be, so it fetches the ones we lack. Headers we cannot connect are
// answered as Core does: a getheaders with our locator (one at a time), whose answer connects;
// every kMaxUnconnectingHeaders-th of them in a row costs the peer.
#include <fmt/format.h>

#include "actors/peer_link.hpp"
#include "actors/peer_protocol_state.hpp"
#include "net/headers_check.hpp"

namespace ac::actors {

namespace {

// getheaders with the chain's locator, `after` in front of it (where a full answer ended);
// not while one of ours is unanswered.
void request_headers(Protocol* self, std::optional<Hash256> after) {
  auto& state = self->state;
  if (state.getheaders_pending) return;
  state.getheaders_pending = true;
  ask(self, state.context->chain, GetLocator{})
      .then(
          [=](std::vector<Hash256> locator) {
            if (answered(self)) return;
            if (after) locator.insert(locator.begin(), *after);
            if (locator.size() > net::kMaxLocatorHashes) locator.resize(net::kMaxLocatorHashes);
            net::GetHeaders request;
            request.locator = std::move(locator);
            send_message(self, std::move(request));
          },
          [=](caf::error&) {
            if (answered(self)) return;
            self->state.getheaders_pending = false;
          });
}

void on_connecting(Protocol* self, const std::vector<Hash256>& hashes, bool full) {
  auto& state = self->state;
  state.unconnecting_headers = 0;
  note_peer_has(state, hashes.back());
  note_block_known(state, hashes.back());
  if (state.context->sync)
    self->send(state.context->sync, BlocksAnnounced{self_handle(self), hashes});
  // A full message: the peer may have more after it (Core asks on at once).
  if (full) request_headers(self, hashes.back());
}

void on_unconnecting(Protocol* self) {
  auto& state = self->state;
  if (++state.unconnecting_headers % kMaxUnconnectingHeaders == 0)
    misbehaving(self, kBadHeadersSequencePoints,
                fmt::format("{} headers messages in a row that do not connect",
                            state.unconnecting_headers));
  request_headers(self, std::nullopt);
}

}  // namespace

void on_headers(Protocol* self, const net::Headers& message) {
  auto& state = self->state;
  state.getheaders_pending = false;
  if (message.headers.empty()) return;  // an answer with nothing after our locator
  if (Status checked = net::check_headers(message.headers, state.context->params); !checked) {
    pay(self, headers_penalty(checked.kind()),
        fmt::format("bad headers: {} {}", checked.reason(), checked.error().detail));
    return;
  }
  std::vector<Hash256> hashes;
  hashes.reserve(message.headers.size());
  bool all_ours = true;
  for (const BlockHeader& header : message.headers) {
    hashes.push_back(header.hash());
    remember(state, hashes.back());
    all_ours = all_ours && we_have(state, hashes.back());
  }
  // Our node announced them to us: nothing to fetch, the peer has them. (Most announcements of
  // a new block reach a node that has it already.)
  if (all_ours) {
    state.unconnecting_headers = 0;
    note_peer_has(state, hashes.back());
    note_block_known(state, hashes.back());
    return;
  }
  const Hash256 parent = message.headers.front().prev_block;
  const bool full = message.headers.size() == net::kMaxHeadersPerMessage;
  // Asked even when the peer is known to have the parent, so that the messages are handled in
  // the order they came (the chain answers in order).
  ask(self, state.context->chain, GetHeaderPlace{parent})
      .then(
          [=](const HeaderPlace& place) {
            if (answered(self)) return;
            auto& s = self->state;
            if (!place.known && !peer_has(s, parent)) return on_unconnecting(self);
            // BIP152 low bandwidth (Core): one new block on our tip is asked for as a
            // cmpctblock, should the sync coordinator ask it of this peer.
            if (hashes.size() == 1 && place.is_tip && s.peer_speaks_compact)
              s.compact_wanted = hashes.front();
            on_connecting(self, hashes, full);
          },
          [=](caf::error&) { answered(self); });
}

}  // namespace ac::actors
