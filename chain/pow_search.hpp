// Proof-of-work search: tries nonces on a block header until its hash meets a target.
//
// The first 64 header bytes (version, parent, 28 bytes of the merkle root) do not depend on
// the nonce, so their SHA-256 compression is done once per header (the midstate); each nonce
// then costs two compressions: the last 16 header bytes, and the second SHA-256.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>

#include "chain/arith256.hpp"
#include "chain/block.hpp"
#include "chain/uint256.hpp"

namespace ac {

// Hashes one header under many nonces, reusing the midstate.
class HeaderHasher {
 public:
  explicit HeaderHasher(const BlockHeader& header);

  // The block hash of the header with `nonce` in place of its own (equals header.hash()).
  Hash256 hash(uint32_t nonce) const;

  // SHA-256 state after the first 64 header bytes, and the padded block holding the last 16.
  const std::array<uint32_t, 8>& midstate() const { return midstate_; }
  const std::array<uint8_t, 64>& tail_block() const { return tail_block_; }

 private:
  std::array<uint32_t, 8> midstate_{};
  std::array<uint8_t, 64> tail_block_{};
};

struct PowSearchOptions {
  unsigned threads = 1;  // thread t tries nonces t, t + threads, ...; 0 counts as 1
  // Nonces 0..max_nonce are tried before the header is refreshed; tests lower it to reach
  // the refresh path quickly.
  uint32_t max_nonce = 0xffffffff;
};

struct PowSearchResult {
  std::optional<BlockHeader> header;  // nullopt when cancelled
  uint64_t hashes_tried = 0;          // over all threads and refreshes
};

// Searches for a nonce giving hash <= target. When every nonce up to max_nonce fails,
// `refresh` changes the header (newer time, or a new extra-nonce and merkle root built by the
// caller) and the search starts over on it; without a refresh callback the time is bumped by
// one second. `cancel` is polled every few thousand hashes by each thread. Blocks the caller
// until a header is found or the search is cancelled.
PowSearchResult search_proof_of_work(BlockHeader header, const Arith256& target,
                                     const PowSearchOptions& options,
                                     const std::atomic<bool>& cancel,
                                     const std::function<void(BlockHeader&)>& refresh = {});

}  // namespace ac
