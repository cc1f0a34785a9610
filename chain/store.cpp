#include "chain/store.hpp"

#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/write_batch.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <system_error>
#include <tuple>
#include <unordered_set>
#include <utility>

#include "chain/block_files.hpp"
#include "chain/block_files_migration.hpp"
#include "chain/coins_cache.hpp"
#include "chain/leveldb_env.hpp"
#include "chain/release_memory.hpp"
#include "chain/script.hpp"

namespace ac {

namespace {

// 'b' and 'u' held the block and undo data themselves before they moved to flat files.
constexpr char kLegacyBlockPrefix = 'b';
constexpr char kLegacyUndoPrefix = 'u';
constexpr char kBlockPosPrefix = 'f';
constexpr char kIndexPrefix = 'i';
constexpr char kUndoPosPrefix = 'r';
constexpr char kCoinPrefix = 'c';
constexpr char kAddressPrefix = 'a';
const std::string kTipKey = "T";
const std::string kGenesisKey = "G";
const std::string kUnflushedKey = "D";

constexpr size_t kOutPointKeyBytes = 32 + 4;
constexpr size_t kCoinKeyBytes = 1 + kOutPointKeyBytes;
constexpr size_t kAddressKeyBytes = 1 + 20 + kOutPointKeyBytes;

constexpr int kBloomBitsPerKey = 10;
constexpr size_t kMaxTableBytes = 32 << 20;

// LevelDB's own memory follows --dbcache (as Bitcoin Core sizes its coins database's caches from
// -dbcache): an eighth of the coins cache each for the block cache and the write buffer, within
// 1-4 MiB. Up to two write buffers (the memtable and the one being compacted) are held at once;
// a coins flush adds its whole batch to the memtable.
size_t leveldb_cache_bytes(size_t coins_cache_bytes) {
  return std::clamp(coins_cache_bytes / 8, size_t{1} << 20, size_t{4} << 20);
}

void append(std::string& key, ByteSpan bytes) {
  key.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// txid bytes then the index big-endian, so the coins of one transaction sort together.
void append_outpoint(std::string& key, const OutPoint& outpoint) {
  append(key, outpoint.txid.span());
  for (int shift = 24; shift >= 0; shift -= 8) {
    key.push_back(static_cast<char>((outpoint.index >> shift) & 0xff));
  }
}

OutPoint parse_outpoint(std::string_view bytes) {  // REQUIRES: bytes.size() == 36
  OutPoint outpoint;
  outpoint.txid = Hash256::from_span(as_span(bytes.substr(0, 32)));
  outpoint.index = 0;
  for (size_t i = 32; i < 36; ++i) {
    outpoint.index = (outpoint.index << 8) | static_cast<uint8_t>(bytes[i]);
  }
  return outpoint;
}

std::string hash_key(char prefix, const Hash256& hash) {
  std::string key(1, prefix);
  append(key, hash.span());
  return key;
}

std::string coin_key(const OutPoint& outpoint) {
  std::string key(1, kCoinPrefix);
  append_outpoint(key, outpoint);
  return key;
}

std::string address_prefix(const Hash160& pubkey_hash) {
  std::string key(1, kAddressPrefix);
  append(key, pubkey_hash.span());
  return key;
}

std::string address_key(const Hash160& pubkey_hash, const OutPoint& outpoint) {
  std::string key = address_prefix(pubkey_hash);
  append_outpoint(key, outpoint);
  return key;
}

std::string coin_value(const Coin& coin) {
  Bytes out;
  Writer writer(out);
  write_coin(writer, coin);
  return {reinterpret_cast<const char*>(out.data()), out.size()};
}

Result<Coin> decode_coin(std::string_view value) {
  Reader reader(as_span(value));
  Coin coin;
  read_coin(reader, coin);
  if (Status status = reader.finish(); !status) return status.error();
  return coin;
}

leveldb::Slice slice(const std::string& s) {
  return {s.data(), s.size()};
}

std::string key_hex(std::string_view key) {
  return to_hex(as_span(key));
}

bool is_lock_error(const leveldb::Status& status) {
  // LevelDB's posix env reports "IO error: lock <dir>/LOCK: <strerror>" when another process
  // holds the lock, and "... already held by process" when this process does.
  const std::string message = status.ToString();
  return message.rfind("IO error: lock ", 0) == 0 ||
         message.find("already held by process") != std::string::npos;
}

}  // namespace

struct Store::Impl {
  std::unique_ptr<const leveldb::FilterPolicy> filter_policy;
  std::unique_ptr<leveldb::Cache> block_cache;
  std::unique_ptr<leveldb::DB> db;  // declared last: closed before the cache and filter go
  std::unique_ptr<FlatFiles> block_files;
  std::unique_ptr<FlatFiles> undo_files;
  std::optional<std::pair<Hash256, FilePos>> reusable_block;  // reuse_block_record

