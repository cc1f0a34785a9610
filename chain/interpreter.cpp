// Written from the rules of Bitcoin's script language (BIP16, 62, 65, 66, 112, 146, 147 and
// Core's behaviour as pinned by its published test vectors).
#include "chain/interpreter.hpp"

#include <algorithm>

#include "chain/ecdsa.hpp"
#include "chain/hash.hpp"
#include "chain/script_num.hpp"
#include "chain/script_ops.hpp"
#include "chain/sighash.hpp"

namespace ac {
namespace {

constexpr uint32_t kLockTimeThreshold = 500'000'000;  // below: a height, else a time
constexpr uint32_t kSequenceFinal = 0xffffffff;
constexpr uint32_t kSequenceDisableFlag = 1u << 31;
constexpr uint32_t kSequenceTypeFlag = 1u << 22;
constexpr uint32_t kSequenceMask = 0x0000ffff;

bool is_disabled(uint8_t op) {
  switch (op) {
    case OP_CAT:
    case OP_SUBSTR:
    case OP_LEFT:
    case OP_RIGHT:
    case OP_INVERT:
    case OP_AND:
    case OP_OR:
    case OP_XOR:
    case OP_2MUL:
    case OP_2DIV:
    case OP_MUL:
    case OP_DIV:
    case OP_MOD:
    case OP_LSHIFT:
    case OP_RSHIFT:
      return true;
    default:
      return false;
  }
}

// BIP66's layout over a signature with its hash-type byte (9..73 bytes).
bool is_valid_signature_encoding(ByteSpan signature) {
  if (signature.size() < 9 || signature.size() > 73) return false;
  return is_strict_der(signature.first(signature.size() - 1));
}

bool is_defined_hash_type(ByteSpan signature) {
  if (signature.empty()) return false;
  const uint8_t base = signature.back() & ~kSighashAnyoneCanPay;
  return base >= kSighashAll && base <= kSighashSingle;
}

ScriptError check_signature_encoding(ByteSpan signature, uint32_t flags) {
  using namespace verify_flags;
  // An empty signature is a compact way to fail CHECK(MULTI)SIG on purpose.
  if (signature.empty()) return ScriptError::kOk;
  if ((flags & (kDerSig | kLowS | kStrictEnc)) && !is_valid_signature_encoding(signature))
    return ScriptError::kSigDer;
  if ((flags & kLowS) && !is_low_s_lax(signature.first(signature.size() - 1)))
    return ScriptError::kSigHighS;
  if ((flags & kStrictEnc) && !is_defined_hash_type(signature)) return ScriptError::kSigHashtype;
  return ScriptError::kOk;
}

bool is_compressed_or_uncompressed(ByteSpan pubkey) {
  if (pubkey.size() < 33) return false;
  if (pubkey[0] == 0x04) return pubkey.size() == 65;
  if (pubkey[0] == 0x02 || pubkey[0] == 0x03) return pubkey.size() == 33;
  return false;
}

ScriptError check_pubkey_encoding(ByteSpan pubkey, uint32_t flags) {
  if ((flags & verify_flags::kStrictEnc) && !is_compressed_or_uncompressed(pubkey))
    return ScriptError::kPubkeyType;
  return ScriptError::kOk;
}

const Bytes kFalse;
const Bytes kTrue{1};

// One run of a script: the state EvalScript keeps, with the opcodes as member functions.
class Machine {
 public:
  Machine(ScriptStack& stack, ByteSpan script, uint32_t flags, const SignatureChecker& checker)
      : stack_(stack), script_(script), flags_(flags), checker_(checker) {}

  ScriptError run();

 private:
  bool executing() const {
    return std::find(conditions_.begin(), conditions_.end(), false) == conditions_.end();
  }
  bool minimal() const { return (flags_ & verify_flags::kMinimalData) != 0; }
  Bytes& top(size_t depth = 1) { return stack_[stack_.size() - depth]; }
  void pop() { stack_.pop_back(); }
  bool need(size_t items) const { return stack_.size() >= items; }

