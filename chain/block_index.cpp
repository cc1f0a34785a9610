#include "chain/block_index.hpp"

namespace ac {

// Record encoding (120 bytes): header (80) | height i32 | chain work as a little-endian
// 256-bit number (32) | status u32. The hash is not stored: it is the header's hash.
Bytes encode_block_index_record(const BlockIndexRecord& record) {
  Bytes out;
  out.reserve(kBlockHeaderBytes + 4 + 32 + 4);
  Writer writer(out);
  write_block_header(writer, record.header);
  writer.i32(record.height);
  writer.hash(record.chain_work.to_hash());
  writer.u32(record.status);
  return out;
}

Result<BlockIndexRecord> decode_block_index_record(ByteSpan data) {
  Reader reader(data);
  BlockIndexRecord record;
  Hash256 work;
  int32_t height = 0;
  if (read_block_header(reader, record.header) && reader.i32(height) && reader.hash(work) &&
      reader.u32(record.status) && height < 0) {
    reader.fail("negative-height");
  }
  if (Status status = reader.finish(); !status) return status.error();
  record.height = height;
  record.chain_work = Arith256::from_hash(work);
  record.hash = record.header.hash();
  return record;
}

}  // namespace ac
