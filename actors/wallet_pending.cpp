// The wallet's pending payments across tip changes (confirmed ones forgotten, its own that a
// reorganisation unconfirms taken back), a restart (those the mempool reloaded adopted) and
// abandontransaction (one neither confirmed nor in the mempool given up, its inputs released).
#include <caf/all.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <unordered_set>

#include "actors/wallet_state.hpp"
#include "wallet/own_payments.hpp"

namespace ac::actors::wallet_internal {

namespace {

void log_line(WalletSelf* self, const std::string& line) {
  if (self->state.config.log) self->state.config.log->line(line);
}

// After a reorganisation: the wallet's own payments that the disconnected blocks held (and the
// new chain does not) are pending again, as if just sent: their inputs recorded in wallet.dat
// (never chosen again), their change spendable, rebroadcast until a block confirms them. Each
// goes to the mempool again (behind the chain's take-back, so usually "already in the pool"); one
// it refuses (the new chain spent its inputs) is, as a refused payment, no longer counted, its
// inputs reserved until it confirms or is abandoned.
void take_back_own(WalletSelf* self, wallet::Wallet& wallet, const std::vector<TxPtr>& returned) {
  std::vector<Hash160> keys = key_hashes(wallet);
  const std::unordered_set<Hash160> mine(keys.begin(), keys.end());
  for (const TxPtr& tx : returned) {
    if (!wallet::spends_from(*tx, mine)) continue;
    const Hash256 txid = tx->txid();
    std::vector<OutPoint> spends = wallet::unrecorded_spends(*tx, txid, wallet.pending_spends());
    Status marked = spends.empty() ? Status{} : wallet.mark_spent(spends, txid, std::time(nullptr));
    self->state.unconfirmed[txid] = tx;
    log_line(self, marked ? "wallet: own tx " + txid.hex() +
                                " unconfirmed again (its block left the chain)"
                          : "wallet: cannot record the spends of " + txid.hex() + ": " +
                                marked.error().message());
    self->request(self->state.mempool, caf::infinite, SubmitTx{tx, SessionActor{}})
        .then(
            [=](const TxVerdict& verdict) {
              if (!verdict.accepted && verdict.kind != ErrorKind::kAlreadyHave)
                self->state.unconfirmed.erase(txid);
            },
            [](caf::error&) {});
  }
}

// Gives up `txid` and the wallet's payments that spent its outputs (they cannot be mined
// without it): their pending spends dropped, recorded as abandoned, no longer rebroadcast.
AbandonResult give_up(WalletSelf* self, const Hash256& txid) {
  auto wallet = open_wallet(self);  // again: it may have changed while the mempool answered
  if (!wallet) return {AbandonResult::kFailed, wallet.error().message()};
  std::unordered_set<Hash256> gone =
      wallet::with_pending_descendants(txid, wallet->pending_spends());
  if (Status abandoned = wallet->abandon(gone, std::time(nullptr)); !abandoned)
    return {AbandonResult::kFailed, abandoned.error().message()};
  for (const Hash256& lost : gone) self->state.unconfirmed.erase(lost);
  log_line(self,
           fmt::format("wallet: abandoned tx {} ({} descendants)", txid.hex(), gone.size() - 1));
  return {AbandonResult::kAbandoned, {}};
}

bool names(const std::vector<wallet::PendingSpend>& spends, const Hash256& txid) {
  return std::any_of(spends.begin(), spends.end(), [&](const wallet::PendingSpend& spend) {
    return spend.spending_txid == txid;
  });
}

}  // namespace

void on_tip_changed(WalletSelf* self, const TipChanged& change) {
  self->state.tip_height = change.tip.height;
  auto wallet = open_wallet(self);
  if (wallet && !change.returned_to_mempool.empty())
    take_back_own(self, *wallet, change.returned_to_mempool);
  for (const TxPtr& tx : change.confirmed) self->state.unconfirmed.erase(tx->txid());
  if (!wallet || change.confirmed.empty()) return;
  std::unordered_set<Hash256> confirmed;
  for (const TxPtr& tx : change.confirmed) confirmed.insert(tx->txid());
  (void)wallet->retain_pending_spends(
      [&](const wallet::PendingSpend& p) { return !confirmed.contains(p.spending_txid); });
  (void)wallet->forget_abandoned(confirmed);  // mined after all: no longer abandoned
}

// After a restart the wallet's unconfirmed transactions are those of mempool.dat the mempool took
// back: the ones its pending spends name (wallet.dat keeps them) become its own again (their
// change spendable, rebroadcast until confirmed) and are announced to every peer at once. An
// abandoned one the mempool holds again is the wallet's pending payment again, as in Core.
void adopt_reloaded(WalletSelf* self, const TxSelection& pool) {
  auto wallet = open_wallet(self);
  if (!wallet) return;
  std::unordered_set<Hash256> own;
  for (const wallet::PendingSpend& spend : wallet->pending_spends())
    own.insert(spend.spending_txid);
  std::unordered_set<Hash256> revived;
  std::vector<Hash256> adopted;
  for (const TxPtr& tx : pool.txs) {
    const Hash256 txid = tx->txid();
    if (wallet->is_abandoned(txid)) {
      (void)wallet->mark_spent(wallet::unrecorded_spends(*tx, txid, wallet->pending_spends()), txid,
                               std::time(nullptr));
      revived.insert(txid);
    } else if (!own.contains(txid)) {
      continue;
    }
    if (self->state.unconfirmed.emplace(txid, tx).second) adopted.push_back(txid);
  }
  if (!revived.empty()) (void)wallet->forget_abandoned(revived);
  if (adopted.empty()) return;
  log_line(self, fmt::format("wallet: announcing {} own unconfirmed txs from the reloaded mempool",
                             adopted.size()));
  self->send(self->state.node, TxsAccepted{std::move(adopted), SessionActor{}});
}

// Core's abandontransaction: only a payment of the wallet (pending or abandoned already) that is
// not in the mempool. GetTx answers once the mempool has checked what waits (a reorganisation's
// take-back, mempool.dat's load), but also finds recently accepted transactions that left the
// pool: when it finds one, the pool's own list decides.
caf::result<AbandonResult> abandon(WalletSelf* self, const Hash256& txid) {
  auto wallet = open_wallet(self);
  if (!wallet) return AbandonResult{AbandonResult::kFailed, wallet.error().message()};
  if (!self->state.unconfirmed.contains(txid) && !wallet->is_abandoned(txid) &&
      !names(wallet->pending_spends(), txid))
    return AbandonResult{AbandonResult::kUnknown, {}};
  auto promise = self->make_response_promise<AbandonResult>();
  auto failed = [=](caf::error& error) mutable {
    promise.deliver(AbandonResult{AbandonResult::kFailed, to_string(error)});
  };
  self->request(self->state.mempool, std::chrono::seconds(30), GetTx{txid})
      .then(
          [=](const TxPtr& found) mutable {
            if (!found) {
              promise.deliver(give_up(self, txid));
              return;
            }
            self->request(self->state.mempool, std::chrono::seconds(30),
                          SelectTxs{uint64_t{UINT64_MAX}})
                .then(
                    [=](const TxSelection& selection) mutable {
                      bool pooled =
                          std::any_of(selection.txs.begin(), selection.txs.end(),
                                      [&](const TxPtr& tx) { return tx->txid() == txid; });
                      promise.deliver(pooled ? AbandonResult{AbandonResult::kNotEligible, {}}
                                             : give_up(self, txid));
                    },
                    failed);
          },
          failed);
  return promise;
}

}  // namespace ac::actors::wallet_internal
