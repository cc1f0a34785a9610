#include "apps/tx_handover.hpp"

#include <netdb.h>
#include <openssl/rand.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <ctime>

#include "actors/log_sink.hpp"
#include "net/messages.hpp"
#include "net/trace.hpp"

namespace ac::app {

namespace {

using Clock = std::chrono::steady_clock;

// A blocking TCP connection with a deadline on every read and write.
class Connection {
 public:
  ~Connection() {
    if (fd_ >= 0) close(fd_);
  }

  Status open(const std::string& endpoint, std::chrono::seconds timeout) {
    size_t colon = endpoint.rfind(':');
    if (colon == std::string::npos) return make_error("bad-endpoint", endpoint);
    std::string host = endpoint.substr(0, colon);
    std::string port = endpoint.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr)
      return make_error("connect-failed", "cannot resolve " + endpoint);
    for (addrinfo* a = found; a != nullptr && fd_ < 0; a = a->ai_next) {
      int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
      if (fd < 0) continue;
      timeval tv{static_cast<time_t>(timeout.count()), 0};
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
        fd_ = fd;
      } else {
        close(fd);
      }
    }
    freeaddrinfo(found);
    if (fd_ < 0) return make_error("connect-failed", "no node answers at " + endpoint);
    return {};
  }

  Status write_all(ByteSpan bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return make_error("peer-closed", "while sending");
      sent += static_cast<size_t>(n);
    }
    return {};
  }

  Status read_exactly(uint8_t* out, size_t count) {
    size_t got = 0;
    while (got < count) {
      ssize_t n = ::recv(fd_, out + got, count - got, 0);
      if (n == 0) return make_error("peer-closed", "the node closed the connection");
      if (n < 0) return make_error("timeout", "no answer from the node");
      got += static_cast<size_t>(n);
    }
    return {};
  }

 private:
  int fd_ = -1;
};

class Session {
 public:
  Session(const ChainParams& params, const HandoverOptions& options)
      : params_(params), options_(options) {}

  Status connect() { return connection_.open(options_.endpoint, options_.timeout); }

  Status send(const net::Message& message) {
    trace("->", message);
    Bytes frame = net::encode_frame(params_.magic, message);
    return connection_.write_all(frame);
  }

  Result<net::Message> receive() {
    std::array<uint8_t, net::kHeaderBytes> header_bytes;
    if (Status s = connection_.read_exactly(header_bytes.data(), header_bytes.size()); !s)
      return s.error();
    auto header = net::decode_header(header_bytes, params_.magic);
    if (!header) return header.error();
    Bytes payload(header->payload_bytes);
    if (Status s = connection_.read_exactly(payload.data(), payload.size()); !s) return s.error();
    if (Status s = net::verify_checksum(*header, payload); !s) return s.error();
    auto message = net::decode_payload(header->command, payload);
    if (message) trace("<-", *message);
    return message;
  }

  // Reads messages until `accept` returns true for one; others (addr, inv, ping...) are
  // answered where the protocol requires it and otherwise skipped.
  template <class Accept>
  Status receive_until(Accept accept) {
    auto deadline = Clock::now() + options_.timeout;
    while (Clock::now() < deadline) {
      auto message = receive();
      if (!message) {
        if (message.reason() == "unknown-command") continue;
        return message.error();
      }
      if (auto* ping = std::get_if<net::Ping>(&*message)) {
        if (Status s = send(net::Pong{ping->nonce}); !s) return s;
        continue;
      }
      if (accept(*message)) return {};
    }
    return make_error("timeout", "no answer from the node");
  }

 private:
  void trace(const char* direction, const net::Message& message) {
    if (!options_.trace) return;
    net::TraceContext context{actors::clock_text(), std::to_string(options_.our_port), direction,
                              options_.endpoint};
    options_.trace(net::trace_line(context, message));
  }

  const ChainParams& params_;
  const HandoverOptions& options_;
  Connection connection_;
};

uint64_t random_nonce() {
  uint64_t nonce = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&nonce), sizeof nonce);
  return nonce;
}

}  // namespace

Status hand_over_transaction(const Transaction& tx, const ChainParams& params,
                             const HandoverOptions& options) {
  Session session(params, options);
  if (Status s = session.connect(); !s) return s;

  net::Version version;
  version.timestamp = std::time(nullptr);
  version.nonce = random_nonce();
  version.user_agent = "/actorchain:0.1/";
  version.start_height = options.our_height;
  if (auto peer = net::NetAddress::from_endpoint(options.endpoint); peer) version.addr_recv = *peer;
  if (auto self = net::NetAddress::from_host("127.0.0.1", options.our_port); self)
    version.addr_from = *self;
  if (Status s = session.send(version); !s) return s;

  bool got_version = false;
  bool got_verack = false;
  Status handshake = session.receive_until([&](const net::Message& m) {
    got_version |= std::holds_alternative<net::Version>(m);
    got_verack |= std::holds_alternative<net::Verack>(m);
    if (std::holds_alternative<net::Version>(m)) (void)session.send(net::Verack{});
    return got_version && got_verack;
  });
  if (!handshake) return make_error("handshake-failed", handshake.error().message());

  Hash256 txid = tx.txid();
  uint64_t ping_nonce = random_nonce();
  if (Status s = session.send(net::TxMessage{tx}); !s) return s;
  if (Status s = session.send(net::Ping{ping_nonce}); !s) return s;
  if (Status s = session.send(net::GetData{{{net::kMsgTx, txid}}}); !s) return s;

  bool processed = false;
  bool kept = false;
  Status answered = session.receive_until([&](const net::Message& m) {
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
