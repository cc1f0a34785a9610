// Why a script failed: Bitcoin Core's error names (so its test vectors can be compared
// exactly), each with a stable kebab-case reason for Error values ("script-eval-false").
#pragma once

#include <string>

namespace ac {

enum class ScriptError {
  kOk,
  kUnknown,
  kEvalFalse,
  kOpReturn,
  kScriptSize,
  kPushSize,
  kOpCount,
  kStackSize,
  kSigCount,
  kPubkeyCount,
  kVerify,
  kEqualVerify,
  kCheckMultisigVerify,
  kCheckSigVerify,
  kNumEqualVerify,
  kBadOpcode,
  kDisabledOpcode,
  kInvalidStackOperation,
  kInvalidAltstackOperation,
  kUnbalancedConditional,
  kNegativeLocktime,
  kUnsatisfiedLocktime,
  kSigHashtype,
  kSigDer,
  kMinimalData,
  kSigPushOnly,
  kSigHighS,
  kSigNullDummy,
  kPubkeyType,
  kCleanStack,
  kNullFail,
  kDiscourageUpgradableNops,
  kOpCodeSeparator,
  kSigFindAndDelete,
  kScriptNum,
};

// Core's name without the SCRIPT_ERR_ prefix: "EVAL_FALSE", "SIG_DER", "OK".
const char* script_error_name(ScriptError error);
// "script-" and the name in lower case with dashes: "script-eval-false".
std::string script_error_reason(ScriptError error);

}  // namespace ac