  // Reads the number `depth` from the top, of at most `max_size` bytes.
  std::optional<int64_t> number(size_t depth, size_t max_size = 4) {
    return decode_script_num(top(depth), minimal(), max_size);
  }
  ScriptError execute(const ScriptOp& op, size_t op_end);
  ScriptError stack_op(uint8_t op);
  ScriptError numeric_op(uint8_t op);
  ScriptError check_sig(uint8_t op);
  ByteSpan code_from_separator() const { return script_.subspan(code_start_); }
  // FindAndDelete of `signature`'s push from `script_code`: a copy (into `edited`, which
  // `script_code` then views) only when the push occurs, which honest scripts never do.
  ScriptError delete_signature(ByteSpan& script_code, Bytes& edited, ByteSpan signature) const;
  ScriptError check_multisig(uint8_t op);
  ScriptError lock_time_op(uint8_t op);

  ScriptStack& stack_;
  ScriptStack altstack_;
  ByteSpan script_;
  uint32_t flags_;
  const SignatureChecker& checker_;
  std::vector<bool> conditions_;
  size_t code_start_ = 0;  // where the script code for signatures begins (after CODESEPARATOR)
  int op_count_ = 0;
};

ScriptError Machine::run() {
  if (script_.size() > kMaxScriptBytes) return ScriptError::kScriptSize;
  size_t position = 0;
  while (position < script_.size()) {
    const bool exec = executing();
    const std::optional<ScriptOp> op = next_op(script_, position);
    if (!op) return ScriptError::kBadOpcode;
    if (op->data.size() > kMaxPushBytes) return ScriptError::kPushSize;
    if (op->opcode > OP_16 && ++op_count_ > kMaxOpsPerScript) return ScriptError::kOpCount;
    if (is_disabled(op->opcode)) return ScriptError::kDisabledOpcode;
    // Like disabled opcodes, refused even in a branch not taken.
    if (op->opcode == OP_CODESEPARATOR && (flags_ & verify_flags::kConstScriptCode))
      return ScriptError::kOpCodeSeparator;
    if (exec && op->opcode <= OP_PUSHDATA4) {
      if (minimal() && !is_minimal_push(op->opcode, op->data)) return ScriptError::kMinimalData;
      stack_.emplace_back(op->data.begin(), op->data.end());
    } else if (exec || (op->opcode >= OP_IF && op->opcode <= OP_ENDIF)) {
      if (ScriptError error = execute(*op, position); error != ScriptError::kOk) return error;
    }
    if (stack_.size() + altstack_.size() > kMaxStackItems) return ScriptError::kStackSize;
  }
  if (!conditions_.empty()) return ScriptError::kUnbalancedConditional;
  return ScriptError::kOk;
}

ScriptError Machine::execute(const ScriptOp& op, size_t op_end) {
  const uint8_t code = op.opcode;
  if (code == OP_1NEGATE || (code >= OP_1 && code <= OP_16)) {
    stack_.push_back(encode_script_num(code == OP_1NEGATE ? -1 : decode_small_int(code)));
    return ScriptError::kOk;
  }
  switch (code) {
    case OP_NOP:
      return ScriptError::kOk;
    case OP_NOP1:
    case OP_NOP4:
    case 0xb4:
    case 0xb5:
    case 0xb6:
    case 0xb7:
    case 0xb8:
    case OP_NOP10:
      if (flags_ & verify_flags::kDiscourageUpgradableNops)
        return ScriptError::kDiscourageUpgradableNops;
      return ScriptError::kOk;
    case OP_CHECKLOCKTIMEVERIFY:
    case OP_CHECKSEQUENCEVERIFY:
      return lock_time_op(code);
    case OP_IF:
    case OP_NOTIF: {
      bool value = false;
      if (executing()) {
        if (!need(1)) return ScriptError::kInvalidStackOperation;
        value = cast_to_bool(top());
        if (code == OP_NOTIF) value = !value;
        pop();
      }
      conditions_.push_back(value);
      return ScriptError::kOk;
    }
    case OP_ELSE:
      if (conditions_.empty()) return ScriptError::kUnbalancedConditional;
      conditions_.back() = !conditions_.back();
      return ScriptError::kOk;
    case OP_ENDIF:
      if (conditions_.empty()) return ScriptError::kUnbalancedConditional;
      conditions_.pop_back();
      return ScriptError::kOk;
    case OP_VERIFY:
      if (!need(1)) return ScriptError::kInvalidStackOperation;
      if (!cast_to_bool(top())) return ScriptError::kVerify;
      pop();
      return ScriptError::kOk;
    case OP_RETURN:
      return ScriptError::kOpReturn;
    case OP_EQUAL:
    case OP_EQUALVERIFY: {
      if (!need(2)) return ScriptError::kInvalidStackOperation;
      const bool equal = top(2) == top(1);
      pop();
      pop();
      stack_.push_back(equal ? kTrue : kFalse);
      if (code == OP_EQUALVERIFY) {
        if (!equal) return ScriptError::kEqualVerify;
        pop();
      }
      return ScriptError::kOk;
    }
    case OP_RIPEMD160:
    case OP_SHA1:
    case OP_SHA256:
    case OP_HASH160:
    case OP_HASH256: {
      if (!need(1)) return ScriptError::kInvalidStackOperation;
      const Bytes& value = top();
      Bytes digest;
      auto keep = [&](ByteSpan bytes) { digest.assign(bytes.begin(), bytes.end()); };
      if (code == OP_RIPEMD160) keep(ripemd160(value).span());
      if (code == OP_SHA1) keep(sha1(value).span());
      if (code == OP_SHA256) keep(sha256(value).span());
      if (code == OP_HASH160) keep(hash160(value).span());
      if (code == OP_HASH256) keep(sha256d(value).span());
      top() = std::move(digest);
      return ScriptError::kOk;
    }
    case OP_CODESEPARATOR:
      code_start_ = op_end;
      return ScriptError::kOk;
    case OP_CHECKSIG:
    case OP_CHECKSIGVERIFY:
      return check_sig(code);
    case OP_CHECKMULTISIG:
    case OP_CHECKMULTISIGVERIFY:
      return check_multisig(code);
    default:
      break;
  }
  if (code >= OP_TOALTSTACK && code <= OP_SIZE) return stack_op(code);
  if (code >= OP_1ADD && code <= OP_WITHIN) return numeric_op(code);
  // OP_RESERVED, OP_VER, OP_VERIF, OP_VERNOTIF, OP_RESERVED1/2 and everything above NOP10.
  return ScriptError::kBadOpcode;
}

ScriptError Machine::stack_op(uint8_t code) {
  constexpr ScriptError kUnderflow = ScriptError::kInvalidStackOperation;
  switch (code) {
    case OP_TOALTSTACK:
      if (!need(1)) return kUnderflow;
      altstack_.push_back(std::move(top()));
      pop();
      return ScriptError::kOk;
    case OP_FROMALTSTACK:
      if (altstack_.empty()) return ScriptError::kInvalidAltstackOperation;
      stack_.push_back(std::move(altstack_.back()));
      altstack_.pop_back();
      return ScriptError::kOk;
    case OP_2DROP:
      if (!need(2)) return kUnderflow;
      pop();
      pop();
      return ScriptError::kOk;
    case OP_2DUP: {
      if (!need(2)) return kUnderflow;
      Bytes a = top(2), b = top(1);
      stack_.push_back(std::move(a));
      stack_.push_back(std::move(b));
      return ScriptError::kOk;
    }
    case OP_3DUP: {
      if (!need(3)) return kUnderflow;
      Bytes a = top(3), b = top(2), c = top(1);
      stack_.push_back(std::move(a));
      stack_.push_back(std::move(b));
      stack_.push_back(std::move(c));
      return ScriptError::kOk;
    }
    case OP_2OVER: {
      if (!need(4)) return kUnderflow;
      Bytes a = top(4), b = top(3);
      stack_.push_back(std::move(a));
      stack_.push_back(std::move(b));
      return ScriptError::kOk;
    }
    case OP_2ROT: {
      if (!need(6)) return kUnderflow;
      const auto first = stack_.end() - 6;
      std::rotate(first, first + 2, stack_.end());
      return ScriptError::kOk;
    }
    case OP_2SWAP: {
      if (!need(4)) return kUnderflow;
      std::swap(top(4), top(2));
      std::swap(top(3), top(1));
      return ScriptError::kOk;
    }
    case OP_IFDUP: {
      if (!need(1)) return kUnderflow;
      if (cast_to_bool(top())) {
        Bytes copy = top();
        stack_.push_back(std::move(copy));
      }
      return ScriptError::kOk;
    }
    case OP_DEPTH:
      stack_.push_back(encode_script_num(static_cast<int64_t>(stack_.size())));
      return ScriptError::kOk;
    case OP_DROP:
      if (!need(1)) return kUnderflow;
      pop();
      return ScriptError::kOk;
    case OP_DUP: {
      if (!need(1)) return kUnderflow;
      Bytes copy = top();
      stack_.push_back(std::move(copy));
      return ScriptError::kOk;
    }
    case OP_NIP:
      if (!need(2)) return kUnderflow;
      stack_.erase(stack_.end() - 2);
      return ScriptError::kOk;
    case OP_OVER: {
      if (!need(2)) return kUnderflow;
      Bytes copy = top(2);
      stack_.push_back(std::move(copy));
      return ScriptError::kOk;
    }
    case OP_PICK:
    case OP_ROLL: {
      if (!need(2)) return kUnderflow;
      const std::optional<int64_t> n = number(1);
      if (!n) return ScriptError::kScriptNum;
      pop();
      if (*n < 0 || *n >= static_cast<int64_t>(stack_.size())) return kUnderflow;
      const size_t depth = static_cast<size_t>(*n) + 1;
      Bytes value = top(depth);
      if (code == OP_ROLL) stack_.erase(stack_.end() - static_cast<std::ptrdiff_t>(depth));
      stack_.push_back(std::move(value));
      return ScriptError::kOk;
    }
    case OP_ROT:
      if (!need(3)) return kUnderflow;
      std::rotate(stack_.end() - 3, stack_.end() - 2, stack_.end());
      return ScriptError::kOk;
    case OP_SWAP:
      if (!need(2)) return kUnderflow;
      std::swap(top(2), top(1));
      return ScriptError::kOk;
    case OP_TUCK: {
      if (!need(2)) return kUnderflow;
      Bytes copy = top();
      stack_.insert(stack_.end() - 2, std::move(copy));
      return ScriptError::kOk;
    }
    case OP_SIZE: {
      if (!need(1)) return kUnderflow;
      stack_.push_back(encode_script_num(static_cast<int64_t>(top().size())));
      return ScriptError::kOk;
    }
    default:
      return ScriptError::kBadOpcode;
  }
}

ScriptError Machine::numeric_op(uint8_t code) {
  constexpr ScriptError kUnderflow = ScriptError::kInvalidStackOperation;
  // One operand.
  if (code <= OP_0NOTEQUAL) {
    if (!need(1)) return kUnderflow;
    std::optional<int64_t> a = number(1);
    if (!a) return ScriptError::kScriptNum;
    int64_t result = 0;
    switch (code) {
      case OP_1ADD:
        result = *a + 1;
        break;
      case OP_1SUB:
        result = *a - 1;
        break;
      case OP_NEGATE:
        result = -*a;
        break;
      case OP_ABS:
        result = *a < 0 ? -*a : *a;
        break;
      case OP_NOT:
        result = *a == 0;
        break;
      case OP_0NOTEQUAL:
        result = *a != 0;
        break;
      default:
        return ScriptError::kBadOpcode;
    }
    top() = encode_script_num(result);
    return ScriptError::kOk;
  }
  if (code == OP_WITHIN) {
    if (!need(3)) return kUnderflow;
    const std::optional<int64_t> x = number(3), low = number(2), high = number(1);
    if (!x || !low || !high) return ScriptError::kScriptNum;
    pop();
    pop();
    pop();
    stack_.push_back(*low <= *x && *x < *high ? kTrue : kFalse);
    return ScriptError::kOk;
  }
  // Two operands.
  if (!need(2)) return kUnderflow;
  const std::optional<int64_t> a = number(2), b = number(1);
  if (!a || !b) return ScriptError::kScriptNum;
  int64_t result = 0;
  switch (code) {
    case OP_ADD:
      result = *a + *b;
      break;
    case OP_SUB:
      result = *a - *b;
      break;
    case OP_BOOLAND:
      result = *a != 0 && *b != 0;
      break;
    case OP_BOOLOR:
      result = *a != 0 || *b != 0;
      break;
    case OP_NUMEQUAL:
    case OP_NUMEQUALVERIFY:
      result = *a == *b;
      break;
    case OP_NUMNOTEQUAL:
      result = *a != *b;
      break;
    case OP_LESSTHAN:
      result = *a < *b;
      break;
    case OP_GREATERTHAN:
      result = *a > *b;
      break;
    case OP_LESSTHANOREQUAL:
      result = *a <= *b;
      break;
    case OP_GREATERTHANOREQUAL:
      result = *a >= *b;
      break;
    case OP_MIN:
      result = std::min(*a, *b);
      break;
    case OP_MAX:
      result = std::max(*a, *b);
      break;
    default:
      return ScriptError::kBadOpcode;
  }
  pop();
  pop();
  stack_.push_back(encode_script_num(result));
  if (code == OP_NUMEQUALVERIFY) {
    if (!cast_to_bool(top())) return ScriptError::kNumEqualVerify;
    pop();
  }
  return ScriptError::kOk;
}

ScriptError Machine::lock_time_op(uint8_t code) {
  const bool is_cltv = code == OP_CHECKLOCKTIMEVERIFY;
  const uint32_t enabled_by =
      is_cltv ? verify_flags::kCheckLockTimeVerify : verify_flags::kCheckSequenceVerify;
  if (!(flags_ & enabled_by)) {
    if (flags_ & verify_flags::kDiscourageUpgradableNops)
      return ScriptError::kDiscourageUpgradableNops;
    return ScriptError::kOk;
  }
  if (!need(1)) return ScriptError::kInvalidStackOperation;
  // 5 bytes: lock times and sequences reach 2^32 - 1, beyond 4-byte script numbers.
  const std::optional<int64_t> value = number(1, 5);
  if (!value) return ScriptError::kScriptNum;
  if (*value < 0) return ScriptError::kNegativeLocktime;
  if (is_cltv) {
    if (!checker_.check_lock_time(*value)) return ScriptError::kUnsatisfiedLocktime;
  } else {
    if (*value & kSequenceDisableFlag) return ScriptError::kOk;  // a NOP, for future use
    if (!checker_.check_sequence(*value)) return ScriptError::kUnsatisfiedLocktime;
  }
  return ScriptError::kOk;
}

ScriptError Machine::delete_signature(ByteSpan& script_code, Bytes& edited,
                                      ByteSpan signature) const {
  Bytes pattern;
  pattern.reserve(signature.size() + 5);
  append_push(pattern, signature);
  if (!contains_push_at_op_boundary(script_code, pattern)) return ScriptError::kOk;
  if (flags_ & verify_flags::kConstScriptCode) return ScriptError::kSigFindAndDelete;
  Bytes copy(script_code.begin(), script_code.end());
  find_and_delete(copy, pattern);
  edited = std::move(copy);
  script_code = edited;
  return ScriptError::kOk;
}

ScriptError Machine::check_sig(uint8_t code) {
  if (!need(2)) return ScriptError::kInvalidStackOperation;
  const Bytes& signature = top(2);
  const Bytes& pubkey = top(1);
  Bytes edited;
  ByteSpan script_code = code_from_separator();
  if (ScriptError e = delete_signature(script_code, edited, signature); e != ScriptError::kOk)
    return e;
  if (ScriptError e = check_signature_encoding(signature, flags_); e != ScriptError::kOk) return e;
  if (ScriptError e = check_pubkey_encoding(pubkey, flags_); e != ScriptError::kOk) return e;
  const bool valid = checker_.check_signature(signature, pubkey, script_code);
  if (!valid && (flags_ & verify_flags::kNullFail) && !signature.empty())
    return ScriptError::kNullFail;
  pop();
  pop();
  stack_.push_back(valid ? kTrue : kFalse);
  if (code == OP_CHECKSIGVERIFY) {
    if (!valid) return ScriptError::kCheckSigVerify;
    pop();
  }
  return ScriptError::kOk;
}

// Stack, top down: n_keys, keys..., n_sigs, sigs..., dummy. Signatures must match keys in
// order; each key is tried once.
ScriptError Machine::check_multisig(uint8_t code) {
  size_t i = 1;
  if (!need(i)) return ScriptError::kInvalidStackOperation;
  const std::optional<int64_t> key_count_value = number(i);
  if (!key_count_value) return ScriptError::kScriptNum;
  if (*key_count_value < 0 || *key_count_value > kMaxPubkeysPerMultisig)
    return ScriptError::kPubkeyCount;
  int key_count = static_cast<int>(*key_count_value);
  op_count_ += key_count;
  if (op_count_ > kMaxOpsPerScript) return ScriptError::kOpCount;
  size_t key_at = ++i;
  // Items from the top still holding keys, for NULLFAIL's exemption of non-signatures.
  size_t keys_left_to_pop = static_cast<size_t>(key_count) + 2;
  i += static_cast<size_t>(key_count);
  if (!need(i)) return ScriptError::kInvalidStackOperation;
  const std::optional<int64_t> sig_count_value = number(i);
  if (!sig_count_value) return ScriptError::kScriptNum;
  if (*sig_count_value < 0 || *sig_count_value > key_count) return ScriptError::kSigCount;
  int sig_count = static_cast<int>(*sig_count_value);
  size_t sig_at = ++i;
  i += static_cast<size_t>(sig_count);
  if (!need(i)) return ScriptError::kInvalidStackOperation;

  Bytes edited;
  ByteSpan script_code = code_from_separator();
  for (int k = 0; k < sig_count; ++k) {
    const Bytes& signature = top(sig_at + static_cast<size_t>(k));
    if (ScriptError e = delete_signature(script_code, edited, signature); e != ScriptError::kOk)
      return e;
  }

  bool success = true;
  while (success && sig_count > 0) {
    const Bytes& signature = top(sig_at);
    const Bytes& pubkey = top(key_at);
    if (ScriptError e = check_signature_encoding(signature, flags_); e != ScriptError::kOk)
      return e;
    if (ScriptError e = check_pubkey_encoding(pubkey, flags_); e != ScriptError::kOk) return e;
    if (checker_.check_signature(signature, pubkey, script_code)) {
      ++sig_at;
      --sig_count;
    }
    ++key_at;
    --key_count;
    if (sig_count > key_count) success = false;
  }

  // Pop everything but the dummy; with NULLFAIL every signature popped must be empty when
  // the check failed.
  while (i-- > 1) {
    if (!success && (flags_ & verify_flags::kNullFail) && keys_left_to_pop == 0 && !top().empty())
      return ScriptError::kNullFail;
    if (keys_left_to_pop > 0) --keys_left_to_pop;
    pop();
  }
  // The extra item Core's original implementation consumes by mistake (the "dummy").
  if (!need(1)) return ScriptError::kInvalidStackOperation;
  if ((flags_ & verify_flags::kNullDummy) && !top().empty()) return ScriptError::kSigNullDummy;
  pop();
  stack_.push_back(success ? kTrue : kFalse);
  if (code == OP_CHECKMULTISIGVERIFY) {
    if (!success) return ScriptError::kCheckMultisigVerify;
    pop();
  }
  return ScriptError::kOk;
}

}  // namespace

bool cast_to_bool(ByteSpan value) {
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != 0) return !(i == value.size() - 1 && value[i] == 0x80);
  }
  return false;
}

