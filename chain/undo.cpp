#include "chain/undo.hpp"

#include <limits>

namespace ac {

namespace {

// A block can spend at most one coin per input it holds.
constexpr uint64_t kMaxUndoCoins = kMaxSerializedTransactionBytes / kMinTxInBytes;
// Smallest encoded coin: a one-byte code, an 8-byte value and an empty script.
constexpr size_t kMinCoinBytes = 1 + 8 + 1;
constexpr uint64_t kMaxHeightCode = uint64_t{std::numeric_limits<int>::max()} * 2 + 1;

}  // namespace

// Coin encoding: CompactSize(height * 2 + is_coinbase) | value i64 | script var_bytes.
// Heights below 126 take one byte, below 32768 three bytes.
void write_coin(Writer& writer, const Coin& coin) {
  writer.compact_size(static_cast<uint64_t>(coin.height) * 2 + (coin.is_coinbase ? 1 : 0));
  writer.i64(coin.output.value);
  writer.var_bytes(coin.output.script_pubkey);
}

bool read_coin(Reader& reader, Coin& coin) {
  uint64_t code = 0;
  if (!reader.compact_size(code, kMaxHeightCode)) return false;
  int64_t value = 0;
  if (!reader.i64(value)) return false;
  if (!money_range(value)) return reader.fail("coin-value-out-of-range");
  Bytes script;
  if (!reader.var_bytes(script, kMaxSerializedTransactionBytes)) return false;
  coin.height = static_cast<int>(code / 2);
  coin.is_coinbase = (code & 1) != 0;
  coin.output.value = value;
  coin.output.script_pubkey = std::move(script);
  return true;
}

Bytes encode_block_undo(const BlockUndo& undo) {
  Bytes out;
  Writer writer(out);
  writer.compact_size(undo.spent_coins.size());
  for (const Coin& coin : undo.spent_coins) write_coin(writer, coin);
  return out;
}

Result<BlockUndo> decode_block_undo(ByteSpan data) {
  Reader reader(data);
  uint64_t count = 0;
  BlockUndo undo;
  if (reader.count(count, kMaxUndoCoins, kMinCoinBytes)) {
    undo.spent_coins.resize(static_cast<size_t>(count));
    for (Coin& coin : undo.spent_coins) {
      if (!read_coin(reader, coin)) break;
    }
  }
  if (Status status = reader.finish(); !status) return status.error();
  return undo;
}

}  // namespace ac
