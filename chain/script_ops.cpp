#include "chain/script_ops.hpp"

#include <algorithm>

namespace ac {

std::optional<ScriptOp> next_op(ByteSpan script, size_t& position) {
  if (position >= script.size()) return std::nullopt;
  ScriptOp op;
  op.opcode = script[position++];
  if (op.opcode > OP_PUSHDATA4) return op;
  size_t size = op.opcode;
  size_t length_bytes = 0;
  if (op.opcode == OP_PUSHDATA1) length_bytes = 1;
  if (op.opcode == OP_PUSHDATA2) length_bytes = 2;
  if (op.opcode == OP_PUSHDATA4) length_bytes = 4;
  if (length_bytes) {
    if (script.size() - position < length_bytes) return std::nullopt;
    size = 0;
    for (size_t i = 0; i < length_bytes; ++i) size |= size_t{script[position + i]} << (8 * i);
    position += length_bytes;
  }
  if (script.size() - position < size) return std::nullopt;
  op.data = script.subspan(position, size);
  position += size;
  return op;
}

void append_push(Bytes& out, ByteSpan data) {
  const size_t size = data.size();
  if (size < OP_PUSHDATA1) {
    out.push_back(static_cast<uint8_t>(size));
  } else if (size <= 0xff) {
    out.push_back(OP_PUSHDATA1);
    out.push_back(static_cast<uint8_t>(size));
  } else if (size <= 0xffff) {
    out.push_back(OP_PUSHDATA2);
    out.push_back(static_cast<uint8_t>(size));
    out.push_back(static_cast<uint8_t>(size >> 8));
  } else {
    out.push_back(OP_PUSHDATA4);
    for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<uint8_t>(size >> shift));
  }
  out.insert(out.end(), data.begin(), data.end());
}

bool is_minimal_push(uint8_t op, ByteSpan data) {
  const size_t size = data.size();
  if (size == 0) return op == OP_0;
  if (size == 1 && data[0] >= 1 && data[0] <= 16) return false;  // OP_1..OP_16 exist
  if (size == 1 && data[0] == 0x81) return false;                // OP_1NEGATE exists
  if (size < OP_PUSHDATA1) return op == size;
  if (size <= 0xff) return op == OP_PUSHDATA1;
  if (size <= 0xffff) return op == OP_PUSHDATA2;
  return true;
}

bool is_push_only(ByteSpan script) {
  size_t position = 0;
  while (position < script.size()) {
    const std::optional<ScriptOp> op = next_op(script, position);
    if (!op || op->opcode > OP_16) return false;
  }
  return true;
}

bool is_p2sh(ByteSpan script) {
  return script.size() == 23 && script[0] == OP_HASH160 && script[1] == 0x14 &&
         script[22] == OP_EQUAL;
}

bool is_witness_program(ByteSpan script) {
  if (script.size() < 4 || script.size() > 42) return false;
  if (script[0] != OP_0 && (script[0] < OP_1 || script[0] > OP_16)) return false;
  return size_t{script[1]} + 2 == script.size();
}

int find_and_delete(Bytes& script, ByteSpan pattern) {
  if (pattern.empty()) return 0;
  int found = 0;
  Bytes result;
  size_t position = 0;  // next unexamined op boundary
  size_t copied = 0;    // bytes of `script` already decided (kept or dropped)
  const ByteSpan view(script);
  for (;;) {
    result.insert(result.end(), script.begin() + static_cast<std::ptrdiff_t>(copied),
                  script.begin() + static_cast<std::ptrdiff_t>(position));
    while (script.size() - position >= pattern.size() &&
           std::equal(pattern.begin(), pattern.end(),
                      script.begin() + static_cast<std::ptrdiff_t>(position))) {
      position += pattern.size();
      ++found;
    }
    copied = position;
    if (!next_op(view, position)) break;
  }
  if (found > 0) {
    result.insert(result.end(), script.begin() + static_cast<std::ptrdiff_t>(copied), script.end());
    script = std::move(result);
  }
  return found;
}

bool contains_push_at_op_boundary(ByteSpan script, ByteSpan pattern) {
  if (pattern.empty()) return false;
  size_t position = 0;
  for (;;) {
    if (script.size() - position >= pattern.size() &&
        std::equal(pattern.begin(), pattern.end(),
                   script.begin() + static_cast<std::ptrdiff_t>(position)))
      return true;
    if (!next_op(script, position)) return false;
  }
}

int count_sigops(ByteSpan script, bool accurate) {
  int count = 0;
  uint8_t last = 0xff;
  size_t position = 0;
  while (std::optional<ScriptOp> op = next_op(script, position)) {
    if (op->opcode == OP_CHECKSIG || op->opcode == OP_CHECKSIGVERIFY) {
      ++count;
    } else if (op->opcode == OP_CHECKMULTISIG || op->opcode == OP_CHECKMULTISIGVERIFY) {
      count += (accurate && last >= OP_1 && last <= OP_16) ? decode_small_int(last)
                                                           : kMaxPubkeysPerMultisig;
    }
    last = op->opcode;
  }
  return count;
}

int count_p2sh_sigops(ByteSpan spent_script, ByteSpan script_sig) {
  if (!is_p2sh(spent_script)) return 0;
  ByteSpan last_push;
  size_t position = 0;
  while (position < script_sig.size()) {
    const std::optional<ScriptOp> op = next_op(script_sig, position);
    if (!op || op->opcode > OP_16) return 0;
    last_push = op->data;
  }
  return count_sigops(last_push, true);
}

}  // namespace ac
