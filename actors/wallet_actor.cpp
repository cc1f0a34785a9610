#include "actors/wallet_actor.hpp"

#include <caf/all.hpp>

#include <fmt/format.h>

#include <ctime>
#include <map>
#include <unordered_set>

#include "actors/messages.hpp"
#include "actors/utxo_indexer.hpp"
#include "chain/amount.hpp"
#include "chain/script.hpp"
#include "net/messages.hpp"
#include "wallet/address.hpp"
#include "wallet/tx_builder.hpp"
#include "wallet/wallet_file.hpp"

namespace ac::actors {

namespace {

struct WalletState {
  WalletConfig config;
  caf::actor utxo_indexer;
  caf::actor mempool;
  caf::actor node;
  std::map<Hash256, TxPtr> unconfirmed;  // own transactions not yet in a block
  static inline const char* name = "wallet";
};

using WalletActor = caf::stateful_actor<WalletState>;

// wallet.dat is the truth: read again before each use, so nothing written meanwhile is lost.
Result<wallet::Wallet> open_wallet(WalletActor* self) {
  return wallet::Wallet::open(self->state.config.path);
}

std::vector<Hash160> key_hashes(const wallet::Wallet& wallet) {
  std::vector<Hash160> out;
  for (const auto& key : wallet.keys()) out.push_back(key.pubkey_hash());
  return out;
}

// What the wallet may spend: confirmed coins its unconfirmed transactions do not spend, and the
// outputs of those transactions that pay its own keys and are not spent by another of them.
struct Spendable {
  std::vector<wallet::SpendableCoin> confirmed;
  std::vector<wallet::SpendableCoin> pending;
};

Spendable spendable(WalletActor* self, const wallet::Wallet& wallet, const AddressCoins& coins) {
  std::unordered_set<OutPoint> spent = wallet.pending_outpoints();
  for (const auto& [txid, tx] : self->state.unconfirmed)
    for (const TxIn& input : tx->inputs) spent.insert(input.prevout);
  Spendable out;
  for (const auto& [outpoint, coin] : coins)
    if (!spent.contains(outpoint)) out.confirmed.push_back({outpoint, coin});
  for (const auto& [txid, tx] : self->state.unconfirmed) {
    for (uint32_t i = 0; i < tx->outputs.size(); ++i) {
      OutPoint outpoint{txid, i};
      auto pubkey_hash = match_p2pkh(tx->outputs[i].script_pubkey);
      if (spent.contains(outpoint) || !pubkey_hash || !wallet.key_for(*pubkey_hash)) continue;
      out.pending.push_back({outpoint, Coin{tx->outputs[i], -1, false}});
    }
  }
  return out;
}

Amount sum(const std::vector<wallet::SpendableCoin>& coins) {
  Amount total = 0;
  for (const auto& coin : coins) total += coin.coin.output.value;
  return total;
}

void rebroadcast(WalletActor* self) {
  for (const auto& [txid, tx] : self->state.unconfirmed) {
    self->send(self->state.mempool, submit_tx_atom::value, tx, caf::actor{});
    self->send(self->state.node, announce_atom::value, net::kMsgTx, std::vector<Hash256>{txid},
               caf::actor{});
  }
  self->delayed_send(self, self->state.config.rebroadcast, wallet_rebroadcast_atom::value);
}

caf::behavior wallet_actor(WalletActor* self, WalletConfig config, caf::actor utxo_indexer,
                           caf::actor mempool, caf::actor node, caf::actor chain) {
  self->state.config = std::move(config);
  self->state.utxo_indexer = std::move(utxo_indexer);
  self->state.mempool = std::move(mempool);
  self->state.node = std::move(node);
  if (chain) self->send(chain, subscribe_atom::value, caf::actor_cast<caf::actor>(self));
  self->delayed_send(self, self->state.config.rebroadcast, wallet_rebroadcast_atom::value);
  return {
      [=](wallet_new_key_atom) -> caf::message {
        auto wallet = open_wallet(self);
        if (!wallet) return caf::make_message(false, wallet.error().message());
        auto key = wallet->new_key();
        if (!key) return caf::make_message(false, key.error().message());
        return caf::make_message(
            true, wallet::encode_address(key->pubkey_hash(), self->state.config.params));
      },
      [=](wallet_key_atom, const Hash160& pubkey_hash) -> std::string {
        auto wallet = open_wallet(self);
        if (!wallet) return {};
        const auto* key = wallet->key_for(pubkey_hash);
        return key ? key->to_wif(self->state.config.params) : std::string{};
      },
      [=](wallet_addresses_atom) -> std::vector<std::string> {
        auto wallet = open_wallet(self);
        return wallet ? wallet->addresses(self->state.config.params) : std::vector<std::string>{};
      },
      [=](wallet_is_mine_atom, const Hash160& pubkey_hash) -> bool {
        auto wallet = open_wallet(self);
        return wallet && wallet->key_for(pubkey_hash) != nullptr;
      },
      [=](wallet_balance_atom) -> caf::result<int64_t, int64_t> {
        auto wallet = open_wallet(self);
        if (!wallet) return caf::make_error(caf::sec::runtime_error, wallet.error().message());
        auto promise = self->make_response_promise<int64_t, int64_t>();
        auto shared = std::make_shared<wallet::Wallet>(std::move(*wallet));
        self->request(self->state.utxo_indexer, std::chrono::seconds(30), coins_atom::value,
                      key_hashes(*shared))
            .then(
                [=](const AddressCoins& coins) mutable {
                  Spendable can = spendable(self, *shared, coins);
                  promise.deliver(int64_t{sum(can.confirmed)}, int64_t{sum(can.pending)});
                },
                [=](caf::error& error) mutable { promise.deliver(std::move(error)); });
        return promise;
      },
      [=](wallet_coins_atom) -> caf::result<std::vector<WalletCoin>> {
        auto wallet = open_wallet(self);
        if (!wallet) return caf::make_error(caf::sec::runtime_error, wallet.error().message());
        auto promise = self->make_response_promise<std::vector<WalletCoin>>();
        auto shared = std::make_shared<wallet::Wallet>(std::move(*wallet));
        self->request(self->state.utxo_indexer, std::chrono::seconds(30), coins_atom::value,
                      key_hashes(*shared))
            .then(
                [=](const AddressCoins& coins) mutable {
                  Spendable can = spendable(self, *shared, coins);
                  std::vector<WalletCoin> out;
                  for (const auto& c : can.confirmed) out.push_back({c.outpoint, c.coin});
                  for (const auto& c : can.pending) out.push_back({c.outpoint, c.coin});
                  promise.deliver(std::move(out));
                },
                [=](caf::error& error) mutable { promise.deliver(std::move(error)); });
        return promise;
      },
      [=](wallet_send_atom, const Hash160& to, int64_t amount) -> caf::result<bool, std::string> {
        auto wallet = open_wallet(self);
        if (!wallet) return {false, wallet.error().message()};
        if (wallet->keys().empty()) return {false, "wallet-empty: the wallet has no key"};
        auto promise = self->make_response_promise<bool, std::string>();
        auto shared = std::make_shared<wallet::Wallet>(std::move(*wallet));
        self->request(self->state.utxo_indexer, std::chrono::seconds(30), coins_atom::value,
                      key_hashes(*shared))
            .then(
                [=](const AddressCoins& coins) mutable {
                  Spendable can = spendable(self, *shared, coins);
                  std::vector<wallet::SpendableCoin> available = can.confirmed;
                  available.insert(available.end(), can.pending.begin(), can.pending.end());
                  wallet::Payment payment{to, amount, 0, shared->keys().front().pubkey_hash()};
                  auto tx = wallet::build_payment(shared->signer(), shared->keys(), available, {},
                                                  payment);
                  if (!tx) {
                    if (tx.reason() == "insufficient-funds")
                      promise.deliver(
                          false, fmt::format("insufficient-funds: have {} coins "
                                             "confirmed + {} pending, need {}",
                                             format_coins(sum(can.confirmed)),
                                             format_coins(sum(can.pending)), format_coins(amount)));
                    else
                      promise.deliver(false, tx.error().message());
                    return;
                  }
                  auto shared_tx = std::make_shared<const Transaction>(std::move(*tx));
                  Hash256 txid = shared_tx->txid();
                  std::vector<OutPoint> spent;
                  for (const TxIn& input : shared_tx->inputs) spent.push_back(input.prevout);
                  // Recorded (fsynced) before it leaves: a crash never forgets what it spent.
                  if (Status marked = shared->mark_spent(spent, txid, std::time(nullptr));
                      !marked) {
                    promise.deliver(false, marked.error().message());
                    return;
                  }
                  self->request(self->state.mempool, std::chrono::seconds(30),
                                submit_tx_atom::value, shared_tx, caf::actor{})
                      .then(
                          [=](bool accepted, const std::string& reason, ErrorKind) mutable {
                            if (!accepted) {
                              promise.deliver(false, "rejected: " + reason);
                              return;
                            }
                            self->state.unconfirmed[txid] = shared_tx;
                            promise.deliver(true, txid.hex());
                          },
                          [=](caf::error& error) mutable { promise.deliver(std::move(error)); });
                },
                [=](caf::error& error) mutable { promise.deliver(std::move(error)); });
        return promise;
      },
      [=](const TipChanged& change) {
        for (const TxPtr& tx : change.confirmed) self->state.unconfirmed.erase(tx->txid());
        if (auto wallet = open_wallet(self)) {
          std::unordered_set<Hash256> confirmed;
          for (const TxPtr& tx : change.confirmed) confirmed.insert(tx->txid());
          (void)wallet->retain_pending_spends(
              [&](const wallet::PendingSpend& p) { return !confirmed.contains(p.spending_txid); });
        }
      },
      [=](wallet_rebroadcast_atom) { rebroadcast(self); },
      // The mempool's verdicts on rebroadcast transactions: already pooled, or confirmed.
      [=](bool, const std::string&, ErrorKind) {},
  };
}

}  // namespace

Result<caf::actor> spawn_wallet(caf::actor_system& system, WalletConfig config,
                                caf::actor utxo_indexer, caf::actor mempool, caf::actor node,
                                caf::actor chain) {
  auto wallet = wallet::Wallet::open(config.path);
  if (!wallet) return wallet.error();
  return system.spawn(wallet_actor, std::move(config), std::move(utxo_indexer), std::move(mempool),
                      std::move(node), std::move(chain));
}

}  // namespace ac::actors
