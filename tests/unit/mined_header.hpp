// A block header with real proof of work on the quick chain's easy bits: what header checks and
// headers announcements are tested with.
#pragma once

#include <cstdint>

#include "chain/block.hpp"
#include "chain/params.hpp"
#include "chain/pow.hpp"

namespace ac::test {

// A header on `prev` (`salt` as its time, so siblings differ) with the proof of work its bits
// claim.
inline BlockHeader mined_header(const Hash256& prev, uint32_t salt) {
  BlockHeader header;
  header.prev_block = prev;
  header.bits = quick_params().pow_limit_bits;
  header.time = salt;
  while (!check_proof_of_work(header.hash(), header.bits, quick_params())) ++header.nonce;
  return header;
}

}  // namespace ac::test
