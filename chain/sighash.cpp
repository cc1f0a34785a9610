// The digest is SHA256d of a modified serialization of the transaction, written directly
// instead of copying the transaction and editing the copy.
#include "chain/sighash.hpp"

#include "chain/hash.hpp"
#include "chain/opcodes.hpp"
#include "chain/script_ops.hpp"
#include "chain/serialize.hpp"

namespace ac {
namespace {

Hash256 digest_one() {
  Hash256 one;
  one.data[0] = 1;
  return one;
}

// `script_code` with every OP_CODESEPARATOR removed; bytes after a push that runs past the
// end are kept as they are.
Bytes without_code_separators(ByteSpan script_code) {
  Bytes out;
  out.reserve(script_code.size());
  size_t kept_from = 0;
  size_t position = 0;
  while (std::optional<ScriptOp> op = next_op(script_code, position)) {
    if (op->opcode == OP_CODESEPARATOR) {
      out.insert(out.end(), script_code.begin() + static_cast<std::ptrdiff_t>(kept_from),
                 script_code.begin() + static_cast<std::ptrdiff_t>(position - 1));
      kept_from = position;
    }
  }
  out.insert(out.end(), script_code.begin() + static_cast<std::ptrdiff_t>(kept_from),
             script_code.end());
  return out;
}

bool contains_code_separator(ByteSpan script_code) {
  size_t position = 0;
  while (std::optional<ScriptOp> op = next_op(script_code, position)) {
    if (op->opcode == OP_CODESEPARATOR) return true;
  }
  return false;
}

}  // namespace

Hash256 legacy_sighash(const Transaction& tx, size_t input_index, ByteSpan script_code,
                       uint32_t hash_type) {
  const uint32_t base_type = hash_type & 0x1f;
  const bool anyone_can_pay = (hash_type & kSighashAnyoneCanPay) != 0;
  const bool none = base_type == kSighashNone;
  const bool single = base_type == kSighashSingle;
  if (input_index >= tx.inputs.size()) return digest_one();
  if (single && input_index >= tx.outputs.size()) return digest_one();

  Bytes stripped;
  ByteSpan code = script_code;
  if (contains_code_separator(script_code)) {
    stripped = without_code_separators(script_code);
    code = stripped;
  }

  Bytes preimage;
  preimage.reserve(tx.serialized_size() + code.size() + 8);
  Writer writer(preimage);
  writer.i32(tx.version);
  writer.compact_size(anyone_can_pay ? 1 : tx.inputs.size());
  for (size_t i = 0; i < tx.inputs.size(); ++i) {
    if (anyone_can_pay && i != input_index) continue;
    const TxIn& input = tx.inputs[i];
    writer.hash(input.prevout.txid);
    writer.u32(input.prevout.index);
    if (i == input_index) {
      writer.var_bytes(code);
      writer.u32(input.sequence);
    } else {
      writer.compact_size(0);
      writer.u32((none || single) ? 0 : input.sequence);
    }
  }
  const size_t output_count = none ? 0 : single ? input_index + 1 : tx.outputs.size();
  writer.compact_size(output_count);
  for (size_t k = 0; k < output_count; ++k) {
    if (single && k != input_index) {
      writer.i64(-1);  // a blanked output: value -1, empty script
      writer.compact_size(0);
      continue;
    }
    writer.i64(tx.outputs[k].value);
    writer.var_bytes(tx.outputs[k].script_pubkey);
  }
  writer.u32(tx.lock_time);
  writer.u32(hash_type);
  return sha256d(preimage);
}

}  // namespace ac
