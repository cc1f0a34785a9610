// Closing a broker's sockets one multiplexer round after they may have started.
//
// CAF 0.17's multiplexer queues the socket (un)registrations a broker asks for during its turn
// and applies them after the turn, merging the requests made for one socket. A socket that
// starts reading and is closed in the same turn has its two requests merged into none, so the
// socket's handler is never told that it left the loop: it keeps a reference to itself and is
// never freed (LeakSanitizer at exit, allocated by default_multiplexer::new_scribe or
// new_doorman). That turn comes at shutdown: a transport whose protocol was gone before the
// transport first ran (it starts reading, then hears its protocol is down), a listener stopped
// before it first ran. So such a broker asks for its close from the multiplexer's next round,
// when this round's registrations have been applied (a close that comes later, from the peer
// or the socket, goes through the loop and is fine).
#pragma once

#include <caf/exit_reason.hpp>
#include <caf/io/abstract_broker.hpp>
#include <caf/io/network/multiplexer.hpp>
#include <caf/send.hpp>
#include <caf/system_messages.hpp>

#include <utility>

namespace ac::actors {

// `self` is sent an exit for `reason` from the multiplexer's next round (post() from the
// multiplexer's own thread runs after this round's registrations); unless `self` traps exits
// (the listener does, and quits on the second), it quits then, closing its sockets.
// REQUIRES: called by `self`.
inline void exit_next_round(caf::io::abstract_broker* self, caf::error reason) {
  self->backend().post([target = caf::actor_cast<caf::actor>(self), reason]() mutable {
    caf::anon_send(target, caf::exit_msg{caf::actor_addr{}, std::move(reason)});
  });
}

}  // namespace ac::actors
