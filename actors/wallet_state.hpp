// The wallet actor's state and what its handlers share across its files: wallet_actor.cpp (keys,
// balances, payments, rebroadcast) and wallet_pending.cpp (its pending payments across tip
// changes, a restart and abandontransaction). Internal to the wallet actor.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>

#include <map>
#include <optional>
#include <vector>

#include "actors/wallet_actor.hpp"
#include "wallet/wallet_file.hpp"

namespace ac::actors::wallet_internal {

// The wallet's own timer: submit and announce its unconfirmed transactions again.
struct RebroadcastDue {};

}  // namespace ac::actors::wallet_internal

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::wallet_internal::RebroadcastDue)

namespace ac::actors::wallet_internal {

using WalletImpl = WalletActor::extend<caf::reacts_to<RebroadcastDue>>;

struct WalletState {
  WalletConfig config;
  UtxoIndexerActor utxo_indexer;
  MempoolActor mempool;
  NodeActor node;
  std::map<Hash256, TxPtr> unconfirmed;  // own transactions not yet in a block
  std::optional<int> tip_height;         // the chain's, once told: when coinbases mature
  static inline const char* name = "wallet";
};

using WalletSelf = WalletImpl::stateful_base<WalletState>;

// wallet.dat is the truth: read again before each use, so nothing written meanwhile is lost.
inline Result<wallet::Wallet> open_wallet(WalletSelf* self) {
  return wallet::Wallet::open(self->state.config.path);
}

inline std::vector<Hash160> key_hashes(const wallet::Wallet& wallet) {
  std::vector<Hash160> out;
  for (const auto& key : wallet.keys()) out.push_back(key.pubkey_hash());
  return out;
}

// wallet_pending.cpp:
// A tip change: forgets its confirmed payments, takes back its own a reorganisation unconfirms.
void on_tip_changed(WalletSelf* self, const TipChanged& change);
// After a restart: adopts its payments the mempool reloaded from mempool.dat.
void adopt_reloaded(WalletSelf* self, const TxSelection& pool);
// abandontransaction.
caf::result<AbandonResult> abandon(WalletSelf* self, const Hash256& txid);

}  // namespace ac::actors::wallet_internal
