// What the peer asks of us: the hashes after its locator (getblocks, with Core's hashContinue)
// and the headers (getheaders), blocks and transactions (getdata), served a batch at a time and
// only while the peer reads what it asked for, and addresses (getaddr).
#include <fmt/format.h>

#include "actors/peer_link.hpp"
#include "actors/peer_protocol_state.hpp"

namespace ac::actors {

namespace {

// Blocks fetched from the chain in one request when answering getdata.
constexpr size_t kBlocksPerFetch = 16;
// getdata items waiting to be served: honest peers keep at most a few hundred blocks in flight.
constexpr size_t kMaxQueuedGetData = 2 * net::kMaxInventoryItems;

void serve_getdata(Protocol* self);

void finish_batch(Protocol* self) {
  self->state.serving = false;
  if (answered(self)) return;
  serve_getdata(self);
}

}  // namespace

void finish_serving(Protocol* self) {
  finish_batch(self);
}

namespace {

// Core's hashContinue: the peer got the last block of our full getblocks answer; an inv of our
// tip, sent even if the peer knows it, makes it ask for the next batch. The batch is finished
// once it is sent, so nothing else comes between.
void announce_tip_then_finish(Protocol* self) {
  ask(self, self->state.context->chain, GetTip{})
      .then(
          [=](const TipInfo& tip) {
            if (!answered(self) && tip.height >= 0)
              send_message(self, net::Inv{{net::InvItem{net::kMsgBlock, tip.hash}}});
            finish_batch(self);
          },
          [=](caf::error&) {
            answered(self);
            finish_batch(self);
          });
}

void serve_blocks(Protocol* self, std::vector<Hash256> hashes) {
  ask(self, self->state.context->chain, GetBlocks{hashes})
      .then(
          [=](const std::vector<BlockPtr>& blocks) {
            auto& state = self->state;
            if (state.closed) return finish_batch(self);
            std::vector<net::InvItem> missing;
            bool continue_after = false;
            for (size_t i = 0; i < hashes.size(); ++i) {
              if (i < blocks.size() && blocks[i]) {
                remember(state, hashes[i]);
                note_peer_has(state, hashes[i]);
                send_message(self, net::BlockMessage{*blocks[i]});
                if (state.hash_continue == hashes[i]) {
                  state.hash_continue.reset();
                  continue_after = true;
                }
              } else {
                missing.push_back(net::InvItem{net::kMsgBlock, hashes[i]});
              }
            }
            if (!missing.empty()) send_message(self, net::NotFound{std::move(missing)});
            if (continue_after) return announce_tip_then_finish(self);
            finish_batch(self);
          },
          [=](caf::error&) { finish_batch(self); });
}

void serve_tx(Protocol* self, const Hash256& txid) {
  ask(self, self->state.context->mempool, GetTx{txid})
      .then(
          [=](const TxPtr& tx) {
            if (self->state.closed) return finish_batch(self);
            if (tx) {
              remember(self->state, txid);
              send_message(self, net::TxMessage{*tx});
            } else {
              send_message(self, net::NotFound{{net::InvItem{net::kMsgTx, txid}}});
            }
            finish_batch(self);
          },
          [=](caf::error&) { finish_batch(self); });
}

// Answers the next queued getdata items, one fetch at a time, while the send window is open.
// When the peer falls behind, serving pauses until the transport reports the window open again.
void serve_getdata(Protocol* self) {
  auto& state = self->state;
  while (!state.closed && !state.serving && !state.getdata_queue.empty()) {
    if (!state.window_open) {
      state.send_paused = true;
      break;
    }
    net::InvItem first = state.getdata_queue.front();
    state.getdata_queue.pop_front();
    if (first.type == net::kMsgBlock) {
      std::vector<Hash256> hashes{first.hash};
      while (hashes.size() < kBlocksPerFetch && !state.getdata_queue.empty() &&
             state.getdata_queue.front().type == net::kMsgBlock) {
        hashes.push_back(state.getdata_queue.front().hash);
        state.getdata_queue.pop_front();
      }
      state.serving = true;
      serve_blocks(self, std::move(hashes));
    } else if (first.type == net::kMsgCmpctBlock) {
      state.serving = true;
      serve_compact_block(self, first.hash);
    } else if (first.type == net::kMsgTx && state.context->mempool) {
      state.serving = true;
      serve_tx(self, first.hash);
    } else {
      send_message(self, net::NotFound{{first}});
    }
  }
}

}  // namespace

void on_getblocks(Protocol* self, const net::GetBlocks& request) {
  ask(self, self->state.context->chain, GetHashesAfter{request.locator, request.hash_stop})
      .then(
          [=](const std::vector<Hash256>& hashes) {
            if (answered(self)) return;
            if (hashes.empty()) return;
            // A full answer: the peer has more to ask for after it (see hashContinue above).
            if (hashes.size() == kMaxHashesAfter) self->state.hash_continue = hashes.back();
            send_message(self, net::Inv{items_of(net::kMsgBlock, hashes)});
          },
          [=](caf::error&) { answered(self); });
}

// Core answers every getheaders, with an empty headers message when it has nothing after the
// locator.
void on_getheaders(Protocol* self, const net::GetHeaders& request) {
  ask(self, self->state.context->chain, GetHeadersAfter{request.locator, request.hash_stop})
      .then(
          [=](const std::vector<BlockHeader>& headers) {
            if (answered(self)) return;
            // The peer now has these headers: new blocks on them go to it as headers (BIP130).
            if (!headers.empty()) note_peer_has(self->state, headers.back().hash());
            send_message(self, net::Headers{headers});
          },
          [=](caf::error&) { answered(self); });
}

void on_getdata(Protocol* self, const net::GetData& request) {
  auto& state = self->state;
  if (state.getdata_queue.size() + request.items.size() > kMaxQueuedGetData) {
    disconnect(self,
               fmt::format("over {} getdata items waiting: peer not reading", kMaxQueuedGetData));
    return;
  }
  state.getdata_queue.insert(state.getdata_queue.end(), request.items.begin(), request.items.end());
  serve_getdata(self);
}

void on_send_window(Protocol* self, bool open) {
  auto& state = self->state;
  state.window_open = open;
  if (state.closed || !open || !state.send_paused) return;
  state.send_paused = false;
  serve_getdata(self);
}

// A sample of our address book, once per connection (asking again gets nothing).
void on_getaddr(Protocol* self) {
  auto& state = self->state;
  if (state.getaddr_answered || !state.context->address_book) return;
  state.getaddr_answered = true;
  ask(self, state.context->address_book, SampleAddresses{uint64_t{net::kMaxAddressesPerAnswer}})
      .then(
          [=](const AddressList& addresses) {
            if (answered(self)) return;
            if (!addresses.empty()) send_message(self, net::Addr{addresses});
          },
          [=](caf::error&) { answered(self); });
}

}  // namespace ac::actors
