// Result<T>: a value or an Error carrying a stable short reason (asserted by tests, printed by
// logs) plus optional human detail, and a kind: what the failure means for whoever must act on
// it. Used by every decoder and validation stage instead of exceptions, so a bad input never
// unwinds across a layer or an actor boundary.
//
// Code decides on the kind, never on the reason: the reason is for people and tests. The kind is
// set where the rule fails (or where a caller knows better what a failure means in its context:
// a rule failing on a block body that does not match its header becomes kDamaged), in the
// spirit of Bitcoin Core's BlockValidationResult / TxValidationResult.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ac {

// What a failure means. Who acts on it: actors/misbehaviour.hpp (what the sender pays),
// ChainState (whether a block is remembered as invalid for good) and the sync planner (whether
// the block is asked for again, from another peer).
enum class ErrorKind : uint8_t {
  // Breaks a consensus or protocol rule, and the input is what it claims to be: no honest
  // implementation sends it. A block failing so, whose header commits to its body and carries
  // its proof of work, is invalid for good. The default: decoders and validation rules.
  kInvalid,
  // The header fails its own checks (proof of work, difficulty bits): invalid, but not worth
  // remembering (a header without work costs nothing to make, so the index must not keep it).
  kInvalidHeader,
  // Damaged or mutated in transit: a bad checksum, or a block body that does not match the
  // header committing to it (merkle root, CVE-2012-2459 duplicates). The genuine block has the
  // same id and may be valid: never remembered, asked for again from another peer.
  kDamaged,
  // A block timed too far ahead of our clock: may become valid later.
  kTimeTooNew,
  // A block already known to be invalid.
  kCachedInvalid,
  // A block whose parent is known to be invalid.
  kInvalidParent,
  // A block the node's operator invalidated (invalidateblock), or one building on it: refused
  // like an invalid block, but no peer's fault, and not asked for again.
  kInvalidatedByHand,
  // The parent block or the coins a transaction spends are not known (yet).
  kMissingParent,
  // Another chain altogether: a different genesis, another network's magic.
  kDifferentChain,
  // Already have it (a transaction already in the mempool): nothing to do.
  kAlreadyHave,
  // An ordinary refusal an honest peer can cause by bad luck: conflicts with the mempool,
  // mempool full, an immature coinbase spend.
  kRefused,
  // A message of a command we do not know: skipped.
  kUnsupported,
  // Something asked for is not there (a file, a record): nobody's fault.
  kNotFound,
  // Held by someone else right now (a store another process has open): try later.
  kBusy,
  // The caller gave up on it (a dial cancelled).
  kCancelled,
  // The node's own failure: store, no genesis yet, its bookkeeping. Costs no peer anything.
  kLocal,
};

// A stable name for logs and tests ("invalid", "damaged", ...).
std::string_view kind_name(ErrorKind kind);

struct Error {
  std::string reason;  // stable, kebab-case, e.g. "merkle-root-mismatch"
  std::string detail;  // free text for people; may be empty
  ErrorKind kind = ErrorKind::kInvalid;

  std::string message() const { return detail.empty() ? reason : reason + ": " + detail; }
};

inline Error make_error(std::string reason, std::string detail = {}) {
  return Error{std::move(reason), std::move(detail), ErrorKind::kInvalid};
}

inline Error make_error(ErrorKind kind, std::string reason, std::string detail = {}) {
  return Error{std::move(reason), std::move(detail), kind};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !ok()
  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }
  const std::string& reason() const { return error().reason; }
  ErrorKind kind() const { return error().kind; }

 private:
  std::variant<T, Error> state_;
};

// Success or an Error, for operations with no value to return.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit

  static Status success() { return {}; }

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  // REQUIRES: !ok()
  const Error& error() const {
    assert(failed_);
    return error_;
  }
  const std::string& reason() const { return error().reason; }
  ErrorKind kind() const { return error().kind; }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace ac
