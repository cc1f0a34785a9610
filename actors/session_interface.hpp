// A peer session as the rest of the node sees it: the typed handle of one connection to a peer
// and every message the node's other actors send it. Which actor implements it (today the
// session broker of actors/peer_session.hpp) is not the senders' business. What a session
// sends to others is declared by their receivers: actors/sync_coordinator.hpp (block traffic),
// actors/node_actor.hpp (its life and the addresses it learns), actors/mempool_actor.hpp and
// actors/chain_actor.hpp (requests).
#pragma once

#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "actors/local_values.hpp"

namespace ac::actors {

// Sent by the sync coordinator, handled by a session: send `getdata` for these block hashes.
struct RequestBlocks {
  std::vector<Hash256> hashes;
};

// Sent by the sync coordinator, handled by a session: send `getblocks` with this locator
// (stop hash zero).
struct RequestInventory {
  std::vector<Hash256> locator;
};

// Sent by the sync coordinator (a stalling peer) and the chain (a peer whose genesis differs
// from ours), handled by a session: end the connection; the session logs the reason.
struct DisconnectPeer {
  std::string reason;
};

// Sent by the sync coordinator, handled by a session: the peer sent something bad (an invalid
// or unrequested block); the session adds the points to the peer's score.
struct ChargeMisbehaviour {
  int points = 0;
  std::string what;
};

// Sent by the node (relay), handled by a session: send an inv of these hashes (inv type
// net::kMsgBlock or net::kMsgTx), leaving out those the peer already knows. Held until the
// handshake is done.
struct AnnounceInventory {
  uint32_t inv_type = 0;
  std::vector<Hash256> hashes;
};

// Sent by the node (address relay), handled by a session: send these addresses as an addr
// message.
struct SendAddresses {
  AddressList addresses;
};

// Sent by the node (on each outbound connection), handled by a session: send getaddr.
struct RequestAddresses {};

using SessionActor = caf::typed_actor<caf::reacts_to<RequestBlocks>,       //
                                      caf::reacts_to<RequestInventory>,    //
                                      caf::reacts_to<DisconnectPeer>,      //
                                      caf::reacts_to<ChargeMisbehaviour>,  //
                                      caf::reacts_to<AnnounceInventory>,   //
                                      caf::reacts_to<SendAddresses>,       //
                                      caf::reacts_to<RequestAddresses>>;

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::RequestBlocks)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::RequestInventory)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::DisconnectPeer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::ChargeMisbehaviour)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::AnnounceInventory)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SendAddresses)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::RequestAddresses)
