// Checks that an input's scriptSig unlocks the output it spends. Reasons (stable):
//   "unspendable-script"   the spent output is not P2PKH
//   "bad-script-sig"       scriptSig is not exactly <sig> <pubkey> pushes
//   "pubkey-hash-mismatch" HASH160(pubkey) differs from the output's hash
//   "bad-sighash-type"     the signature's hash type is not SIGHASH_ALL
//   "non-strict-der"       signature encoding is not strict DER
//   "high-s"               S is above n/2
//   "bad-signature"        the signature does not verify (also when the public key is not a
//                          valid 33-byte compressed or 65-byte uncompressed SEC1 key)
#pragma once

#include <cstddef>
#include <span>

#include "chain/result.hpp"
#include "chain/transaction.hpp"

namespace ac {

Status verify_input_script(const Transaction& tx, size_t input_index, ByteSpan spent_script);

// One input to verify; pointers stay owned by the caller for the duration of the check.
struct ScriptCheck {
  const Transaction* tx = nullptr;
  size_t input_index = 0;
  ByteSpan spent_script;
};

// Verifies batches of inputs on up to `threads` threads (the calling thread included); a
// block with many inputs uses every core. Owned by whoever validates blocks: no global pool.
class ScriptVerifier {
 public:
  explicit ScriptVerifier(unsigned threads);
  ~ScriptVerifier();
  ScriptVerifier(const ScriptVerifier&) = delete;
  ScriptVerifier& operator=(const ScriptVerifier&) = delete;

  // Success if every check passes; otherwise the failure of the lowest-index failing check,
  // its detail naming the txid and input.
  Status verify_all(std::span<const ScriptCheck> checks);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace ac
