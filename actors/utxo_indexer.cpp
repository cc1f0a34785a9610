#include "actors/utxo_indexer.hpp"

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/wallet_actor.hpp"

namespace ac::actors {

namespace {

caf::behavior utxo_indexer(caf::event_based_actor*, std::shared_ptr<const Store> store) {
  return {
      [=](balance_atom, const Hash160& pubkey_hash) {
        int64_t total = 0;
        for (const auto& [outpoint, coin] : store->coins_of(pubkey_hash))
          total += coin.output.value;
        return total;
      },
      [=](coins_atom, const Hash160& pubkey_hash) -> AddressCoins {
        return store->coins_of(pubkey_hash);
      },
      [=](coins_atom, const std::vector<Hash160>& pubkey_hashes) -> AddressCoins {
        AddressCoins all;
        for (const Hash160& pubkey_hash : pubkey_hashes) {
          AddressCoins coins = store->coins_of(pubkey_hash);
          all.insert(all.end(), coins.begin(), coins.end());
        }
        return all;
      },
      [=](coin_atom, const OutPoint& outpoint) -> std::optional<Coin> {
        return store->coin(outpoint);
      },
  };
}

}  // namespace

caf::actor spawn_utxo_indexer(caf::actor_system& system, std::shared_ptr<const Store> store) {
  return system.spawn(utxo_indexer, std::move(store));
}

}  // namespace ac::actors
