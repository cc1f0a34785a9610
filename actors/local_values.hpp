// What every actor interface shares: blocks and transactions travel between actors as shared
// pointers to immutable values (actors in one process share them without copying), peer
// addresses as addr messages carry them, and the CAF whitelisting that lets these values, and
// the hashes, travel in local messages. Nothing here is ever serialized by CAF. The messages
// themselves live in the header of the actor whose interface names them: a request beside the
// actor that answers it, an event beside the actor that emits it (TipChanged in
// actors/chain_actor.hpp, TxsAccepted in actors/mempool_actor.hpp, ...).
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/detail/type_traits.hpp>

#include <memory>
#include <vector>

#include "chain/block.hpp"
#include "chain/transaction.hpp"
#include "chain/uint256.hpp"
#include "net/messages.hpp"

namespace ac::actors {

using BlockPtr = std::shared_ptr<const Block>;
using TxPtr = std::shared_ptr<const Transaction>;
// Peer addresses with the time each was last heard of, as addr messages carry them.
using AddressList = std::vector<net::TimestampedAddress>;

}  // namespace ac::actors

// Hash256 has begin()/end() but no value_type: CAF's serializability probe treats it as a
// container and fails to compile on any message holding one. It only travels between local
// actors, so declare it not serializable; the whitelist below then admits it.
template <size_t N>
struct caf::detail::is_serializable<ac::HashBytes<N>> : std::false_type {};

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::BlockPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<ac::actors::BlockPtr>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::TxPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<ac::actors::TxPtr>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<ac::Hash256>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::Hash256)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::Hash160)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::AddressList)
