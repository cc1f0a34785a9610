#include "actors/peer_session.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <fmt/format.h>
#include <openssl/rand.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <atomic>
#include <ctime>
#include <deque>
#include <optional>

#include "actors/frame_reader.hpp"
#include "actors/misbehaviour.hpp"
#include "net/messages.hpp"
#include "net/rolling_bloom.hpp"

namespace ac::actors {
namespace {

// The session's own timers: the handshake's deadline, time to ping, the pong's deadline.
struct HandshakeTimeout {};
struct KeepaliveDue {};
struct PingTimeout {
  uint64_t nonce = 0;
};

}  // namespace
}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::HandshakeTimeout)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::KeepaliveDue)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PingTimeout)

namespace ac::actors {
namespace {

// The session as a broker: its public interface, the socket's events and its timers.
using SessionBroker = SessionActor::extend<caf::reacts_to<caf::io::new_data_msg>,          //
                                           caf::reacts_to<caf::io::data_transferred_msg>,  //
                                           caf::reacts_to<caf::io::connection_closed_msg>,
                                           caf::reacts_to<HandshakeTimeout>,  //
                                           caf::reacts_to<KeepaliveDue>,      //
                                           caf::reacts_to<PingTimeout>>;

// The per-peer memory of announced hashes, as a rolling Bloom filter of about 216 KB: forgetting
// costs a redundant inv; a false positive (one in a million) one announcement the peer then
// gets from its other peers.
constexpr size_t kKnownInventory = 20'000;
constexpr double kKnownInventoryFalsePositiveRate = 0.000001;

struct SessionState {
  PeerContextPtr context;
  // Told to discourage a misbehaving peer's address directly, so that the address is refused
  // before the peer can reconnect (the listener's mailbox has it before the socket closes).
  ListenerActor listener;
  caf::io::connection_handle handle;
  std::optional<FrameReader> reader;
  std::string peer;            // "127.0.0.1:8000" as the socket sees it
  std::string host;            // "127.0.0.1": what discouragement is keyed by
  net::TraceConnection trace;  // how the trace file names this connection
  int misbehaviour = 0;
  std::optional<uint64_t> ping_nonce;  // our ping awaiting its pong
  std::chrono::steady_clock::time_point ping_sent;
  bool getaddr_answered = false;  // one addr answer per connection, as Bitcoin Core
  // getdata items not answered yet, served a batch at a time while the peer keeps reading.
  std::deque<net::InvItem> getdata_queue;
  bool serving = false;      // a batch is being fetched
  bool send_paused = false;  // the peer reads too slowly: no more is served until it catches up
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
  // Hashes the peer announced, sent us or got from us: not announced to it again (for at
  // least the last kKnownInventory of them).
  net::RollingBloomFilter known_inventory{kKnownInventory, kKnownInventoryFalsePositiveRate};
  // Announces that came before the handshake finished: sent once it has.
  std::vector<std::pair<uint32_t, std::vector<Hash256>>> pending_announces;
  static inline const char* name = "peer_session";
};

using Session = SessionBroker::stateful_broker_pointer<SessionState>;

constexpr size_t kMaxPendingAnnounces = 1'000;
// Unsent bytes above which getdata is no longer served until the peer has read what it asked
// for (Bitcoin Core pauses at about 1 MB the same way).
constexpr size_t kSendWindow = 1024 * 1024;
// Blocks fetched from the chain in one request when answering getdata.
constexpr size_t kBlocksPerFetch = 16;
constexpr int kMaxTxsInFlight = 64;
// A peer sending transactions faster than the mempool checks them is dropped past this.
constexpr size_t kMaxWaitingTxBytes = 4 * 1024 * 1024;
// getdata items waiting to be served: honest peers keep at most a few hundred blocks in flight.
constexpr size_t kMaxQueuedGetData = 2 * net::kMaxInventoryItems;

// A message to ourselves after `delay`, sent anonymously: in CAF 0.17 a broker that has quit
// can still receive a due timer into its mailbox, and a message naming the broker as its
// sender would then keep the broker, and itself, alive forever (a leak at every disconnect).
template <class... Ts>
void set_timer(Session self, std::chrono::seconds delay, Ts&&... xs) {
  caf::delayed_anon_send(caf::actor_cast<SessionBroker>(self), delay, std::forward<Ts>(xs)...);
}

void remember(SessionState& state, const Hash256& hash) {
  state.known_inventory.insert(hash);
}

SessionActor self_handle(Session self) {
  return SessionActor{self};
}

void notify_gone(Session self) {
  auto& state = self->state;
  auto me = self_handle(self);
  if (state.context->sync) self->send(state.context->sync, PeerGone{me});
  self->send(state.context->node, PeerDown{me});
}

// Shuts the socket down both ways. CAF closes a connection gracefully: bytes not yet written
// are written first, so a peer that stops reading would keep the connection, and the whole
// middleman at shutdown, waiting forever. The default multiplexer names a connection by its
// socket, so the handle's id is the descriptor.
void abort_socket(const caf::io::connection_handle& handle) {
  ::shutdown(static_cast<int>(handle.id()), SHUT_RDWR);
}

// A session quits once it is closed and every request it made has been answered: a CAF 0.17
// broker that quits with a response still to come is never destroyed, and what it holds (the
// chain actor among others) then keeps the node from shutting down.
void quit_when_idle(Session self) {
  auto& state = self->state;
  if (state.closed && state.pending_requests == 0) self->quit(state.exit_reason);
}

// Sends a request whose handlers must begin with `if (answered(self)) return;`.
template <class Handle, class... Args>
auto ask(Session self, const Handle& whom, Args&&... args) {
  ++self->state.pending_requests;
  return self->request(whom, caf::infinite, std::forward<Args>(args)...);
}

// Books an answer; true when the session has closed meanwhile (the answer is then dropped).
bool answered(Session self) {
  --self->state.pending_requests;
  if (!self->state.closed) return false;
  quit_when_idle(self);
  return true;
}

// Ends the session on our side with one log line.
void disconnect(Session self, const std::string& reason) {
  auto& state = self->state;
  if (state.closed) return;
  state.context->log->line(fmt::format("disconnecting {}: {}", state.peer, reason), &state.trace);
  state.closed = true;
  abort_socket(state.handle);
  self->close(state.handle);
  notify_gone(self);
  quit_when_idle(self);
}

// What a flush could not hand to the socket yet: it only grows while the peer does not read.
size_t unsent_bytes(Session self) {
  return self->wr_buf(self->state.handle).size();
}

void send_message(Session self, const net::Message& message) {
  auto& state = self->state;
  if (state.closed) return;
  Bytes frame = net::encode_frame(state.context->magic, message);
  net::Checksum checksum;
  std::copy_n(frame.begin() + net::kHeaderBytes - checksum.size(), checksum.size(),
              checksum.begin());
  state.context->log->trace(state.trace, true, checksum, frame.size() - net::kHeaderBytes, message);
  self->write(state.handle, frame.size(), frame.data());
  self->flush(state.handle);
  if (unsent_bytes(self) > state.context->limits.max_send_buffer)
    disconnect(self, fmt::format("send buffer over {} bytes: peer not reading",
                                 state.context->limits.max_send_buffer));
}

// Adds `points` to the peer's score; at the limit the peer is disconnected and its address
// discouraged (refused for the ban time), unless the address is shared by local tools.
void misbehaving(Session self, int points, const std::string& what) {
  auto& state = self->state;
  if (state.closed || points <= 0) return;
  state.misbehaviour += points;
  state.context->log->line(fmt::format("peer {} misbehaving (+{}, score {}): {}", state.peer,
                                       points, state.misbehaviour, what),
                           &state.trace);
  if (state.misbehaviour < kDiscourageScore) return;
  if (!is_discouragement_exempt(state.host))
    self->send(state.listener, DiscourageHost{state.host, what});
  disconnect(self, what);
}

// Charges the peer what a bad input costs (actors/misbehaviour.hpp).
void pay(Session self, Penalty penalty, const std::string& what) {
  misbehaving(self, penalty.points, what);
  if (penalty.disconnect) disconnect(self, what);
}

std::vector<net::InvItem> items_of(uint32_t type, const std::vector<Hash256>& hashes) {
  std::vector<net::InvItem> items;
  items.reserve(hashes.size());
  for (const Hash256& hash : hashes) items.push_back(net::InvItem{type, hash});
  return items;
}

void send_version(Session self, int32_t height) {
  auto& state = self->state;
  net::Version version;
  version.services = net::kNodeNetwork;
  version.timestamp = std::time(nullptr);
  auto remote = net::NetAddress::from_endpoint(state.peer);
  if (remote) version.addr_recv = *remote;
  version.addr_from = state.context->listen_address;
  version.nonce = state.context->version_nonce;
  version.user_agent = "/actorchain:0.1/";
  version.start_height = height;
  send_message(self, version);
  state.version_sent = true;
  if (state.verack_owed) {
    state.verack_owed = false;
    send_message(self, net::Verack{});
  }
}

// An inv of the hashes the peer does not know of yet.
void announce(Session self, uint32_t type, const std::vector<Hash256>& hashes) {
  auto& state = self->state;
  std::vector<Hash256> fresh;
  for (const Hash256& hash : hashes)
    if (!state.known_inventory.contains(hash)) fresh.push_back(hash);
  for (const Hash256& hash : fresh) remember(state, hash);
  if (!fresh.empty()) send_message(self, net::Inv{items_of(type, fresh)});
}

void maybe_ready(Session self) {
  auto& state = self->state;
  if (state.ready || !state.version_received || !state.verack_received) return;
  state.ready = true;
  state.context->log->event("handshake", "handshake done with " + state.peer, "", &state.trace);
  for (const auto& [type, hashes] : state.pending_announces) announce(self, type, hashes);
  state.pending_announces.clear();
  auto me = self_handle(self);
  set_timer(self, state.context->limits.ping_interval, KeepaliveDue{});
  self->send(state.context->node, PeerUp{me, state.listen_endpoint});
  if (state.context->sync) self->send(state.context->sync, PeerReady{me, state.best_height});
}

void on_version(Session self, const net::Version& version) {
  auto& state = self->state;
  if (state.version_received) return;
  if (version.nonce == state.context->version_nonce) {
    disconnect(self, "connected to ourselves (our own version nonce came back)");
    return;
  }
  state.version_received = true;
  state.best_height = version.start_height;
  if (version.addr_from.port != 0) {
    // A node listening on every interface (0.0.0.0) names no address: it is reachable where
    // this connection comes from.
    net::NetAddress listening = version.addr_from;
    auto unspecified = net::NetAddress::from_host(listening.is_ipv4() ? "0.0.0.0" : "::", 0);
    if (unspecified && listening.ip == unspecified->ip) {
      auto here = net::NetAddress::from_host(state.host, listening.port);
      if (here) listening.ip = here->ip;
    }
    state.listen_endpoint = listening.endpoint();
  }
  // Our version goes first: when the chain's tip is not known yet, the verack waits for it.
  if (state.version_sent)
    send_message(self, net::Verack{});
  else
    state.verack_owed = true;
  maybe_ready(self);
}

void on_getblocks(Session self, const net::GetBlocks& request) {
  ask(self, self->state.context->chain, GetHashesAfter{request.locator, request.hash_stop})
      .then(
          [=](const std::vector<Hash256>& hashes) {
            if (answered(self)) return;
            if (!hashes.empty()) send_message(self, net::Inv{items_of(net::kMsgBlock, hashes)});
          },
          [=](caf::error&) { answered(self); });
}

void serve_getdata(Session self);

void finish_batch(Session self) {
  self->state.serving = false;
  if (answered(self)) return;
  serve_getdata(self);
}

void serve_blocks(Session self, std::vector<Hash256> hashes) {
  ask(self, self->state.context->chain, GetBlocks{hashes})
      .then(
          [=](const std::vector<BlockPtr>& blocks) {
            if (self->state.closed) return finish_batch(self);
            std::vector<net::InvItem> missing;
            for (size_t i = 0; i < hashes.size(); ++i) {
              if (i < blocks.size() && blocks[i]) {
                remember(self->state, hashes[i]);
                send_message(self, net::BlockMessage{*blocks[i]});
              } else {
                missing.push_back(net::InvItem{net::kMsgBlock, hashes[i]});
              }
            }
            if (!missing.empty()) send_message(self, net::NotFound{std::move(missing)});
            finish_batch(self);
          },
          [=](caf::error&) { finish_batch(self); });
}

void serve_tx(Session self, const Hash256& txid) {
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

// Answers the next queued getdata items, one fetch at a time, while the peer reads what it
// asked for. When it falls behind, serving pauses until CAF reports bytes written
// (data_transferred_msg).
void serve_getdata(Session self) {
  auto& state = self->state;
  while (!state.closed && !state.serving && !state.getdata_queue.empty()) {
    if (unsent_bytes(self) >= kSendWindow) {
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
    } else if (first.type == net::kMsgTx && state.context->mempool) {
      state.serving = true;
      serve_tx(self, first.hash);
    } else {
      send_message(self, net::NotFound{{first}});
    }
  }
}

void on_written(Session self) {
  auto& state = self->state;
  if (state.closed || !state.send_paused || unsent_bytes(self) >= kSendWindow) return;
  state.send_paused = false;
  serve_getdata(self);
}

void on_getdata(Session self, const net::GetData& request) {
  auto& state = self->state;
  if (state.getdata_queue.size() + request.items.size() > kMaxQueuedGetData) {
    disconnect(self,
               fmt::format("over {} getdata items waiting: peer not reading", kMaxQueuedGetData));
    return;
  }
  state.getdata_queue.insert(state.getdata_queue.end(), request.items.begin(), request.items.end());
  serve_getdata(self);
}

void on_inv(Session self, const net::Inv& inv) {
  auto& state = self->state;
  std::vector<Hash256> blocks;
  std::vector<Hash256> txs;
  for (const net::InvItem& item : inv.items) {
    remember(state, item.hash);
    if (item.type == net::kMsgBlock) blocks.push_back(item.hash);
    if (item.type == net::kMsgTx) txs.push_back(item.hash);
  }
  if (!blocks.empty() && state.context->sync)
    self->send(state.context->sync, BlocksAnnounced{self_handle(self), std::move(blocks)});
  if (!txs.empty() && state.context->mempool) {
    ask(self, state.context->mempool, GetMissingTxs{std::move(txs)})
        .then(
            [=](const std::vector<Hash256>& missing) {
              if (answered(self)) return;
              if (!missing.empty())
                send_message(self, net::GetData{items_of(net::kMsgTx, missing)});
            },
            [=](caf::error&) { answered(self); });
  }
}

void on_addr(Session self, const net::Addr& addr) {
  AddressList addresses;
  for (const net::TimestampedAddress& entry : addr.addresses)
    if (entry.address.port != 0) addresses.push_back(entry);
  if (!addresses.empty())
    self->send(self->state.context->node,
               AddressesLearned{self_handle(self), std::move(addresses)});
}

// A sample of our address book, once per connection (asking again gets nothing).
void on_getaddr(Session self) {
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

// Hands waiting transactions to the mempool while fewer than kMaxTxsInFlight await a verdict.
void submit_waiting_txs(Session self) {
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

void on_tx(Session self, TxPtr tx) {
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

void handle_message(Session self, net::Message& message, const net::MessageHeader& header) {
  auto& state = self->state;
  // An inbound peer's node id is its listening port, which its version tells.
  if (auto* version = std::get_if<net::Version>(&message);
      version && state.trace.peer_node.empty() && version->addr_from.port != 0)
    state.trace.peer_node = std::to_string(version->addr_from.port);
  state.context->log->trace(state.trace, false, header.checksum, header.payload_bytes, message);
  if (!state.version_received && !std::holds_alternative<net::Version>(message)) {
    misbehaving(self, kDiscourageScore, fmt::format("{} before version", net::command_of(message)));
    return;
  }
  std::visit(
      [&](auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, net::Version>) {
          on_version(self, m);
        } else if constexpr (std::is_same_v<T, net::Verack>) {
          state.verack_received = true;
          maybe_ready(self);
        } else if constexpr (std::is_same_v<T, net::Ping>) {
          send_message(self, net::Pong{m.nonce});
        } else if constexpr (std::is_same_v<T, net::Pong>) {
          if (state.ping_nonce == m.nonce) {
            state.ping_nonce.reset();
            auto round_trip = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - state.ping_sent);
            self->send(state.context->node,
                       PingMeasured{self_handle(self), static_cast<int64_t>(round_trip.count())});
          }
        } else if constexpr (std::is_same_v<T, net::Addr>) {
          on_addr(self, m);
        } else if constexpr (std::is_same_v<T, net::GetAddr>) {
          on_getaddr(self);
        } else if constexpr (std::is_same_v<T, net::GetBlocks>) {
          on_getblocks(self, m);
        } else if constexpr (std::is_same_v<T, net::GetData>) {
          on_getdata(self, m);
        } else if constexpr (std::is_same_v<T, net::Inv>) {
          on_inv(self, m);
        } else if constexpr (std::is_same_v<T, net::NotFound>) {
          std::vector<Hash256> blocks;
          for (const net::InvItem& item : m.items)
            if (item.type == net::kMsgBlock) blocks.push_back(item.hash);
          if (!blocks.empty() && state.context->sync)
            self->send(state.context->sync, BlocksNotFound{self_handle(self), std::move(blocks)});
        } else if constexpr (std::is_same_v<T, net::BlockMessage>) {
          remember(state, m.block.hash());
          if (state.context->sync)
            self->send(
                state.context->sync,
                BlockArrived{self_handle(self), std::make_shared<const Block>(std::move(m.block))});
        } else if constexpr (std::is_same_v<T, net::TxMessage>) {
          remember(state, m.tx.txid());
          on_tx(self, std::make_shared<const Transaction>(std::move(m.tx)));
        }
      },
      message);
}

void on_bytes(Session self, const std::vector<char>& bytes) {
  auto& state = self->state;
  // CAF may still hand over bytes it read in the same burst after we closed: a session that
  // has quit must not start requests (their handlers would keep it, and the node, alive).
  if (state.closed) return;
  auto frames =
      state.reader->feed(ByteSpan(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  if (!frames) {
    pay(self, framing_penalty(frames.kind()), "bad framing: " + frames.error().message());
    // The reader has failed: nothing more can be read from this connection.
    disconnect(self, "bad framing: " + frames.error().message());
    return;
  }
  for (const Frame& frame : *frames) {
    auto message = net::decode_payload(frame.header.command, frame.payload);
    if (!message) {
      Penalty penalty = framing_penalty(message.kind());
      if (penalty == Penalty{}) continue;  // an unknown command: skipped
      pay(self, penalty,
          fmt::format("undecodable {}: {}", frame.header.command, message.error().message()));
      return;
    }
    handle_message(self, *message, frame.header);
    if (state.closed) return;
  }
  self->configure_read(state.handle, caf::io::receive_policy::exactly(state.reader->wanted()));
}

// "127.0.0.1:53412": our end of the socket, written like `peer` (the default multiplexer's
// handle id is the descriptor).
std::string local_endpoint(const caf::io::connection_handle& handle) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(static_cast<int>(handle.id()), reinterpret_cast<sockaddr*>(&address),
                    &length) != 0)
    return "";
  char host[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
    return fmt::format("{}:{}", host, ntohs(v4->sin_port));
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
  inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
  return fmt::format("{}:{}", host, ntohs(v6->sin6_port));
}

// Names the connection for the trace file: a number of this run, both endpoints, and the
// peer's node id when we dialled it (its listening port; an inbound peer's comes with its
// version). Then the "connected" event.
void start_trace(Session self) {
  static std::atomic<uint64_t> last_id{0};
  auto& state = self->state;
  state.trace.id = ++last_id;
  state.trace.local = local_endpoint(state.handle);
  state.trace.peer = state.peer;
  bool inbound =
      state.trace.local.ends_with(":" + std::to_string(state.context->listen_address.port));
  if (!inbound) state.trace.peer_node = std::to_string(self->remote_port(state.handle));
  state.context->log->event(
      "connected", fmt::format("connected {} {}", inbound ? "from" : "to", state.peer),
      fmt::format("\"inbound\":{}", inbound ? "true" : "false"), &state.trace);
}

SessionBroker::behavior_type peer_session(Session self, caf::io::connection_handle handle,
                                          PeerContextPtr context, ListenerActor listener) {
  auto& state = self->state;
  state.context = context;
  state.listener = listener;
  state.handle = handle;
  state.reader.emplace(context->magic);
  state.host = self->remote_addr(handle);
  state.peer = fmt::format("{}:{}", state.host, self->remote_port(handle));
  start_trace(self);
  self->link_to(context->node);
  // A failed request (an actor gone at shutdown) must not take the connection down with it.
  self->set_error_handler([](caf::scheduled_actor*, caf::error&) {});
  // Going down with the node: nothing more is owed to the peer.
  self->set_exit_handler([=](caf::exit_msg& exit) {
    auto& s = self->state;
    if (!s.closed) {
      s.closed = true;
      abort_socket(s.handle);
      self->close(s.handle);
    }
    s.exit_reason = std::move(exit.reason);
    quit_when_idle(self);
  });
  self->configure_read(handle, caf::io::receive_policy::exactly(state.reader->wanted()));
  self->ack_writes(handle, true);
  self->send(context->node, SessionStarted{self_handle(self)});
  ask(self, context->chain, GetTip{})
      .then(
          [=](const TipInfo& tip) {
            if (answered(self)) return;
            send_version(self, tip.height);
          },
          [=](caf::error&) { answered(self); });
  set_timer(self, context->limits.handshake_timeout, HandshakeTimeout{});
  return {
      [=](const caf::io::new_data_msg& msg) { on_bytes(self, msg.buf); },
      [=](const caf::io::data_transferred_msg&) { on_written(self); },
      [=](const caf::io::connection_closed_msg&) {
        auto& s = self->state;
        if (s.closed) return;
        s.context->log->line(fmt::format("peer {} closed the connection", s.peer), &s.trace);
        s.closed = true;
        notify_gone(self);
        quit_when_idle(self);
      },
      [=](HandshakeTimeout) {
        auto& s = self->state;
        if (!s.ready)
          disconnect(self, fmt::format("no handshake within {} s",
                                       s.context->limits.handshake_timeout.count()));
      },
      [=](KeepaliveDue) {
        auto& s = self->state;
        if (!s.ping_nonce) {
          s.ping_nonce = random_nonce();
          s.ping_sent = std::chrono::steady_clock::now();
          send_message(self, net::Ping{*s.ping_nonce});
          set_timer(self, s.context->limits.ping_timeout, PingTimeout{*s.ping_nonce});
        }
        set_timer(self, s.context->limits.ping_interval, KeepaliveDue{});
      },
      [=](const PingTimeout& timeout) {
        auto& s = self->state;
        if (s.ping_nonce != timeout.nonce) return;
        // While its input is paused the peer's pong cannot be read: it has not read what we
        // sent for that long.
        if (s.send_paused)
          disconnect(self, fmt::format("send buffer full for {} s: peer not reading",
                                       s.context->limits.ping_timeout.count()));
        else
          disconnect(self,
                     fmt::format("no pong within {} s", s.context->limits.ping_timeout.count()));
      },
      [=](const ChargeMisbehaviour& charge) { misbehaving(self, charge.points, charge.what); },
      [=](const RequestBlocks& request) {
        if (!request.hashes.empty())
          send_message(self, net::GetData{items_of(net::kMsgBlock, request.hashes)});
      },
      [=](const RequestInventory& request) {
        net::GetBlocks getblocks;
        getblocks.locator = request.locator;
        send_message(self, getblocks);
      },
      [=](const AnnounceInventory& announcement) {
        auto& s = self->state;
        if (!s.ready) {
          if (s.pending_announces.size() < kMaxPendingAnnounces)
            s.pending_announces.emplace_back(announcement.inv_type, announcement.hashes);
          return;
        }
        announce(self, announcement.inv_type, announcement.hashes);
      },
      [=](const SendAddresses& request) {
        if (!request.addresses.empty()) send_message(self, net::Addr{request.addresses});
      },
      [=](RequestAddresses) { send_message(self, net::GetAddr{}); },
      [=](const DisconnectPeer& request) { disconnect(self, request.reason); },
  };
}

}  // namespace

uint64_t random_nonce() {
  uint64_t nonce = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&nonce), sizeof nonce);
  return nonce;
}

SessionActor fork_peer_session(ListenerBroker::broker_base* listener,
                               caf::io::connection_handle handle, PeerContextPtr context) {
  // Passed as lvalues: CAF 0.17's typed_broker::fork forwards its arguments twice, so a moved
  // argument would reach the session empty.
  ListenerActor discourager{listener};
  return listener->fork(peer_session, handle, context, discourager);
}

}  // namespace ac::actors
