#include "actors/wallet_actor.hpp"

#include <caf/all.hpp>

#include <fmt/format.h>

#include <ctime>
#include <map>
#include <optional>
#include <unordered_set>

#include "actors/utxo_indexer.hpp"
#include "actors/wallet_state.hpp"
#include "chain/amount.hpp"
#include "chain/script.hpp"
#include "net/messages.hpp"
#include "wallet/address.hpp"
#include "wallet/tx_builder.hpp"
#include "wallet/wallet_file.hpp"

namespace ac::actors {
namespace {

using namespace wallet_internal;

// A coinbase spendable in the next block, by the rule the stopped send and the mempool apply
// (Core's wallet counts, lists and spends no immature one either). While the chain's height is
// not known yet, none is.
bool mature(WalletSelf* self, const Coin& coin) {
  int maturity = self->state.config.params.coinbase_maturity;
  if (!coin.is_coinbase || maturity == 0) return true;
  const auto& tip = self->state.tip_height;
  return tip && *tip + 1 - coin.height >= maturity;
}

// What the wallet may spend: mature confirmed coins its unconfirmed transactions do not spend,
// and the outputs of those transactions that pay its own keys and are not spent by another.
struct Spendable {
  std::vector<wallet::SpendableCoin> confirmed;
  std::vector<wallet::SpendableCoin> pending;
};

Spendable spendable(WalletSelf* self, const wallet::Wallet& wallet, const AddressCoins& coins) {
  std::unordered_set<OutPoint> spent = wallet.pending_outpoints();
  for (const auto& [txid, tx] : self->state.unconfirmed)
    for (const TxIn& input : tx->inputs) spent.insert(input.prevout);
  Spendable out;
  for (const auto& [outpoint, coin] : coins)
    if (!spent.contains(outpoint) && mature(self, coin)) out.confirmed.push_back({outpoint, coin});
  for (const auto& [txid, tx] : self->state.unconfirmed) {
    for (uint32_t i = 0; i < tx->outputs.size(); ++i) {
      OutPoint outpoint{txid, i};
      auto pubkey_hash = match_p2pkh(tx->outputs[i].script_pubkey);
      if (spent.contains(outpoint) || !pubkey_hash || !wallet.key_for(*pubkey_hash)) continue;
      out.pending.push_back({outpoint, Coin{tx->outputs[i], -1, false}, true});
    }
  }
  return out;
}

// Keeps the coins that pay `key` (a payment --from one address spends nothing else).
void only_of(Spendable& can, const Hash160& key) {
  auto other = [&](const wallet::SpendableCoin& coin) {
    return match_p2pkh(coin.coin.output.script_pubkey) != key;
  };
  std::erase_if(can.confirmed, other);
  std::erase_if(can.pending, other);
}

Amount sum(const std::vector<wallet::SpendableCoin>& coins) {
  Amount total = 0;
  for (const auto& coin : coins) total += coin.coin.output.value;
  return total;
}

void rebroadcast(WalletSelf* self) {
  for (const auto& [txid, tx] : self->state.unconfirmed) {
    // The verdict does not matter: already pooled, or confirmed meanwhile.
    self->request(self->state.mempool, caf::infinite, SubmitTx{tx, SessionActor{}})
        .then([](const TxVerdict&) {}, [](caf::error&) {});
    self->send(self->state.node, TxsAccepted{std::vector<Hash256>{txid}, SessionActor{}});
  }
  self->delayed_send(self, self->state.config.rebroadcast, RebroadcastDue{});
}

WalletImpl::behavior_type wallet_actor(WalletSelf* self, WalletConfig config,
                                       UtxoIndexerActor utxo_indexer, MempoolActor mempool,
                                       NodeActor node, ChainActor chain) {
  self->state.config = std::move(config);
  self->state.utxo_indexer = std::move(utxo_indexer);
  self->state.mempool = std::move(mempool);
  self->state.node = std::move(node);
  if (chain) {
    self->send(chain, SubscribeTipChanged{TipChangedListener{self}});
    // The height until the first change; a change that came first is newer.
    self->request(chain, caf::infinite, GetTip{})
        .then(
            [=](const TipInfo& tip) {
              if (!self->state.tip_height) self->state.tip_height = tip.height;
            },
            [](caf::error&) {});
  }
  self->delayed_send(self, self->state.config.rebroadcast, RebroadcastDue{});
  self->request(self->state.mempool, caf::infinite, SelectTxs{UINT64_MAX, true})
      .then([=](const TxSelection& pool) { adopt_reloaded(self, pool); }, [](caf::error&) {});
  return {
      [=](NewAddress) -> WalletAnswer {
        auto wallet = open_wallet(self);
        if (!wallet) return {false, wallet.error().message()};
        auto key = wallet->new_key();
        if (!key) return {false, key.error().message()};
        return {true, wallet::encode_address(key->pubkey_hash(), self->state.config.params)};
      },
      [=](const GetPrivateKey& request) -> std::string {
        auto wallet = open_wallet(self);
        if (!wallet) return {};
        const auto* key = wallet->key_for(request.pubkey_hash);
        return key ? key->to_wif(self->state.config.params) : std::string{};
      },
      [=](ListWalletAddresses) -> std::vector<std::string> {
        auto wallet = open_wallet(self);
        return wallet ? wallet->addresses(self->state.config.params) : std::vector<std::string>{};
      },
      [=](GetWalletBalance) -> caf::result<WalletBalance> {
        auto wallet = open_wallet(self);
        if (!wallet) return caf::make_error(caf::sec::runtime_error, wallet.error().message());
        auto promise = self->make_response_promise<WalletBalance>();
        auto shared = std::make_shared<wallet::Wallet>(std::move(*wallet));
        self->request(self->state.utxo_indexer, std::chrono::seconds(30),
                      GetCoinsOfAddresses{key_hashes(*shared)})
            .then(
                [=](const AddressCoins& coins) mutable {
                  Spendable can = spendable(self, *shared, coins);
                  promise.deliver(WalletBalance{sum(can.confirmed), sum(can.pending)});
                },
                [=](caf::error& error) mutable { promise.deliver(std::move(error)); });
        return promise;
      },
      [=](ListWalletCoins) -> caf::result<std::vector<WalletCoin>> {
        auto wallet = open_wallet(self);
        if (!wallet) return caf::make_error(caf::sec::runtime_error, wallet.error().message());
        auto promise = self->make_response_promise<std::vector<WalletCoin>>();
        auto shared = std::make_shared<wallet::Wallet>(std::move(*wallet));
        self->request(self->state.utxo_indexer, std::chrono::seconds(30),
                      GetCoinsOfAddresses{key_hashes(*shared)})
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
      [=](const SendPayment& request) -> caf::result<PaymentResult> {
        auto wallet = open_wallet(self);
        if (!wallet) return PaymentResult{{false, wallet.error().message()}};
        if (wallet->keys().empty())
          return PaymentResult{{false, "wallet-empty: the wallet has no key"}};
        if (request.from && !wallet->key_for(*request.from))
          return PaymentResult{
              {false, "unknown-address: the wallet holds no key for " +
                          wallet::encode_address(*request.from, self->state.config.params)}};
        auto promise = self->make_response_promise<PaymentResult>();
        Hash160 to = request.to;
        int64_t amount = request.amount;
        std::optional<Hash160> from = request.from;
        int64_t fee_rate = request.fee_rate;
        auto shared = std::make_shared<wallet::Wallet>(std::move(*wallet));
        self->request(self->state.utxo_indexer, std::chrono::seconds(30),
                      GetCoinsOfAddresses{key_hashes(*shared)})
            .then(
                [=](const AddressCoins& coins) mutable {
                  Spendable can = spendable(self, *shared, coins);
                  if (from) only_of(can, *from);
                  std::vector<wallet::SpendableCoin> available = can.confirmed;
                  available.insert(available.end(), can.pending.begin(), can.pending.end());
                  wallet::Payment payment{
                      to, amount, 0, from.value_or(shared->keys().front().pubkey_hash()), fee_rate};
                  auto tx = wallet::build_payment(shared->signer(), shared->keys(), available, {},
                                                  payment);
                  if (!tx) {
                    PaymentResult failed;
                    failed.answer.text = tx.error().message();
                    failed.insufficient_funds = tx.kind() == ErrorKind::kRefused;  // the only one
                    promise.deliver(std::move(failed));
                    return;
                  }
                  auto shared_tx = std::make_shared<const Transaction>(std::move(*tx));
                  Hash256 txid = shared_tx->txid();
                  std::vector<OutPoint> spent;
                  for (const TxIn& input : shared_tx->inputs) spent.push_back(input.prevout);
                  // Recorded (fsynced) before it leaves: a crash never forgets what it spent.
                  if (Status marked = shared->mark_spent(spent, txid, std::time(nullptr));
                      !marked) {
                    promise.deliver(PaymentResult{{false, marked.error().message()}});
                    return;
                  }
                  self->request(self->state.mempool, std::chrono::seconds(30),
                                SubmitTx{shared_tx, SessionActor{}})
                      .then(
                          [=](const TxVerdict& verdict) mutable {
                            if (!verdict.accepted) {
                              promise.deliver(
                                  PaymentResult{{false, "rejected: " + verdict.reason}});
                              return;
                            }
                            self->state.unconfirmed[txid] = shared_tx;
                            promise.deliver(PaymentResult{{true, txid.hex()}});
                          },
                          [=](caf::error& error) mutable { promise.deliver(std::move(error)); });
                },
                [=](caf::error& error) mutable { promise.deliver(std::move(error)); });
        return promise;
      },
      [=](const TipChanged& change) { on_tip_changed(self, change); },
      [=](const AbandonTx& request) { return abandon(self, request.txid); },
      [=](RebroadcastDue) { rebroadcast(self); },
  };
}

}  // namespace

Result<WalletActor> spawn_wallet(caf::actor_system& system, WalletConfig config,
                                 UtxoIndexerActor utxo_indexer, MempoolActor mempool,
                                 NodeActor node, ChainActor chain) {
  auto wallet = wallet::Wallet::open(config.path);
  if (!wallet) return wallet.error();
  return WalletActor{system.spawn(wallet_actor, std::move(config), std::move(utxo_indexer),
                                  std::move(mempool), std::move(node), std::move(chain))};
}

}  // namespace ac::actors
