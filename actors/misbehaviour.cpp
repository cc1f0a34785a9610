#include "actors/misbehaviour.hpp"

#include <array>

namespace ac::actors {

int block_penalty(std::string_view reason) {
  // The chain's verdict may carry a detail after the reason ("time-too-new: block <hash>").
  reason = reason.substr(0, reason.find(':'));
  if (reason == "time-too-new") return 0;
  // Another chain altogether, like another network: the chain disconnects it, no more.
  if (reason == "different-genesis") return 0;
  if (reason.starts_with("store-")) return 0;
  // The chain's own bookkeeping failing is never the sender's fault.
  static constexpr std::array<std::string_view, 8> kLocal = {
      "missing-block-data", "missing-undo", "bad-undo",   "replay-failed",
      "coins-mismatch",     "tip-mismatch", "null-block", "index-key-mismatch"};
  for (std::string_view local : kLocal)
    if (reason == local) return 0;
  return kDiscourageScore;
}

int tx_penalty(std::string_view reason) {
  static constexpr std::array<std::string_view, 6> kOrdinary = {
      "tx-already-in-mempool",    "mempool-conflict", "missing-inputs",
      "premature-coinbase-spend", "mempool-full",     "null-tx"};
  for (std::string_view ordinary : kOrdinary)
    if (reason == ordinary) return 0;
  return kDiscourageScore;
}

int framing_penalty(std::string_view reason) {
  if (reason == "bad-magic" || reason == "bad-checksum") return 0;
  return kDiscourageScore;
}

bool is_discouragement_exempt(std::string_view host) {
  return host == "127.0.0.1" || host == "::1";
}

}  // namespace ac::actors
