#include "apps/tx_handover.hpp"

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
  if (options.trace) {
    session.set_trace([&](const char* direction, const net::Message& message) {
      net::TraceContext context{actors::clock_text(), std::to_string(options.our_port), direction,
                                options.endpoint};
      options.trace(net::trace_line(context, message));
    });
  }

  net::Version version = p2p::client_version("/actorchain:0.1/", options.our_height);
  if (auto peer = net::NetAddress::from_endpoint(options.endpoint); peer) version.addr_recv = *peer;
  if (auto self = net::NetAddress::from_host("127.0.0.1", options.our_port); self)
    version.addr_from = *self;
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
