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

// Core's fee_rate parameter: satoshis per virtual byte with at most 3 decimals (a virtual byte
// is a byte here: no witnesses), so exactly satoshis per 1,000 bytes, the wallet's unit.
int64_t fee_rate_per_kb(const Json& params, size_t index) {
  int64_t units = rpc::amount_param(params, index);  // in 1e-8 of a sat/vB
  constexpr int64_t kUnitsPerThousandth = 100'000;
  if (units % kUnitsPerThousandth != 0) throw RpcError(rpc::kTypeError, "Invalid amount");
  int64_t per_kb = units / kUnitsPerThousandth;
  if (per_kb > 100'000'000) throw RpcError(rpc::kInvalidParameter, "fee_rate above 100000 sat/vB");
  return per_kb;
}

// sendtoaddress's parameters of Core that this wallet cannot honour: given with any effect,
// the call is refused rather than done without it.
void refuse_unsupported(const Json& params) {
  struct Unsupported {
    size_t index;
    const char* name;
    Json no_effect;  // the value that asks for nothing (besides null)
  };
  const Unsupported unsupported[] = {
      {2, "comment", ""},          {3, "comment_to", ""},       {4, "subtractfeefromamount", false},
      {5, "replaceable", nullptr}, {6, "conf_target", nullptr}, {7, "estimate_mode", "unset"},
      {10, "verbose", false}};
  for (const Unsupported& parameter : unsupported)
    if (rpc::has_param(params, parameter.index) && params[parameter.index] != parameter.no_effect)
      throw RpcError(rpc::kInvalidParameter,
                     fmt::format("{} is not supported by actorchain", parameter.name));
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
  methods.add(
      {"Wallet",
       "sendtoaddress",
       // Core's, and one of actorchain's own: from_address, pay from that address's
       // coins only, the change going back to it (the CLI's send --from).
       {"address", "amount", "comment", "comment_to", "subtractfeefromamount", "replaceable",
        "conf_target", "estimate_mode", "avoid_reuse", "fee_rate", "verbose", "from_address"},
       2,
       "sendtoaddress \"address\" amount ( \"comment\" \"comment_to\" "
       "subtractfeefromamount replaceable conf_target \"estimate_mode\" avoid_reuse "
       "fee_rate verbose \"from_address\" )",
       [=](const Json& params) -> Json {
         Hash160 to = wallet_address(params, 0, ctx.params);
         int64_t amount = rpc::amount_param(params, 1);
         if (amount <= 0) throw RpcError(rpc::kTypeError, "Invalid amount for send");
         refuse_unsupported(params);
         rpc::bool_param(params, 8, true);  // avoid_reuse: no effect without Core's flag
         // Without fee_rate, the chain's default rate, the one the command line's send pays
         // (as Core falls back to its -fallbackfee): 1 sat/byte on regtest, none on demo.
         SendPayment request{to, amount, std::nullopt, ctx.params.default_fee_rate};
         if (rpc::has_param(params, 9)) request.fee_rate = fee_rate_per_kb(params, 9);
         if (rpc::has_param(params, 11)) request.from = wallet_address(params, 11, ctx.params);
         auto result = ask.value<PaymentResult>(ctx.wallet, request);
         const std::string& text = result.answer.text;
         if (result.answer.ok) return text;
         if (result.insufficient_funds)
           throw RpcError(rpc::kWalletInsufficientFunds, "Insufficient funds: " + text.substr(20));
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
