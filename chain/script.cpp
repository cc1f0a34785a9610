#include "chain/script.hpp"

#include <algorithm>

namespace ac {
namespace {

// Appends `data` with the smallest push opcode that can carry its length.
void write_push(Bytes& out, ByteSpan data) {
  const size_t size = data.size();
  if (size < opcode::kPushData1) {
    out.push_back(static_cast<uint8_t>(size));
  } else if (size <= 0xff) {
    out.push_back(opcode::kPushData1);
    out.push_back(static_cast<uint8_t>(size));
  } else if (size <= 0xffff) {
    out.push_back(opcode::kPushData2);
    out.push_back(static_cast<uint8_t>(size));
    out.push_back(static_cast<uint8_t>(size >> 8));
  } else {
    out.push_back(opcode::kPushData4);
    for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<uint8_t>(size >> shift));
  }
  out.insert(out.end(), data.begin(), data.end());
}

// Reads one data push at `position`, which must use the minimal encoding (Bitcoin's
// MINIMALDATA rule). A one-byte value of 1..16 or 0x81 counts as non-minimal because Bitcoin
// requires OP_1..OP_16 / OP_1NEGATE for it; those opcodes are not accepted here at all.
std::optional<Bytes> read_minimal_push(ByteSpan script, size_t& position) {
  if (position >= script.size()) return std::nullopt;
  const uint8_t op = script[position++];
  size_t size = 0;
  size_t length_bytes = 0;
  if (op < opcode::kPushData1) {
    size = op;
  } else if (op == opcode::kPushData1) {
    length_bytes = 1;
  } else if (op == opcode::kPushData2) {
    length_bytes = 2;
  } else if (op == opcode::kPushData4) {
    length_bytes = 4;
  } else {
    return std::nullopt;  // not a data push
  }
  if (script.size() - position < length_bytes) return std::nullopt;
  for (size_t i = 0; i < length_bytes; ++i) size |= size_t{script[position + i]} << (8 * i);
  position += length_bytes;
  if (script.size() - position < size) return std::nullopt;

  const bool minimal = (op < opcode::kPushData1)    ? true
                       : (op == opcode::kPushData1) ? size >= opcode::kPushData1
                       : (op == opcode::kPushData2) ? size > 0xff
                                                    : size > 0xffff;
  if (!minimal) return std::nullopt;
  if (size == 1 && ((script[position] >= 1 && script[position] <= 16) || script[position] == 0x81))
    return std::nullopt;

  Bytes data(script.begin() + static_cast<std::ptrdiff_t>(position),
             script.begin() + static_cast<std::ptrdiff_t>(position + size));
  position += size;
  return data;
}

}  // namespace

Bytes p2pkh_script(const Hash160& pubkey_hash) {
  Bytes script;
  script.reserve(kP2pkhScriptBytes);
  script.push_back(opcode::kDup);
  script.push_back(opcode::kHash160);
  script.push_back(static_cast<uint8_t>(Hash160::size()));
  script.insert(script.end(), pubkey_hash.begin(), pubkey_hash.end());
  script.push_back(opcode::kEqualVerify);
  script.push_back(opcode::kCheckSig);
  return script;
}

std::optional<Hash160> match_p2pkh(ByteSpan script) {
  if (script.size() != kP2pkhScriptBytes || script[0] != opcode::kDup ||
      script[1] != opcode::kHash160 || script[2] != Hash160::size() ||
      script[23] != opcode::kEqualVerify || script[24] != opcode::kCheckSig)
    return std::nullopt;
  return Hash160::from_span(script.subspan(3, Hash160::size()));
}

Bytes p2pkh_script_sig(ByteSpan signature_with_hash_type, ByteSpan pubkey) {
  Bytes script;
  script.reserve(signature_with_hash_type.size() + pubkey.size() + 6);
  write_push(script, signature_with_hash_type);
  write_push(script, pubkey);
  return script;
}

std::optional<P2pkhSpend> parse_p2pkh_script_sig(ByteSpan script_sig) {
  size_t position = 0;
  auto signature = read_minimal_push(script_sig, position);
  if (!signature) return std::nullopt;
  auto pubkey = read_minimal_push(script_sig, position);
  if (!pubkey || position != script_sig.size()) return std::nullopt;
  return P2pkhSpend{std::move(*signature), std::move(*pubkey)};
}

}  // namespace ac
