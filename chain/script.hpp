// The scripts this chain uses. Outputs are P2PKH:
//   OP_DUP OP_HASH160 <20-byte pubkey hash> OP_EQUALVERIFY OP_CHECKSIG
// and an input spending one carries the scriptSig
//   <DER signature || sighash byte> <33-byte compressed public key>
// (a 65-byte uncompressed key also verifies, as in Bitcoin; wallets here make compressed ones).
// Any other output script is valid to create but can never be spent.
#pragma once

#include <optional>

#include "chain/bytes.hpp"
#include "chain/uint256.hpp"

namespace ac {

namespace opcode {
inline constexpr uint8_t kDup = 0x76;
inline constexpr uint8_t kHash160 = 0xa9;
inline constexpr uint8_t kEqualVerify = 0x88;
inline constexpr uint8_t kCheckSig = 0xac;
inline constexpr uint8_t kPushData1 = 0x4c;
inline constexpr uint8_t kPushData2 = 0x4d;
inline constexpr uint8_t kPushData4 = 0x4e;
}  // namespace opcode

inline constexpr size_t kP2pkhScriptBytes = 25;
inline constexpr size_t kCompressedPubkeyBytes = 33;

Bytes p2pkh_script(const Hash160& pubkey_hash);
// The pubkey hash if `script` is exactly a P2PKH output script.
std::optional<Hash160> match_p2pkh(ByteSpan script);

// scriptSig spending a P2PKH output: two minimal pushes.
Bytes p2pkh_script_sig(ByteSpan signature_with_hash_type, ByteSpan pubkey);

struct P2pkhSpend {
  Bytes signature_with_hash_type;
  Bytes pubkey;
};
// Parses a scriptSig that is exactly two data pushes (push-only, nothing else).
std::optional<P2pkhSpend> parse_p2pkh_script_sig(ByteSpan script_sig);

}  // namespace ac
