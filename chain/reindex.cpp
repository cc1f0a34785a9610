#include "chain/reindex.hpp"

#include <fcntl.h>
#include <leveldb/db.h>
#include <leveldb/env.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <iterator>
#include <unordered_map>
#include <vector>

#include "chain/atomic_file.hpp"
#include "chain/block_files.hpp"

namespace ac {

namespace {

constexpr const char* kMarkerName = "reindexing";
constexpr size_t kFileNumberDigits = 5;

Error reindex_error(std::string detail) {
  return make_error(ErrorKind::kLocal, "reindex-failed", std::move(detail));
}

uint32_t get_u32(const uint8_t* in) {
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | in[i];
  return value;
}

// The number of "<prefix>NNNNN.dat", or nullopt for any other name.
std::optional<uint32_t> file_number(const std::string& name, const std::string& prefix) {
  if (name.size() != prefix.size() + kFileNumberDigits + 4 || name.rfind(prefix, 0) != 0 ||
      !name.ends_with(".dat"))
    return std::nullopt;
  uint32_t number = 0;
  for (size_t i = prefix.size(); i < prefix.size() + kFileNumberDigits; ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    number = number * 10 + static_cast<uint32_t>(name[i] - '0');
  }
  return number;
}

// The numbers of the `prefix` files in `dir`, ascending.
std::vector<uint32_t> flat_file_numbers(const std::filesystem::path& dir,
                                        const std::string& prefix) {
  std::vector<uint32_t> numbers;
  std::error_code error;
  for (std::filesystem::directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    if (auto number = file_number(it->path().filename().string(), prefix))
      numbers.push_back(*number);
  }
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

std::string file_name(const std::string& prefix, uint32_t number) {
  std::string digits = std::to_string(number);
  if (digits.size() < kFileNumberDigits) digits.insert(0, kFileNumberDigits - digits.size(), '0');
  return prefix + digits + ".dat";
}

Result<Bytes> read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return reindex_error("open " + path.string() + ": " + std::strerror(errno));
  Bytes data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return reindex_error("read " + path.string());
  return data;
}

// One record's payload at `pos` of the file `path`, its frame checked.
Result<Bytes> read_record(const std::filesystem::path& path, const FilePos& pos) {
  std::ifstream in(path, std::ios::binary);
  uint8_t header[kFrameHeaderBytes];
  Bytes payload(pos.size);
  if (!in || !in.seekg(pos.offset) || !in.read(reinterpret_cast<char*>(header), sizeof header) ||
      !in.read(reinterpret_cast<char*>(payload.data()), static_cast<std::streamsize>(pos.size)))
    return reindex_error("read " + path.string() + " at " + std::to_string(pos.offset));
  if (!std::equal(kBlockFileMagic.begin(), kBlockFileMagic.end(), header) ||
      get_u32(header + 4) != pos.size)
    return reindex_error("no record at " + std::to_string(pos.offset) + " in " + path.string());
  return payload;
}

// Walks the frames of one file. `visit` returns false when it could not use a frame's payload
// (it did not decode): the scan then resumes one byte after that frame's start, as after bytes
// that start no frame, so a damaged size never hides the records behind it. `skipped` hears of
// each run of bytes that started no usable frame.
template <class Visit, class Skipped>
Status scan_frames(const Bytes& data, Visit visit, Skipped skipped) {
  constexpr uint64_t kNoGap = UINT64_MAX;
  uint64_t offset = 0;
  uint64_t gap_start = kNoGap;  // where the bytes that start no frame began
  auto end_gap = [&] {
    if (gap_start != kNoGap) skipped(gap_start, offset - gap_start);
    gap_start = kNoGap;
  };
  while (offset + kFrameHeaderBytes <= data.size()) {
    const uint8_t* frame = data.data() + offset;
    const uint64_t size = get_u32(frame + 4);
    if (std::equal(kBlockFileMagic.begin(), kBlockFileMagic.end(), frame) &&
        size <= kMaxFlatRecordBytes && offset + kFrameHeaderBytes + size <= data.size()) {
      end_gap();
      Result<bool> used = visit(offset, ByteSpan(frame + kFrameHeaderBytes, size));
      if (!used) return used.error();
      if (*used) {
        offset += kFrameHeaderBytes + size;
        continue;
      }
    } else if (gap_start == kNoGap) {
      gap_start = offset;
    }
    ++offset;
  }
  if (offset < data.size() && gap_start == kNoGap) gap_start = offset;
  offset = data.size();
  end_gap();
  return {};
}

Status fsync_dir(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return reindex_error("open " + dir.string() + ": " + std::strerror(errno));
  const bool synced = ::fsync(fd) == 0;
  const int error_number = errno;
  ::close(fd);
  if (!synced) return reindex_error("fsync " + dir.string() + ": " + std::strerror(error_number));
  return {};
}

// Fails with "store-locked" when another process (or this one) holds the store's LevelDB.
Status ensure_unlocked(const std::filesystem::path& store_path) {
  leveldb::Env* env = leveldb::Env::Default();
  leveldb::FileLock* lock = nullptr;
  leveldb::Status status = env->LockFile((store_path / "LOCK").string(), &lock);
  if (!status.ok()) return make_error(ErrorKind::kBusy, "store-locked", status.ToString());
  env->UnlockFile(lock);
  return {};
}

std::string describe_tip(const std::optional<ChainTip>& tip) {
  if (!tip) return "no chain";
  return "tip height=" + std::to_string(tip->height) + " hash=" + tip->hash.hex();
}

// The reindex proper, over a store just wiped.
class Rebuild {
 public:
  Rebuild(ChainStorage& storage, std::filesystem::path blocks_dir, const ReindexOptions& options,
          ReindexSummary& summary)
      : storage_(storage),
        blocks_dir_(std::move(blocks_dir)),
        options_(options),
        summary_(summary) {}

