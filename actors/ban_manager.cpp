#include "actors/ban_manager.hpp"

#include <caf/all.hpp>

#include <fmt/format.h>

#include <ctime>

namespace ac::actors {

namespace {

// How long a subscriber may take to apply a change before setban answers anyway.
constexpr std::chrono::seconds kApplyTimeout{10};

struct BanManagerState {
  BanManagerConfig config;
  net::BanList bans;
  std::vector<BansListener> subscribers;
  static inline const char* name = "ban_manager";

  int64_t now() const { return config.now(); }

  void log(const std::string& text) const {
    if (config.log) config.log->line(text);
  }

  void save() const {
    if (config.path.empty()) return;
    if (Status saved = net::save_ban_list(config.path, bans); !saved)
      log("cannot save the ban list: " + saved.error().message());
  }
};

using Self = BanManagerActor::stateful_pointer<BanManagerState>;

// Saves the list, hands the subscribers a snapshot, and answers `reply` once they all applied
// it (or failed to, or took too long: the ban is in the list either way).
template <class T>
caf::result<T> publish(Self self, T reply) {
  auto& state = self->state;
  state.save();
  if (state.subscribers.empty()) return reply;
  auto snapshot = std::make_shared<const net::BanList>(state.bans);
  auto promise = self->make_response_promise<T>();
  auto waiting = std::make_shared<size_t>(state.subscribers.size());
  auto one_done = [=]() mutable {
    if (--*waiting == 0) promise.deliver(reply);
  };
  for (const BansListener& subscriber : state.subscribers)
    self->request(subscriber, kApplyTimeout, BansChanged{snapshot})
        .then([=](bool) mutable { one_done(); }, [=](caf::error&) mutable { one_done(); });
  return promise;
}

caf::result<BanReply> set_ban(Self self, const SetBan& request) {
  auto& state = self->state;
  const int64_t now = state.now();
  state.bans.sweep(now);
  const std::string range = request.subnet.to_string();
  if (!request.add) {
    if (!state.bans.remove(request.subnet)) return BanReply{BanOutcome::kNotBanned};
    state.log(fmt::format("unbanned {} (setban)", range));
    return publish(self, BanReply{BanOutcome::kDone});
  }
  bool repeat = request.exact ? state.bans.is_banned_exactly(request.subnet, now)
                              : state.bans.is_banned(request.subnet.network, now);
  if (repeat) return BanReply{BanOutcome::kAlreadyBanned};
  int64_t until = 0;
  if (request.absolute) {
    if (request.ban_seconds < now) return BanReply{BanOutcome::kInThePast};
    until = request.ban_seconds;
  } else {
    int64_t seconds = request.ban_seconds > 0
                          ? request.ban_seconds
                          : static_cast<int64_t>(state.config.default_ban_time.count());
    until = now + seconds;
  }
  state.bans.add(request.subnet, now, until);
  state.log(fmt::format("banned {} for {} s (setban)", range, until - now));
  return publish(self, BanReply{BanOutcome::kDone});
}

BanManagerActor::behavior_type ban_manager(Self self, BanManagerConfig config, net::BanList bans) {
  auto& state = self->state;
  state.config = std::move(config);
  if (!state.config.now) state.config.now = [] { return static_cast<int64_t>(std::time(nullptr)); };
  state.bans = std::move(bans);
  if (state.bans.sweep(state.now())) state.save();
  return {
      [=](const SubscribeBans& request) {
        auto& s = self->state;
        s.subscribers.push_back(request.listener);
        self->request(request.listener, kApplyTimeout,
                      BansChanged{std::make_shared<const net::BanList>(s.bans)})
            .then([](bool) {}, [](caf::error&) {});
      },
      [=](const SetBan& request) { return set_ban(self, request); },
      [=](ListBans) -> BanEntries {
        auto& s = self->state;
        if (s.bans.sweep(s.now())) s.save();
        return s.bans.entries();
      },
      [=](ClearBans) -> caf::result<bool> {
        auto& s = self->state;
        s.bans.clear();
        s.log("cleared every ban (clearbanned)");
        return publish(self, true);
      },
  };
}

}  // namespace

net::BanList load_bans(const BanManagerConfig& config) {
  if (config.path.empty()) return {};
  auto loaded = net::load_ban_list(config.path);
  if (loaded) return std::move(*loaded);
  if (config.log)
    config.log->line(fmt::format("ignoring the ban list {}: {}", config.path.string(),
                                 loaded.error().message()));
  return {};
}

BanManagerActor spawn_ban_manager(caf::actor_system& system, BanManagerConfig config,
                                  net::BanList bans) {
  return system.spawn(ban_manager, std::move(config), std::move(bans));
}

}  // namespace ac::actors
