// The node actor's state and its connection keeping (private to actors/node.cpp and
// actors/node_connections.cpp): the table of live sessions with what each gave us, the
// bootstrap peers' reconnection backoff, outbound slot refilling from the address book,
// inbound eviction, and address relay.
#pragma once

#include <caf/typed_actor.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "actors/address_book_actor.hpp"
#include "actors/listener.hpp"
#include "actors/node.hpp"
#include "actors/node_actor.hpp"
#include "actors/peer_session.hpp"

namespace ac::actors {

// The node's own timers: send the transaction announcements gathered since the last flush;
// look for empty outbound slots and bootstrap peers due for a retry.
struct FlushTxAnnounces {};
struct RefillTick {};

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::FlushTxAnnounces)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::RefillTick)

namespace ac::actors {

// An addr message of at most this many addresses is news worth relaying (a getaddr answer is
// not), as Bitcoin Core.
inline constexpr size_t kMaxAddressesRelayed = 10;
// Each fresh address goes to this many peers, not to all.
inline constexpr size_t kAddressRelayFanout = 2;

enum class Direction { unknown, inbound, outbound, bootstrap };

struct PeerInfo {
  std::string endpoint;  // its listening endpoint: dialled, or from its version; "" unknown
  Direction direction = Direction::unknown;
  bool ready = false;    // handshake done
  bool evicted = false;  // told to go to make room
  // Its handshake finished before the dialler or the listener told us of it (their reports and
  // the session's come by different paths, in either order): the listening endpoint it
  // reported, handled once its direction is known.
  std::optional<std::string> pending_up;
  int64_t connected_ms = 0;
  int64_t last_block_ms = 0;
  int64_t last_tx_ms = 0;
  int64_t ping_ms = -1;
};

// The live sessions of a node.
class PeerTable {
 public:
  PeerInfo& add(const SessionActor& session, int64_t now_ms);
  PeerInfo* find(const SessionActor& session);
  std::optional<SessionActor> find_by_address(const caf::actor_addr& address) const;
  void erase(const SessionActor& session) { sessions_.erase(session); }
  const std::map<SessionActor, PeerInfo>& sessions() const { return sessions_; }

  void record_latency(const SessionActor& session, int64_t round_trip_ms);
  void record_block(const SessionActor& session, int64_t now_ms);
  void record_tx(const SessionActor& session, int64_t now_ms);

  size_t count(Direction direction) const;
  size_t ready_count() const;
  bool has_endpoint(const std::string& endpoint) const;
  std::vector<std::string> endpoints() const;        // of every session that has one
  std::vector<std::string> ready_endpoints() const;  // of the sessions whose handshake is done

 private:
  std::map<SessionActor, PeerInfo> sessions_;
};

// The reconnection delay of a bootstrap peer: 1 s after a failure or a drop, doubling to 60 s.
struct Backoff {
  std::chrono::steady_clock::time_point next_try{};
  std::chrono::seconds delay{1};
  bool failing = false;  // its failure was logged; the next ones are not, until it works

  void failed();
  void succeeded() {
    delay = std::chrono::seconds(1);
    failing = false;
  }
};

struct NodeState {
  PeerContextPtr context;
  NodeConfig config;
  std::string our_endpoint;
  ListenerActor listener;
  AddressBookActor book;
  PeerTable peers;
  std::map<std::string, Direction> dialling;  // endpoint -> the kind of connection it becomes
  std::map<std::string, Backoff> bootstrap;   // the --connect endpoints
  std::map<std::string, std::chrono::steady_clock::time_point> discouraged;  // host -> until
  BanListPtr bans;         // setban's ranges: never dialled
  bool selecting = false;  // an address book select is on its way
  bool alone_reported = false;
  std::mt19937_64 random{std::random_device{}()};
  // Set once the node's shutdown begins (begin_node_shutdown, or the node going down): nothing
  // more is dialled, and connection attempts still waiting give up without a word.
  std::shared_ptr<std::atomic<bool>> stopping = std::make_shared<std::atomic<bool>>(false);
  ~NodeState() { stopping->store(true); }
  bool shutting_down() const { return stopping->load(); }
  // Accepted transactions not announced yet, with the session each came from.
  std::vector<std::pair<Hash256, SessionActor>> pending_tx_announces;
  // BIP152: the peers asked to push new blocks to us as cmpctblock (high bandwidth), most
  // recent first: the last kCompactRelays that gave us a new block, as Core picks them.
  std::deque<SessionActor> compact_relays;
  // The last block relayed before it was connected (NewPowValidBlock) and its cmpctblock: its
  // announcement once connected reuses them.
  BlockPtr early_block;
  std::shared_ptr<const net::CmpctBlock> early_compact;
  // AwaitPeer requests not answered yet: the endpoint each waits for.
  std::vector<std::pair<std::string, caf::typed_response_promise<bool>>> peer_waiters;
  static inline const char* name = "node";
};

// The node actor as it implements NodeActor, with its own timers.
using NodeImpl = NodeActor::extend<caf::reacts_to<FlushTxAnnounces>, caf::reacts_to<RefillTick>>;
using Node = NodeImpl::stateful_base<NodeState>;

int64_t now_ms();
// "localhost:8000" -> "127.0.0.1:8000"; other endpoints unchanged.
std::string normalize_endpoint(const std::string& endpoint);

// Dials bootstrap peers due for a retry and fills empty outbound slots from the address book.
void refill(Node* self);
void on_dialled(Node* self, const std::string& endpoint, const SessionActor& session,
                const std::string& error);
// An accepted connection: evicts an inbound peer when the node is over max_peers.
void on_inbound(Node* self, const SessionActor& session);
void on_peer_up(Node* self, const SessionActor& session, const std::string& listen_endpoint);
void forget_session(Node* self, const SessionActor& session);
// Hands addresses from `source` (a session; null for our own findings) to the address book and
// relays the fresh ones (when there are at most kMaxAddressesRelayed).
void learn_addresses(Node* self, AddressList addresses, const SessionActor& source);
// Sends `addresses` in an addr to kAddressRelayFanout random ready peers other than `source`.
void relay_addresses(Node* self, const AddressList& addresses, const SessionActor& source);

}  // namespace ac::actors
