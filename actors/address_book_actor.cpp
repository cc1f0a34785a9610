#include "actors/address_book_actor.hpp"

#include <caf/all.hpp>

#include <fmt/format.h>

#include <ctime>
#include <map>
#include <random>
#include <set>

#include "net/address_book_file.hpp"

namespace ac::actors {
namespace {

// The book's own timer: save peers.dat if it changed.
struct SaveAddressBook {};

}  // namespace
}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SaveAddressBook)

namespace ac::actors {
namespace {

using AddressBookImpl = AddressBookActor::extend<caf::reacts_to<SaveAddressBook>>;

struct AddressBookState {
  AddressBookConfig config;
  net::AddressBook book;
  std::mt19937_64 random{std::random_device{}()};
  std::set<std::string> own_endpoints;
  std::map<std::string, std::chrono::steady_clock::time_point> discouraged;  // host -> until
  bool dirty = false;

  void save() {
    if (config.path.empty() || !dirty) return;
    if (Status saved = net::save_address_book(config.path, book); !saved) {
      if (config.log) config.log->line("cannot save the address book: " + saved.error().message());
      return;
    }
    dirty = false;
  }
  ~AddressBookState() { save(); }

  bool is_discouraged(const std::string& host) {
    auto found = discouraged.find(host);
    if (found == discouraged.end()) return false;
    if (found->second > std::chrono::steady_clock::now()) return true;
    discouraged.erase(found);
    return false;
  }

  static inline const char* name = "address_book";
};

using Self = AddressBookImpl::stateful_pointer<AddressBookState>;

int64_t now_seconds() {
  return static_cast<int64_t>(std::time(nullptr));
}

AddressBookImpl::behavior_type address_book(Self self, AddressBookConfig config) {
  auto& state = self->state;
  state.config = std::move(config);
  state.own_endpoints.insert(state.config.own_endpoints.begin(), state.config.own_endpoints.end());
  state.book = net::AddressBook(state.config.capacity);
  if (!state.config.path.empty()) {
    auto loaded = net::load_address_book(state.config.path, state.config.capacity);
    if (loaded) {
      state.book = std::move(*loaded);
      for (const std::string& own : state.own_endpoints) state.book.remove(own);
    } else if (state.config.log) {
      state.config.log->line("ignoring the address book " + state.config.path.string() + ": " +
                             loaded.error().message());
    }
  }
  self->delayed_send(self, state.config.save_interval, SaveAddressBook{});
  return {
      [=](const LearnAddresses& request) -> AddressList {
        auto& s = self->state;
        AddressList fresh;
        int64_t now = now_seconds();
        for (const net::TimestampedAddress& entry : request.addresses) {
          if (s.own_endpoints.count(entry.address.endpoint()) != 0) continue;
          if (s.is_discouraged(entry.address.host())) continue;
          if (s.book.add(entry.address, entry.time, now, s.random)) fresh.push_back(entry);
          s.dirty = true;
        }
        return fresh;
      },
      [=](const PinAddress& request) {
        auto& s = self->state;
        auto address = net::NetAddress::from_endpoint(request.endpoint, net::kNodeNetwork);
        if (!address) return;
        s.book.pin(*address, now_seconds(), s.random);
        s.dirty = true;
      },
      [=](const DialAttempted& attempt) {
        self->state.book.attempt(attempt.endpoint, now_seconds());
        self->state.dirty = true;
      },
      [=](const HandshakeCompleted& completed) {
        self->state.book.good(completed.endpoint, now_seconds());
        self->state.dirty = true;
      },
      [=](const DiscourageHost& request) {
        auto& s = self->state;
        s.discouraged[request.host] = std::chrono::steady_clock::now() + s.config.ban_time;
      },
      [=](const SelectAddress& request) -> std::string {
        auto& s = self->state;
        std::set<std::string> excluded(request.exclude.begin(), request.exclude.end());
        const int64_t now = now_seconds();
        auto chosen = s.book.select(now, s.random, [&](const net::AddressInfo& info) {
          std::string endpoint = info.endpoint();
          return excluded.count(endpoint) == 0 && s.own_endpoints.count(endpoint) == 0 &&
                 !s.is_discouraged(info.address.host()) &&
                 !(request.bans && request.bans->is_banned(info.address, now));
        });
        return chosen ? chosen->endpoint() : std::string();
      },
      [=](const SampleAddresses& request) -> AddressList {
        auto& s = self->state;
        AddressList out;
        size_t limit = std::min<uint64_t>(request.max, net::kMaxAddressesPerAnswer);
        for (const net::AddressInfo& info : s.book.sample(limit, now_seconds(), s.random))
          out.push_back(
              net::TimestampedAddress{static_cast<uint32_t>(info.last_seen), info.address});
        return out;
      },
      [=](ListAddresses) -> AddressInfoList { return self->state.book.entries(); },
      [=](SaveAddressBook) {
        self->state.save();
        self->delayed_send(self, self->state.config.save_interval, SaveAddressBook{});
      },
  };
}

}  // namespace

AddressBookActor spawn_address_book(caf::actor_system& system, AddressBookConfig config) {
  return system.spawn(address_book, std::move(config));
}

}  // namespace ac::actors
