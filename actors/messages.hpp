// The typed vocabulary the node's actors speak. One place, so the data path reads in one
// direction: peer_session -> sync_coordinator -> chain -> (utxo) -> mempool / miner ->
// peer_session. Blocks and transactions travel as shared pointers to immutable values: actors
// in one process share them without copying, and nothing here is ever serialized by CAF.
#pragma once

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/detail/type_traits.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "actors/chain_backend.hpp"
#include "chain/block.hpp"
#include "chain/result.hpp"
#include "chain/transaction.hpp"
#include "chain/uint256.hpp"

namespace ac::actors {

using BlockPtr = std::shared_ptr<const Block>;
using TxPtr = std::shared_ptr<const Transaction>;

// ---- sync coordinator (actors/sync_coordinator.hpp) -------------------------------------
// peer_session -> sync: handshake done; the peer claims `best_height`.
using peer_ready_atom = caf::atom_constant<caf::atom("peerready")>;
// peer_session -> sync: the connection is gone; its requests go to other peers.
using peer_gone_atom = caf::atom_constant<caf::atom("peergone")>;
// peer_session -> sync: an inv listing these block hashes (in the peer's order).
using block_inv_atom = caf::atom_constant<caf::atom("blockinv")>;
// peer_session -> sync: a block arrived from the peer.
using block_arrived_atom = caf::atom_constant<caf::atom("blockin")>;
// peer_session -> sync: the peer answered notfound for these block hashes.
using not_found_atom = caf::atom_constant<caf::atom("notfound")>;
// sync -> peer_session: send `getdata` for these block hashes.
using request_blocks_atom = caf::atom_constant<caf::atom("reqblocks")>;
// sync -> peer_session: send `getblocks` with this locator (stop = zero).
using request_inventory_atom = caf::atom_constant<caf::atom("reqinv")>;
// sync -> peer_session: drop this peer (stalling); the reason is logged by the session.
using disconnect_atom = caf::atom_constant<caf::atom("disconnec")>;
// sync -> its subscribers (the miner): (syncing_atom, bool downloading) whenever it flips; see
// SyncPlanner::downloading. anyone -> sync: (subscribe_atom, caf::actor).
using syncing_atom = caf::atom_constant<caf::atom("syncing")>;
// sync's own periodic deadline check.
using tick_atom = caf::atom_constant<caf::atom("tick")>;

// ---- chain (actors/chain_actor.hpp) -------------------------------------------------------
using submit_block_atom = caf::atom_constant<caf::atom("submitblk")>;
using tip_atom = caf::atom_constant<caf::atom("tip")>;
using locator_atom = caf::atom_constant<caf::atom("locator")>;
using hashes_after_atom = caf::atom_constant<caf::atom("hashafter")>;
using get_block_atom = caf::atom_constant<caf::atom("getblock")>;
using has_block_atom = caf::atom_constant<caf::atom("hasblock")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
// rpc -> chain: (summary_atom, Hash256) -> std::optional<BlockSummary>;
// (hash_at_atom, int height) -> std::optional<Hash256> on the active chain;
// (branch_tips_atom) -> std::vector<BranchTip>; (verify_atom) -> std::string ("" when equal).
using summary_atom = caf::atom_constant<caf::atom("summary")>;
using hash_at_atom = caf::atom_constant<caf::atom("hashat")>;
using branch_tips_atom = caf::atom_constant<caf::atom("brtips")>;
using verify_atom = caf::atom_constant<caf::atom("verify")>;

// ---- mempool, miner, node -----------------------------------------------------------------
using submit_tx_atom = caf::atom_constant<caf::atom("submittx")>;
using get_tx_atom = caf::atom_constant<caf::atom("gettx")>;
using missing_txs_atom = caf::atom_constant<caf::atom("missingtx")>;
using select_txs_atom = caf::atom_constant<caf::atom("selecttx")>;
using size_atom = caf::atom_constant<caf::atom("size")>;
using mine_atom = caf::atom_constant<caf::atom("mine")>;
using found_atom = caf::atom_constant<caf::atom("found")>;
using announce_atom = caf::atom_constant<caf::atom("announce")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;

// ---- utxo_indexer (actors/utxo_indexer.hpp) ----------------------------------------------
using balance_atom = caf::atom_constant<caf::atom("balance")>;
using coins_atom = caf::atom_constant<caf::atom("coins")>;
using coin_atom = caf::atom_constant<caf::atom("coin")>;

// ---- node <-> peer_session (actors/node.hpp, actors/peer_session.hpp) ---------------------
// session -> node: handshake done; (peer_up_atom, caf::actor session, std::string endpoint)
// with the peer's listening endpoint ("127.0.0.1:8001"; empty when it listens nowhere).
using peer_up_atom = caf::atom_constant<caf::atom("peerup")>;
// session -> node: (session_atom, caf::actor session) as it starts, so announces made during
// its handshake reach it (it holds them until the handshake is done).
using session_atom = caf::atom_constant<caf::atom("session")>;
// session -> node: (peer_down_atom, caf::actor session): the connection is gone.
using peer_down_atom = caf::atom_constant<caf::atom("peerdown")>;
// session -> node: (peer_addrs_atom, AddressList) from an addr message.
// node -> session: (peer_addrs_atom, AddressList): send them as addr.
using peer_addrs_atom = caf::atom_constant<caf::atom("peeraddrs")>;
// node -> session: (getaddr_atom): send getaddr (the node does on each outbound connection).
using getaddr_atom = caf::atom_constant<caf::atom("getaddr")>;
// session -> node: (latency_atom, caf::actor session, int64_t ms): a ping's round trip.
using latency_atom = caf::atom_constant<caf::atom("latency")>;
// listener -> node: (inbound_atom, caf::actor session): an accepted connection's session.
using inbound_atom = caf::atom_constant<caf::atom("inbound")>;
// node -> session: (announce_atom, uint32_t inv_type, std::vector<Hash256>): send an inv.
// mempool -> node: (announce_atom, uint32_t inv_type, std::vector<Hash256>, caf::actor source):
// announce to every peer but the source.
// session's own timers: time to ping; (ping_timeout_atom, uint64_t nonce) the pong's deadline;
// the handshake's deadline.
using keepalive_atom = caf::atom_constant<caf::atom("keepalive")>;
using ping_timeout_atom = caf::atom_constant<caf::atom("pingtmout")>;
using handshake_timeout_atom = caf::atom_constant<caf::atom("hstimeout")>;
// sync -> session: (misbehaving_atom, int points, std::string what): the peer sent something
// bad (an invalid or unrequested block); the session adds the points to its score.
using misbehaving_atom = caf::atom_constant<caf::atom("misbehave")>;
// session -> node -> listener: (discourage_atom, std::string host, std::string what): refuse
// this address for the ban time.
using discourage_atom = caf::atom_constant<caf::atom("discourag")>;
// anyone -> node: (peers_atom) -> std::vector<std::string> listening endpoints of ready peers.
using peers_atom = caf::atom_constant<caf::atom("peers")>;
// node's own: send the transaction announcements gathered since the last flush.
using flush_atom = caf::atom_constant<caf::atom("flushinv")>;
// dialler -> listener: (adopt_atom, int socket) -> caf::actor: a session on a connected socket.
using adopt_atom = caf::atom_constant<caf::atom("adopt")>;
// dialler -> node: (dialled_atom, std::string endpoint, caf::actor session, std::string error):
// the outbound connection's session, or a null actor and why it failed.
using dialled_atom = caf::atom_constant<caf::atom("dialled")>;
// node's own: try an outbound connection to (connect_atom, std::string endpoint).
using connect_atom = caf::atom_constant<caf::atom("connect")>;
// mempool -> miner: (mempool_changed_atom, uint64_t size).
using mempool_changed_atom = caf::atom_constant<caf::atom("mpchanged")>;
// chain's own: publish the tip changes and verdicts held back while blocks were queued.
using publish_atom = caf::atom_constant<caf::atom("publish")>;

// The chain's best tip as others need it.
struct TipInfo {
  Hash256 hash;
  int height = -1;               // -1: no chain yet (a node waiting to adopt a peer's genesis)
  int64_t median_time_past = 0;  // of the chain ending at the tip (a miner's earliest time)
};

// What became of a submitted block.
struct BlockVerdict {
  Hash256 hash;
  bool accepted = false;  // stored (new tip, side branch, already had, or orphan)
  bool new_tip = false;
  std::string outcome;  // "new-tip", "side-branch", "already-have", "orphan", or the reason
  // When refused: what the failure means (chain/result.hpp). The sync coordinator charges the
  // sender by it and the planner decides by it whether the block is asked for again.
  ErrorKind kind = ErrorKind::kInvalid;
  TipInfo tip;
};

// Published by the chain to its subscribers after every tip change.
struct TipChanged {
  TipInfo tip;
  std::vector<Hash256> connected;          // in connection order
  std::vector<Hash256> disconnected;       // in disconnection order
  std::vector<TxPtr> confirmed;            // now in the active chain (mempool evicts)
  std::vector<TxPtr> returned_to_mempool;  // from disconnected blocks, not in the new chain
  // The session whose block ended `connected`, so it has them all: no need to announce them to
  // it. None for blocks mined here or when orphans it did not send connected after its block.
  caf::actor source;
};

}  // namespace ac::actors

// Hash256 has begin()/end() but no value_type: CAF's serializability probe treats it as a
// container and fails to compile on any message holding one. It only travels between local
// actors, so declare it not serializable; the whitelist below then admits it.
template <size_t N>
struct caf::detail::is_serializable<ac::HashBytes<N>> : std::false_type {};

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::BlockPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<ac::actors::BlockPtr>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::TxPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<ac::actors::TxPtr>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<ac::Hash256>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::Hash256)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::TipInfo)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::BlockVerdict)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::TipChanged)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<ac::actors::BlockSummary>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<ac::Hash256>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<ac::BranchTip>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::ErrorKind)
