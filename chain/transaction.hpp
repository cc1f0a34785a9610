// Transactions in Bitcoin's legacy (non-witness) serialization:
//   version i32 | inputs (prevout txid + index, scriptSig, sequence) | outputs (value, script) |
//   lock_time u32
// The txid is SHA256d of exactly that serialization.
#pragma once

#include <cstdint>
#include <vector>

#include "chain/amount.hpp"
#include "chain/bytes.hpp"
#include "chain/result.hpp"
#include "chain/serialize.hpp"
#include "chain/uint256.hpp"

namespace ac {

struct OutPoint {
  Hash256 txid;
  uint32_t index = 0;

  // The coinbase's single input spends this "null" outpoint.
  static OutPoint null() { return {Hash256{}, 0xffffffff}; }
  bool is_null() const { return txid.is_zero() && index == 0xffffffff; }

  friend auto operator<=>(const OutPoint&, const OutPoint&) = default;
};

struct TxIn {
  OutPoint prevout;
  Bytes script_sig;
  uint32_t sequence = 0xffffffff;

  friend bool operator==(const TxIn&, const TxIn&) = default;
};

struct TxOut {
  Amount value = 0;
  Bytes script_pubkey;

  friend bool operator==(const TxOut&, const TxOut&) = default;
};

struct Transaction {
  int32_t version = 1;
  std::vector<TxIn> inputs;
  std::vector<TxOut> outputs;
  uint32_t lock_time = 0;

  bool is_coinbase() const { return inputs.size() == 1 && inputs[0].prevout.is_null(); }

  // Computes SHA256d of the serialization (not cached: callers keep it when reused).
  Hash256 txid() const;
  Bytes serialize() const;
  size_t serialized_size() const;

  friend bool operator==(const Transaction&, const Transaction&) = default;
};

// Smallest possible serialized sizes, used to bound counts before allocating.
inline constexpr size_t kMinTxInBytes = 32 + 4 + 1 + 4;
inline constexpr size_t kMinTxOutBytes = 8 + 1;
inline constexpr size_t kMinTransactionBytes = 4 + 1 + 1 + 4;
// No single script or count may exceed a whole block.
inline constexpr size_t kMaxSerializedTransactionBytes = 4'000'000;

void write_transaction(Writer& writer, const Transaction& tx);
bool read_transaction(Reader& reader, Transaction& tx);

// Decodes exactly one transaction occupying all of `data`.
Result<Transaction> decode_transaction(ByteSpan data);

}  // namespace ac

template <>
struct std::hash<ac::OutPoint> {
  size_t operator()(const ac::OutPoint& o) const noexcept {
    return std::hash<ac::Hash256>{}(o.txid) ^
           (static_cast<size_t>(o.index) * 0x9e3779b97f4a7c15ULL);
  }
};
