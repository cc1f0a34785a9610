#include "chain/result.hpp"

namespace ac {

std::string_view kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalid:
      return "invalid";
    case ErrorKind::kInvalidHeader:
      return "invalid-header";
    case ErrorKind::kDamaged:
      return "damaged";
    case ErrorKind::kTimeTooNew:
      return "time-too-new";
    case ErrorKind::kCachedInvalid:
      return "cached-invalid";
    case ErrorKind::kInvalidParent:
      return "invalid-parent";
    case ErrorKind::kInvalidatedByHand:
      return "invalidated-by-hand";
    case ErrorKind::kMissingParent:
      return "missing-parent";
    case ErrorKind::kDifferentChain:
      return "different-chain";
    case ErrorKind::kAlreadyHave:
      return "already-have";
    case ErrorKind::kRefused:
      return "refused";
    case ErrorKind::kUnsupported:
      return "unsupported";
    case ErrorKind::kNotFound:
      return "not-found";
    case ErrorKind::kBusy:
      return "busy";
    case ErrorKind::kCancelled:
      return "cancelled";
    case ErrorKind::kLocal:
      return "local";
  }
  return "unknown";
}

}  // namespace ac