bool SignatureChecker::check_signature(ByteSpan, ByteSpan, ByteSpan) const {
  return false;
}
bool SignatureChecker::check_lock_time(int64_t) const {
  return false;
}
bool SignatureChecker::check_sequence(int64_t) const {
  return false;
}

bool TransactionSignatureChecker::check_signature(ByteSpan signature, ByteSpan pubkey,
                                                  ByteSpan script_code) const {
  if (signature.empty()) return false;
  const Hash256& digest = sighash(script_code, signature.back());
  return verify_ecdsa_lax(pubkey, digest, signature.first(signature.size() - 1));
}

const Hash256& TransactionSignatureChecker::sighash(ByteSpan script_code, uint8_t hash_type) const {
  if (memo_valid_ && memo_hash_type_ == hash_type &&
      std::equal(script_code.begin(), script_code.end(), memo_script_code_.begin(),
                 memo_script_code_.end()))
    return memo_digest_;
  memo_digest_ = legacy_sighash(tx_, input_index_, script_code, hash_type);
  memo_script_code_.assign(script_code.begin(), script_code.end());
  memo_hash_type_ = hash_type;
  memo_valid_ = true;
  return memo_digest_;
}

bool TransactionSignatureChecker::check_lock_time(int64_t lock_time) const {
  const int64_t tx_lock_time = tx_.lock_time;
  // Both heights or both times.
  if ((tx_lock_time < kLockTimeThreshold) != (lock_time < kLockTimeThreshold)) return false;
  if (lock_time > tx_lock_time) return false;
  // A final input would let the transaction ignore its lock time altogether.
  return tx_.inputs[input_index_].sequence != kSequenceFinal;
}

