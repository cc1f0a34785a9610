#include "apps/local_mining.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include "chain/block_assembly.hpp"
#include "chain/pow.hpp"
#include "chain/pow_search.hpp"

namespace ac::app {

Status mine_in_foreground(Block& block, int height) {
  auto target = target_from_compact(block.header.bits);
  if (!target) return make_error("bad-bits", "the block's bits encode no target");
  PowSearchOptions options;
  options.threads = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<bool> never_cancelled{false};
  uint64_t extra_nonce = block.transactions.empty() ? 0 : 1;
  auto result = search_proof_of_work(block.header, *target, options, never_cancelled,
                                     [&](BlockHeader& header) {
                                       set_extra_nonce(block, height, ++extra_nonce);
                                       header.merkle_root = block.header.merkle_root;
                                     });
  if (!result.header) return make_error("mining-stopped");
  block.header = *result.header;
  return {};
}

}  // namespace ac::app
