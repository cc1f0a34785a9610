// Blocks: Bitcoin's 80-byte header followed by a CompactSize count of transactions.
//   header = version i32 | prev_block 32 | merkle_root 32 | time u32 | bits u32 | nonce u32
// The block id is SHA256d of the header alone.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "chain/result.hpp"
#include "chain/serialize.hpp"
#include "chain/transaction.hpp"
#include "chain/uint256.hpp"

namespace ac {

inline constexpr size_t kBlockHeaderBytes = 80;

struct BlockHeader {
  int32_t version = 1;
  Hash256 prev_block;
  Hash256 merkle_root;
  uint32_t time = 0;
  uint32_t bits = 0;
  uint32_t nonce = 0;

  std::array<uint8_t, kBlockHeaderBytes> serialize() const;
  Hash256 hash() const;

  friend bool operator==(const BlockHeader&, const BlockHeader&) = default;
};

struct Block {
  BlockHeader header;
  std::vector<Transaction> transactions;

  Hash256 hash() const { return header.hash(); }
  Bytes serialize() const;
  size_t serialized_size() const;

  friend bool operator==(const Block&, const Block&) = default;
};

void write_block_header(Writer& writer, const BlockHeader& header);
bool read_block_header(Reader& reader, BlockHeader& header);
void write_block(Writer& writer, const Block& block);
bool read_block(Reader& reader, Block& block);

Result<BlockHeader> decode_block_header(ByteSpan data);
// Decodes exactly one block occupying all of `data`.
Result<Block> decode_block(ByteSpan data);

}  // namespace ac
