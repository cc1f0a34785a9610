// The wallet actor: while the node runs, the wallet's keys (wallet.dat, read again before each
// change and saved fsynced, so a key is never lost) and its own unconfirmed transactions. It
// asks the utxo_indexer for the coins of its keys; the outputs of its own unconfirmed
// transactions paying its keys (change) are spendable at once, and the outpoints those spend
// are never selected again, so a second payment before the block neither fails nor
// double-spends. Every `rebroadcast` it submits its unconfirmed transactions to the mempool
// again and has the node announce them to every peer (a payment must not get stuck because
// the miner connected late); a tip change that confirms one forgets it, one that takes its own
// payments out of the chain (a reorganisation) makes them pending again. After a restart, those
// of its pending spends' transactions the mempool reloaded from mempool.dat become its own again
// and are announced at once.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "actors/chain_actor.hpp"
#include "actors/log_sink.hpp"
#include "actors/mempool_actor.hpp"
#include "actors/node_actor.hpp"
#include "actors/utxo_indexer.hpp"
#include "chain/coins.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"

namespace ac::actors {

struct WalletCoin {
  OutPoint outpoint;
  Coin coin;  // height -1 while unconfirmed
};

// A wallet request's outcome: `text` is the answer (an address, a txid) or the reason.
struct WalletAnswer {
  bool ok = false;
  std::string text;
};

// The wallet's coins: confirmed, and its own unconfirmed change (spendable at once).
struct WalletBalance {
  int64_t confirmed = 0;
  int64_t pending = 0;
};

// Sent by the RPC server (getnewaddress), handled by the wallet: answers a WalletAnswer with a
// new key's address.
struct NewAddress {};

// Sent by the RPC server (getbalance, getbalances), handled by the wallet: answers a
// WalletBalance.
struct GetWalletBalance {};

// Sent by the RPC server (listunspent), handled by the wallet: answers what it may spend,
// confirmed and pending (std::vector<WalletCoin>).
struct ListWalletCoins {};

// Sent by the RPC server (sendtoaddress), handled by the wallet: pay `amount` to `to`, at
// `fee_rate` satoshis per 1,000 bytes; with `from`, only from that key's coins, the change
// going back to it (as the CLI's send --from with its node stopped). Answers a PaymentResult:
// the txid, or why not ("insufficient-funds: have X coins confirmed + Y pending, need Z",
// "unknown-address: ...", "rejected: <mempool's reason>", "wallet-...").
struct SendPayment {
  Hash160 to;
  int64_t amount = 0;
  std::optional<Hash160> from;
  int64_t fee_rate = 0;
};

struct PaymentResult {
  WalletAnswer answer;
  bool insufficient_funds = false;  // the reason is "insufficient-funds: ..."
};

// Sent by the RPC server (dumpprivkey), handled by the wallet: answers the key's WIF
// (std::string), empty when not the wallet's.
struct GetPrivateKey {
  Hash160 pubkey_hash;
};

// Sent by the RPC server (getaddressesbylabel, listtransactions), handled by the wallet:
// answers the address of every key, in creation order (std::vector<std::string>).
struct ListWalletAddresses {};

// Sent by the RPC server (abandontransaction), handled by the wallet: gives up its payment
// `txid`, neither confirmed nor in the mempool (Core's abandontransaction), and its payments
// that spent its outputs: their inputs may be spent again, they are no longer rebroadcast, and
// wallet.dat records them as abandoned (a block or a reload of the mempool holding one later
// makes it the wallet's again). Answers an AbandonResult: kUnknown when `txid` is none of its
// pending or abandoned payments, kNotEligible when it is in the mempool.
struct AbandonTx {
  Hash256 txid;
};

struct AbandonResult {
  enum Outcome { kAbandoned, kUnknown, kNotEligible, kFailed };
  Outcome outcome = kFailed;
  std::string detail;  // why it failed
};

using WalletActor =
    caf::typed_actor<caf::replies_to<NewAddress>::with<WalletAnswer>,
                     caf::replies_to<GetWalletBalance>::with<WalletBalance>,
                     caf::replies_to<ListWalletCoins>::with<std::vector<WalletCoin>>,
                     caf::replies_to<SendPayment>::with<PaymentResult>,
                     caf::replies_to<GetPrivateKey>::with<std::string>,
                     caf::replies_to<ListWalletAddresses>::with<std::vector<std::string>>,
                     caf::replies_to<AbandonTx>::with<AbandonResult>,
                     caf::reacts_to<TipChanged>>;  // from the chain

struct WalletConfig {
  ChainParams params;
  std::filesystem::path path;  // wallet.dat
  LogSinkPtr log;
  std::chrono::seconds rebroadcast{30};
};

// Checks that wallet.dat opens (reasons as Wallet::open), then spawns the actor.
Result<WalletActor> spawn_wallet(caf::actor_system& system, WalletConfig config,
                                 UtxoIndexerActor utxo_indexer, MempoolActor mempool,
                                 NodeActor node, ChainActor chain);

}  // namespace ac::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<ac::actors::WalletCoin>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::WalletAnswer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::WalletBalance)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::NewAddress)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetWalletBalance)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::ListWalletCoins)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::SendPayment)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::PaymentResult)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::GetPrivateKey)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::ListWalletAddresses)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::AbandonTx)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ac::actors::AbandonResult)