  mutable std::mutex read_error_mutex;
  mutable std::optional<Error> read_error;

  // The coins cache and what is flushed with it. Readers on other threads take the lock
  // shared; the one writer takes it exclusively to change them.
  mutable std::shared_mutex coins_mutex;
  CoinsCache coins_cache;
  std::optional<Hash256> cached_tip;          // the tip once the cache is flushed
  std::unordered_set<Hash256> undo_to_erase;  // deleted by the next flush
  size_t coins_cache_limit = kDefaultCoinsCacheBytes;
  bool unflushed_marker = false;  // 'D' is in the database (only the writer touches it)
  CoinsFlushCounts last_flush;
  size_t flush_batch_bytes = 0;
  std::optional<size_t> crash_after_flush_batches;  // tests (StoreOptions)
  bool crashed = false;                             // every write fails from then on
  // An interrupted flush found at open: until the coins are rolled forward (applied, which
  // sets cached_tip), a flush must not drop the head blocks.
  std::optional<FlushHeads> interrupted;

  void note_read_error(Error error) const {
    std::lock_guard lock(read_error_mutex);
    if (!read_error) read_error = std::move(error);
  }
  void note_corrupt(std::string_view key, const Error& cause) const {
    note_read_error(make_error(ErrorKind::kLocal, "store-corrupt",
                               "key " + key_hex(key) + ": " + cause.message()));
  }

  std::optional<std::string> get(const std::string& key,
                                 const leveldb::Snapshot* snapshot = nullptr) const {
    leveldb::ReadOptions options;
    options.snapshot = snapshot;
    std::string value;
    leveldb::Status status = db->Get(options, slice(key), &value);
    if (status.ok()) return value;
    if (!status.IsNotFound())
      note_read_error(make_error(ErrorKind::kLocal, "store-read-failed", status.ToString()));
    return std::nullopt;
  }

  // The payload whose position is stored under `key` ('f' or 'r' + hash).
  std::optional<Bytes> positioned(const std::string& key, const FlatFiles& files) const {
    auto value = get(key);
    if (!value) return std::nullopt;
    auto pos = decode_file_pos(as_span(*value));
    if (!pos) {
      note_corrupt(key, pos.error());
      return std::nullopt;
    }
    auto bytes = files.read(*pos);
    if (!bytes) {
      note_corrupt(key, bytes.error());
      return std::nullopt;
    }
    return std::move(bytes.value());
  }

  // Appends `payload` to `files` and puts its position under `key` in `batch`.
  Status append_positioned(leveldb::WriteBatch& batch, const std::string& key, FlatFiles& files,
                           ByteSpan payload) {
    auto pos = files.append(payload);
    if (!pos) return make_error(ErrorKind::kLocal, "store-write-failed", pos.error().message());
    const Bytes value = encode_file_pos(*pos);
    batch.Put(slice(key),
              leveldb::Slice(reinterpret_cast<const char*>(value.data()), value.size()));
    return {};
  }

