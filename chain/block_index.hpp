// What the node knows about each block it has seen: its place in the header tree, the work of
// the chain ending at it, and how far it got through validation.
#pragma once

#include <cstdint>

#include "chain/arith256.hpp"
#include "chain/block.hpp"
#include "chain/result.hpp"

namespace ac {

namespace block_status {
inline constexpr uint32_t kHaveData = 1u << 0;      // full block stored
inline constexpr uint32_t kValidChecked = 1u << 1;  // passed context-free + contextual checks
inline constexpr uint32_t kConnected = 1u << 2;     // has been connected once (scripts, coins)
inline constexpr uint32_t kFailed = 1u << 3;        // failed validation itself
inline constexpr uint32_t kFailedParent = 1u << 4;  // descends from a failed block
inline constexpr uint32_t kFailedMask = kFailed | kFailedParent;
// With kFailed: the node's operator invalidated the block (invalidateblock), no rule did, so
// the peers that send it or its descendants are not at fault (ChainState::invalidate_block).
inline constexpr uint32_t kInvalidatedByHand = 1u << 5;
// Its data was stored and connected, then deleted by pruning (kHaveData cleared): the record
// stays, so the tree above it still loads.
inline constexpr uint32_t kPruned = 1u << 6;
}  // namespace block_status

struct BlockIndexRecord {
  Hash256 hash;
  BlockHeader header;
  int height = 0;
  Arith256 chain_work;  // total work from genesis up to and including this block
  uint32_t status = 0;  // block_status bits

  bool failed() const { return (status & block_status::kFailedMask) != 0; }
  friend bool operator==(const BlockIndexRecord&, const BlockIndexRecord&) = default;
};

Bytes encode_block_index_record(const BlockIndexRecord& record);
Result<BlockIndexRecord> decode_block_index_record(ByteSpan data);

}  // namespace ac
