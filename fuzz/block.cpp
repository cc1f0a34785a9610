// Fuzzes decode_block: whatever decodes must serialize back to the same bytes, and
// context-free block checks must only ever return a status.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "chain/block.hpp"
#include "chain/check_block.hpp"
#include "chain/params.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ac::ByteSpan input(data, size);
  auto block = ac::decode_block(input);
  if (!block) return 0;
  const ac::Bytes serialized = block->serialize();
  if (!std::equal(serialized.begin(), serialized.end(), input.begin(), input.end())) std::abort();
  if (block->serialized_size() != size) std::abort();

  static const ac::ChainParams params = ac::quick_params();
  std::vector<ac::Hash256> txids;
  txids.reserve(block->transactions.size());
  for (const ac::Transaction& tx : block->transactions) txids.push_back(tx.txid());
  ac::Status status = ac::check_block(*block, txids, params);
  if (!status && status.error().reason.empty()) std::abort();
  return 0;
}
