#include "wallet/address.hpp"

#include "wallet/base58.hpp"

namespace ac::wallet {

std::string encode_address(const Hash160& pubkey_hash, uint8_t version) {
  Bytes payload;
  payload.reserve(1 + Hash160::size());
  payload.push_back(version);
  payload.insert(payload.end(), pubkey_hash.begin(), pubkey_hash.end());
  return base58check_encode(payload);
}

std::string encode_address(const Hash160& pubkey_hash, const ChainParams& params) {
  return encode_address(pubkey_hash, params.pubkey_address_version);
}

Result<Hash160> decode_address(std::string_view address, uint8_t version) {
  auto payload = base58check_decode(address);
  if (!payload) {
    if (payload.kind() == ErrorKind::kDamaged) return make_error("bad-address-checksum");
    return make_error("bad-address-encoding", payload.error().message());
  }
  if (payload->size() != 1 + Hash160::size()) {
    return make_error("bad-address-encoding", std::to_string(payload->size()) + " bytes");
  }
  if ((*payload)[0] != version) {
    return make_error("wrong-network", "version byte " + std::to_string((*payload)[0]) +
                                           ", expected " + std::to_string(version));
  }
  return Hash160::from_span(ByteSpan(*payload).subspan(1));
}

Result<Hash160> decode_address(std::string_view address, const ChainParams& params) {
  return decode_address(address, params.pubkey_address_version);
}

}  // namespace ac::wallet
