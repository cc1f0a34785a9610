// Fuzzes decode_transaction: whatever decodes must serialize back to the same bytes, and
// check_transaction must only ever return a status.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "chain/check_block.hpp"
#include "chain/transaction.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ac::ByteSpan input(data, size);
  auto tx = ac::decode_transaction(input);
  if (!tx) return 0;
  const ac::Bytes serialized = tx->serialize();
  if (!std::equal(serialized.begin(), serialized.end(), input.begin(), input.end())) std::abort();
  if (tx->serialized_size() != size) std::abort();
  ac::Status status = ac::check_transaction(*tx);
  if (!status && status.error().reason.empty()) std::abort();
  return 0;
}