  Status file(uint32_t number) {
    const std::filesystem::path path = blocks_dir_ / file_name("blk", number);
    auto data = read_whole_file(path);
    if (!data) return data.error();
    ++summary_.files;
    return scan_frames(
        *data,
        [&](uint64_t offset, ByteSpan payload) -> Result<bool> {
          const FilePos pos{number, static_cast<uint32_t>(offset),
                            static_cast<uint32_t>(payload.size())};
          ++summary_.records;
          Result<bool> used = offer(pos, payload);
          if (used && options_.progress_every != 0 &&
              summary_.records % options_.progress_every == 0) {
            log("reindex: " + std::to_string(summary_.records) + " blocks read (" +
                path.filename().string() + "), " + describe_tip(storage_.chain->tip()));
          }
          return used;
        },
        [&](uint64_t offset, uint64_t count) {
          summary_.skipped_bytes += count;
          log("reindex: skipped " + std::to_string(count) + " bytes at " +
              path.filename().string() + " offset " + std::to_string(offset) +
              ": no block record starts there");
        });
  }

  // The blocks still waiting for their parent when every file was read.
  void report_without_parent() {
    summary_.without_parent = waiting_.size();
    if (waiting_.empty()) return;
    const auto& [parent, pos] = *waiting_.begin();
    log("reindex: " + std::to_string(waiting_.size()) +
        " blocks left out: their parent is in no block file (e.g. " + file_name("blk", pos.file) +
        " offset " + std::to_string(pos.offset) + ", waiting for " + parent.hex() +
        "); peers can send them again");
  }

 private:
  void log(const std::string& line) const {
    if (options_.log) options_.log(line);
  }

  // A record read in a file: false when it does not decode (the scan looks further). Blocks
  // that wait for it follow once it is stored.
  Result<bool> offer(const FilePos& pos, ByteSpan payload) {
    auto decoded = decode_block(payload);
    if (!decoded) {
      ++summary_.skipped;
      log("reindex: skipped the record at " + file_name("blk", pos.file) + " offset " +
          std::to_string(pos.offset) + " (" + std::to_string(pos.size) +
          " bytes): not a block: " + decoded.error().message());
      return false;
    }
    std::deque<Hash256> stored;
    if (Status taken = take(pos, *decoded, payload, stored); !taken) return taken.error();
    // Core's mapBlocksUnknownParent: those waiting for a stored block are read again now.
    while (!stored.empty()) {
      const Hash256 parent = stored.front();
      stored.pop_front();
      auto [first, last] = waiting_.equal_range(parent);
      std::vector<FilePos> children;
      for (auto it = first; it != last; ++it) children.push_back(it->second);
      waiting_.erase(first, last);
      for (const FilePos& child : children) {
        auto bytes = read_record(blocks_dir_ / file_name("blk", child.file), child);
        if (!bytes) return bytes.error();
        auto block = decode_block(*bytes);
        if (!block) continue;  // it decoded when it was read first
        if (Status taken = take(child, *block, *bytes, stored); !taken) return taken.error();
      }
    }
    return true;
  }

