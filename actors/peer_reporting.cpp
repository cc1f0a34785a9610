// What a session tells about its peer (getpeerinfo): the fields of the peer's version, the last
// block it showed us it has, the round trips of our pings, its misbehaviour score, and the
// connection's traffic, which its transport counts.
#include <ctime>

#include "actors/peer_protocol_state.hpp"

namespace ac::actors {

void note_version(ProtocolState& state, const net::Version& version) {
  PeerReport& known = state.known;
  known.version_received = true;
  known.version = version.version;
  known.services = version.services;
  known.user_agent = version.user_agent;
  known.starting_height = version.start_height;
  known.relay = version.relay;
  known.time_offset_s = version.timestamp - static_cast<int64_t>(std::time(nullptr));
}

void note_block_known(ProtocolState& state, const Hash256& hash) {
  state.known.best_known_block = hash;
}

void note_pong(ProtocolState& state, std::chrono::microseconds round_trip) {
  PeerReport& known = state.known;
  known.last_ping_us = round_trip.count();
  if (known.min_ping_us < 0 || known.last_ping_us < known.min_ping_us)
    known.min_ping_us = known.last_ping_us;
}

caf::result<PeerReport> report_peer(Protocol* self) {
  auto& state = self->state;
  PeerReport report = state.known;
  report.addr = state.peer;
  report.addr_bind = state.trace.local;
  report.misbehaviour = state.misbehaviour;
  if (state.ping_nonce)
    report.ping_wait_us = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now() - state.ping_sent)
                              .count();
  if (!state.transport || state.closed) return report;
  auto promise = self->make_response_promise<PeerReport>();
  ask(self, state.transport, GetTraffic{})
      .then(
          [=](const net::PeerTraffic& traffic) mutable {
            report.traffic = traffic;
            promise.deliver(report);
            answered(self);
          },
          [=](caf::error&) mutable {
            promise.deliver(report);
            answered(self);
          });
  return promise;
}

}  // namespace ac::actors
