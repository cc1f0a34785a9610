// scantxoutset (Core's src/rpc/blockchain.cpp): the unspent outputs paying given addresses,
// answered by the utxo_indexer through its address index (no scan of the whole coin set).
// Descriptors: addr(ADDRESS) and raw(HEX) of a P2PKH script, plain or as {"desc": ...}; a
// trailing checksum (#...) is ignored. The command line's getbalance uses it while the node
// runs.
#include <fmt/format.h>

#include <algorithm>

#include "actors/chain_actor.hpp"
#include "actors/rpc_ask.hpp"
#include "actors/rpc_methods.hpp"
#include "actors/utxo_indexer.hpp"
#include "chain/bytes.hpp"
#include "chain/script.hpp"
#include "net/jsonrpc_params.hpp"
#include "wallet/address.hpp"

namespace ac::actors {

namespace {

using rpc::Json;
using rpc::RpcError;

// The P2PKH key hash a scan object names; -5 as Core for what does not parse.
Hash160 descriptor_key(const Json& object, const ChainParams& chain) {
  const Json* desc = &object;
  if (object.is_object()) {
    if (!object.contains("desc")) throw RpcError(rpc::kInvalidAddressOrKey, "Invalid scan object");
    desc = &object["desc"];
  }
  if (!desc->is_string()) throw RpcError(rpc::kInvalidAddressOrKey, "Invalid scan object");
  std::string text = desc->get<std::string>();
  if (size_t hash = text.find('#'); hash != std::string::npos) text.resize(hash);
  auto inner = [&](const std::string& name) -> std::optional<std::string> {
    if (!text.starts_with(name + "(") || !text.ends_with(")")) return std::nullopt;
    return text.substr(name.size() + 1, text.size() - name.size() - 2);
  };
  if (auto address = inner("addr")) {
    auto decoded = wallet::decode_address(*address, chain);
    if (!decoded) throw RpcError(rpc::kInvalidAddressOrKey, "Address is not valid");
    return *decoded;
  }
  if (auto hex = inner("raw")) {
    auto script = from_hex(*hex);
    if (!script) throw RpcError(rpc::kInvalidAddressOrKey, "Raw script is not hex");
    if (auto key = match_p2pkh(*script)) return *key;
    throw RpcError(rpc::kInvalidAddressOrKey, "only P2PKH scripts can be scanned for");
  }
  throw RpcError(
      rpc::kInvalidAddressOrKey,
      fmt::format("'{}' is not a descriptor this node reads (addr(...) or raw(...))", text));
}

}  // namespace

void add_scan_methods(rpc::Dispatcher& methods, const RpcNodeContext& ctx) {
  RpcAsk ask(*ctx.system, ctx.timeout);
  methods.add(
      {"Blockchain",
       "scantxoutset",
       {"action", "scanobjects"},
       1,
       "scantxoutset \"action\" ( [scanobjects,...] )",
       [=](const Json& params) -> Json {
         std::string action = rpc::string_param(params, 0);
         // A scan is one question to the utxo_indexer: none is ever in progress.
         if (action == "abort") return false;
         if (action == "status") return nullptr;
         if (action != "start")
           throw RpcError(rpc::kInvalidParameter, "Invalid action '" + action + "'");
         if (!rpc::has_param(params, 1))
           throw RpcError(rpc::kMiscError, "scanobjects argument is required for the start action");
         const Json& objects = params[1];
         if (!objects.is_array())
           throw RpcError(rpc::kTypeError,
                          "Expected type array, got " + std::string(objects.type_name()));
         std::vector<Hash160> keys;
         for (const Json& object : objects) {
           Hash160 key = descriptor_key(object, ctx.params);
           if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
         }
         TipInfo tip = ask.value<TipInfo>(ctx.actors.chain, GetTip{});
         AddressCoins coins;
         for (const Hash160& key : keys) {
           auto of_key = ask.value<AddressCoins>(ctx.actors.utxo_indexer, GetAddressCoins{key});
           coins.insert(coins.end(), of_key.begin(), of_key.end());
         }
         Json unspents = Json::array();
         int64_t total = 0;
         for (const auto& [outpoint, coin] : coins) {
           auto key = match_p2pkh(coin.output.script_pubkey);
           std::string desc = key ? "addr(" + wallet::encode_address(*key, ctx.params) + ")" : "";
           unspents.push_back({{"txid", outpoint.txid.hex()},
                               {"vout", outpoint.index},
                               {"scriptPubKey", to_hex(coin.output.script_pubkey)},
                               {"desc", desc},
                               {"amount", rpc::amount_json(coin.output.value)},
                               {"coinbase", coin.is_coinbase},
                               {"height", coin.height}});
           total += coin.output.value;
         }
         return Json{{"success", true},
                     {"height", tip.height},
                     {"bestblock", tip.hash.hex()},
                     {"unspents", std::move(unspents)},
                     {"total_amount", rpc::amount_json(total)}};
       }});
}

}  // namespace ac::actors
