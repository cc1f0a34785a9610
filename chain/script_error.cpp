#include "chain/script_error.hpp"

#include <cctype>

namespace ac {

const char* script_error_name(ScriptError error) {
  switch (error) {
    case ScriptError::kOk:
      return "OK";
    case ScriptError::kUnknown:
      return "UNKNOWN_ERROR";
    case ScriptError::kEvalFalse:
      return "EVAL_FALSE";
    case ScriptError::kOpReturn:
      return "OP_RETURN";
    case ScriptError::kScriptSize:
      return "SCRIPT_SIZE";
    case ScriptError::kPushSize:
      return "PUSH_SIZE";
    case ScriptError::kOpCount:
      return "OP_COUNT";
    case ScriptError::kStackSize:
      return "STACK_SIZE";
    case ScriptError::kSigCount:
      return "SIG_COUNT";
    case ScriptError::kPubkeyCount:
      return "PUBKEY_COUNT";
    case ScriptError::kVerify:
      return "VERIFY";
    case ScriptError::kEqualVerify:
      return "EQUALVERIFY";
    case ScriptError::kCheckMultisigVerify:
      return "CHECKMULTISIGVERIFY";
    case ScriptError::kCheckSigVerify:
      return "CHECKSIGVERIFY";
    case ScriptError::kNumEqualVerify:
      return "NUMEQUALVERIFY";
    case ScriptError::kBadOpcode:
      return "BAD_OPCODE";
    case ScriptError::kDisabledOpcode:
      return "DISABLED_OPCODE";
    case ScriptError::kInvalidStackOperation:
      return "INVALID_STACK_OPERATION";
    case ScriptError::kInvalidAltstackOperation:
      return "INVALID_ALTSTACK_OPERATION";
    case ScriptError::kUnbalancedConditional:
      return "UNBALANCED_CONDITIONAL";
    case ScriptError::kNegativeLocktime:
      return "NEGATIVE_LOCKTIME";
    case ScriptError::kUnsatisfiedLocktime:
      return "UNSATISFIED_LOCKTIME";
    case ScriptError::kSigHashtype:
      return "SIG_HASHTYPE";
    case ScriptError::kSigDer:
      return "SIG_DER";
    case ScriptError::kMinimalData:
      return "MINIMALDATA";
    case ScriptError::kSigPushOnly:
      return "SIG_PUSHONLY";
    case ScriptError::kSigHighS:
      return "SIG_HIGH_S";
    case ScriptError::kSigNullDummy:
      return "SIG_NULLDUMMY";
    case ScriptError::kPubkeyType:
      return "PUBKEYTYPE";
    case ScriptError::kCleanStack:
      return "CLEANSTACK";
    case ScriptError::kNullFail:
      return "NULLFAIL";
    case ScriptError::kDiscourageUpgradableNops:
      return "DISCOURAGE_UPGRADABLE_NOPS";
    case ScriptError::kOpCodeSeparator:
      return "OP_CODESEPARATOR";
    case ScriptError::kSigFindAndDelete:
      return "SIG_FINDANDDELETE";
    case ScriptError::kScriptNum:
      return "SCRIPTNUM";
  }
  return "UNKNOWN_ERROR";
}

std::string script_error_reason(ScriptError error) {
  std::string reason = "script-";
  for (const char* c = script_error_name(error); *c; ++c) {
    reason += *c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
  }
  return reason;
}

}  // namespace ac
