#include "net/rpc_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <vector>

#include "chain/bytes.hpp"
#include "chain/hash.hpp"

namespace ac::rpc {

std::optional<std::string> decode_basic_auth(std::string_view header_value) {
  constexpr std::string_view kScheme = "Basic ";
  if (header_value.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  std::string_view encoded = header_value.substr(kScheme.size());
  while (!encoded.empty() && encoded.back() == ' ') encoded.remove_suffix(1);
  if (encoded.empty() || encoded.size() % 4 != 0 || encoded.size() > 4096) return std::nullopt;
  std::vector<unsigned char> out(encoded.size() / 4 * 3 + 1);
  int written = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(encoded.data()),
                                static_cast<int>(encoded.size()));
  if (written < 0) return std::nullopt;
  // EVP_DecodeBlock counts the bytes the '=' padding stands for; take them off again.
  size_t padding = 0;
  if (encoded.back() == '=') ++padding;
  if (encoded.size() >= 2 && encoded[encoded.size() - 2] == '=') ++padding;
  return std::string(reinterpret_cast<const char*>(out.data()),
                     static_cast<size_t>(written) - padding);
}

std::string encode_basic_auth(std::string_view credentials) {
  std::string out(4 * ((credentials.size() + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(credentials.data()),
                                static_cast<int>(credentials.size()));
  out.resize(static_cast<size_t>(written));
  return "Basic " + out;
}

bool authorized(std::string_view header_value, std::string_view expected) {
  std::string given = decode_basic_auth(header_value).value_or(std::string{});
  Hash256 given_hash = sha256(as_span(given));
  Hash256 expected_hash = sha256(as_span(expected));
  bool equal =
      CRYPTO_memcmp(given_hash.data.data(), expected_hash.data.data(), Hash256::size()) == 0;
  return equal && !expected.empty();
}

}  // namespace ac::rpc
