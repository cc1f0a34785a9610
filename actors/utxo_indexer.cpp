#include "actors/utxo_indexer.hpp"

#include <caf/all.hpp>

namespace ac::actors {

namespace {

UtxoIndexerActor::behavior_type utxo_indexer(UtxoIndexerActor::pointer,
                                             std::shared_ptr<const Store> store) {
  return {
      [=](const GetBalance& request) {
        int64_t total = 0;
        for (const auto& [outpoint, coin] : store->coins_of(request.pubkey_hash))
          total += coin.output.value;
        return total;
      },
      [=](const GetAddressCoins& request) -> AddressCoins {
        return store->coins_of(request.pubkey_hash);
      },
      [=](const GetCoinsOfAddresses& request) -> AddressCoins {
        AddressCoins all;
        for (const Hash160& pubkey_hash : request.pubkey_hashes) {
          AddressCoins coins = store->coins_of(pubkey_hash);
          all.insert(all.end(), coins.begin(), coins.end());
        }
        return all;
      },
      [=](const GetCoin& request) -> std::optional<Coin> { return store->coin(request.outpoint); },
  };
}

}  // namespace

UtxoIndexerActor spawn_utxo_indexer(caf::actor_system& system, std::shared_ptr<const Store> store) {
  return system.spawn(utxo_indexer, std::move(store));
}

}  // namespace ac::actors
