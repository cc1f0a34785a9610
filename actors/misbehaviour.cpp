#include "actors/misbehaviour.hpp"

namespace ac::actors {

namespace {

constexpr Penalty kNothing{0, false};
constexpr Penalty kDisconnect{0, true};
constexpr Penalty kFullScore{kDiscourageScore, true};

// A block or a transaction: the same kind of failure costs the same.
Penalty object_penalty(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalid:
    case ErrorKind::kInvalidHeader:
    case ErrorKind::kCachedInvalid:
    case ErrorKind::kInvalidParent:
      return kFullScore;
    case ErrorKind::kDamaged:
      return kDisconnect;
    case ErrorKind::kInvalidatedByHand:  // the operator's choice (invalidateblock), not a rule
    case ErrorKind::kDifferentChain:     // the chain disconnects it, with the two genesis hashes
    case ErrorKind::kTimeTooNew:
    case ErrorKind::kMissingParent:
    case ErrorKind::kAlreadyHave:
    case ErrorKind::kRefused:
    case ErrorKind::kUnsupported:
    case ErrorKind::kNotFound:
    case ErrorKind::kBusy:
    case ErrorKind::kCancelled:
    case ErrorKind::kLocal:
      return kNothing;
  }
  return kNothing;
}

}  // namespace

Penalty block_penalty(ErrorKind kind) {
  return object_penalty(kind);
}

Penalty pushed_block_penalty(ErrorKind kind) {
  if (kind == ErrorKind::kInvalid) return kNothing;
  return block_penalty(kind);
}

Penalty headers_penalty(ErrorKind kind) {
  if (kind == ErrorKind::kInvalid) return Penalty{kBadHeadersSequencePoints, false};
  return object_penalty(kind);
}

Penalty tx_penalty(ErrorKind kind) {
  return object_penalty(kind);
}

Penalty framing_penalty(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUnsupported:
      return kNothing;
    case ErrorKind::kDifferentChain:
    case ErrorKind::kDamaged:
    case ErrorKind::kInvalidatedByHand:
    case ErrorKind::kLocal:
    case ErrorKind::kTimeTooNew:
    case ErrorKind::kMissingParent:
    case ErrorKind::kAlreadyHave:
    case ErrorKind::kRefused:
    case ErrorKind::kNotFound:
    case ErrorKind::kBusy:
    case ErrorKind::kCancelled:
      return kDisconnect;
    case ErrorKind::kInvalid:
    case ErrorKind::kInvalidHeader:
    case ErrorKind::kCachedInvalid:
    case ErrorKind::kInvalidParent:
      return kFullScore;
  }
  return kFullScore;
}

bool is_discouragement_exempt(std::string_view host) {
  return host == "127.0.0.1" || host == "::1";
}

}  // namespace ac::actors
