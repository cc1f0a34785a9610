#include "chain/mempool_file.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "chain/hash.hpp"
#include "chain/serialize.hpp"

namespace ac {

namespace {

constexpr std::array<uint8_t, 8> kMagic = {'A', 'C', 'M', 'E', 'M', 'P', 'L', 0};
constexpr size_t kChecksumBytes = 32;
constexpr size_t kMinEntryBytes = 8 + kMinTransactionBytes;
constexpr uint64_t kMaxEntries = kMaxMempoolFileBytes / kMinEntryBytes;

Error corrupt(std::string detail) {
  return make_error("mempool-file-corrupt", std::move(detail));
}

}  // namespace

Bytes encode_mempool_file(std::span<const SavedMempoolTx> entries) {
  Bytes out(kMagic.begin(), kMagic.end());
  Writer writer(out);
  writer.u32(kMempoolFileVersion);
  writer.compact_size(entries.size());
  for (const SavedMempoolTx& entry : entries) {
    writer.i64(entry.entry_time);
    write_transaction(writer, entry.tx);
  }
  writer.hash(sha256d(out));
  return out;
}

Result<std::vector<SavedMempoolTx>> decode_mempool_file(ByteSpan data) {
  if (data.size() < kMagic.size() + 4 + 1 + kChecksumBytes) return corrupt("truncated");
  if (!std::equal(kMagic.begin(), kMagic.end(), data.begin())) return corrupt("bad magic");
  ByteSpan body = data.first(data.size() - kChecksumBytes);
  const Hash256 checksum = sha256d(body);
  if (!std::equal(checksum.begin(), checksum.end(), data.end() - kChecksumBytes))
    return corrupt("bad checksum");

  Reader reader(body.subspan(kMagic.size()));
  uint32_t version = 0;
  reader.u32(version);
  if (version == 0) return corrupt("format version 0");
  if (version > kMempoolFileVersion)
    return make_error("mempool-file-version-unsupported",
                      "format version " + std::to_string(version));

  std::vector<SavedMempoolTx> entries;
  uint64_t count = 0;
  if (reader.count(count, kMaxEntries, kMinEntryBytes)) {
    entries.resize(static_cast<size_t>(count));
    for (size_t i = 0; i < entries.size(); ++i) {
      if (!reader.i64(entries[i].entry_time) || !read_transaction(reader, entries[i].tx))
        return corrupt("entry " + std::to_string(i) + ": " + reader.error());
    }
  }
  if (Status finished = reader.finish(); !finished) return corrupt(finished.error().message());
  return entries;
}

}  // namespace ac
