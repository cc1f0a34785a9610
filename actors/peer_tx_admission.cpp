// The peer's transactions on their way to the mempool: in the order they came, at most
// kMaxTxsInFlight awaiting a verdict at a time, the rest waiting here up to kMaxWaitingTxBytes.
// A refusal costs the peer what actors/misbehaviour.hpp says it costs.
#include <fmt/format.h>

#include "actors/misbehaviour.hpp"
#include "actors/peer_protocol_state.hpp"

namespace ac::actors {

namespace {

constexpr int kMaxTxsInFlight = 64;
// A peer sending transactions faster than the mempool checks them is dropped past this.
constexpr size_t kMaxWaitingTxBytes = 4 * 1024 * 1024;

// Hands waiting transactions to the mempool while fewer than kMaxTxsInFlight await a verdict.
void submit_waiting_txs(Protocol* self) {
  auto& state = self->state;
  while (!state.closed && state.txs_in_flight < kMaxTxsInFlight && !state.waiting_txs.empty()) {
    auto [tx, bytes] = std::move(state.waiting_txs.front());
    state.waiting_txs.pop_front();
    state.waiting_tx_bytes -= bytes;
    ++state.txs_in_flight;
    Hash256 txid = tx->txid();
    ask(self, state.context->mempool, SubmitTx{std::move(tx), self_handle(self)})
        .then(
            [=](const TxVerdict& verdict) {
              if (answered(self)) return;
              --self->state.txs_in_flight;
              if (!verdict.accepted)
                pay(self, tx_penalty(verdict.kind),
                    fmt::format("invalid tx {}: {}", txid.hex(), verdict.reason));
              submit_waiting_txs(self);
            },
            [=](caf::error&) {
              if (answered(self)) return;
              --self->state.txs_in_flight;
              submit_waiting_txs(self);
            });
  }
}

}  // namespace

void on_tx(Protocol* self, TxPtr tx) {
  auto& state = self->state;
  if (!state.context->mempool) return;
  size_t bytes = tx->serialized_size();
  if (state.waiting_tx_bytes + bytes > kMaxWaitingTxBytes) {
    disconnect(self, fmt::format("over {} bytes of transactions waiting to be checked",
                                 kMaxWaitingTxBytes));
    return;
  }
  state.waiting_tx_bytes += bytes;
  state.waiting_txs.emplace_back(std::move(tx), bytes);
  submit_waiting_txs(self);
}

}  // namespace ac::actors
