// Append-only flat files for block and undo data, as Bitcoin Core's blocks/blk?????.dat and
// rev?????.dat: the store keeps only a record's position (FilePos) in LevelDB, so LevelDB's
// compactions never rewrite block data, and their cost stops growing with the chain.
//
// A series of files <dir>/<prefix>NNNNN.dat; a new file begins once the current one would pass
// its size bound. Each record is framed as 4 bytes of magic, its payload size (u32 little
// endian) and the payload, so a file can be scanned (scan_flat_file) without the index.
//
// Crash safety is the caller's order: append() a record before writing the position that
// points to it, and sync() before syncing what holds the positions. A tail no position points
// to (a process killed after append) is harmless: open() appends after it.
//
// One writer (append, sync); read() is thread-safe and may run beside the writer.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "chain/bytes.hpp"
#include "chain/result.hpp"

namespace ac {

// The store's on-disk layout: 1 held block and undo data in LevelDB, 2 in these files.
// scripts/bench-sync.sh keys its cached chainstates on this line.
inline constexpr int kStoreLayoutVersion = 2;

// Where a record lies: its file's number, the offset of its frame, its payload size.
struct FilePos {
  uint32_t file = 0;
  uint32_t offset = 0;
  uint32_t size = 0;
  bool operator==(const FilePos&) const = default;
};

Bytes encode_file_pos(const FilePos& pos);
Result<FilePos> decode_file_pos(ByteSpan bytes);

using FileMagic = std::array<uint8_t, 4>;
inline constexpr FileMagic kBlockFileMagic = {0xac, 'b', 'l', 'k'};
inline constexpr FileMagic kUndoFileMagic = {0xac, 'r', 'e', 'v'};
inline constexpr size_t kFrameHeaderBytes = 8;
// As Bitcoin Core's MAX_BLOCKFILE_SIZE.
inline constexpr uint64_t kMaxFlatFileBytes = uint64_t{128} << 20;
// No record is larger: a corrupt position never makes read() allocate more.
inline constexpr uint32_t kMaxFlatRecordBytes = uint32_t{32} << 20;

class FlatFiles {
 public:
  // Opens the series `prefix` in `dir` (created if missing); appends go after the last
  // existing file's end. Reason "block-files-open-failed".
  static Result<std::unique_ptr<FlatFiles>> open(const std::filesystem::path& dir,
                                                 std::string prefix, FileMagic magic,
                                                 uint64_t max_file_bytes = kMaxFlatFileBytes);
  ~FlatFiles();
  FlatFiles(const FlatFiles&) = delete;
  FlatFiles& operator=(const FlatFiles&) = delete;

  // Writes one framed record (not synced). Reason "block-files-write-failed".
  Result<FilePos> append(ByteSpan payload);
  // The payload at `pos`. Reasons: "block-files-read-failed" (missing file, I/O error, short
  // read), "block-files-bad-frame" (the frame's magic or size differs from `pos`).
  Result<Bytes> read(const FilePos& pos) const;
  // fdatasync of every file appended to since the last sync (and of the folder when a file was
  // created). Reason "block-files-sync-failed".
  Status sync();

  std::filesystem::path file_path(uint32_t file) const;
  // The file appends go to.
  uint32_t current_file() const { return current_file_; }
  // The bytes of every file of the series (what pruning weighs against its target).
  uint64_t total_bytes() const { return earlier_files_bytes_ + current_size_; }
  // Deletes a finished file (pruning): reads of its records fail from then on. Reasons
  // "block-files-remove-current" (the file appends go to), "block-files-remove-failed". A file
  // already gone is no failure.
  Status remove_file(uint32_t file);

 private:
  struct Fd;
  FlatFiles(std::filesystem::path dir, std::string prefix, FileMagic magic,
            uint64_t max_file_bytes);
  Result<std::shared_ptr<const Fd>> reader(uint32_t file) const;
  Status open_for_append(uint32_t file);

  std::filesystem::path dir_;
  std::string prefix_;
  FileMagic magic_;
  uint64_t max_file_bytes_;

  // The writer's state.
  std::shared_ptr<const Fd> current_;
  uint32_t current_file_ = 0;
  uint64_t current_size_ = 0;
  bool current_dirty_ = false;
  bool dir_dirty_ = false;
  uint64_t earlier_files_bytes_ = 0;  // every file but the current one

  // Descriptors for reads, opened on demand; a few at most stay open.
  mutable std::mutex readers_mutex_;
  mutable std::map<uint32_t, std::shared_ptr<const Fd>> readers_;
};

// Visits every well-framed record of one file in order (offset, payload), skipping bytes that
// do not start a frame (a torn tail) until the next magic. Reason "block-files-read-failed".
Status scan_flat_file(const std::filesystem::path& path, FileMagic magic,
                      const std::function<void(uint64_t offset, ByteSpan payload)>& visit);

}  // namespace ac