bool TransactionSignatureChecker::check_sequence(int64_t sequence) const {
  const int64_t tx_sequence = tx_.inputs[input_index_].sequence;
  if (static_cast<uint32_t>(tx_.version) < 2) return false;
  if (tx_sequence & kSequenceDisableFlag) return false;
  const int64_t mask = kSequenceTypeFlag | kSequenceMask;
  const int64_t tx_masked = tx_sequence & mask;
  const int64_t wanted = sequence & mask;
  if ((tx_masked < kSequenceTypeFlag) != (wanted < kSequenceTypeFlag)) return false;
  return wanted <= tx_masked;
}

ScriptError eval_script(ScriptStack& stack, ByteSpan script, uint32_t flags,
                        const SignatureChecker& checker) {
  return Machine(stack, script, flags, checker).run();
}

ScriptError verify_script(ByteSpan script_sig, ByteSpan script_pubkey, uint32_t flags,
                          const SignatureChecker& checker) {
  if ((flags & verify_flags::kSigPushOnly) && !is_push_only(script_sig))
    return ScriptError::kSigPushOnly;
  ScriptStack stack;
  if (ScriptError e = eval_script(stack, script_sig, flags, checker); e != ScriptError::kOk)
    return e;
  ScriptStack after_sig;
  if (flags & verify_flags::kP2sh) after_sig = stack;
  if (ScriptError e = eval_script(stack, script_pubkey, flags, checker); e != ScriptError::kOk)
    return e;
  if (stack.empty() || !cast_to_bool(stack.back())) return ScriptError::kEvalFalse;

  if ((flags & verify_flags::kP2sh) && is_p2sh(script_pubkey)) {
    if (!is_push_only(script_sig)) return ScriptError::kSigPushOnly;
    stack = std::move(after_sig);
    // Cannot be empty: the P2SH script itself just consumed an item of it.
    const Bytes redeem_script = std::move(stack.back());
    stack.pop_back();
    if (ScriptError e = eval_script(stack, redeem_script, flags, checker); e != ScriptError::kOk)
      return e;
    if (stack.empty() || !cast_to_bool(stack.back())) return ScriptError::kEvalFalse;
  }

  // Without P2SH, a clean stack could not be asked of P2SH spends (Core requires both).
  if ((flags & verify_flags::kCleanStack) && (flags & verify_flags::kP2sh) && stack.size() != 1)
    return ScriptError::kCleanStack;
  return ScriptError::kOk;
}

}  // namespace ac
