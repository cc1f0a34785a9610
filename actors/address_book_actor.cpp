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

using Self = address_book_actor::stateful_pointer<AddressBookState>;

int64_t now_seconds() {
  return static_cast<int64_t>(std::time(nullptr));
}

address_book_actor::behavior_type address_book(Self self, AddressBookConfig config) {
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
  self->delayed_send(self, state.config.save_interval, save_atom::value);
  return {
      [=](learn_atom, const AddressList& addresses) -> AddressList {
        auto& s = self->state;
        AddressList fresh;
        int64_t now = now_seconds();
        for (const net::TimestampedAddress& entry : addresses) {
          if (s.own_endpoints.count(entry.address.endpoint()) != 0) continue;
          if (s.is_discouraged(entry.address.host())) continue;
          if (s.book.add(entry.address, entry.time, now, s.random)) fresh.push_back(entry);
          s.dirty = true;
        }
        return fresh;
      },
      [=](pin_atom, const std::string& endpoint) {
        auto& s = self->state;
        auto address = net::NetAddress::from_endpoint(endpoint, net::kNodeNetwork);
        if (!address) return;
        s.book.pin(*address, now_seconds(), s.random);
        s.dirty = true;
      },
      [=](attempt_atom, const std::string& endpoint) {
        self->state.book.attempt(endpoint, now_seconds());
        self->state.dirty = true;
      },
      [=](good_atom, const std::string& endpoint) {
        self->state.book.good(endpoint, now_seconds());
        self->state.dirty = true;
      },
      [=](discourage_atom, const std::string& host, const std::string&) {
        auto& s = self->state;
        s.discouraged[host] = std::chrono::steady_clock::now() + s.config.ban_time;
      },
      [=](select_atom, const std::vector<std::string>& exclude) -> std::string {
        auto& s = self->state;
        std::set<std::string> excluded(exclude.begin(), exclude.end());
        auto chosen = s.book.select(now_seconds(), s.random, [&](const net::AddressInfo& info) {
          std::string endpoint = info.endpoint();
          return excluded.count(endpoint) == 0 && s.own_endpoints.count(endpoint) == 0 &&
                 !s.is_discouraged(info.address.host());
        });
        return chosen ? chosen->endpoint() : std::string();
      },
      [=](sample_atom, uint64_t max) -> AddressList {
        auto& s = self->state;
        AddressList out;
        size_t limit = std::min<uint64_t>(max, net::kMaxAddressesPerAnswer);
        for (const net::AddressInfo& info : s.book.sample(limit, now_seconds(), s.random))
          out.push_back(
              net::TimestampedAddress{static_cast<uint32_t>(info.last_seen), info.address});
        return out;
      },
      [=](list_atom) -> AddressInfoList { return self->state.book.entries(); },
      [=](save_atom) {
        self->state.save();
        self->delayed_send(self, self->state.config.save_interval, save_atom::value);
      },
  };
}

}  // namespace

address_book_actor spawn_address_book(caf::actor_system& system, AddressBookConfig config) {
  return system.spawn(address_book, std::move(config));
}

}  // namespace ac::actors
