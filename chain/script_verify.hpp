// Checks that an input's scriptSig unlocks the output it spends, with the script interpreter
// (interpreter.hpp) under the given verification flags. Reasons (stable):
//   script_error_reason of the failure ("script-eval-false", "script-sig-der", ...), when the
//     input fails under `flags` (consensus: the transaction can never be mined);
//   "non-mandatory-script-verify-flag" (detail: the script reason), when it passes under
//     `flags` but fails once `policy_flags` are added (Core's name: non-standard, not invalid).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

#include "chain/result.hpp"
#include "chain/signature_cache.hpp"
#include "chain/transaction.hpp"

namespace ac {

// With a `cache`, a signature found there is not verified again (found by a block: the entry is
// dropped, it is not needed twice); with `store_signatures` too, signatures that verify are
// stored (the mempool does: the block holding the transaction comes later).
Status verify_input_script(const Transaction& tx, size_t input_index, ByteSpan spent_script,
                           uint32_t flags, uint32_t policy_flags = 0,
                           SignatureCache* cache = nullptr, bool store_signatures = false);

// One input to verify; pointers stay owned by the caller for the duration of the check.
struct ScriptCheck {
  const Transaction* tx = nullptr;
  size_t input_index = 0;
  ByteSpan spent_script;
  uint32_t flags = 0;             // consensus flags
  uint32_t policy_flags = 0;      // added by the mempool, none for blocks
  bool store_signatures = false;  // the mempool stores them in the cache; blocks look them up
};

// Verifies batches of inputs on up to `threads` threads (the calling thread included); a
// block with many inputs uses every core. Owned by whoever validates blocks: no global pool.
// Signatures go through `cache` (the process's shared one by default; nullptr: none).
class ScriptVerifier {
 public:
  explicit ScriptVerifier(unsigned threads, SignatureCache* cache = &SignatureCache::shared());
  ~ScriptVerifier();
  ScriptVerifier(const ScriptVerifier&) = delete;
  ScriptVerifier& operator=(const ScriptVerifier&) = delete;

  // Success if every check passes; otherwise the failure of the lowest-index failing check,
  // its detail naming the txid and input.
  Status verify_all(std::span<const ScriptCheck> checks);
  // The same, with `meanwhile` run on the calling thread once the workers have the checks and
  // before the caller joins them: other work (the next block's hashing and checks) overlaps
  // with signature checking instead of waiting for it. With no worker thread it runs first.
  // Whatever it does must not touch what the checks point to; it must not throw.
  Status verify_all(std::span<const ScriptCheck> checks, const std::function<void()>& meanwhile);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace ac
