// The legacy digest is computed by serializing the transaction as if every scriptSig were
// empty except input `input_index`'s, which carries `script_code`, then appending the hash
// type as 4 little-endian bytes and taking SHA256d. Writing that serialization directly gives
// the same bytes as copying the transaction and blanking its scripts, without the copy.
//
// Deliberately not implemented: the special cases Bitcoin applies for SIGHASH_NONE,
// SIGHASH_SINGLE and SIGHASH_ANYONECANPAY, and the removal of OP_CODESEPARATOR from the script
// code. This chain only accepts SIGHASH_ALL over P2PKH scripts, where none of them apply; for
// any other hash type the digest is computed as for ALL with that value appended.
#include "chain/sighash.hpp"

#include <cassert>

#include "chain/hash.hpp"
#include "chain/serialize.hpp"

namespace ac {

Hash256 legacy_sighash(const Transaction& tx, size_t input_index, ByteSpan script_code,
                       uint32_t hash_type) {
  assert(input_index < tx.inputs.size());
  Bytes preimage;
  preimage.reserve(tx.serialized_size() + script_code.size() + 8);
  Writer writer(preimage);
  writer.i32(tx.version);
  writer.compact_size(tx.inputs.size());
  for (size_t i = 0; i < tx.inputs.size(); ++i) {
    const TxIn& input = tx.inputs[i];
    writer.hash(input.prevout.txid);
    writer.u32(input.prevout.index);
    if (i == input_index) {
      writer.var_bytes(script_code);
    } else {
      writer.compact_size(0);
    }
    writer.u32(input.sequence);
  }
  writer.compact_size(tx.outputs.size());
  for (const TxOut& output : tx.outputs) {
    writer.i64(output.value);
    writer.var_bytes(output.script_pubkey);
  }
  writer.u32(tx.lock_time);
  writer.u32(hash_type);
  return sha256d(preimage);
}

}  // namespace ac
