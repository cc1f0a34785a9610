#include "actors/peer_session.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <fmt/format.h>
#include <openssl/rand.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <atomic>

#include "actors/peer_link.hpp"
#include "actors/peer_protocol.hpp"
#include "actors/peer_transport.hpp"

namespace ac::actors {

uint64_t random_nonce() {
  uint64_t nonce = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&nonce), sizeof nonce);
  return nonce;
}

namespace {

// "127.0.0.1:53412": our end of the socket, written like the peer's (the default
// multiplexer's handle id is the descriptor).
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
net::TraceConnection start_trace(ListenerBroker::broker_base* listener,
                                 caf::io::connection_handle handle, const PeerContext& context,
                                 const std::string& peer) {
  static std::atomic<uint64_t> last_id{0};
  net::TraceConnection trace;
  trace.id = ++last_id;
  trace.local = local_endpoint(handle);
  trace.peer = peer;
  bool inbound = trace.local.ends_with(fmt::format(":{}", context.listen_address.port));
  if (!inbound) trace.peer_node = std::to_string(listener->remote_port(handle));
  context.log->event("connected", fmt::format("connected {} {}", inbound ? "from" : "to", peer),
                     fmt::format("\"inbound\":{}", inbound ? "true" : "false"), &trace);
  return trace;
}

}  // namespace

SessionActor fork_peer_session(ListenerBroker::broker_base* listener,
                               caf::io::connection_handle handle, PeerContextPtr context) {
  std::string host = listener->remote_addr(handle);
  std::string peer = fmt::format("{}:{}", host, listener->remote_port(handle));
  net::TraceConnection trace = start_trace(listener, handle, *context, peer);
  ProtocolActor protocol =
      spawn_peer_protocol(listener->system(), context, trace, host, ListenerActor{listener});
  TransportActor transport = fork_peer_transport(listener, handle, protocol, context, trace);
  caf::anon_send(protocol, PeerTransportAttached{transport});
  return protocol;
}

}  // namespace ac::actors
