// A peer session as the rest of the node sees it: the typed handle of one connection to a peer
// and every message the node's other actors send it. Which actor implements it (today the
// session broker of actors/peer_session.hpp) is not the senders' business. What a session
// sends to others is declared by their receivers: actors/sync_coordinator.hpp (block traffic),
// actors/node_actor.hpp (its life and the addresses it learns), actors/mempool_actor.hpp and
// actors/chain_actor.hpp (requests).
#pragma once

#include <caf/typed_actor.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/local_values.hpp"
#include "net/peer_stats.hpp"

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
// handshake is done. New blocks come with their headers (in the same order, when the chain
// had them all and there are few enough): a peer that asked for headers announcements
// (BIP130) gets those instead of an inv when it has the first one's parent. Transactions are
// not announced to a peer whose version asked us not to (relay flag off).
// A single new block also comes as a cmpctblock (BIP152), made once for all peers, with the
// block itself (a getblocktxn is answered from it): a peer that asked for high-bandwidth relay
// and has the block's parent gets that instead. `early`: the block is not connected yet (the
// chain's NewPowValidBlock): only such a peer is told of it, by that cmpctblock; the others
// hear of it once it is connected.
struct AnnounceInventory {
  uint32_t inv_type = 0;
  std::vector<Hash256> hashes;
  std::vector<BlockHeader> headers;
  std::shared_ptr<const net::CmpctBlock> compact;
  std::shared_ptr<const Block> block;
  bool early = false;
};

// Sent by the node, handled by a session: ask the peer to push new blocks to us as cmpctblock
// (BIP152 high-bandwidth mode, `on`) or to announce them as before (off). The node keeps this
// on for the three peers that most recently gave us a new block.
struct SetCompactRelay {
  bool high_bandwidth = false;
};

// Sent by the node (address relay), handled by a session: send these addresses as an addr
// message.
struct SendAddresses {
  AddressList addresses;
};

// Sent by the node (on each outbound connection), handled by a session: send getaddr.
struct RequestAddresses {};

// Sent by the RPC server (ping), handled by a session: send a ping now (once the handshake is
// done), even when one is still awaiting its pong (the new nonce replaces it, as Core's).
struct PingNow {};

// Sent by the RPC server (getpeerinfo), handled by a session: answers what it knows of its
// peer (PeerReport).
struct GetPeerReport {};

// One connection as its session knows it (Core's getpeerinfo). Times in seconds since the Unix
// epoch; ping times in microseconds, -1 when there is none.
struct PeerReport {
  std::string addr;       // the peer's end of the socket ("127.0.0.1:53412")
  std::string addr_bind;  // ours
  bool version_received = false;
  int32_t version = 0;  // the fields of its version message
  uint64_t services = 0;
  std::string user_agent;
  int32_t starting_height = -1;
  bool relay = false;
  int64_t time_offset_s = 0;  // its version's timestamp minus our clock when it came
  // The last block the peer announced or sent us: what we know it has.
  std::optional<Hash256> best_known_block;
  int64_t last_ping_us = -1;
  int64_t min_ping_us = -1;
  int64_t ping_wait_us = -1;  // how long our outstanding ping has waited
  int misbehaviour = 0;
  net::PeerTraffic traffic;
};

using SessionActor = caf::typed_actor<caf::reacts_to<RequestBlocks>,       //
                                      caf::reacts_to<RequestInventory>,    //
                                      caf::reacts_to<DisconnectPeer>,      //
                                      caf::reacts_to<ChargeMisbehaviour>,  //
                                      caf::reacts_to<AnnounceInventory>,   //
                                      caf::reacts_to<SetCompactRelay>,     //
                                      caf::reacts_to<SendAddresses>,       //
                                      caf::reacts_to<RequestAddresses>,    //
                                      caf::reacts_to<PingNow>,             //
                                      caf::replies_to<GetPeerReport>::with<PeerReport>>;

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::RequestBlocks)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::RequestInventory)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::DisconnectPeer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::ChargeMisbehaviour)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::AnnounceInventory)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SetCompactRelay)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SendAddresses)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::RequestAddresses)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PingNow)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetPeerReport)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PeerReport)
