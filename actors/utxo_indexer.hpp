// The utxo_indexer actor: answers coin and balance queries from the node's Store through its
// address index, so a balance never scans the whole coin set. It only reads: the coins, the
// undo data and the address index are written by ChainState inside the chain actor, one
// WriteBatch per connected or disconnected block, and LevelDB reads are safe meanwhile.
//
// Messages (actors/messages.hpp):
//   (balance_atom, Hash160 pubkey_hash) -> int64_t  sum of the P2PKH coins paying it
//   (coins_atom, Hash160 pubkey_hash) -> AddressCoins
//   (coins_atom, std::vector<Hash160>) -> AddressCoins  of all of them (the wallet's keys)
//   (coin_atom, OutPoint) -> std::optional<Coin>  the unspent coin, if any (gettxout)
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "chain/store.hpp"

namespace ac::actors {

using AddressCoins = std::vector<std::pair<OutPoint, Coin>>;

caf::actor spawn_utxo_indexer(caf::actor_system& system, std::shared_ptr<const Store> store);

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::Hash160)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::AddressCoins)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::OutPoint)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<ac::Coin>)
