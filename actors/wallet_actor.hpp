// The wallet actor: while the node runs, the wallet's keys (wallet.dat, read again before each
// change and saved fsynced, so a key is never lost) and its own unconfirmed transactions. It
// asks the utxo_indexer for the coins of its keys; the outputs of its own unconfirmed
// transactions paying its keys (change) are spendable at once, and the outpoints those spend
// are never selected again, so a second payment before the block neither fails nor
// double-spends. Every `rebroadcast` it submits its unconfirmed transactions to the mempool
// again and has the node announce them to every peer (a payment must not get stuck because
// the miner connected late); a tip change that confirms one forgets it.
//
// Messages (this header's atoms):
//   (wallet_new_key_atom) -> (bool ok, std::string address or reason)
//   (wallet_balance_atom) -> (int64_t confirmed, int64_t pending)  pending: own change
//   (wallet_coins_atom) -> std::vector<WalletCoin>  what it may spend, confirmed and pending
//   (wallet_send_atom, Hash160 to, int64_t amount) -> (bool ok, std::string txid or reason)
//       reasons: "insufficient-funds: have X coins confirmed + Y pending, need Z", "bad-amount",
//       "rejected: <mempool's reason>", "wallet-...".
//   (wallet_key_atom, Hash160) -> std::string WIF, empty when not the wallet's
//   (wallet_is_mine_atom, Hash160) -> bool
//   (wallet_addresses_atom) -> std::vector<std::string>  one per key, in creation order
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <filesystem>
#include <vector>

#include "actors/log_sink.hpp"
#include "actors/messages.hpp"
#include "actors/utxo_indexer.hpp"
#include "chain/coins.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"

namespace ac::actors {

using wallet_new_key_atom = caf::atom_constant<caf::atom("wnewkey")>;
using wallet_balance_atom = caf::atom_constant<caf::atom("wbalance")>;
using wallet_coins_atom = caf::atom_constant<caf::atom("wcoins")>;
using wallet_send_atom = caf::atom_constant<caf::atom("wsend")>;
using wallet_key_atom = caf::atom_constant<caf::atom("wkey")>;
using wallet_is_mine_atom = caf::atom_constant<caf::atom("wismine")>;
using wallet_addresses_atom = caf::atom_constant<caf::atom("waddrs")>;
using wallet_rebroadcast_atom = caf::atom_constant<caf::atom("wrebcast")>;

struct WalletCoin {
  OutPoint outpoint;
  Coin coin;  // height -1 while unconfirmed
};

struct WalletConfig {
  ChainParams params;
  std::filesystem::path path;  // wallet.dat
  LogSinkPtr log;
  std::chrono::seconds rebroadcast{30};
};

// Checks that wallet.dat opens (reasons as Wallet::open), then spawns the actor.
Result<caf::actor> spawn_wallet(caf::actor_system& system, WalletConfig config,
                                caf::actor utxo_indexer, caf::actor mempool, caf::actor node,
                                caf::actor chain);

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<ac::actors::WalletCoin>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<ac::Hash160>)
