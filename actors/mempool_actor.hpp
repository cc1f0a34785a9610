// The mempool actor: owns the node's Mempool (chain/mempool.hpp) and validates transactions
// against the chain's coins (a CoinsView the chain actor writes and this actor only reads:
// LevelDB reads are thread-safe, and each block moves the coins in one atomic batch).
//
// Messages (actors/messages.hpp):
//   (submit_tx_atom, TxPtr, caf::actor source)
//       -> (bool accepted, std::string reason, ErrorKind kind): what a refusal means
//       on accept: logs "accepted tx <txid>" and sends subscribers
//       (announce_atom, uint32_t kMsgTx, std::vector<Hash256>{txid}, caf::actor source)
//   (missing_txs_atom, std::vector<Hash256>) -> the ones neither pooled nor recently accepted
//   (get_tx_atom, Hash256) -> TxPtr from the pool or the last 1,000 accepted (else null), so a
//       peer can fetch what we announced even when a block confirmed it meanwhile
//   (select_txs_atom, uint64_t max_bytes) -> (std::vector<TxPtr>, int64_t total_fees)
//   (size_atom) -> uint64_t
//   (subscribe_atom, caf::actor): the subscriber gets the announces above and
//       (mempool_changed_atom, uint64_t size) after every accept and every tip change
//   (TipChanged) from the chain (the actor subscribes at spawn): evicts confirmed and
//       conflicting transactions, takes back those of disconnected blocks.
#pragma once

#include <caf/fwd.hpp>

#include <cstddef>
#include <memory>

#include "actors/log_sink.hpp"
#include "chain/coins.hpp"
#include "chain/params.hpp"

namespace ac::actors {

struct MempoolConfig {
  ChainParams params;
  std::shared_ptr<const CoinsView> coins;  // the chain's UTXO set at its tip
  size_t max_bytes = 50'000'000;
  LogSinkPtr log;
};

caf::actor spawn_mempool(caf::actor_system& system, MempoolConfig config, caf::actor chain);

}  // namespace ac::actors
