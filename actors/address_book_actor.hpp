// The address book actor: owns the node's AddressBook (net/address_book.hpp) and its file
// peers.dat. Learns addresses from addr messages, from the versions of peers and from
// --connect; records each dial and each completed handshake; chooses the address that fills an
// outbound slot next; answers getaddr with a sample; saves itself every 30 s when changed and
// when it stops.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "actors/ban_manager.hpp"
#include "actors/listener.hpp"
#include "actors/local_values.hpp"
#include "actors/log_sink.hpp"
#include "net/address_book.hpp"
#include "net/messages.hpp"

namespace ac::actors {

using AddressInfoList = std::vector<net::AddressInfo>;

// Sent by the node (addr messages, versions of inbound peers), handled by the address book:
// answers the addresses new to the book (AddressList; the node relays those to two peers). Our
// own endpoint and discouraged hosts are not learned.
struct LearnAddresses {
  AddressList addresses;
};

// Sent by the node (--connect, addnode), handled by the address book: keep `endpoint` for good.
struct PinAddress {
  std::string endpoint;
};

// Sent by the node, handled by the address book: we dial `endpoint` now.
struct DialAttempted {
  std::string endpoint;
};

// Sent by the node, handled by the address book: the handshake with `endpoint` is done.
struct HandshakeCompleted {
  std::string endpoint;
};

// Sent by the node, handled by the address book: answers the endpoint to dial next
// (std::string; "" when none is ready); `exclude` holds the endpoints connected or being
// dialled, and none in a range `bans` covers now is chosen (the node would refuse to dial it,
// and its outbound slot would wait a round for nothing).
struct SelectAddress {
  std::vector<std::string> exclude;
  BanListPtr bans;  // the node's manual bans (setban); null: none
};

// Sent by a session (a peer's getaddr), handled by the address book: answers up to `max`
// addresses (AddressList).
struct SampleAddresses {
  uint64_t max = 0;
};

// Sent by the RPC server and tests, handled by the address book: answers every entry
// (AddressInfoList).
struct ListAddresses {};

// The node's DiscourageHost (actors/listener.hpp) keeps a host out of outbound slots for the
// ban time.
using AddressBookActor = caf::typed_actor<caf::replies_to<LearnAddresses>::with<AddressList>,  //
                                          caf::reacts_to<PinAddress>,                          //
                                          caf::reacts_to<DialAttempted>,                       //
                                          caf::reacts_to<HandshakeCompleted>,                  //
                                          caf::reacts_to<DiscourageHost>,  // from the node
                                          caf::replies_to<SelectAddress>::with<std::string>,  //
                                          caf::replies_to<SampleAddresses>::with<AddressList>,
                                          caf::replies_to<ListAddresses>::with<AddressInfoList>>;

struct AddressBookConfig {
  std::filesystem::path path;  // peers.dat; empty: kept in memory only (tests)
  size_t capacity = net::kDefaultAddressBookCapacity;
  std::vector<std::string> own_endpoints;  // never learned nor chosen
  std::chrono::seconds ban_time{24 * 60 * 60};
  std::chrono::seconds save_interval{30};
  LogSinkPtr log;
};

// Loads the book from config.path (a damaged file is logged and replaced by an empty book).
AddressBookActor spawn_address_book(caf::actor_system& system, AddressBookConfig config);

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::AddressInfoList)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::LearnAddresses)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PinAddress)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::DialAttempted)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::HandshakeCompleted)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SelectAddress)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SampleAddresses)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::ListAddresses)
