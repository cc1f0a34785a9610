#include "net/rpc_wallet_json.hpp"

#include "chain/bytes.hpp"
#include "chain/script.hpp"
#include "wallet/address.hpp"

namespace ac::rpc {

namespace {

int confirmations(const wallet::WalletTx& tx, const WalletTxPlace& place) {
  return tx.height < 0 ? 0 : place.tip_height - tx.height + 1;
}

Json address_of(const TxOut& output, const ChainParams& params) {
  auto key = match_p2pkh(output.script_pubkey);
  return key ? Json(wallet::encode_address(*key, params)) : Json(nullptr);
}

}  // namespace

Json wallet_tx_details(const wallet::WalletTx& tx, const wallet::WalletHistory& history,
                       const ChainParams& params, const WalletTxPlace& place) {
  Json details = Json::array();
  const auto& outputs = tx.tx.outputs;
  for (uint32_t i = 0; i < outputs.size(); ++i) {
    bool mine = history.is_mine(outputs[i]);
    Json entry = Json::object();
    if (Json address = address_of(outputs[i], params); !address.is_null())
      entry["address"] = address;
    if (tx.from_me() && !mine) {
      entry["category"] = "send";
      entry["amount"] = amount_json(-outputs[i].value);
      entry["label"] = "";
      entry["vout"] = i;
      entry["fee"] = amount_json(tx.fee());
      entry["abandoned"] = false;
    } else if (!tx.from_me() && mine) {
      std::string category = "receive";
      // Core's order: a coinbase outside the active chain (its block was lost) is an orphan.
      if (tx.is_coinbase)
        category = tx.height < 0                                         ? "orphan"
                   : confirmations(tx, place) < params.coinbase_maturity ? "immature"
                                                                         : "generate";
      entry["category"] = category;
      entry["amount"] = amount_json(outputs[i].value);
      entry["label"] = "";
      entry["vout"] = i;
    } else {
      continue;  // change, or another's output in another's transaction
    }
    details.push_back(std::move(entry));
  }
  return details;
}

void add_wallet_tx_fields(Json& out, const wallet::WalletTx& tx, const WalletTxPlace& place) {
  out["confirmations"] = confirmations(tx, place);
  if (tx.is_coinbase) out["generated"] = true;
  if (tx.height < 0) out["trusted"] = tx.from_me();
  int64_t time = tx.time_received > 0 ? tx.time_received : place.now;
  if (tx.block_hash) {
    out["blockhash"] = tx.block_hash->hex();
    out["blockheight"] = tx.height;
    out["blockindex"] = tx.index_in_block;
    out["blocktime"] = tx.block_time;
    time = tx.block_time;
  }
  out["txid"] = tx.txid.hex();
  out["walletconflicts"] = Json::array();
  out["time"] = time;
  out["timereceived"] = time;
  out["bip125-replaceable"] = "no";
}

Json list_transaction_entries(const wallet::WalletTx& tx, const wallet::WalletHistory& history,
                              const ChainParams& params, const WalletTxPlace& place) {
  Json entries = wallet_tx_details(tx, history, params, place);
  for (Json& entry : entries) add_wallet_tx_fields(entry, tx, place);
  return entries;
}

Json get_transaction_json(const wallet::WalletTx& tx, const wallet::WalletHistory& history,
                          const ChainParams& params, const WalletTxPlace& place) {
  Json out = Json::object();
  out["amount"] = amount_json(tx.net_amount());
  if (tx.from_me()) out["fee"] = amount_json(tx.fee());
  add_wallet_tx_fields(out, tx, place);
  out["details"] = wallet_tx_details(tx, history, params, place);
  out["hex"] = to_hex(tx.tx.serialize());
  return out;
}

}  // namespace ac::rpc
