// The ban manager: owns the node's manual bans (net/ban_list.hpp), Bitcoin Core's setban /
// listbanned / clearbanned, and their file banlist.json in the node's folder, rewritten
// (atomically) on every change. It tells its subscribers, the listener (which refuses inbound
// connections from a banned range) and the node (which dials none), of every change with a
// snapshot of the list, and answers a change only once they have it: when setban returns, the
// range is refused. Disconnecting the peers already connected from the range is the RPC
// server's part (as disconnectnode). Bans are wall-clock times, as Core's, so they survive a
// restart; expired ones are dropped as they are met.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "actors/log_sink.hpp"
#include "net/ban_list.hpp"

namespace ac::actors {

using BanListPtr = std::shared_ptr<const net::BanList>;
using BanEntries = std::vector<net::BanEntry>;

// Sent by the ban manager, handled by its subscribers (the listener, the node): the bans now
// in force. Answered (true) once applied.
struct BansChanged {
  BanListPtr bans;
};

using BansListener = caf::typed_actor<caf::replies_to<BansChanged>::with<bool>>;

// Sent by the node at its start, handled by the ban manager: tell `listener` of every change
// (and of the list as it is, at once).
struct SubscribeBans {
  BansListener listener;
};

// Sent by the RPC server (setban), handled by the ban manager. `add`: ban `subnet` for
// `ban_seconds` (0 or less: the default ban time), or until the Unix time `ban_seconds` when
// `absolute`. Otherwise lift the ban of that very range. `exact` (a range was named, "/" in
// Core's argument): an add counts as a repeat only when that very range is banned; otherwise
// (one address) when any ban covers the address.
struct SetBan {
  net::Subnet subnet;
  bool add = true;
  int64_t ban_seconds = 0;
  bool absolute = false;
  bool exact = false;
};

enum class BanOutcome : uint8_t {
  kDone,
  kAlreadyBanned,  // add: the range (or the address) is banned already
  kNotBanned,      // remove: no ban of that very range
  kInThePast,      // add, absolute: the end is before now
};

struct BanReply {
  BanOutcome outcome = BanOutcome::kDone;
};

// Sent by the RPC server (listbanned), handled by the ban manager: answers the bans in force
// (BanEntries, ordered by range).
struct ListBans {};

// Sent by the RPC server (clearbanned), handled by the ban manager: lifts every ban; answers
// true once the subscribers know.
struct ClearBans {};

using BanManagerActor =
    caf::typed_actor<caf::reacts_to<SubscribeBans>, caf::replies_to<SetBan>::with<BanReply>,
                     caf::replies_to<ListBans>::with<BanEntries>,
                     caf::replies_to<ClearBans>::with<bool>>;

struct BanManagerConfig {
  std::filesystem::path path;  // banlist.json; empty: in memory only (tests)
  std::chrono::seconds default_ban_time{24 * 60 * 60};  // --ban-time, as Core's -bantime
  LogSinkPtr log;
  // The wall clock in Unix seconds; tests set their own.
  std::function<int64_t()> now;
};

// The list in config.path: a missing file is an empty list; a damaged one is logged (with the
// reason) and ignored, and replaced at the first change.
net::BanList load_bans(const BanManagerConfig& config);

// Starts with `bans` (load_bans' answer, which the listener was given too).
BanManagerActor spawn_ban_manager(caf::actor_system& system, BanManagerConfig config,
                                  net::BanList bans);

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::BansChanged)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SubscribeBans)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SetBan)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::BanReply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::ListBans)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::ClearBans)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::BanEntries)
