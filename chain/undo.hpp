// Undo data: the coins a block spent, in spending order (transaction order, then input
// order), so the block can be disconnected exactly.
#pragma once

#include <vector>

#include "chain/coins.hpp"
#include "chain/result.hpp"
#include "chain/serialize.hpp"

namespace ac {

struct BlockUndo {
  std::vector<Coin> spent_coins;

  friend bool operator==(const BlockUndo&, const BlockUndo&) = default;
};

// Coin encoding: CompactSize(height * 2 + is_coinbase) | value i64 | script var_bytes.
// REQUIRES (write): coin.height >= 0. read_coin fails on truncation, a value outside
// money_range ("coin-value-out-of-range") or a script above the transaction size limit.
void write_coin(Writer& writer, const Coin& coin);
bool read_coin(Reader& reader, Coin& coin);
Bytes encode_block_undo(const BlockUndo& undo);
Result<BlockUndo> decode_block_undo(ByteSpan data);

}  // namespace ac
