// The address book actor: owns the node's AddressBook (net/address_book.hpp) and its file
// peers.dat. Learns addresses from addr messages, from the versions of peers and from
// --connect; records each dial and each completed handshake; chooses the address that fills an
// outbound slot next; answers getaddr with a sample; saves itself every 30 s when changed and
// when it stops.
//
// Messages (typed interface below; who sends -> what it does):
//   node -> (learn_atom, addresses) -> the ones new to the book (the node relays those to
//       two peers). Our own endpoint and discouraged hosts are not learned.
//   node -> (pin_atom, endpoint): a --connect/addnode address, kept for good.
//   node -> (attempt_atom, endpoint): we dial it now; (good_atom, endpoint): handshake done.
//   node -> (discourage_atom, host, what): not chosen for an outbound slot for the ban time.
//   node -> (select_atom, exclude) -> endpoint to dial next ("" when none is ready); `exclude`
//       holds the endpoints connected or being dialled.
//   peer session -> (sample_atom, max) -> up to max addresses, the answer to a getaddr.
//   rpc (getpeerinfo, addnode) -> (list_atom) -> every entry, as AddressInfo.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "actors/log_sink.hpp"
#include "actors/messages.hpp"
#include "net/address_book.hpp"
#include "net/messages.hpp"

namespace ac::actors {

using learn_atom = caf::atom_constant<caf::atom("learn")>;
using pin_atom = caf::atom_constant<caf::atom("pin")>;
using attempt_atom = caf::atom_constant<caf::atom("attempt")>;
using good_atom = caf::atom_constant<caf::atom("good")>;
using select_atom = caf::atom_constant<caf::atom("selectadr")>;
using sample_atom = caf::atom_constant<caf::atom("sampleadr")>;
using list_atom = caf::atom_constant<caf::atom("listadr")>;
using save_atom = caf::atom_constant<caf::atom("saveadr")>;

using AddressList = std::vector<net::TimestampedAddress>;
using AddressInfoList = std::vector<net::AddressInfo>;

using address_book_actor =
    caf::typed_actor<caf::replies_to<learn_atom, AddressList>::with<AddressList>,
                     caf::reacts_to<pin_atom, std::string>,
                     caf::reacts_to<attempt_atom, std::string>,
                     caf::reacts_to<good_atom, std::string>,
                     caf::reacts_to<discourage_atom, std::string, std::string>,
                     caf::replies_to<select_atom, std::vector<std::string>>::with<std::string>,
                     caf::replies_to<sample_atom, uint64_t>::with<AddressList>,
                     caf::replies_to<list_atom>::with<AddressInfoList>, caf::reacts_to<save_atom>>;

struct AddressBookConfig {
  std::filesystem::path path;  // peers.dat; empty: kept in memory only (tests)
  size_t capacity = net::kDefaultAddressBookCapacity;
  std::vector<std::string> own_endpoints;  // never learned nor chosen
  std::chrono::seconds ban_time{24 * 60 * 60};
  std::chrono::seconds save_interval{30};
  LogSinkPtr log;
};

// Loads the book from config.path (a damaged file is logged and replaced by an empty book).
address_book_actor spawn_address_book(caf::actor_system& system, AddressBookConfig config);

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::AddressList)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::AddressInfoList)
