// The mempool actor: owns the node's Mempool (chain/mempool.hpp) and validates transactions
// against the chain's coins as of the tip it was last told about (TipChanged), never ahead of
// it: it reads them from the store the chain actor writes (chain/coins.hpp's TipCoins), naming
// that tip. When the chain has moved past it (a batch of blocks connected and not yet
// published, or a TipChanged still in this actor's mailbox), transactions wait, in the order
// they came, for the next TipChanged and are checked then. It subscribes to the chain's
// TipChanged at spawn: evicts confirmed and conflicting transactions, takes back (and announces
// again) those of disconnected blocks.
//
// With a mempool.dat to load (MempoolConfig::load_persisted), it submits the saved transactions
// first, in file order and in batches, through the same checks as any other (against the tip it
// knows, keeping each one's entry time; those older than kMempoolExpiry are dropped unchecked),
// before any other submission; it then logs "loaded N of M mempool txs (K already confirmed or
// invalid, E expired)". Loaded transactions are not relayed one by one: peers hear of them
// through SelectTxs{.., after_load} (a new peer's inventory) and the wallet's re-announcement.
#pragma once

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "actors/chain_actor.hpp"
#include "actors/local_values.hpp"
#include "actors/log_sink.hpp"
#include "actors/mempool_queries.hpp"
#include "actors/session_interface.hpp"
#include "chain/coins.hpp"
#include "chain/params.hpp"
#include "net/siphash.hpp"

namespace ac::actors {

// What became of a submitted transaction.
struct TxVerdict {
  bool accepted = false;
  std::string reason;  // the stable short reason of a refusal; empty when accepted
  ErrorKind kind = ErrorKind::kInvalid;  // what a refusal means (chain/result.hpp)
};

// Sent by a session (a peer's tx; `source` is that session), handled by the mempool: validate
// and pool `tx`. Answers TxVerdict; on accept logs
// "accepted tx <txid>" and tells the TxsAccepted listeners.
struct SubmitTx {
  TxPtr tx;
  SessionActor source;  // null when not from a peer
};

// Sent by a session (a peer's inv), handled by the mempool: answers the hashes of these that
// are neither pooled nor recently accepted (std::vector<Hash256>).
struct GetMissingTxs {
  std::vector<Hash256> hashes;
};

// Sent by a session (a peer's getdata), handled by the mempool: answers the TxPtr from the pool
// or the last 1,000 accepted (null when neither), so a peer can fetch what we announced even
// when a block confirmed it meanwhile. While submissions wait for a tip, the answer waits
// behind them: a peer's getdata after its own tx tells it that tx's fate.
struct GetTx {
  Hash256 txid;
};

// Sent by a session (a cmpctblock, BIP152), handled by the mempool: answers the pooled and
// recently accepted transactions whose short id under `key` is one of `short_ids`
// (std::vector<TxPtr>), for rebuilding the block.
struct MatchShortIds {
  net::SipHashKey key;
  std::vector<uint64_t> short_ids;
};

// The transactions the mempool picked for a block, their fees, and the tip they are valid on
// (the last one the mempool was told about): a block template builds on that tip.
struct TxSelection {
  std::vector<TxPtr> txs;
  std::vector<int64_t> tx_fees;  // the fee each of `txs` pays
  int64_t fees = 0;
  TipInfo tip;
  uint64_t pool_size = 0;  // transactions pooled when selected
  bool loaded = true;      // mempool.dat's transactions were all submitted (getmempoolinfo)
};

// Sent by the miner (and the node, the wallet, the RPC server), handled by the mempool: answers
// a TxSelection of at most `max_bytes`, in an order where pooled parents precede their
// children. With `after_load`, answered only once mempool.dat is loaded (a new peer's
// inventory, the wallet's own transactions after a restart).
struct SelectTxs {
  uint64_t max_bytes = 0;
  bool after_load = false;
};

// Sent by the node at a clean stop and the RPC server (savemempool), handled by the mempool:
// writes every pooled transaction and its entry time to MempoolConfig::persist_path (atomically).
// Answers a MempoolSaved.
struct SaveMempool {};

struct MempoolSaved {
  bool ok = false;
  std::string detail;  // the file written, or why not ("mempool-not-loaded: ...", the writer's)
  uint64_t count = 0;  // transactions written
};

// Sent by the RPC server and tests, handled by the mempool: answers the number of pooled
// transactions (uint64_t).
struct GetMempoolSize {};

// Sent by the mempool (and the wallet, rebroadcasting its own), handled by the node (relay):
// these transactions were accepted (or taken back from disconnected blocks); announce them to
// every peer but `source` (null: to all).
struct TxsAccepted {
  std::vector<Hash256> txids;
  SessionActor source;
};

// Sent by the mempool, handled by the miner: the pool holds `size` transactions now (after
// every accept and every tip change).
struct MempoolChanged {
  uint64_t size = 0;
};

using TxsAcceptedListener = caf::typed_actor<caf::reacts_to<TxsAccepted>>;
using MempoolChangedListener = caf::typed_actor<caf::reacts_to<MempoolChanged>>;

// Sent by the node at spawn, handled by the mempool: the listener gets TxsAccepted.
struct SubscribeTxsAccepted {
  TxsAcceptedListener listener;
};

// Sent by the miner at spawn, handled by the mempool: the listener gets MempoolChanged.
struct SubscribeMempoolChanged {
  MempoolChangedListener listener;
};

using MempoolActor = caf::typed_actor<caf::replies_to<SubmitTx>::with<TxVerdict>,  //
                                      caf::replies_to<GetMissingTxs>::with<std::vector<Hash256>>,
                                      caf::replies_to<GetTx>::with<TxPtr>,  //
                                      caf::replies_to<MatchShortIds>::with<std::vector<TxPtr>>,
                                      caf::replies_to<SelectTxs>::with<TxSelection>,    //
                                      caf::replies_to<GetMempoolSize>::with<uint64_t>,  //
                                      caf::replies_to<SaveMempool>::with<MempoolSaved>,
                                      caf::replies_to<GetMempoolEntries>::with<MempoolEntries>,
                                      caf::replies_to<GetMempoolInfo>::with<MempoolInfo>,
                                      caf::reacts_to<SubscribeTxsAccepted>,     //
                                      caf::reacts_to<SubscribeMempoolChanged>,  //
                                      caf::reacts_to<TipChanged>>;              // from the chain

struct MempoolConfig {
  ChainParams params;
  std::shared_ptr<const TipCoins> coins;  // the chain's UTXO set, read as of a named tip
  size_t max_bytes = 50'000'000;
  LogSinkPtr log;
  std::filesystem::path persist_path{};  // mempool.dat, written on SaveMempool; empty: none
  bool load_persisted = false;           // submit what persist_path holds, once the tip is known
};

MempoolActor spawn_mempool(caf::actor_system& system, MempoolConfig config, ChainActor chain);

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::TxVerdict)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SubmitTx)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetMissingTxs)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::MatchShortIds)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetTx)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::TxSelection)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SelectTxs)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetMempoolSize)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SaveMempool)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::MempoolSaved)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::TxsAccepted)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::MempoolChanged)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SubscribeTxsAccepted)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SubscribeMempoolChanged)
