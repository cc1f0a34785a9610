#include <vector>

#include "net/messages.hpp"
#include "net/read_count.hpp"

namespace ac::net {

namespace {

void write_items(Writer& writer, const std::vector<InvItem>& items) {
  writer.compact_size(items.size());
  for (const InvItem& item : items) {
    writer.u32(item.type);
    writer.hash(item.hash);
  }
}

bool read_items(Reader& reader, std::vector<InvItem>& items) {
  uint64_t count = 0;
  if (!read_count(reader, count, kMaxInventoryItems, kInvItemBytes, "too-many-inventory"))
    return false;
  items.resize(count);
  for (InvItem& item : items) {
    if (!reader.u32(item.type) || !reader.hash(item.hash)) return false;
  }
  return true;
}

}  // namespace

void Inv::encode(Writer& writer) const {
  write_items(writer, items);
}
bool Inv::decode(Reader& reader) {
  return read_items(reader, items);
}

void GetData::encode(Writer& writer) const {
  write_items(writer, items);
}
bool GetData::decode(Reader& reader) {
  return read_items(reader, items);
}

void NotFound::encode(Writer& writer) const {
  write_items(writer, items);
}
bool NotFound::decode(Reader& reader) {
  return read_items(reader, items);
}

}  // namespace ac::net
