// Result<T>: a value or an Error carrying a stable short reason (asserted by tests, printed by
// logs) plus optional human detail. Used by every decoder and validation stage instead of
// exceptions, so a bad input never unwinds across a layer or an actor boundary.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace ac {

struct Error {
  std::string reason;  // stable, kebab-case, e.g. "merkle-root-mismatch"
  std::string detail;  // free text for people; may be empty

  std::string message() const { return detail.empty() ? reason : reason + ": " + detail; }
};

inline Error make_error(std::string reason, std::string detail = {}) {
  return Error{std::move(reason), std::move(detail)};
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

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace ac
