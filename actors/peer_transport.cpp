#include "actors/peer_transport.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <sys/socket.h>

#include <ctime>
#include <optional>

#include "actors/frame_reader.hpp"
#include "actors/next_round.hpp"
#include "actors/peer_link.hpp"
#include "net/messages.hpp"

namespace ac::actors {

namespace {

struct TransportState {
  PeerContextPtr context;
  caf::io::connection_handle handle;
  TransportEvents protocol;
  std::optional<FrameReader> reader;
  net::TraceConnection trace;  // how the trace file names this connection
  bool failed = false;         // the stream is not frames: nothing more is read
  bool window_open = true;     // unsent bytes below kSendWindow, as last told
  bool overflow_told = false;  // PeerSendOverflow sent
  net::PeerTraffic traffic;    // what went each way, per command
  bool aborting = false;       // shut down; quits in the multiplexer's next round
  static inline const char* name = "peer_transport";
};

// The transport as a broker: what its protocol sends it and the socket's events.
using TransportBroker = TransportActor::extend<caf::reacts_to<caf::io::new_data_msg>,          //
                                               caf::reacts_to<caf::io::data_transferred_msg>,  //
                                               caf::reacts_to<caf::io::connection_closed_msg>>;
using Transport = TransportBroker::stateful_broker_base<TransportState>;

// Drops the connection: shuts the socket down both ways at once, and quits (closing the handle)
// in the multiplexer's next round (actors/next_round.hpp), or before, when CAF reports the
// close. Shut down because CAF closes a connection gracefully, writing the unsent bytes first:
// a peer that stops reading would keep the connection, and the whole middleman at shutdown,
// waiting forever. The default multiplexer names a connection by its socket, so the handle's id
// is the descriptor; only while the scribe is ours, so never a descriptor reused since.
void abort_connection(Transport* self) {
  auto& state = self->state;
  if (state.aborting) return;
  state.aborting = true;
  state.failed = true;  // nothing more is read
  if (self->valid(state.handle)) ::shutdown(static_cast<int>(state.handle.id()), SHUT_RDWR);
  exit_next_round(self, caf::exit_reason::user_shutdown);
}

// What a flush could not hand to the socket yet: it only grows while the peer does not read.
size_t unsent_bytes(Transport* self) {
  return self->wr_buf(self->state.handle).size();
}

// Tells the protocol when the unsent bytes crossed the send window or passed the limit.
void account_unsent(Transport* self) {
  auto& state = self->state;
  size_t unsent = unsent_bytes(self);
  if (unsent > state.context->limits.max_send_buffer && !state.overflow_told) {
    state.overflow_told = true;
    self->send(state.protocol, PeerSendOverflow{unsent});
  }
  bool open = unsent < kSendWindow;
  if (open != state.window_open) {
    state.window_open = open;
    self->send(state.protocol, PeerSendWindow{open});
  }
}

void write_message(Transport* self, const net::Message& message) {
  auto& state = self->state;
  if (state.aborting) return;
  Bytes frame = net::encode_frame(state.context->magic, message);
  net::Checksum checksum;
  std::copy_n(frame.begin() + net::kHeaderBytes - checksum.size(), checksum.size(),
              checksum.begin());
  state.context->log->trace(state.trace, true, checksum, frame.size() - net::kHeaderBytes, message);
  state.traffic.record_sent(net::PeerTraffic::slot_of(message), frame.size(), std::time(nullptr));
  state.context->totals->bytes_sent.fetch_add(frame.size(), std::memory_order_relaxed);
  self->write(state.handle, frame.size(), frame.data());
  self->flush(state.handle);
  account_unsent(self);
}

void on_bytes(Transport* self, const std::vector<char>& bytes) {
  auto& state = self->state;
  if (state.failed) return;
  auto frames =
      state.reader->feed(ByteSpan(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  if (!frames) {
    state.failed = true;
    self->send(state.protocol, PeerFramingFailed{frames.error()});
    return;
  }
  int64_t now_s = std::time(nullptr);
  for (const Frame& frame : *frames) {
    uint64_t frame_bytes = net::kHeaderBytes + frame.payload.size();
    state.context->totals->bytes_received.fetch_add(frame_bytes, std::memory_order_relaxed);
    auto message = net::decode_payload(frame.header.command, frame.payload);
    // Counted under its command even when it does not decode, as Core counts by header.
    state.traffic.record_received(message ? net::PeerTraffic::slot_of(*message)
                                          : net::PeerTraffic::slot_of(frame.header.command),
                                  frame_bytes, now_s);
    if (!message) {
      // The protocol decides what it costs (an unknown command: nothing, it is skipped).
      self->send(state.protocol, PeerUndecodable{frame.header.command, message.error()});
      continue;
    }
    learn_peer_node(state.trace, *message);
    state.context->log->trace(state.trace, false, frame.header.checksum, frame.header.payload_bytes,
                              *message);
    self->send(state.protocol, PeerMessageIn{std::move(*message)});
  }
  self->configure_read(state.handle, caf::io::receive_policy::exactly(state.reader->wanted()));
}

TransportBroker::behavior_type peer_transport(Transport* self, caf::io::connection_handle handle,
                                              TransportEvents protocol, PeerContextPtr context,
                                              net::TraceConnection trace) {
  auto& state = self->state;
  state.context = context;
  state.handle = handle;
  state.protocol = protocol;
  state.reader.emplace(state.context->magic);
  state.trace = trace;
  // The protocol gone (it quit, or the node went down with it): nothing more is owed the peer.
  self->monitor(state.protocol);
  self->set_down_handler([=](const caf::down_msg&) { abort_connection(self); });
  self->configure_read(handle, caf::io::receive_policy::exactly(state.reader->wanted()));
  self->ack_writes(handle, true);
  return {
      [=](const caf::io::new_data_msg& msg) { on_bytes(self, msg.buf); },
      [=](const caf::io::data_transferred_msg&) { account_unsent(self); },
      [=](const caf::io::connection_closed_msg&) {
        if (!self->state.aborting) self->send(self->state.protocol, PeerClosed{});
        self->quit();
      },
      [=](PeerMessageOut& out) { write_message(self, out.message); },
      [=](GetTraffic) { return self->state.traffic; },
      [=](PeerAbort) { abort_connection(self); },
  };
}

}  // namespace

TransportActor fork_peer_transport(ListenerBroker::broker_base* listener,
                                   caf::io::connection_handle handle, TransportEvents protocol,
                                   PeerContextPtr context, net::TraceConnection trace) {
  // Passed as lvalues: CAF 0.17's typed_broker::fork forwards its arguments twice, so moved
  // ones would reach the transport empty.
  return listener->fork(peer_transport, handle, protocol, context, trace);
}

}  // namespace ac::actors
