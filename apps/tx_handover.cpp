#include "apps/tx_handover.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include "actors/log_sink.hpp"
#include "net/messages.hpp"
#include "net/trace.hpp"
#include "p2p/client.hpp"

namespace ac::app {

namespace {

// Reads messages until `accept` returns true for one (the client answers pings meanwhile);
// the reason says why not when it did not.
Status receive_until(p2p::Client& client, std::chrono::seconds timeout,
                     const std::function<bool(const net::Message&)>& accept) {
  if (client.wait_for(timeout, accept)) return {};
  if (!client.open()) return client.close_reason();
  return make_error("timeout", "no answer from the node");
}

Status sent(const p2p::Client& client) {
  if (client.open()) return {};
  return client.close_reason();
}

// "127.0.0.1:53412": our end of the socket (`local`) or the node's, as the node's own trace
// writes them.
std::string endpoint_of(int fd, bool local) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  auto* raw = reinterpret_cast<sockaddr*>(&address);
  if ((local ? getsockname(fd, raw, &length) : getpeername(fd, raw, &length)) != 0) return "";
  char host[INET6_ADDRSTRLEN] = {};
  uint16_t port = 0;
  if (address.ss_family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
    port = ntohs(v4->sin_port);
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
    port = ntohs(v6->sin6_port);
  }
  return fmt::format("{}:{}", host, port);
}

// Traces the client's messages into `log` as connection 1 of the client. The checksum and
// size are those of the message's frame: encoding is canonical, so re-encoding a decoded
// message gives the bytes that travelled.
void trace_into(actors::LogSink& log, p2p::Client& client, const net::Magic& magic) {
  net::TraceConnection connection;
  connection.id = 1;
  connection.local = endpoint_of(client.fd(), true);
  connection.peer = endpoint_of(client.fd(), false);
  if (size_t colon = connection.peer.rfind(':'); colon != std::string::npos)
    connection.peer_node = connection.peer.substr(colon + 1);  // a node's id is its port
  log.event("connected", "connected to " + connection.peer, "\"inbound\":false", &connection);
  client.set_trace([&log, connection, magic](const char* direction, const net::Message& message) {
    Bytes frame = net::encode_frame(magic, message);
    net::Checksum checksum;
    std::copy_n(frame.begin() + net::kHeaderBytes - checksum.size(), checksum.size(),
                checksum.begin());
    log.trace(connection, direction[0] == '-', checksum, frame.size() - net::kHeaderBytes, message);
  });
}

}  // namespace

Status hand_over_transaction(const Transaction& tx, const ChainParams& params,
                             const HandoverOptions& options) {
  auto connected = p2p::Client::connect(
      p2p::ConnectOptions{
          options.endpoint, std::chrono::duration_cast<p2p::Duration>(options.timeout), {}},
      params.magic);
  if (!connected)
    return make_error("connect-failed", "no node answers at " + options.endpoint + " (" +
                                            connected.error().message() + ")");
  p2p::Client& session = *connected;
  session.set_send_timeout(options.timeout);
  if (options.log) trace_into(*options.log, session, params.magic);

  net::Version version = p2p::client_version("/actorchain:0.1/", options.our_height);
  if (auto peer = net::NetAddress::from_endpoint(options.endpoint); peer) version.addr_recv = *peer;
  // addr_from keeps port 0 (client_version): a client does not listen, and is not the node.
  if (!session.handshake(options.timeout, version)) {
    Error why =
        session.open() ? make_error("timeout", "no answer from the node") : session.close_reason();
    return make_error("handshake-failed", why.message());
  }

  Hash256 txid = tx.txid();
  uint64_t ping_nonce = p2p::random_nonce();
  session.send(net::TxMessage{tx});
  session.send(net::Ping{ping_nonce});
  session.send(net::GetData{{{net::kMsgTx, txid}}});
  if (Status s = sent(session); !s) return s;

  bool processed = false;
  bool kept = false;
  Status answered = receive_until(session, options.timeout, [&](const net::Message& m) {
    if (auto* pong = std::get_if<net::Pong>(&m); pong && pong->nonce == ping_nonce)
      processed = true;
    if (auto* back = std::get_if<net::TxMessage>(&m); back && back->tx.txid() == txid) kept = true;
    bool refused = false;
    if (auto* missing = std::get_if<net::NotFound>(&m))
      for (const net::InvItem& item : missing->items) refused |= item.hash == txid;
    return processed && (kept || refused);
  });
  if (!answered) return answered;
  if (!kept)
    return make_error("tx-rejected-by-node",
                      "the node did not accept " + txid.hex() + " (its log says why)");
  return {};
}

}  // namespace ac::app
