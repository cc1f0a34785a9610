#include "chain/serialize.hpp"

#include <cstring>

namespace ac {

size_t compact_size_length(uint64_t value) {
  if (value < 0xfd) return 1;
  if (value <= 0xffff) return 3;
  if (value <= 0xffffffff) return 5;
  return 9;
}

void Writer::compact_size(uint64_t v) {
  if (v < 0xfd) {
    u8(static_cast<uint8_t>(v));
  } else if (v <= 0xffff) {
    u8(0xfd);
    u16(static_cast<uint16_t>(v));
  } else if (v <= 0xffffffff) {
    u8(0xfe);
    u32(static_cast<uint32_t>(v));
  } else {
    u8(0xff);
    u64(v);
  }
}

bool Reader::fail(std::string reason) {
  if (error_.empty()) error_ = std::move(reason);
  return false;
}

bool Reader::take(size_t n, const uint8_t*& out) {
  if (!ok()) return false;
  if (remaining() < n) return fail("truncated");
  out = data_.data() + position_;
  position_ += n;
  return true;
}

namespace {
template <class T>
T load_le(const uint8_t* p) {
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v |= static_cast<T>(static_cast<T>(p[i]) << (8 * i));
  return v;
}
}  // namespace

bool Reader::u8(uint8_t& v) {
  const uint8_t* p;
  if (!take(1, p)) return false;
  v = p[0];
  return true;
}

bool Reader::u16(uint16_t& v) {
  const uint8_t* p;
  if (!take(2, p)) return false;
  v = load_le<uint16_t>(p);
  return true;
}

bool Reader::u32(uint32_t& v) {
  const uint8_t* p;
  if (!take(4, p)) return false;
  v = load_le<uint32_t>(p);
  return true;
}

bool Reader::u64(uint64_t& v) {
  const uint8_t* p;
  if (!take(8, p)) return false;
  v = load_le<uint64_t>(p);
  return true;
}

bool Reader::i32(int32_t& v) {
  uint32_t u;
  if (!u32(u)) return false;
  v = static_cast<int32_t>(u);
  return true;
}

bool Reader::i64(int64_t& v) {
  uint64_t u;
  if (!u64(u)) return false;
  v = static_cast<int64_t>(u);
  return true;
}

bool Reader::u16_big_endian(uint16_t& v) {
  const uint8_t* p;
  if (!take(2, p)) return false;
  v = static_cast<uint16_t>(p[0] << 8 | p[1]);
  return true;
}

bool Reader::compact_size(uint64_t& v, uint64_t max) {
  uint8_t first;
  if (!u8(first)) return false;
  if (first < 0xfd) {
    v = first;
  } else if (first == 0xfd) {
    uint16_t x;
    if (!u16(x)) return false;
    if (x < 0xfd) return fail("non-canonical-compact-size");
    v = x;
  } else if (first == 0xfe) {
    uint32_t x;
    if (!u32(x)) return false;
    if (x <= 0xffff) return fail("non-canonical-compact-size");
    v = x;
  } else {
    uint64_t x;
    if (!u64(x)) return false;
    if (x <= 0xffffffff) return fail("non-canonical-compact-size");
    v = x;
  }
  if (v > max) return fail("length-over-limit");
  return true;
}

bool Reader::count(uint64_t& v, uint64_t max, size_t min_item_bytes) {
  if (!compact_size(v, max)) return false;
  if (min_item_bytes > 0 && v > remaining() / min_item_bytes) return fail("truncated");
  return true;
}

bool Reader::bytes(uint8_t* out, size_t n) {
  const uint8_t* p;
  if (!take(n, p)) return false;
  if (n > 0) std::memcpy(out, p, n);
  return true;
}

bool Reader::bytes(Bytes& out, size_t n) {
  const uint8_t* p;
  if (!take(n, p)) return false;
  out.assign(p, p + n);
  return true;
}

bool Reader::var_bytes(Bytes& out, size_t max) {
  uint64_t length;
  if (!count(length, max, 1)) return false;
  return bytes(out, static_cast<size_t>(length));
}

Status Reader::finish() const {
  if (!ok()) return make_error(error_);
  if (!at_end()) return make_error("trailing-bytes");
  return {};
}

}  // namespace ac
