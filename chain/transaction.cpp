#include "chain/transaction.hpp"

#include "chain/hash.hpp"

namespace ac {

void write_transaction(Writer& w, const Transaction& tx) {
  w.i32(tx.version);
  w.compact_size(tx.inputs.size());
  for (const TxIn& in : tx.inputs) {
    w.hash(in.prevout.txid);
    w.u32(in.prevout.index);
    w.var_bytes(in.script_sig);
    w.u32(in.sequence);
  }
  w.compact_size(tx.outputs.size());
  for (const TxOut& out : tx.outputs) {
    w.i64(out.value);
    w.var_bytes(out.script_pubkey);
  }
  w.u32(tx.lock_time);
}

bool read_transaction(Reader& r, Transaction& tx) {
  uint64_t input_count = 0;
  if (!r.i32(tx.version) || !r.count(input_count, kMaxSerializedTransactionBytes, kMinTxInBytes))
    return false;
  // A zero here is how segwit's marker byte would appear; we only speak the legacy format.
  if (input_count == 0) return r.fail("tx-no-inputs");
  tx.inputs.resize(input_count);
  for (TxIn& in : tx.inputs) {
    if (!r.hash(in.prevout.txid) || !r.u32(in.prevout.index) ||
        !r.var_bytes(in.script_sig, kMaxSerializedTransactionBytes) || !r.u32(in.sequence))
      return false;
  }
  uint64_t output_count = 0;
  if (!r.count(output_count, kMaxSerializedTransactionBytes, kMinTxOutBytes)) return false;
  tx.outputs.resize(output_count);
  for (TxOut& out : tx.outputs) {
    if (!r.i64(out.value) || !r.var_bytes(out.script_pubkey, kMaxSerializedTransactionBytes))
      return false;
  }
  return r.u32(tx.lock_time);
}

Result<Transaction> decode_transaction(ByteSpan data) {
  Reader reader(data);
  Transaction tx;
  read_transaction(reader, tx);
  if (Status s = reader.finish(); !s) return s.error();
  return tx;
}

Bytes Transaction::serialize() const {
  Bytes out;
  out.reserve(serialized_size());
  Writer writer(out);
  write_transaction(writer, *this);
  return out;
}

size_t Transaction::serialized_size() const {
  size_t size = 4 + compact_size_length(inputs.size()) + compact_size_length(outputs.size()) + 4;
  for (const TxIn& in : inputs)
    size += 36 + compact_size_length(in.script_sig.size()) + in.script_sig.size() + 4;
  for (const TxOut& out : outputs)
    size += 8 + compact_size_length(out.script_pubkey.size()) + out.script_pubkey.size();
  return size;
}

Hash256 Transaction::txid() const {
  return sha256d(serialize());
}

}  // namespace ac
