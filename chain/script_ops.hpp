// Walking a script op by op, and the questions asked of whole scripts: push-only, P2SH,
// witness program, sigop count, and the legacy sighash's FindAndDelete.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "chain/bytes.hpp"
#include "chain/opcodes.hpp"

namespace ac {

inline constexpr size_t kMaxScriptBytes = 10'000;
inline constexpr size_t kMaxPushBytes = 520;
inline constexpr int kMaxOpsPerScript = 201;
inline constexpr int kMaxPubkeysPerMultisig = 20;
inline constexpr size_t kMaxStackItems = 1'000;

struct ScriptOp {
  uint8_t opcode = 0;
  ByteSpan data;  // the pushed bytes for OP_0..OP_PUSHDATA4, else empty
};

// Reads the op at `position` and advances past it. nullopt at the end of the script or when a
// push runs past it (then `position` is unspecified: stop walking).
std::optional<ScriptOp> next_op(ByteSpan script, size_t& position);

// Appends `data` with the smallest push opcode that can carry its length (never OP_1..OP_16).
void append_push(Bytes& script, ByteSpan data);

// True when `op` pushes `data` in the shortest form (OP_0 / OP_1..OP_16 / OP_1NEGATE for
// one-byte values they cover, direct pushes up to 75 bytes, then PUSHDATA1, PUSHDATA2).
bool is_minimal_push(uint8_t op, ByteSpan data);

// Every op is at most OP_16 (OP_RESERVED included, as in Core) and the script parses.
bool is_push_only(ByteSpan script);

// OP_HASH160 <20 bytes> OP_EQUAL (BIP16).
bool is_p2sh(ByteSpan script);

// A version byte (OP_0, OP_1..OP_16) followed by one push of 2..40 bytes: segwit's output
// form, which a pre-segwit node treats as spendable by anyone.
bool is_witness_program(ByteSpan script);

// OP_1..OP_16 as 1..16.
inline int decode_small_int(uint8_t op) {
  return op == OP_0 ? 0 : op - (OP_1 - 1);
}

// Removes every occurrence of `pattern` that starts at an op boundary of `script`; returns
// how many were removed.
int find_and_delete(Bytes& script, ByteSpan pattern);
// Whether find_and_delete(script, pattern) would remove anything (nothing is copied).
bool contains_push_at_op_boundary(ByteSpan script, ByteSpan pattern);

// Signature operations: CHECKSIG(VERIFY) count 1, CHECKMULTISIG(VERIFY) 20, or, when
// `accurate` and preceded by OP_1..OP_16, that number. Counting stops where parsing fails.
int count_sigops(ByteSpan script, bool accurate);

// The sigops of the redeem script a P2SH spend executes: the last push of `script_sig`
// counted accurately; 0 if `script_sig` is not push-only, and 0 when `spent_script` is not
// P2SH (as Core's GetP2SHSigOpCount: a spent script's own sigops count nowhere; they were
// counted as legacy sigops in the transaction that created it).
int count_p2sh_sigops(ByteSpan spent_script, ByteSpan script_sig);

}  // namespace ac
