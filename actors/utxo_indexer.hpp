// The utxo_indexer actor: answers coin and balance queries from the node's Store through its
// address index, so a balance never scans the whole coin set. It only reads: the coins, the
// undo data and the address index are written by ChainState inside the chain actor, one
// WriteBatch per connected or disconnected block, and LevelDB reads are safe meanwhile.
#pragma once

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "actors/local_values.hpp"
#include "chain/store.hpp"

namespace ac::actors {

using AddressCoins = std::vector<std::pair<OutPoint, Coin>>;

// Sent by tests (and the RPC server to come), handled by the utxo_indexer: answers the sum of
// the P2PKH coins paying `pubkey_hash` (int64_t).
struct GetBalance {
  Hash160 pubkey_hash;
};

// Sent by the RPC server (scantxoutset) and tests, handled by the utxo_indexer: answers the P2PKH
// coins paying `pubkey_hash` (AddressCoins).
struct GetAddressCoins {
  Hash160 pubkey_hash;
};

// Sent by the RPC server (gettxout, sendrawtransaction), handled by the utxo_indexer: answers
// the unspent coin at `outpoint`, if any (std::optional<Coin>).
struct GetCoin {
  OutPoint outpoint;
};

// Sent by the wallet actor, handled by the utxo_indexer: answers the P2PKH coins paying any of
// these (AddressCoins; the wallet's keys).
struct GetCoinsOfAddresses {
  std::vector<Hash160> pubkey_hashes;
};

using UtxoIndexerActor = caf::typed_actor<caf::replies_to<GetBalance>::with<int64_t>,
                                          caf::replies_to<GetAddressCoins>::with<AddressCoins>,
                                          caf::replies_to<GetCoin>::with<std::optional<Coin>>,
                                          caf::replies_to<GetCoinsOfAddresses>::with<AddressCoins>>;

UtxoIndexerActor spawn_utxo_indexer(caf::actor_system& system, std::shared_ptr<const Store> store);

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::AddressCoins)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetBalance)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetAddressCoins)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetCoin)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetCoinsOfAddresses)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<ac::Hash160>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<ac::Coin>)
