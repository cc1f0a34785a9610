#include "chain/block_files_migration.hpp"

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include <memory>
#include <string>

namespace ac {

Status move_to_flat_files(leveldb::DB& db, char from_prefix, char to_prefix, FlatFiles& files) {
  const std::string prefix(1, from_prefix);
  bool moved_any = false;
  for (;;) {
    leveldb::WriteBatch batch;
    size_t bytes = 0;
    size_t count = 0;
    {
      leveldb::ReadOptions options;
      options.fill_cache = false;
      std::unique_ptr<leveldb::Iterator> it(db.NewIterator(options));
      for (it->Seek(prefix);
           it->Valid() && it->key().starts_with(prefix) && bytes < kMigrationBatchBytes;
           it->Next()) {
        const leveldb::Slice value = it->value();
        auto pos =
            files.append(ByteSpan(reinterpret_cast<const uint8_t*>(value.data()), value.size()));
        if (!pos) return pos.error();
        std::string key = it->key().ToString();
        key[0] = to_prefix;
        const Bytes encoded = encode_file_pos(*pos);
        batch.Put(key,
                  leveldb::Slice(reinterpret_cast<const char*>(encoded.data()), encoded.size()));
        batch.Delete(it->key());
        bytes += value.size();
        ++count;
      }
      if (!it->status().ok())
        return make_error(ErrorKind::kLocal, "store-read-failed", it->status().ToString());
    }
    if (count == 0) break;
    if (Status synced = files.sync(); !synced) return synced;
    leveldb::WriteOptions options;
    options.sync = true;
    if (leveldb::Status written = db.Write(options, &batch); !written.ok())
      return make_error(ErrorKind::kLocal, "store-write-failed", written.ToString());
    moved_any = true;
  }
  if (moved_any) {
    // The moved bytes stay in LevelDB's tables until a compaction drops them: now, once.
    const std::string end(1, static_cast<char>(from_prefix + 1));
    const leveldb::Slice begin_slice(prefix), end_slice(end);
    db.CompactRange(&begin_slice, &end_slice);
  }
  return {};
}

}  // namespace ac
