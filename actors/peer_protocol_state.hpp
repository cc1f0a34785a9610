// The peer protocol's state and the steps its files share (actors/peer_protocol.cpp: handshake,
// ping, dispatch, scoring; actors/peer_serving.cpp: getblocks, getheaders, paced getdata and
// getaddr; actors/peer_announce.cpp: what we announce; actors/peer_headers.cpp: the peer's headers;
// actors/peer_tx_admission.cpp: the peer's transactions on their way to the mempool;
// actors/peer_compact.cpp: BIP152 compact blocks). Internal to those files.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "actors/misbehaviour.hpp"
#include "actors/peer_protocol.hpp"
#include "actors/peer_session.hpp"
#include "net/compact_block.hpp"
#include "net/messages.hpp"
#include "net/rolling_bloom.hpp"

namespace ac::actors {

// The per-peer memory of announced hashes, as a rolling Bloom filter of about 54 KB: forgetting
// costs a redundant inv; a false positive (one in a million) one announcement the peer then
// gets from its other peers. It has to hold what is announced while a hash still spreads
// (seconds): 5,000 is minutes of Bitcoin's transaction rate. Every peer has one, so its size is
// most of a well-connected node's own memory: at 20,000 (216 KB) the filters were 7.5 of the
// 14 MiB of a node with 35 peers in the 100-node bench.
inline constexpr size_t kKnownInventory = 5'000;
inline constexpr double kKnownInventoryFalsePositiveRate = 0.000001;

// The protocol's own timers: the handshake's deadline, time to ping, the pong's deadline.
struct HandshakeTimeout {};
struct KeepaliveDue {};
struct PingTimeout {
  uint64_t nonce = 0;
};

struct ProtocolState {
  PeerContextPtr context;
  TransportActor transport;                  // null until attached
  std::vector<net::Message> unattached_out;  // sent before the transport was attached
  std::string peer;                          // "127.0.0.1:8000" as the socket sees it
  std::string host;                          // "127.0.0.1": what discouragement is keyed by
  net::TraceConnection trace;                // how the trace file names this connection
  // Told to discourage a misbehaving peer's address directly, so that the address is refused
  // before the peer can reconnect (the listener's mailbox has it before the socket closes).
  ListenerActor listener;
  int misbehaviour = 0;
  std::optional<uint64_t> ping_nonce;  // our ping awaiting its pong
  std::chrono::steady_clock::time_point ping_sent;
  bool getaddr_answered = false;  // one addr answer per connection, as Bitcoin Core
  // getdata items not answered yet, served a batch at a time while the peer keeps reading.
  std::deque<net::InvItem> getdata_queue;
  bool serving = false;      // a batch is being fetched
  bool window_open = true;   // the transport's unsent bytes are below kSendWindow
  bool send_paused = false;  // serving waits for the window to open again
  bool version_sent = false;
  bool verack_owed = false;
  bool version_received = false;
  bool verack_received = false;
  bool ready = false;
  bool closed = false;
  // Requests to other actors not answered yet: the session quits only when none is left.
  int pending_requests = 0;
  // The peer's transactions: at most kMaxTxsInFlight handed to the mempool at a time, the
  // rest waiting here in order (bounded by kMaxWaitingTxBytes).
  int txs_in_flight = 0;
  std::deque<std::pair<TxPtr, size_t>> waiting_txs;  // with its serialized size
  size_t waiting_tx_bytes = 0;
  caf::error exit_reason;
  std::string listen_endpoint;  // the peer's, from its version
  int32_t best_height = -1;
  int32_t own_height = -1;  // our tip's height as our version told it
  // Hashes the peer announced, sent us or got from us: not announced to it again (for at
  // least the last kKnownInventory of them).
  net::RollingBloomFilter known_inventory{kKnownInventory, kKnownInventoryFalsePositiveRate};
  // Announces that came before the handshake finished: sent once it has.
  std::vector<AnnounceInventory> pending_announces;
  // From the peer's version: its protocol version, and whether it wants transactions announced
  // (BIP37's relay flag; a blocks-only peer says no).
  int32_t peer_version = 0;
  bool relay_txs = true;
  // BIP130: the peer sent sendheaders, so new blocks are announced to it by their headers.
  bool prefer_headers = false;
  // The last blocks the peer is known to have, newest last (it announced or sent them, or got
  // them or their headers from us): a headers announcement needs the peer to have the parent.
  std::deque<Hash256> blocks_peer_has;
  // Headers messages in a row whose first header's parent we did not know (Core's
  // nUnconnectingHeaders), and whether our getheaders for them is unanswered.
  int unconnecting_headers = 0;
  bool getheaders_pending = false;
  // Core's hashContinue: the last hash of our last full getblocks answer; once that block is
  // served, the tip is announced so the peer asks for the next batch.
  std::optional<Hash256> hash_continue;
  // BIP152. The peer sent sendcmpct version 1 (it understands cmpctblock), with high bandwidth
  // (it wants new blocks pushed as cmpctblock); the node asked us to want that of the peer.
  bool peer_speaks_compact = false;
  bool push_compact_to_peer = false;
  bool compact_from_peer = false;
  std::optional<bool> compact_mode_sent;  // what our last sendcmpct said
  // The block being rebuilt from the peer's cmpctblock while our getblocktxn is unanswered.
  std::optional<net::PartialBlock> rebuilding;
  // The last block pushed to the peer as a cmpctblock: its getblocktxn is answered from it,
  // also when it was pushed before the chain connected (stored) it.
  std::shared_ptr<const Block> pushed_block;
  // BIP152 low bandwidth: the block the peer announced by a single header on our tip, to be
  // asked for as MSG_CMPCT_BLOCK when the sync coordinator asks it of this peer; and the one so
  // asked, fetched whole from this peer should its cmpctblock not rebuild.
  std::optional<Hash256> compact_wanted;
  std::optional<Hash256> compact_asked;
  // The blocks our node told this session of (AnnounceInventory: it has them, or is connecting
  // them), newest last: the peer's announcements of them need no trip to the chain.
  std::deque<Hash256> our_blocks;
  // What getpeerinfo reports, as learnt (actors/peer_reporting.cpp).
  PeerReport known;
  static inline const char* name = "peer_protocol";
};

// The protocol as it runs: its interface and its timers.
using ProtocolWithTimers = ProtocolActor::extend<caf::reacts_to<HandshakeTimeout>,  //
                                                 caf::reacts_to<KeepaliveDue>,      //
                                                 caf::reacts_to<PingTimeout>>;
using Protocol = ProtocolWithTimers::stateful_base<ProtocolState>;

inline SessionActor self_handle(Protocol* self) {
  return caf::actor_cast<SessionActor>(self);
}

inline void remember(ProtocolState& state, const Hash256& hash) {
  state.known_inventory.insert(hash);
}

std::vector<net::InvItem> items_of(uint32_t type, const std::vector<Hash256>& hashes);

// The peer has this block (it announced or sent it, or got it or its header from us).
void note_peer_has(ProtocolState& state, const Hash256& hash);
bool peer_has(const ProtocolState& state, const Hash256& hash);
// Our node has this block, or is connecting it (it told this session of it).
bool we_have(const ProtocolState& state, const Hash256& hash);

// To the peer, through the transport.
void send_message(Protocol* self, net::Message message);
// Ends the session on our side with one log line.
void disconnect(Protocol* self, const std::string& reason);
// Adds `points` to the peer's score; at the limit the peer is disconnected and its address
// discouraged (refused for the ban time), unless the address is shared by local tools.
void misbehaving(Protocol* self, int points, const std::string& what);
// Charges the peer what a bad input costs (actors/misbehaviour.hpp).
void pay(Protocol* self, Penalty penalty, const std::string& what);

// A session quits once it is closed and every request it made has been answered, so no
// answer arrives at an actor that is gone and what it holds is released.
void quit_when_idle(Protocol* self);

// Sends a request whose handlers must begin with `if (answered(self)) return;`.
template <class Handle, class... Args>
auto ask(Protocol* self, const Handle& whom, Args&&... args) {
  ++self->state.pending_requests;
  return self->request(whom, caf::infinite, std::forward<Args>(args)...);
}

// Books an answer; true when the session has closed meanwhile (the answer is then dropped).
bool answered(Protocol* self);

// A message to ourselves after `delay`, sent anonymously, so a timer due after the session
// quit finds nobody to keep alive.
template <class... Ts>
void set_timer(Protocol* self, std::chrono::seconds delay, Ts&&... xs) {
  caf::delayed_anon_send(caf::actor_cast<ProtocolWithTimers>(self), delay, std::forward<Ts>(xs)...);
}

// peer_handshake.cpp
// Our version, with our chain's height; the verack owed, if the peer's version came first.
void send_version(Protocol* self, int32_t height);
void on_version(Protocol* self, const net::Version& version);
// Once both versions and veracks have crossed: the session is ready (once).
void maybe_ready(Protocol* self);

// peer_serving.cpp
void on_getblocks(Protocol* self, const net::GetBlocks& request);
void on_getheaders(Protocol* self, const net::GetHeaders& request);
// A sample of the address book, once per connection.
void on_getaddr(Protocol* self);
void on_getdata(Protocol* self, const net::GetData& request);
// The transport's send window opened or closed.
void on_send_window(Protocol* self, bool open);

// peer_announce.cpp
// What the node asks us to announce: blocks by headers or inv, transactions by inv.
void on_announce(Protocol* self, const AnnounceInventory& announcement);
// An inv of the hashes the peer does not know of yet.
void announce(Protocol* self, uint32_t type, const std::vector<Hash256>& hashes);
// BIP35: an inv of our mempool's transactions the peer does not know of yet.
void on_mempool_request(Protocol* self);

// peer_headers.cpp
// BIP130: the peer's headers, checked, then their blocks fetched as an inv's would be.
void on_headers(Protocol* self, const net::Headers& message);

// peer_tx_admission.cpp
void on_tx(Protocol* self, TxPtr tx);

// peer_compact.cpp (BIP152)
// After the handshake, and when the node changes its mind: sendcmpct, high bandwidth or not.
void send_compact_mode(Protocol* self);
// The node (SetCompactRelay) wants new blocks pushed by this peer, or no longer.
void on_compact_relay(Protocol* self, bool high_bandwidth);
// A new block pushed to a peer that asked for that, when it has the parent; false otherwise.
bool push_compact_block(Protocol* self, const AnnounceInventory& announcement);
// The peer's four BIP152 messages.
template <class T>
inline constexpr bool kIsCompactMessage =
    std::is_same_v<T, net::SendCmpct> || std::is_same_v<T, net::CmpctBlock> ||
    std::is_same_v<T, net::GetBlockTxn> || std::is_same_v<T, net::BlockTxn>;
void on_compact(Protocol* self, const net::SendCmpct& message);
void on_compact(Protocol* self, const net::CmpctBlock& compact);
void on_compact(Protocol* self, const net::GetBlockTxn& request);
void on_compact(Protocol* self, const net::BlockTxn& answer);
// A getdata item of type MSG_CMPCT_BLOCK: a cmpctblock for a recent block, the whole block
// for an older one (as Core); calls finish_serving when done.
void serve_compact_block(Protocol* self, const Hash256& hash);

// peer_serving.cpp: one getdata item served; on to the next.
void finish_serving(Protocol* self);

// peer_reporting.cpp
void note_version(ProtocolState& state, const net::Version& version);
// The peer announced or sent us this block.
void note_block_known(ProtocolState& state, const Hash256& hash);
void note_pong(ProtocolState& state, std::chrono::microseconds round_trip);
// Answers GetPeerReport, with the transport's traffic when it is there to ask.
caf::result<PeerReport> report_peer(Protocol* self);

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::HandshakeTimeout)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::KeepaliveDue)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PingTimeout)