  // The coin as the database holds it, ignoring the cache.
  std::optional<Coin> stored_coin(const OutPoint& outpoint,
                                  const leveldb::Snapshot* snapshot = nullptr) const {
    const std::string key = coin_key(outpoint);
    auto value = get(key, snapshot);
    if (!value) return std::nullopt;
    auto coin = decode_coin(*value);
    if (!coin) {
      note_corrupt(key, coin.error());
      return std::nullopt;
    }
    return std::move(coin.value());
  }

  std::optional<Hash256> hash_value(const std::string& key) const {
    auto value = get(key);
    if (!value) return std::nullopt;
    if (value->size() != 32) {
      note_corrupt(key, make_error(ErrorKind::kLocal, "bad-hash-length"));
      return std::nullopt;
    }
    return Hash256::from_span(as_span(*value));
  }

  // Visits every key starting with `prefix` until `visit` returns false.
  template <class Visit>
  void scan(const std::string& prefix, const leveldb::Snapshot* snapshot, Visit visit) const {
    leveldb::ReadOptions options;
    options.snapshot = snapshot;
    options.fill_cache = false;
    std::unique_ptr<leveldb::Iterator> it(db->NewIterator(options));
    for (it->Seek(slice(prefix)); it->Valid() && it->key().starts_with(slice(prefix)); it->Next()) {
      if (!visit(std::string_view(it->key().data(), it->key().size()),
                 std::string_view(it->value().data(), it->value().size()))) {
        break;
      }
    }
    if (!it->status().ok())
      note_read_error(make_error(ErrorKind::kLocal, "store-read-failed", it->status().ToString()));
  }

  // The coin as the cache over the database shows it. REQUIRES: coins_mutex held.
  std::optional<Coin> coin(const OutPoint& outpoint,
                           const leveldb::Snapshot* snapshot = nullptr) const {
    if (const CoinsCache::Entry* entry = coins_cache.find(outpoint)) {
      if (entry->spent) return std::nullopt;
      return entry->coin;
    }
    return stored_coin(outpoint, snapshot);
  }

  // Adds the marker to `batch` unless it is already in the database.
  void mark_unflushed(leveldb::WriteBatch& batch) {
    if (!unflushed_marker) batch.Put(kUnflushedKey, leveldb::Slice());
  }

  Status write(leveldb::WriteBatch& batch, bool sync = false) {
    if (crashed) return make_error(ErrorKind::kLocal, "store-write-failed", "crash simulated");
    leveldb::WriteOptions options;
    options.sync = sync;
    leveldb::Status status = db->Write(options, &batch);
    if (!status.ok()) return make_error(ErrorKind::kLocal, "store-write-failed", status.ToString());
    return {};
  }
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() {
  (void)flush_coins();
}

Result<std::unique_ptr<Store>> Store::open(const std::string& path, StoreOptions store_options) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error)
    return make_error(ErrorKind::kLocal, "store-open-failed", path + ": " + error.message());