  // Validates and stores one block whose bytes lie at `pos`; adds it to `stored` when it was.
  // An error is the node's own (storage); a block's failure is logged and skipped.
  Status take(const FilePos& pos, const Block& block, ByteSpan payload,
              std::deque<Hash256>& stored) {
    ChainState& chain = *storage_.chain;
    const Hash256 hash = block.hash();
    const std::string where = file_name("blk", pos.file) + " offset " + std::to_string(pos.offset);
    const bool is_genesis = block.header.prev_block.is_zero();
    if (!is_genesis && !chain.record(block.header.prev_block)) {
      waiting_.emplace(block.header.prev_block, pos);
      return {};
    }
    if (is_genesis && chain.genesis()) {
      if (*chain.genesis() == hash) {
        ++summary_.duplicates;
      } else {
        ++summary_.skipped;
        log("reindex: skipped block " + hash.hex() + " at " + where +
            ": a genesis other than this chain's " + chain.genesis()->hex());
      }
      return {};
    }
    // Only a record that is the block's exact serialization is reused; otherwise the block is
    // written anew, as put_block always would.
    if (block.serialize() == Bytes(payload.begin(), payload.end()))
      storage_.store->reuse_block_record(hash, pos);
    if (is_genesis) {
      if (Status created = chain.create_genesis(block); !created) {
        if (created.error().kind == ErrorKind::kLocal) return created;
        ++summary_.skipped;
        log("reindex: skipped block " + hash.hex() + " at " + where + ": " +
            created.error().message());
        return {};
      }
      ++summary_.stored;
      stored.push_back(hash);
      return {};
    }
    Result<AcceptOutcome> outcome = chain.accept_block(block);
    if (!outcome) {
      if (outcome.error().kind == ErrorKind::kLocal) return outcome.error();
      ++summary_.skipped;
      log("reindex: skipped block " + hash.hex() + " at " + where + ": " +
          outcome.error().message());
      // A block stored but found invalid when connected may have waiting children: they are
      // then refused as children of an invalid block, each with its line.
      if (chain.record(hash)) stored.push_back(hash);
      return {};
    }
    if (outcome->status == AcceptStatus::kAlreadyHave) {
      ++summary_.duplicates;
      return {};
    }
    ++summary_.stored;
    stored.push_back(hash);
    return {};
  }

