// createwallet, listaddresses, dumpprivkey: through the running node's RPC (its wallet actor
// owns wallet.dat then), otherwise on wallet.dat itself; the same output either way.
#include <fmt/format.h>

#include "apps/commands.hpp"
#include "apps/node_context.hpp"
#include "apps/running_node.hpp"
#include "wallet/address.hpp"

namespace ac::app {

namespace {

int fail(const Error& error) {
  print_error(error);
  return 1;
}

Error not_in_wallet(const std::string& address) {
  return make_error("unknown-address", address + " is not in this node's wallet");
}

}  // namespace

int create_wallet(const NodeEnvironment& env, const ChainParams& params, const RpcOptions& rpc) {
  if (auto node = running_node_rpc(env, rpc)) {
    auto address = node->result("getnewaddress", rpc::Json::array());
    if (!address) return fail(address.error());
    if (!address->is_string()) return fail(make_error("rpc-bad-reply", rpc::dump(*address)));
    fmt::print("{}\n", address->get<std::string>());
    return 0;
  }
  auto wallet = open_wallet(env);
  if (!wallet) return fail(wallet.error());
  // new_key saves (fsynced) before returning: the address is printed only once it is safe.
  auto key = wallet->new_key();
  if (!key) return fail(key.error());
  fmt::print("{}\n", wallet::encode_address(key->pubkey_hash(), params));
  return 0;
}

int list_addresses(const NodeEnvironment& env, const ChainParams& params, const RpcOptions& rpc) {
  if (auto node = running_node_rpc(env, rpc)) {
    auto reply = node->call("getaddressesbylabel", rpc::Json::array({""}));
    if (!reply) return fail(reply.error());
    if (reply->error_code == rpc::kWalletInvalidLabelName) return 0;  // no key yet
    if (!reply->ok()) return fail(reply->as_error());
    if (!reply->result.is_object()) return fail(make_error("rpc-bad-reply", "not an object"));
    // Keys in the wallet's order: the node keeps its objects in the order written.
    for (const auto& [address, purpose] : reply->result.items()) fmt::print("{}\n", address);
    return 0;
  }
  auto wallet = open_wallet(env);
  if (!wallet) return fail(wallet.error());
  for (const std::string& address : wallet->addresses(params)) fmt::print("{}\n", address);
  return 0;
}

int dump_private_key(const NodeEnvironment& env, const ChainParams& params, const RpcOptions& rpc,
                     const std::string& address) {
  auto pubkey_hash = wallet::decode_address(address, params);
  if (!pubkey_hash) return fail(pubkey_hash.error());
  if (auto node = running_node_rpc(env, rpc)) {
    auto reply = node->call("dumpprivkey", rpc::Json::array({address}));
    if (!reply) return fail(reply.error());
    if (reply->error_code == rpc::kWalletError) return fail(not_in_wallet(address));
    if (!reply->ok()) return fail(reply->as_error());
    if (!reply->result.is_string()) return fail(make_error("rpc-bad-reply", "not a string"));
    fmt::print("{}\n", reply->result.get<std::string>());
    return 0;
  }
  auto wallet = open_wallet(env);
  if (!wallet) return fail(wallet.error());
  const wallet::PrivateKey* key = wallet->key_for(*pubkey_hash);
  if (!key) return fail(not_in_wallet(address));
  fmt::print("{}\n", key->to_wif(params));
  return 0;
}

}  // namespace ac::app
