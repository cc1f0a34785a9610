// P2PKH addresses: Base58Check(version byte || HASH160(compressed public key)). The version
// byte comes from ChainParams, so a demo address never decodes as another network's.
#pragma once

#include <string>
#include <string_view>

#include "chain/params.hpp"
#include "chain/result.hpp"
#include "chain/uint256.hpp"

namespace ac::wallet {

std::string encode_address(const Hash160& pubkey_hash, uint8_t version);
std::string encode_address(const Hash160& pubkey_hash, const ChainParams& params);

// The pubkey hash an address names. Reasons: "bad-address-encoding" (not Base58, too long, or
// not 21 bytes), "bad-address-checksum", "wrong-network" (another version byte).
Result<Hash160> decode_address(std::string_view address, uint8_t version);
Result<Hash160> decode_address(std::string_view address, const ChainParams& params);

}  // namespace ac::wallet
