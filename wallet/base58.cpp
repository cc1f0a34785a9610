#include "wallet/base58.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "chain/hash.hpp"

namespace ac::wallet {

namespace {

constexpr std::string_view kAlphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

// Digit value of each ASCII character, -1 for characters outside the alphabet.
constexpr std::array<int8_t, 128> make_digit_table() {
  std::array<int8_t, 128> table{};
  table.fill(-1);
  for (size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
  }
  return table;
}
constexpr std::array<int8_t, 128> kDigits = make_digit_table();

std::array<uint8_t, kBase58ChecksumBytes> checksum(ByteSpan payload) {
  Hash256 digest = sha256d(payload);
  std::array<uint8_t, kBase58ChecksumBytes> out;
  std::copy_n(digest.data.begin(), out.size(), out.begin());
  return out;
}

}  // namespace

std::string base58_encode(ByteSpan data) {
  size_t leading_zeros = 0;
  while (leading_zeros < data.size() && data[leading_zeros] == 0) ++leading_zeros;

  // Base-58 digits, least significant first. log(256)/log(58) < 1.38 digits per byte.
  std::vector<uint8_t> digits;
  digits.reserve((data.size() - leading_zeros) * 138 / 100 + 1);
  for (size_t i = leading_zeros; i < data.size(); ++i) {
    unsigned carry = data[i];
    for (uint8_t& digit : digits) {
      carry += static_cast<unsigned>(digit) << 8;
      digit = static_cast<uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits.push_back(static_cast<uint8_t>(carry % 58));
      carry /= 58;
    }
  }

  std::string out(leading_zeros, kAlphabet[0]);
  out.reserve(leading_zeros + digits.size());
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(kAlphabet[*it]);
  return out;
}

Result<Bytes> base58_decode(std::string_view text) {
  if (text.size() > kMaxBase58Chars) {
    return make_error("base58-too-long", std::to_string(text.size()) + " characters");
  }
  size_t leading_ones = 0;
  while (leading_ones < text.size() && text[leading_ones] == kAlphabet[0]) ++leading_ones;

  // Bytes, least significant first. log(58)/log(256) < 0.74 bytes per digit.
  Bytes bytes;
  bytes.reserve((text.size() - leading_ones) * 74 / 100 + 1);
  for (size_t i = leading_ones; i < text.size(); ++i) {
    auto character = static_cast<unsigned char>(text[i]);
    int digit = character < kDigits.size() ? kDigits[character] : -1;
    if (digit < 0) return make_error("base58-bad-character", "position " + std::to_string(i));
    unsigned carry = static_cast<unsigned>(digit);
    for (uint8_t& byte : bytes) {
      carry += static_cast<unsigned>(byte) * 58;
      byte = static_cast<uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push_back(static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }

  Bytes out(leading_ones, 0);
  out.insert(out.end(), bytes.rbegin(), bytes.rend());
  return out;
}

std::string base58check_encode(ByteSpan payload) {
  Bytes data(payload.begin(), payload.end());
  auto sum = checksum(payload);
  data.insert(data.end(), sum.begin(), sum.end());
  return base58_encode(data);
}

Result<Bytes> base58check_decode(std::string_view text) {
  auto decoded = base58_decode(text);
  if (!decoded) return decoded.error();
  Bytes& data = decoded.value();
  if (data.size() < kBase58ChecksumBytes) return make_error("base58-too-short");
  size_t payload_size = data.size() - kBase58ChecksumBytes;
  auto expected = checksum(ByteSpan(data.data(), payload_size));
  if (std::memcmp(expected.data(), data.data() + payload_size, kBase58ChecksumBytes) != 0) {
    return make_error(ErrorKind::kDamaged, "base58-bad-checksum");
  }
  data.resize(payload_size);
  return std::move(decoded).value();
}

}  // namespace ac::wallet