  auto impl = std::make_unique<Impl>();
  impl->filter_policy.reset(leveldb::NewBloomFilterPolicy(kBloomBitsPerKey));
  impl->block_cache.reset(
      leveldb::NewLRUCache(leveldb_cache_bytes(store_options.coins_cache_bytes)));
  leveldb::Options options;
  options.create_if_missing = true;
  options.filter_policy = impl->filter_policy.get();
  options.block_cache = impl->block_cache.get();
  // As Bitcoin Core sets it: hashes, keys and signatures do not compress, so snappy only costs
  // CPU; larger tables mean fewer, cheaper compactions while a node connects thousands of
  // blocks.
  options.compression = leveldb::kNoCompression;
  options.write_buffer_size = leveldb_cache_bytes(store_options.coins_cache_bytes);
  options.max_file_size = kMaxTableBytes;
  // Tables read with pread, not mapped: mapped pages would count as the node's memory.
  options.env = pread_table_env();
  leveldb::DB* db = nullptr;
  leveldb::Status status = leveldb::DB::Open(options, path, &db);
  if (!status.ok()) {
    return make_error(is_lock_error(status) ? ErrorKind::kBusy : ErrorKind::kLocal,
                      is_lock_error(status)   ? "store-locked"
                      : status.IsCorruption() ? "store-corrupt"
                                              : "store-open-failed",
                      status.ToString());
  }
  impl->db.reset(db);
  const std::filesystem::path blocks_dir = std::filesystem::path(path) / "blocks";
  auto block_files =
      FlatFiles::open(blocks_dir, "blk", kBlockFileMagic, store_options.block_file_bytes);
  auto undo_files =
      FlatFiles::open(blocks_dir, "rev", kUndoFileMagic, store_options.block_file_bytes);
  if (!block_files || !undo_files) {
    return make_error(ErrorKind::kLocal, "store-open-failed",
                      (block_files ? undo_files.error() : block_files.error()).message());
  }
  impl->block_files = std::move(block_files.value());
  impl->undo_files = std::move(undo_files.value());
  // A store written before the block files: its block and undo data move to them once.
  for (auto [from, to, files] :
       {std::tuple{kLegacyBlockPrefix, kBlockPosPrefix, impl->block_files.get()},
        std::tuple{kLegacyUndoPrefix, kUndoPosPrefix, impl->undo_files.get()}}) {
    if (Status moved = move_to_flat_files(*impl->db, from, to, *files); !moved) {
      return make_error(ErrorKind::kLocal, "store-migration-failed", moved.error().message());
    }
  }
  impl->coins_cache_limit = store_options.coins_cache_bytes;
  impl->flush_batch_bytes = store_options.coins_flush_batch_bytes != 0
                                ? store_options.coins_flush_batch_bytes
                                : leveldb_cache_bytes(store_options.coins_cache_bytes) / 2;
  impl->crash_after_flush_batches = store_options.crash_after_flush_batches;
  if (std::optional<std::string> marker = impl->get(kUnflushedKey)) {
    impl->unflushed_marker = true;
    if (marker->size() == 64) {
      impl->interrupted = FlushHeads{Hash256::from_span(as_span(marker->substr(0, 32))),
                                     Hash256::from_span(as_span(marker->substr(32)))};
    }
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Status Store::put_block(const Block& block, const BlockIndexRecord& record) {
  const Bytes data = block.serialize();
  const Bytes index = encode_block_index_record(record);
  leveldb::WriteBatch batch;
  std::optional<std::pair<Hash256, FilePos>> reusable = std::exchange(impl_->reusable_block, {});
  if (reusable && reusable->first == record.hash && reusable->second.size == data.size()) {
    const Bytes pos = encode_file_pos(reusable->second);
    batch.Put(hash_key(kBlockPosPrefix, record.hash),
              leveldb::Slice(reinterpret_cast<const char*>(pos.data()), pos.size()));
  } else if (Status appended = impl_->append_positioned(
                 batch, hash_key(kBlockPosPrefix, record.hash), *impl_->block_files, data);
             !appended) {
    // The block's bytes reach its file before its position and index record reach LevelDB.
    return appended;
  }
  batch.Put(hash_key(kIndexPrefix, record.hash),
            leveldb::Slice(reinterpret_cast<const char*>(index.data()), index.size()));
  impl_->mark_unflushed(batch);
  if (Status written = impl_->write(batch); !written) return written;
  impl_->unflushed_marker = true;
  return {};
}

void Store::reuse_block_record(const Hash256& hash, const FilePos& pos) {
  impl_->reusable_block = std::pair{hash, pos};
}

namespace {
void put_index_record(leveldb::WriteBatch& batch, const BlockIndexRecord& record) {
  const Bytes index = encode_block_index_record(record);
  batch.Put(hash_key(kIndexPrefix, record.hash),
            leveldb::Slice(reinterpret_cast<const char*>(index.data()), index.size()));
}
}  // namespace

Status Store::put_index_records(const std::vector<BlockIndexRecord>& records) {
  leveldb::WriteBatch batch;
  for (const BlockIndexRecord& record : records) put_index_record(batch, record);
  return impl_->write(batch);
}

std::optional<Bytes> Store::block_bytes(const Hash256& hash) const {
  return impl_->positioned(hash_key(kBlockPosPrefix, hash), *impl_->block_files);
}

std::optional<Block> Store::block(const Hash256& hash) const {
  const std::string key = hash_key(kBlockPosPrefix, hash);
  auto value = impl_->positioned(key, *impl_->block_files);
  if (!value) return std::nullopt;
  auto block = decode_block(*value);
  if (!block) {
    impl_->note_corrupt(key, block.error());
    return std::nullopt;
  }
  return std::move(block.value());
}

std::vector<BlockIndexRecord> Store::load_index() const {
  std::vector<BlockIndexRecord> records;
  impl_->scan(
      std::string(1, kIndexPrefix), nullptr, [&](std::string_view key, std::string_view value) {
        auto record = decode_block_index_record(as_span(value));
        if (!record) {
          impl_->note_corrupt(key, record.error());
        } else if (key.size() != 33 || record->hash != Hash256::from_span(as_span(key.substr(1)))) {
          impl_->note_corrupt(key, make_error(ErrorKind::kLocal, "index-key-mismatch"));
        } else {
          records.push_back(std::move(record.value()));
        }
        return true;
      });
  return records;
}

std::optional<BlockIndexRecord> Store::index_record(const Hash256& hash) const {
  const std::string key = hash_key(kIndexPrefix, hash);
  auto value = impl_->get(key);
  if (!value) return std::nullopt;
  auto record = decode_block_index_record(as_span(*value));
  if (!record || record->hash != hash) {
    impl_->note_corrupt(
        key, record ? make_error(ErrorKind::kLocal, "index-key-mismatch") : record.error());
    return std::nullopt;
  }
  return std::move(record.value());
}

std::optional<Coin> Store::coin(const OutPoint& outpoint) const {
  std::shared_lock lock(impl_->coins_mutex);
  return impl_->coin(outpoint);
}

std::optional<std::vector<std::pair<OutPoint, Coin>>> Store::coins_at(
    const Hash256& tip, std::span<const OutPoint> outpoints) const {
  std::shared_lock lock(impl_->coins_mutex);
  std::optional<Hash256> coins_tip =
      impl_->cached_tip ? impl_->cached_tip : impl_->hash_value(kTipKey);
  if (coins_tip.value_or(Hash256{}) != tip) return std::nullopt;  // zero: no chain yet
  std::vector<std::pair<OutPoint, Coin>> coins;
  for (const OutPoint& outpoint : outpoints)
    if (auto coin = impl_->coin(outpoint)) coins.emplace_back(outpoint, std::move(*coin));
  return coins;
}

std::vector<std::pair<OutPoint, Coin>> Store::coins_of(const Hash160& pubkey_hash) const {
  std::vector<std::pair<OutPoint, Coin>> coins;
  std::shared_lock lock(impl_->coins_mutex);
  // One snapshot, so a concurrent write cannot show half a block.
  const leveldb::Snapshot* snapshot = impl_->db->GetSnapshot();
  impl_->scan(address_prefix(pubkey_hash), snapshot, [&](std::string_view key, std::string_view) {
    if (key.size() != kAddressKeyBytes) {
      impl_->note_corrupt(key, make_error(ErrorKind::kLocal, "bad-address-key"));
      return true;
    }
    const OutPoint outpoint = parse_outpoint(key.substr(1 + 20));
    if (impl_->coins_cache.find(outpoint)) return true;  // the cache's entry decides, below
    if (auto coin = impl_->stored_coin(outpoint, snapshot)) {
      coins.emplace_back(outpoint, std::move(*coin));
    } else {
      impl_->note_corrupt(key, make_error(ErrorKind::kLocal, "address-index-without-coin"));
    }
    return true;
  });
  impl_->db->ReleaseSnapshot(snapshot);
  impl_->coins_cache.for_each([&](const OutPoint& outpoint, const CoinsCache::Entry& entry) {
    if (entry.spent) return;
    if (match_p2pkh(entry.coin.output.script_pubkey) == pubkey_hash)
      coins.emplace_back(outpoint, entry.coin);
  });
  return coins;
}

void Store::for_each_coin(const std::function<void(const OutPoint&, const Coin&)>& visit) const {
  std::shared_lock lock(impl_->coins_mutex);
  const leveldb::Snapshot* snapshot = impl_->db->GetSnapshot();
  impl_->scan(std::string(1, kCoinPrefix), snapshot,
              [&](std::string_view key, std::string_view value) {
                auto coin = decode_coin(value);
                if (key.size() != kCoinKeyBytes) {
                  impl_->note_corrupt(key, make_error(ErrorKind::kLocal, "bad-coin-key"));
                } else if (!coin) {
                  impl_->note_corrupt(key, coin.error());
                } else {
                  const OutPoint outpoint = parse_outpoint(key.substr(1));
                  if (!impl_->coins_cache.find(outpoint)) visit(outpoint, coin.value());
                }
                return true;
              });
  impl_->db->ReleaseSnapshot(snapshot);
  impl_->coins_cache.for_each([&](const OutPoint& outpoint, const CoinsCache::Entry& entry) {
    if (!entry.spent) visit(outpoint, entry.coin);
  });
}

std::optional<BlockUndo> Store::undo(const Hash256& hash) const {
  {
    std::shared_lock lock(impl_->coins_mutex);
    if (impl_->undo_to_erase.contains(hash)) return std::nullopt;
  }
  const std::string key = hash_key(kUndoPosPrefix, hash);
  auto value = impl_->positioned(key, *impl_->undo_files);
  if (!value) return std::nullopt;
  auto undo = decode_block_undo(*value);
  if (!undo) {
    impl_->note_corrupt(key, undo.error());
    return std::nullopt;
  }
  return std::move(undo.value());
}

std::optional<Hash256> Store::tip() const {
  {
    std::shared_lock lock(impl_->coins_mutex);
    if (impl_->cached_tip) return impl_->cached_tip;
  }
  return impl_->hash_value(kTipKey);
}

std::optional<Hash256> Store::genesis() const {
  return impl_->hash_value(kGenesisKey);
}

Status Store::set_genesis(const Hash256& hash) {
  leveldb::WriteBatch batch;
  batch.Put(kGenesisKey, leveldb::Slice(reinterpret_cast<const char*>(hash.data.data()), 32));
  return impl_->write(batch);
}

uint64_t Store::block_files_bytes() const {
  return impl_->block_files->total_bytes() + impl_->undo_files->total_bytes();
}

uint32_t Store::current_block_file() const {
  return impl_->block_files->current_file();
}

StoredFiles Store::stored_files() const {
  StoredFiles files;
  files.current_block_file = impl_->block_files->current_file();
  files.current_undo_file = impl_->undo_files->current_file();
  for (const auto& series :
       {std::pair{kBlockPosPrefix, &files.blocks}, std::pair{kUndoPosPrefix, &files.undos}}) {
    auto* out = series.second;  // not a structured binding: clang 14 cannot capture those
    impl_->scan(
        std::string(1, series.first), nullptr, [&](std::string_view key, std::string_view value) {
          auto pos = decode_file_pos(as_span(value));
          if (key.size() != 33 || !pos) {
            impl_->note_corrupt(key, pos ? make_error(ErrorKind::kLocal, "bad-key") : pos.error());
          } else {
            out->emplace_back(Hash256::from_span(as_span(key.substr(1))), *pos);
          }
          return true;
        });
  }
  return files;
}

Status Store::prune(const PruneChange& change) {
  leveldb::WriteBatch batch;
  if (change.keep) {
    const Bytes data = change.keep->serialize();
    if (Status appended = impl_->append_positioned(
            batch, hash_key(kBlockPosPrefix, change.keep->hash()), *impl_->block_files, data);
        !appended) {
      return appended;
    }
    if (Status synced = impl_->block_files->sync(); !synced) {
      return make_error(ErrorKind::kLocal, "store-write-failed", synced.error().message());
    }
  }
  for (const Hash256& hash : change.blocks_removed) batch.Delete(hash_key(kBlockPosPrefix, hash));
  for (const Hash256& hash : change.undos_removed) batch.Delete(hash_key(kUndoPosPrefix, hash));
  for (const BlockIndexRecord& record : change.index_updates) put_index_record(batch, record);
  if (Status written = impl_->write(batch, /*sync=*/true); !written) return written;
  for (uint32_t file : change.block_files) {
    if (Status removed = impl_->block_files->remove_file(file); !removed) return removed;
  }
  for (uint32_t file : change.undo_files) {
    if (Status removed = impl_->undo_files->remove_file(file); !removed) return removed;
  }
  if (Status synced = impl_->block_files->sync(); !synced) return synced;
  return impl_->undo_files->sync();
}

Status Store::apply(const StoreDelta& change) {
  leveldb::WriteBatch batch;
  for (const BlockIndexRecord& record : change.index_updates) put_index_record(batch, record);
  if (change.undo_to_write) {
    const Bytes undo = encode_block_undo(change.undo_to_write->second);
    if (Status appended = impl_->append_positioned(
            batch, hash_key(kUndoPosPrefix, change.undo_to_write->first), *impl_->undo_files, undo);
        !appended) {
      return appended;
    }
  }
  impl_->mark_unflushed(batch);
  if (!change.index_updates.empty() || change.undo_to_write || !impl_->unflushed_marker) {
    if (Status written = impl_->write(batch); !written) return written;
  }
  impl_->unflushed_marker = true;

  std::unique_lock lock(impl_->coins_mutex);
  if (change.undo_to_write) impl_->undo_to_erase.erase(change.undo_to_write->first);
  if (change.undo_to_erase) impl_->undo_to_erase.insert(*change.undo_to_erase);
  // Additions before removals: a coin both created and spent by the same change ends absent.
  for (const auto& [outpoint, coin] : change.coins_added)
    impl_->coins_cache.add(outpoint, coin, change.coins_may_be_stored);
  for (const auto& [outpoint, coin] : change.coins_spent) impl_->coins_cache.spend(outpoint, coin);
  impl_->cached_tip = change.new_tip;
  return {};
}

Status Store::flush_coins() {
  Impl& impl = *impl_;
  {
    std::shared_lock lock(impl.coins_mutex);
    if (!impl.unflushed_marker && impl.coins_cache.empty() && !impl.cached_tip &&
        impl.undo_to_erase.empty()) {
      return {};
    }
    // An interrupted flush not yet rolled forward: its head blocks stay for ChainState::open.
    if (impl.interrupted && !impl.cached_tip) return {};
  }
  // Only this (the writer's) thread changes the cache: building a batch needs no more than the
  // readers' lock, and a written entry stays in the cache (which readers consult first) until
  // the exclusive lock drops it, so readers see the same coins throughout.
  CoinsFlushCounts counts;
  std::optional<FlushHeads> heads;
  while (true) {
    leveldb::WriteBatch batch;
    bool last = false;
    size_t taken = 0;
    {
      std::shared_lock read_lock(impl.coins_mutex);
      taken = impl.coins_cache.for_each_while(
          [&](const OutPoint& outpoint, const CoinsCache::Entry& entry) {
            if (batch.ApproximateSize() >= impl.flush_batch_bytes) return false;
            const std::optional<Hash160> pubkey_hash = match_p2pkh(entry.coin.output.script_pubkey);
            if (entry.spent) {
              batch.Delete(coin_key(outpoint));
              if (pubkey_hash) batch.Delete(address_key(*pubkey_hash, outpoint));
              ++counts.coins_erased;
            } else {
              batch.Put(coin_key(outpoint), coin_value(entry.coin));
              if (pubkey_hash) batch.Put(address_key(*pubkey_hash, outpoint), leveldb::Slice());
              ++counts.coins_written;
            }
            return true;
          });
      last = taken == impl.coins_cache.size();
      if (!last && !heads) {
        // More than one batch: the head blocks go first, alone.
        const Hash256 from = impl.hash_value(kTipKey).value_or(Hash256{});
        heads = FlushHeads{from, impl.cached_tip.value_or(from)};
      }
      if (last) {
        for (const Hash256& hash : impl.undo_to_erase) batch.Delete(hash_key(kUndoPosPrefix, hash));
        if (impl.cached_tip) {
          batch.Put(kTipKey, leveldb::Slice(
                                 reinterpret_cast<const char*>(impl.cached_tip->data.data()), 32));
        }
        batch.Delete(kUnflushedKey);
      }
    }
    if (heads && counts.batches == 0) {
      std::string value(reinterpret_cast<const char*>(heads->from.data.data()), 32);
      value.append(reinterpret_cast<const char*>(heads->to.data.data()), 32);
      leveldb::WriteBatch marker;
      marker.Put(kUnflushedKey, value);
      if (Status written = impl.write(marker); !written) return written;
      impl.unflushed_marker = true;
    }
    if (impl.crash_after_flush_batches && counts.batches == *impl.crash_after_flush_batches)
      impl.crashed = true;
    if (Status written = impl.write(batch); !written) return written;
    ++counts.batches;
    std::unique_lock lock(impl.coins_mutex);
    if (last) {
      impl.coins_cache.clear();
      impl.undo_to_erase.clear();
      impl.cached_tip.reset();
      impl.unflushed_marker = false;
      impl.interrupted.reset();
      impl.last_flush = counts;
      lock.unlock();
      // The cache's entries are freed: give their pages back rather than keep them resident.
      if (counts.batches > 1) release_free_memory();
      return {};
    }
    impl.coins_cache.erase_first(taken);
  }
}

std::optional<FlushHeads> Store::interrupted_flush() const {
  return impl_->interrupted;
}

CoinsFlushCounts Store::last_coins_flush() const {
  return impl_->last_flush;
}

bool Store::coins_cache_full() const {
  std::shared_lock lock(impl_->coins_mutex);
  return impl_->coins_cache.memory_bytes() >= impl_->coins_cache_limit;
}

size_t Store::coins_cache_bytes() const {
  std::shared_lock lock(impl_->coins_mutex);
  return impl_->coins_cache.memory_bytes();
}

size_t Store::coins_cache_limit() const {
  return impl_->coins_cache_limit;
}

bool Store::coins_may_lag_blocks() const {
  return impl_->unflushed_marker;
}

Status Store::flush() {
  if (Status flushed = flush_coins(); !flushed) return flushed;
  // The files first: no synced position may point past what the files hold.
  for (FlatFiles* files : {impl_->block_files.get(), impl_->undo_files.get()}) {
    if (Status synced = files->sync(); !synced)
      return make_error(ErrorKind::kLocal, "store-write-failed", synced.error().message());
  }
  leveldb::WriteBatch empty;
  return impl_->write(empty, /*sync=*/true);
}

std::optional<Error> Store::first_read_error() const {
  std::lock_guard lock(impl_->read_error_mutex);
  return impl_->read_error;
}

}  // namespace ac
