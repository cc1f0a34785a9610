// The wallet's transactions as Core's listtransactions and gettransaction show them (Core's
// src/wallet/rpc/transactions.cpp): pure functions of wallet::WalletTx, unit-tested without a
// node. Categories: "send" (each output of the wallet's own transaction that pays another,
// amount and fee negative), "receive" (an output paying the wallet in another's
// transaction), "generate" / "immature" (a coinbase paying it, by maturity), "orphan" (one
// whose block left the active chain: confirmations 0, no block). Outputs of its
// own transactions back to its keys (change) are not listed, as Core lists change.
#pragma once

#include <cstdint>

#include "chain/params.hpp"
#include "net/jsonrpc.hpp"
#include "wallet/history.hpp"

namespace ac::rpc {

struct WalletTxPlace {
  int tip_height = -1;
  int64_t now = 0;  // time and timereceived of an unconfirmed transaction
};

// The "details" entries of one transaction (address, category, amount, label, vout[, fee]).
Json wallet_tx_details(const wallet::WalletTx& tx, const wallet::WalletHistory& history,
                       const ChainParams& params, const WalletTxPlace& place);

// The fields every wallet transaction shows: confirmations, generated, blockhash, blockheight,
// blockindex, blocktime, txid, walletconflicts, time, timereceived, bip125-replaceable.
void add_wallet_tx_fields(Json& out, const wallet::WalletTx& tx, const WalletTxPlace& place);

// listtransactions' entries of one transaction (its details, each with the fields above).
Json list_transaction_entries(const wallet::WalletTx& tx, const wallet::WalletHistory& history,
                              const ChainParams& params, const WalletTxPlace& place);

// gettransaction's object: amount, fee, the fields above, details, hex.
Json get_transaction_json(const wallet::WalletTx& tx, const wallet::WalletHistory& history,
                          const ChainParams& params, const WalletTxPlace& place);

}  // namespace ac::rpc
