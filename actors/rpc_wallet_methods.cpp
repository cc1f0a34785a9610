// Wallet methods (Core's src/wallet/rpc/): answered by the wallet actor, which owns wallet.dat
// and the node's own unconfirmed transactions while the node runs.
#include <fmt/format.h>

#include "actors/rpc_ask.hpp"
#include "actors/rpc_methods.hpp"
#include "actors/wallet_actor.hpp"
#include "chain/bytes.hpp"
#include "chain/script.hpp"
#include "net/jsonrpc_params.hpp"
#include "wallet/address.hpp"

namespace ac::actors {

namespace {

using rpc::Json;
using rpc::RpcError;

Hash160 wallet_address(const Json& params, size_t index, const ChainParams& chain) {
  auto decoded = wallet::decode_address(rpc::string_param(params, index), chain);
  if (!decoded) throw RpcError(rpc::kInvalidAddressOrKey, "Invalid address");
  return *decoded;
}

}  // namespace

void add_wallet_methods(rpc::Dispatcher& methods, const RpcNodeContext& ctx) {
  add_wallet_history_methods(methods, ctx);
  RpcAsk ask(*ctx.system, ctx.timeout);
  methods.add({"Wallet",
               "getnewaddress",
               {"label", "address_type"},
               0,
               "getnewaddress ( \"label\" \"address_type\" )",
               [=](const Json& params) -> Json {
                 rpc::string_param(params, 0);
                 auto answer = ask.value<WalletAnswer>(ctx.wallet, NewAddress{});
                 if (!answer.ok) throw RpcError(rpc::kWalletError, answer.text);
                 return answer.text;
               }});
  methods.add({"Wallet",
               "getbalance",
               {"dummy", "minconf", "include_watchonly", "avoid_reuse"},
               0,
               "getbalance ( \"*\" minconf include_watchonly avoid_reuse )",
               [=](const Json& params) -> Json {
                 int64_t minconf = rpc::int_param(params, 1, 0);
                 auto [confirmed, pending] =
                     ask.value<WalletBalance>(ctx.wallet, GetWalletBalance{});
                 // Core counts the wallet's own unconfirmed change as trusted (minconf 0).
                 return rpc::amount_json(minconf > 0 ? confirmed : confirmed + pending);
               }});
  methods.add({"Wallet",
               "listunspent",
               {"minconf", "maxconf", "addresses", "include_unsafe"},
               0,
               "listunspent ( minconf maxconf [\"address\",...] include_unsafe )",
               [=](const Json& params) -> Json {
                 int64_t minconf = rpc::int_param(params, 0, 1);
                 int64_t maxconf = rpc::int_param(params, 1, 9'999'999);
                 TipInfo tip = ask.value<TipInfo>(ctx.actors.chain, GetTip{});
                 Json out = Json::array();
                 for (const WalletCoin& c :
                      ask.value<std::vector<WalletCoin>>(ctx.wallet, ListWalletCoins{})) {
                   int64_t confirmations = c.coin.height < 0 ? 0 : tip.height - c.coin.height + 1;
                   if (confirmations < minconf || confirmations > maxconf) continue;
                   Json entry{{"txid", c.outpoint.txid.hex()}, {"vout", c.outpoint.index}};
                   if (auto pubkey_hash = match_p2pkh(c.coin.output.script_pubkey))
                     entry["address"] = wallet::encode_address(*pubkey_hash, ctx.params);
                   entry["scriptPubKey"] = to_hex(c.coin.output.script_pubkey);
                   entry["amount"] = rpc::amount_json(c.coin.output.value);
                   entry["confirmations"] = confirmations;
                   entry["spendable"] = true;
                   entry["solvable"] = true;
                   entry["safe"] = true;
                   out.push_back(std::move(entry));
                 }
                 return out;
               }});
  methods.add({"Wallet",
               "sendtoaddress",
               {"address", "amount"},
               2,
               "sendtoaddress \"address\" amount",
               [=](const Json& params) -> Json {
                 Hash160 to = wallet_address(params, 0, ctx.params);
                 int64_t amount = rpc::amount_param(params, 1);
                 if (amount <= 0) throw RpcError(rpc::kTypeError, "Invalid amount for send");
                 auto result = ask.value<PaymentResult>(ctx.wallet, SendPayment{to, amount});
                 const std::string& text = result.answer.text;
                 if (result.answer.ok) return text;
                 if (result.insufficient_funds)
                   throw RpcError(rpc::kWalletInsufficientFunds,
                                  "Insufficient funds: " + text.substr(20));
                 throw RpcError(rpc::kWalletError, text);
               }});
  methods.add({"Wallet",
               "getaddressesbylabel",
               {"label"},
               1,
               "getaddressesbylabel \"label\"",
               [=](const Json& params) -> Json {
                 // Every key of this wallet has the empty label (getnewaddress takes no other).
                 std::string label = rpc::string_param(params, 0);
                 std::vector<std::string> addresses;
                 if (label.empty())
                   addresses =
                       ask.value<std::vector<std::string>>(ctx.wallet, ListWalletAddresses{});
                 if (addresses.empty())
                   throw RpcError(rpc::kWalletInvalidLabelName, "No addresses with label " + label);
                 Json out = Json::object();
                 for (const std::string& address : addresses)
                   out[address] = Json{{"purpose", "receive"}};
                 return out;
               }});
  methods.add({"Wallet",
               "dumpprivkey",
               {"address"},
               1,
               "dumpprivkey \"address\"",
               [=](const Json& params) -> Json {
                 std::string address = rpc::string_param(params, 0);
                 Hash160 key = wallet_address(params, 0, ctx.params);
                 auto wif = ask.value<std::string>(ctx.wallet, GetPrivateKey{key});
                 if (wif.empty())
                   throw RpcError(rpc::kWalletError,
                                  "Private key for address " + address + " is not known");
                 return wif;
               }});
}

}  // namespace ac::actors
