#include "actors/node_connections.hpp"

#include <caf/all.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "actors/dialler.hpp"
#include "actors/peer_eviction.hpp"

namespace ac::actors {

namespace {

// Addresses relayed as news are at most this old.
constexpr int64_t kFreshAddressSeconds = 10 * 60;
constexpr std::chrono::seconds kMaxBackoff{60};

const char* direction_name(Direction direction) {
  switch (direction) {
    case Direction::inbound:
      return "inbound";
    case Direction::outbound:
      return "outbound";
    case Direction::bootstrap:
      return "bootstrap";
    case Direction::unknown:
      break;
  }
  return "unknown";
}

NodeActor handle(Node* self) {
  return NodeActor{self};
}

bool is_discouraged(NodeState& state, const std::string& host) {
  auto found = state.discouraged.find(host);
  if (found == state.discouraged.end()) return false;
  if (found->second > std::chrono::steady_clock::now()) return true;
  state.discouraged.erase(found);
  return false;
}

// "2 outbound, 1 bootstrap, 3 inbound, 6 in all": the connections that stay (those told to
// go to make room are not counted). Tests read these figures.
std::string connection_counts(const NodeState& state) {
  std::map<Direction, size_t> counts;
  size_t all = 0;
  for (const auto& [session, info] : state.peers.sessions()) {
    if (info.evicted) continue;
    ++counts[info.direction];
    ++all;
  }
  return fmt::format("{} outbound, {} bootstrap, {} inbound, {} in all",
                     counts[Direction::outbound], counts[Direction::bootstrap],
                     counts[Direction::inbound], all);
}

void report_if_alone(Node* self) {
  auto& s = self->state;
  if (s.alone_reported || !s.peers.sessions().empty()) return;
  s.alone_reported = true;
  std::string bootstrap;
  for (const auto& [endpoint, backoff] : s.bootstrap)
    bootstrap += (bootstrap.empty() ? "" : ", ") + endpoint;
  s.context->log->line(fmt::format("no peers; still trying {}the address book",
                                   bootstrap.empty() ? "" : bootstrap + " and "));
}

void dial(Node* self, const std::string& endpoint, Direction direction) {
  auto& s = self->state;
  if (s.shutting_down()) return;
  auto address = net::NetAddress::from_endpoint(endpoint);
  if (!address) return;
  const bool banned = s.bans && s.bans->is_banned(*address, std::time(nullptr));
  if (banned || is_discouraged(s, address->host())) {
    auto found = s.bootstrap.find(endpoint);
    if (found != s.bootstrap.end() && !found->second.failing)
      s.context->log->line(
          fmt::format("not dialling {}: {}", endpoint, banned ? "banned" : "discouraged"));
    if (found != s.bootstrap.end()) found->second.failed();
    return;
  }
  s.dialling[endpoint] = direction;
  self->send(s.book, DialAttempted{endpoint});
  spawn_dialler(self, handle(self), s.listener, endpoint,
                std::shared_ptr<const std::atomic<bool>>(s.stopping));
}

size_t dialling_count(const NodeState& state, Direction direction) {
  return static_cast<size_t>(
      std::count_if(state.dialling.begin(), state.dialling.end(),
                    [&](const auto& entry) { return entry.second == direction; }));
}

// An outbound slot is free and dialling it keeps the node within max-peers.
bool outbound_slot_free(const NodeState& state) {
  size_t outbound =
      state.peers.count(Direction::outbound) + dialling_count(state, Direction::outbound);
  size_t total = state.peers.sessions().size() + state.dialling.size();
  return outbound < static_cast<size_t>(state.config.max_outbound) &&
         total < static_cast<size_t>(state.config.max_peers);
}

// Keeps the node within max-peers once `newcomer` (just added, inbound or dialled) counts: when
// the connections that stay, and those being dialled, are one too many, one inbound peer other
// than the newcomer is evicted; when there is none to evict, the newcomer is closed. A dialled
// connection needs this too: a bootstrap peer is redialled whatever the count, and inbound
// peers may arrive while a dial is under way.
void make_room(Node* self, const SessionActor& newcomer) {
  auto& s = self->state;
  size_t staying = s.dialling.size();
  std::vector<SessionActor> candidates;
  std::vector<EvictionCandidate> stats;
  for (const auto& [other, info] : s.peers.sessions()) {
    if (info.evicted) continue;
    ++staying;
    if (other == newcomer || info.direction != Direction::inbound) continue;
    candidates.push_back(other);
    stats.push_back(
        EvictionCandidate{info.connected_ms, info.last_block_ms, info.last_tx_ms, info.ping_ms});
  }
  if (staying <= static_cast<size_t>(s.config.max_peers)) return;
  auto victim = choose_inbound_to_evict(stats);
  if (!victim) {
    // Only outbound and bootstrap connections fill the node (max-peers at most the outbound
    // slots plus the bootstrap peers): the newcomer cannot stay.
    s.peers.find(newcomer)->evicted = true;
    self->send(newcomer,
               DisconnectPeer{fmt::format("max-peers ({}) reached by outbound connections",
                                          s.config.max_peers)});
    return;
  }
  s.peers.find(candidates[*victim])->evicted = true;
  self->send(candidates[*victim],
             DisconnectPeer{fmt::format(
                 "evicted to make room for a new {} peer (max-peers {})",
                 s.peers.find(newcomer)->direction == Direction::inbound ? "inbound" : "outbound",
                 s.config.max_peers)});
}

}  // namespace

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string normalize_endpoint(const std::string& endpoint) {
  const std::string localhost = "localhost:";
  if (endpoint.rfind(localhost, 0) == 0) return "127.0.0.1:" + endpoint.substr(localhost.size());
  return endpoint;
}

PeerInfo& PeerTable::add(const SessionActor& session, int64_t now_ms) {
  auto [found, added] = sessions_.try_emplace(session);
  if (added) found->second.connected_ms = now_ms;
  return found->second;
}

PeerInfo* PeerTable::find(const SessionActor& session) {
  auto found = sessions_.find(session);
  return found == sessions_.end() ? nullptr : &found->second;
}

std::optional<SessionActor> PeerTable::find_by_address(const caf::actor_addr& address) const {
  for (const auto& [session, info] : sessions_)
    if (session.address() == address) return session;
  return std::nullopt;
}

void PeerTable::record_latency(const SessionActor& session, int64_t round_trip_ms) {
  if (PeerInfo* info = find(session))
    if (info->ping_ms < 0 || round_trip_ms < info->ping_ms) info->ping_ms = round_trip_ms;
}

void PeerTable::record_block(const SessionActor& session, int64_t now_ms) {
  if (PeerInfo* info = find(session)) info->last_block_ms = now_ms;
}

void PeerTable::record_tx(const SessionActor& session, int64_t now_ms) {
  if (PeerInfo* info = find(session)) info->last_tx_ms = now_ms;
}

size_t PeerTable::count(Direction direction) const {
  return static_cast<size_t>(
      std::count_if(sessions_.begin(), sessions_.end(),
                    [&](const auto& entry) { return entry.second.direction == direction; }));
}

size_t PeerTable::ready_count() const {
  return static_cast<size_t>(std::count_if(sessions_.begin(), sessions_.end(),
                                           [](const auto& entry) { return entry.second.ready; }));
}

bool PeerTable::has_endpoint(const std::string& endpoint) const {
  return std::any_of(sessions_.begin(), sessions_.end(),
                     [&](const auto& entry) { return entry.second.endpoint == endpoint; });
}

std::vector<std::string> PeerTable::endpoints() const {
  std::vector<std::string> out;
  for (const auto& [session, info] : sessions_)
    if (!info.endpoint.empty()) out.push_back(info.endpoint);
  return out;
}

std::vector<std::string> PeerTable::ready_endpoints() const {
  std::vector<std::string> out;
  for (const auto& [session, info] : sessions_)
    if (info.ready) out.push_back(info.endpoint);
  return out;
}

void Backoff::failed() {
  next_try = std::chrono::steady_clock::now() + delay;
  delay = std::min(kMaxBackoff, delay * 2);
  failing = true;
}

void refill(Node* self) {
  auto& s = self->state;
  if (s.shutting_down()) return;
  auto now = std::chrono::steady_clock::now();
  for (auto& [endpoint, backoff] : s.bootstrap) {
    if (s.dialling.count(endpoint) != 0 || s.peers.has_endpoint(endpoint)) continue;
    if (backoff.next_try <= now) dial(self, endpoint, Direction::bootstrap);
  }
  if (s.selecting || !outbound_slot_free(s)) return;
  std::vector<std::string> exclude = s.peers.endpoints();
  for (const auto& [endpoint, direction] : s.dialling) exclude.push_back(endpoint);
  for (const auto& [endpoint, backoff] : s.bootstrap) exclude.push_back(endpoint);
  s.selecting = true;
  self->request(s.book, caf::infinite, SelectAddress{std::move(exclude), s.bans})
      .then(
          [=](const std::string& endpoint) {
            auto& state = self->state;
            state.selecting = false;
            // Inbound peers may have taken the free places while the book chose.
            if (endpoint.empty() || state.dialling.count(endpoint) != 0 ||
                state.peers.has_endpoint(endpoint) || !outbound_slot_free(state))
              return;
            dial(self, endpoint, Direction::outbound);
            refill(self);
          },
          [=](caf::error&) { self->state.selecting = false; });
}

void on_dialled(Node* self, const std::string& endpoint, const SessionActor& session,
                const std::string& error) {
  auto& s = self->state;
  Direction direction = Direction::outbound;
  if (auto found = s.dialling.find(endpoint); found != s.dialling.end()) {
    direction = found->second;
    s.dialling.erase(found);
  }
  if (!session) {
    // An attempt the shutdown cancelled, or one that failed meanwhile: not worth a line.
    if (s.shutting_down()) return;
    auto bootstrap = s.bootstrap.find(endpoint);
    if (bootstrap == s.bootstrap.end()) {
      s.context->log->line(fmt::format("cannot connect to {}: {}", endpoint, error));
    } else {
      if (!bootstrap->second.failing)
        s.context->log->line(fmt::format(
            "cannot connect to {}: {} (retrying after 1 s, doubling to 60 s)", endpoint, error));
      bootstrap->second.failed();
    }
    report_if_alone(self);
    refill(self);
    return;
  }
  PeerInfo& info = s.peers.add(session, now_ms());
  info.endpoint = endpoint;
  info.direction = direction;
  // It may have ended before this report: the monitor's down message then cleans up.
  self->monitor(session);
  make_room(self, session);
  if (info.pending_up) on_peer_up(self, session, std::string(*info.pending_up));
}

void on_inbound(Node* self, const SessionActor& session) {
  auto& s = self->state;
  PeerInfo& newcomer = s.peers.add(session, now_ms());
  newcomer.direction = Direction::inbound;
  self->monitor(session);
  make_room(self, session);
  if (newcomer.pending_up) on_peer_up(self, session, std::string(*newcomer.pending_up));
}

// Two nodes that dialled each other at once are connected twice: both keep the connection that
// the node with the smaller listening endpoint made, and close the other. True when `session`
// is the one closed.
bool drop_if_duplicate(Node* self, const SessionActor& session, const PeerInfo& info) {
  auto& s = self->state;
  if (info.endpoint.empty()) return false;
  for (const auto& [other, other_info] : s.peers.sessions()) {
    if (other == session || other_info.evicted || !other_info.ready ||
        other_info.endpoint != info.endpoint)
      continue;
    bool we_dialled_this = info.direction != Direction::inbound;
    bool keep_ours = s.our_endpoint < info.endpoint;
    SessionActor drop = we_dialled_this == keep_ours ? other : session;
    s.peers.find(drop)->evicted = true;
    self->send(drop, DisconnectPeer{"already connected the other way"});
    return drop == session;
  }
  return false;
}

void on_peer_up(Node* self, const SessionActor& session, const std::string& listen_endpoint) {
  auto& s = self->state;
  PeerInfo& info = s.peers.add(session, now_ms());
  if (info.direction == Direction::unknown) {
    // Whether we dialled it (and as what) is still on its way: see the report first.
    info.pending_up = listen_endpoint;
    return;
  }
  info.pending_up.reset();
  info.ready = true;
  s.alone_reported = false;
  if (info.direction == Direction::inbound && !listen_endpoint.empty())
    info.endpoint = normalize_endpoint(listen_endpoint);
  if (drop_if_duplicate(self, session, info)) return;
  if (info.direction == Direction::outbound || info.direction == Direction::bootstrap) {
    self->send(s.book, HandshakeCompleted{info.endpoint});
    self->send(session, RequestAddresses{});
    if (auto found = s.bootstrap.find(info.endpoint); found != s.bootstrap.end())
      found->second.succeeded();
  } else if (!listen_endpoint.empty()) {
    auto address = net::NetAddress::from_endpoint(info.endpoint, net::kNodeNetwork);
    if (address)
      learn_addresses(self, AddressList{{static_cast<uint32_t>(std::time(nullptr)), *address}},
                      session);
  }
  s.context->log->line(fmt::format("peer {} connected ({}); {}",
                                   info.endpoint.empty() ? "(not listening)" : info.endpoint,
                                   direction_name(info.direction), connection_counts(s)));
}

void forget_session(Node* self, const SessionActor& session) {
  auto& s = self->state;
  PeerInfo* info = s.peers.find(session);
  if (!info) return;
  std::string endpoint = info->endpoint;
  bool was_ready = info->ready;
  Direction direction = info->direction;
  s.peers.erase(session);
  std::erase(s.compact_relays, session);
  if (direction == Direction::bootstrap)
    if (auto found = s.bootstrap.find(endpoint); found != s.bootstrap.end()) {
      found->second.failed();
      found->second.failing = false;  // a drop is not a failure to log
    }
  if (was_ready)
    s.context->log->line(fmt::format("peer {} gone ({}); {}",
                                     endpoint.empty() ? "(not listening)" : endpoint,
                                     direction_name(direction), connection_counts(s)));
  report_if_alone(self);
  refill(self);
}

void learn_addresses(Node* self, AddressList addresses, const SessionActor& source) {
  bool relay = addresses.size() <= kMaxAddressesRelayed;
  self->request(self->state.book, caf::infinite, LearnAddresses{std::move(addresses)})
      .then([=](const AddressList& fresh) {
        if (fresh.empty()) return;
        if (relay) relay_addresses(self, fresh, source);
        refill(self);
      });
}

void relay_addresses(Node* self, const AddressList& addresses, const SessionActor& source) {
  auto& s = self->state;
  auto now = static_cast<int64_t>(std::time(nullptr));
  AddressList news;
  for (const net::TimestampedAddress& entry : addresses)
    if (now - static_cast<int64_t>(entry.time) <= kFreshAddressSeconds) news.push_back(entry);
  if (news.empty()) return;
  std::vector<SessionActor> targets;
  for (const auto& [session, info] : s.peers.sessions())
    if (info.ready && session != source) targets.push_back(session);
  std::shuffle(targets.begin(), targets.end(), s.random);
  if (targets.size() > kAddressRelayFanout) targets.resize(kAddressRelayFanout);
  for (const SessionActor& target : targets) self->send(target, SendAddresses{news});
}

}  // namespace ac::actors
