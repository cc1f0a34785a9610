// createwallet, listaddresses, dumpprivkey.
#include <fmt/format.h>

#include "apps/commands.hpp"
#include "apps/node_context.hpp"
#include "wallet/address.hpp"

namespace ac::app {

int create_wallet(const NodeEnvironment& env, const ChainParams& params) {
  auto wallet = open_wallet(env);
  if (!wallet) {
    print_error(wallet.error());
    return 1;
  }
  // new_key saves (fsynced) before returning: the address is printed only once it is safe.
  auto key = wallet->new_key();
  if (!key) {
    print_error(key.error());
    return 1;
  }
  fmt::print("{}\n", wallet::encode_address(key->pubkey_hash(), params));
  return 0;
}

int list_addresses(const NodeEnvironment& env, const ChainParams& params) {
  auto wallet = open_wallet(env);
  if (!wallet) {
    print_error(wallet.error());
    return 1;
  }
  for (const std::string& address : wallet->addresses(params)) fmt::print("{}\n", address);
  return 0;
}

int dump_private_key(const NodeEnvironment& env, const ChainParams& params,
                     const std::string& address) {
  auto pubkey_hash = wallet::decode_address(address, params);
  if (!pubkey_hash) {
    print_error(pubkey_hash.error());
    return 1;
  }
  auto wallet = open_wallet(env);
  if (!wallet) {
    print_error(wallet.error());
    return 1;
  }
  const wallet::PrivateKey* key = wallet->key_for(*pubkey_hash);
  if (!key) {
    print_error(make_error("unknown-address", address + " is not in this node's wallet"));
    return 1;
  }
  fmt::print("{}\n", key->to_wif(params));
  return 0;
}

}  // namespace ac::app