  ChainStorage& storage_;
  std::filesystem::path blocks_dir_;
  const ReindexOptions& options_;
  ReindexSummary& summary_;
  // By parent hash: where each block waiting for it lies.
  std::unordered_multimap<Hash256, FilePos> waiting_;
};

// Deletes LevelDB's files (every key: the index, coins, positions, tip) and the undo files,
// keeping the block files.
Status wipe(const std::filesystem::path& store_path) {
  leveldb::Status destroyed = leveldb::DestroyDB(store_path.string(), leveldb::Options());
  if (!destroyed.ok()) return reindex_error("delete the index: " + destroyed.ToString());
  const std::filesystem::path blocks_dir = store_path / "blocks";
  for (uint32_t number : flat_file_numbers(blocks_dir, "rev")) {
    std::error_code error;
    std::filesystem::remove(blocks_dir / file_name("rev", number), error);
    if (error) return reindex_error("delete " + file_name("rev", number) + ": " + error.message());
  }
  if (std::filesystem::exists(blocks_dir)) return fsync_dir(blocks_dir);
  return {};
}

}  // namespace

std::filesystem::path reindex_marker_path(const std::filesystem::path& store_path) {
  return store_path / kMarkerName;
}

bool reindex_unfinished(const std::filesystem::path& store_path) {
  std::error_code ignored;
  return std::filesystem::exists(reindex_marker_path(store_path), ignored);
}

Result<ReindexSummary> reindex_store(const std::filesystem::path& store_path,
                                     const ChainParams& params, const ReindexOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  auto log = [&](const std::string& line) {
    if (options.log) options.log(line);
  };
  std::error_code error;
  std::filesystem::create_directories(store_path, error);
  if (error) return reindex_error(store_path.string() + ": " + error.message());
  if (Status unlocked = ensure_unlocked(store_path); !unlocked) return unlocked.error();

  const std::filesystem::path blocks_dir = store_path / "blocks";
  const std::vector<uint32_t> files = flat_file_numbers(blocks_dir, "blk");
  // A pruned store (--prune) lacks its oldest block files: they cannot be replayed.
  if (!files.empty() && (files.front() != 0 || files.back() + 1 != files.size())) {
    return make_error(ErrorKind::kRefused, "reindex-pruned",
                      "block files of " + blocks_dir.string() +
                          " were pruned, and a reindex needs every block: remove " +
                          store_path.string() + " and let the node sync again");
  }
  if (reindex_unfinished(store_path))
    log("reindex: the last reindex did not finish; starting it over");
  log("reindex: rebuilding the block index and coins from " + std::to_string(files.size()) +
      " block files in " + blocks_dir.string() + " (undo data rewritten)");
  // The marker first: from here until it goes, the store is never taken as complete.
  const std::string marker = "reindex under way\n";
  if (Status marked =
          write_file_atomically(reindex_marker_path(store_path), as_span(marker), "reindex-failed");
      !marked)
    return marked.error();
  if (Status wiped = wipe(store_path); !wiped) return wiped.error();

  auto opened = Store::open(store_path.string(), options.store);
  if (!opened) return opened.error();
  ChainStorage storage;
  storage.store = std::move(*opened);
  // A built-in genesis is connected by ChainState::open: its record is the first of the files.
  if (params.builtin_genesis && !files.empty()) {
    const FilePos first{files.front(), 0, 0};
    const std::filesystem::path path = blocks_dir / file_name("blk", first.file);
    std::ifstream in(path, std::ios::binary);
    uint8_t header[kFrameHeaderBytes];
    if (in.read(reinterpret_cast<char*>(header), sizeof header)) {
      const FilePos pos{first.file, 0, get_u32(header + 4)};
      const Bytes genesis = params.builtin_genesis->serialize();
      if (auto bytes = read_record(path, pos); bytes && *bytes == genesis)
        storage.store->reuse_block_record(params.builtin_genesis->hash(), pos);
    }
  }
  if (Status chain = open_chain_state(storage, params, options.script_threads, options.now_seconds);
      !chain)
    return chain.error();

  ReindexSummary summary;
  {
    Rebuild rebuild(storage, blocks_dir, options, summary);
    for (uint32_t number : files) {
      if (Status read = rebuild.file(number); !read) return read.error();
    }
    rebuild.report_without_parent();
  }
  if (Status flushed = storage.store->flush(); !flushed) return flushed.error();
  summary.tip = storage.chain->tip();
  storage.close();
  // Synced: now the store may be taken as complete.
  std::filesystem::remove(reindex_marker_path(store_path), error);
  if (error) return reindex_error("delete the marker: " + error.message());
  if (Status synced = fsync_dir(store_path); !synced) return synced.error();

  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", summary.seconds);
  log("reindex done in " + std::string(seconds) + " s: " + std::to_string(summary.records) +
      " blocks read from " + std::to_string(summary.files) + " block file(s), " +
      std::to_string(summary.stored) + " stored, " + std::to_string(summary.duplicates) +
      " duplicates, " + std::to_string(summary.skipped) + " skipped, " +
      std::to_string(summary.without_parent) + " without parent; " + describe_tip(summary.tip));
  return summary;
}

Status check_recent_blocks(const ChainState& chain, const Store& store, int count) {
  const std::optional<ChainTip> tip = chain.tip();
  if (!tip) return {};
  for (int height = tip->height; height >= 0 && height > tip->height - count; --height) {
    const std::optional<Hash256> hash = chain.active_chain_hash_at(height);
    if (!hash) break;
    const bool block_read = store.block(*hash).has_value();
    const bool undo_read = height == 0 || store.undo(*hash).has_value();
    if (!block_read || !undo_read) {
      std::string detail = std::string(block_read ? "undo data" : "block") + " of " + hash->hex() +
                           " at height " + std::to_string(height) + " does not read";
      if (std::optional<Error> cause = store.first_read_error()) detail += ": " + cause->message();
      return make_error(ErrorKind::kLocal, "store-corrupt", detail);
    }
  }
  return {};
}

Status check_index_present(const std::filesystem::path& store_path) {
  std::error_code error;
  if (std::filesystem::exists(store_path / "CURRENT", error)) return {};
  const std::filesystem::path first_blocks = store_path / "blocks" / file_name("blk", 0);
  const auto size = std::filesystem::file_size(first_blocks, error);
  if (error || size == 0) return {};
  return make_error(ErrorKind::kLocal, "store-corrupt",
                    "the block index is missing but " + first_blocks.string() + " holds " +
                        std::to_string(size) + " bytes of blocks");
}

}  // namespace ac
