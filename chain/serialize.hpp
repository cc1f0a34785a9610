// Bitcoin's serialization primitives: little-endian integers and CompactSize lengths.
//
// Writer appends to a byte vector. Reader walks a span and never reads past its end: every
// read checks the remaining length first, and every length prefix is bounded by the caller's
// maximum and by the bytes actually left, so a hostile length never causes a large allocation.
// After the first failure a Reader stays failed and remembers why (first reason wins).
#pragma once

#include <cstdint>
#include <string>

#include "chain/bytes.hpp"
#include "chain/result.hpp"
#include "chain/uint256.hpp"

namespace ac {

// Number of bytes compact_size(value) writes: 1, 3, 5 or 9.
size_t compact_size_length(uint64_t value);

class Writer {
 public:
  explicit Writer(Bytes& out) : out_(out) {}

  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) { le(v, 2); }
  void u32(uint32_t v) { le(v, 4); }
  void u64(uint64_t v) { le(v, 8); }
  void i32(int32_t v) { le(static_cast<uint32_t>(v), 4); }
  void i64(int64_t v) { le(static_cast<uint64_t>(v), 8); }
  void u16_big_endian(uint16_t v) {  // network-order ports in addresses
    out_.push_back(static_cast<uint8_t>(v >> 8));
    out_.push_back(static_cast<uint8_t>(v));
  }
  void compact_size(uint64_t v);
  void bytes(ByteSpan data) { out_.insert(out_.end(), data.begin(), data.end()); }
  // CompactSize length followed by the bytes.
  void var_bytes(ByteSpan data) {
    compact_size(data.size());
    bytes(data);
  }
  template <size_t N>
  void hash(const HashBytes<N>& h) {
    bytes(h.span());
  }

 private:
  void le(uint64_t v, int width) {
    for (int i = 0; i < width; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  Bytes& out_;
};

class Reader {
 public:
  explicit Reader(ByteSpan data) : data_(data) {}

  bool u8(uint8_t& v);
  bool u16(uint16_t& v);
  bool u32(uint32_t& v);
  bool u64(uint64_t& v);
  bool i32(int32_t& v);
  bool i64(int64_t& v);
  bool u16_big_endian(uint16_t& v);
  // Reads a CompactSize, rejecting non-canonical encodings and values above `max`.
  bool compact_size(uint64_t& v, uint64_t max);
  // A count of items that each take at least `min_item_bytes`: bounded by `max` and by what
  // is left, so callers can reserve() the result safely.
  bool count(uint64_t& v, uint64_t max, size_t min_item_bytes);
  bool bytes(uint8_t* out, size_t n);
  bool bytes(Bytes& out, size_t n);
  // CompactSize length (at most `max`) followed by that many bytes.
  bool var_bytes(Bytes& out, size_t max);
  template <size_t N>
  bool hash(HashBytes<N>& h) {
    return bytes(h.data.data(), N);
  }

  // Marks the reader failed with `reason` (if not failed yet). Always returns false.
  bool fail(std::string reason);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  size_t remaining() const { return data_.size() - position_; }
  size_t position() const { return position_; }
  bool at_end() const { return remaining() == 0; }
  // A view of the bytes consumed between `from` and the current position.
  ByteSpan consumed_since(size_t from) const { return data_.subspan(from, position_ - from); }

  // Success if no read failed and every byte was consumed.
  Status finish() const;

 private:
  bool take(size_t n, const uint8_t*& out);

  ByteSpan data_;
  size_t position_ = 0;
  std::string error_;
};

}  // namespace ac
