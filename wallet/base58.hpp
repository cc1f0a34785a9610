// Base58 (Bitcoin's alphabet: no 0, O, I or l) and Base58Check, the text form of addresses and
// WIF keys: payload || first 4 bytes of SHA256d(payload), Base58-encoded. Leading zero bytes
// are kept as leading '1' characters.
#pragma once

#include <string>
#include <string_view>

#include "chain/bytes.hpp"
#include "chain/result.hpp"

namespace ac::wallet {

// Longer text is rejected before decoding: addresses and WIF keys are ~34 and ~52 characters,
// and the decoder's work grows with the square of the length.
inline constexpr size_t kMaxBase58Chars = 200;
inline constexpr size_t kBase58ChecksumBytes = 4;

std::string base58_encode(ByteSpan data);
// Reasons: "base58-too-long", "base58-bad-character".
Result<Bytes> base58_decode(std::string_view text);

std::string base58check_encode(ByteSpan payload);
// The payload without its checksum. Reasons: those of base58_decode, "base58-too-short" (fewer
// than 4 bytes), "base58-bad-checksum".
Result<Bytes> base58check_decode(std::string_view text);

}  // namespace ac::wallet
