// Bitcoin's legacy script interpreter: EvalScript and VerifyScript with Core's verification
// flags. Consensus flags (what a block must satisfy) and policy flags (what the mempool
// additionally asks) are both bits of one word; params decide which a chain enforces.
// Segwit is not known here: a witness program in an output is an ordinary script that leaves
// a non-empty value on the stack, i.e. spendable by anyone, as a pre-segwit node sees it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "chain/bytes.hpp"
#include "chain/script_error.hpp"
#include "chain/transaction.hpp"
#include "chain/uint256.hpp"

namespace ac {

namespace verify_flags {
inline constexpr uint32_t kNone = 0;
inline constexpr uint32_t kP2sh = 1u << 0;         // BIP16
inline constexpr uint32_t kStrictEnc = 1u << 1;    // defined hash types, SEC1 keys
inline constexpr uint32_t kDerSig = 1u << 2;       // BIP66 strict DER
inline constexpr uint32_t kLowS = 1u << 3;         // S <= n/2
inline constexpr uint32_t kNullDummy = 1u << 4;    // CHECKMULTISIG dummy is empty
inline constexpr uint32_t kSigPushOnly = 1u << 5;  // scriptSig is push-only
inline constexpr uint32_t kMinimalData = 1u << 6;  // shortest pushes and numbers
inline constexpr uint32_t kDiscourageUpgradableNops = 1u << 7;
inline constexpr uint32_t kCleanStack = 1u << 8;            // exactly one item left
inline constexpr uint32_t kCheckLockTimeVerify = 1u << 9;   // BIP65
inline constexpr uint32_t kCheckSequenceVerify = 1u << 10;  // BIP112
inline constexpr uint32_t kNullFail = 1u << 11;             // failed signatures are empty
inline constexpr uint32_t kConstScriptCode = 1u << 12;      // no CODESEPARATOR/FindAndDelete

// What every block of a chain with all soft forks active must satisfy (Core's regtest).
inline constexpr uint32_t kConsensus =
    kP2sh | kDerSig | kCheckLockTimeVerify | kCheckSequenceVerify;
// Consensus plus Core's standardness flags (without the witness ones): the mempool's.
inline constexpr uint32_t kStandard = kConsensus | kStrictEnc | kLowS | kNullDummy | kSigPushOnly |
                                      kMinimalData | kDiscourageUpgradableNops | kCleanStack |
                                      kNullFail | kConstScriptCode;
}  // namespace verify_flags

// What a script may ask of the transaction it runs in. The default answers "no" to all.
class SignatureChecker {
 public:
  virtual ~SignatureChecker() = default;
  // `signature` carries its hash-type byte; `script_code` is after FindAndDelete.
  virtual bool check_signature(ByteSpan signature, ByteSpan pubkey, ByteSpan script_code) const;
  virtual bool check_lock_time(int64_t lock_time) const;
  virtual bool check_sequence(int64_t sequence) const;
};

// Checks against input `input_index` of `tx` (legacy sighash, lax DER as consensus).
// One checker serves one script verification on one thread: it remembers the last sighash
// it computed, so the signatures of a CHECKMULTISIG (same script code, usually the same hash
// type) hash the transaction once.
class TransactionSignatureChecker : public SignatureChecker {
 public:
  TransactionSignatureChecker(const Transaction& tx, size_t input_index)
      : tx_(tx), input_index_(input_index) {}
  bool check_signature(ByteSpan signature, ByteSpan pubkey, ByteSpan script_code) const override;
  bool check_lock_time(int64_t lock_time) const override;
  bool check_sequence(int64_t sequence) const override;

 protected:
  // legacy_sighash of this input, reused while `script_code` and `hash_type` stay the same.
  const Hash256& sighash(ByteSpan script_code, uint8_t hash_type) const;

 private:
  const Transaction& tx_;
  size_t input_index_;
  mutable bool memo_valid_ = false;
  mutable uint8_t memo_hash_type_ = 0;
  mutable Bytes memo_script_code_;
  mutable Hash256 memo_digest_;
};

using ScriptStack = std::vector<Bytes>;

// Runs `script` on `stack`. kOk or the first error.
ScriptError eval_script(ScriptStack& stack, ByteSpan script, uint32_t flags,
                        const SignatureChecker& checker);

// scriptSig then scriptPubKey, then the P2SH redeem script when `flags` has kP2sh and the
// output is P2SH; then the clean-stack rule when asked.
ScriptError verify_script(ByteSpan script_sig, ByteSpan script_pubkey, uint32_t flags,
                          const SignatureChecker& checker);

// False for empty, all-zero and negative-zero (0x80 last) byte strings.
bool cast_to_bool(ByteSpan value);

}  // namespace ac
