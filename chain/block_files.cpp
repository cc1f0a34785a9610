#include "chain/block_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "chain/serialize.hpp"

namespace ac {

namespace {

// Beyond this many open read descriptors, one is closed before another opens.
constexpr size_t kMaxOpenReaders = 16;
constexpr int kFileNumberDigits = 5;

Error io_error(const std::string& reason, const std::string& step,
               const std::filesystem::path& path, int error_number) {
  return make_error(ErrorKind::kLocal, reason,
                    step + " " + path.string() + ": " + std::strerror(error_number));
}

void put_u32(uint8_t* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(value >> (8 * i));
}

uint32_t get_u32(const uint8_t* in) {
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | in[i];
  return value;
}

// The file number of "<prefix>NNNNN.dat", or -1 for any other name.
long file_number(const std::string& name, const std::string& prefix) {
  if (name.size() != prefix.size() + kFileNumberDigits + 4 || name.rfind(prefix, 0) != 0 ||
      !name.ends_with(".dat")) {
    return -1;
  }
  long number = 0;
  for (size_t i = prefix.size(); i < prefix.size() + kFileNumberDigits; ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
    number = number * 10 + (name[i] - '0');
  }
  return number;
}

}  // namespace

struct FlatFiles::Fd {
  int fd = -1;
  explicit Fd(int descriptor) : fd(descriptor) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

Bytes encode_file_pos(const FilePos& pos) {
  Bytes out;
  Writer writer(out);
  writer.u32(pos.file);
  writer.u32(pos.offset);
  writer.u32(pos.size);
  return out;
}

Result<FilePos> decode_file_pos(ByteSpan bytes) {
  Reader reader(bytes);
  FilePos pos;
  reader.u32(pos.file);
  reader.u32(pos.offset);
  reader.u32(pos.size);
  if (Status status = reader.finish(); !status) return status.error();
  return pos;
}

FlatFiles::FlatFiles(std::filesystem::path dir, std::string prefix, FileMagic magic,
                     uint64_t max_file_bytes)
    : dir_(std::move(dir)),
      prefix_(std::move(prefix)),
      magic_(magic),
      max_file_bytes_(max_file_bytes) {}

FlatFiles::~FlatFiles() = default;

std::filesystem::path FlatFiles::file_path(uint32_t file) const {
  std::string digits = std::to_string(file);
  if (digits.size() < kFileNumberDigits) digits.insert(0, kFileNumberDigits - digits.size(), '0');
  return dir_ / (prefix_ + digits + ".dat");
}

Result<std::unique_ptr<FlatFiles>> FlatFiles::open(const std::filesystem::path& dir,
                                                   std::string prefix, FileMagic magic,
                                                   uint64_t max_file_bytes) {
  // Offsets are stored in 32 bits.
  max_file_bytes = std::min<uint64_t>(max_file_bytes, uint64_t{1} << 31);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error)
    return make_error(ErrorKind::kLocal, "block-files-open-failed",
                      dir.string() + ": " + error.message());
  long last = 0;
  uint64_t all_bytes = 0;
  for (std::filesystem::directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    const long number = file_number(it->path().filename().string(), prefix);
    if (number < 0) continue;
    last = std::max(last, number);
    std::error_code size_error;
    const uint64_t size = std::filesystem::file_size(it->path(), size_error);
    if (!size_error) all_bytes += size;
  }
  if (error)
    return make_error(ErrorKind::kLocal, "block-files-open-failed",
                      dir.string() + ": " + error.message());
  std::unique_ptr<FlatFiles> files(new FlatFiles(dir, std::move(prefix), magic, max_file_bytes));
  if (Status opened = files->open_for_append(static_cast<uint32_t>(last)); !opened)
    return opened.error();
  files->earlier_files_bytes_ = all_bytes - std::min(all_bytes, files->current_size_);
  return files;
}

Status FlatFiles::open_for_append(uint32_t file) {
  const std::filesystem::path path = file_path(file);
  const bool existed = std::filesystem::exists(path);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("block-files-open-failed", "open", path, errno);
  auto handle = std::make_shared<const Fd>(fd);
  struct stat info {};
  if (::fstat(fd, &info) != 0) return io_error("block-files-open-failed", "stat", path, errno);
  current_ = handle;
  current_file_ = file;
  current_size_ = static_cast<uint64_t>(info.st_size);
  current_dirty_ = false;
  if (!existed) dir_dirty_ = true;
  std::lock_guard lock(readers_mutex_);
  readers_[file] = std::move(handle);
  return {};
}

Result<FilePos> FlatFiles::append(ByteSpan payload) {
  if (payload.size() > kMaxFlatRecordBytes)
    return make_error(ErrorKind::kLocal, "block-files-write-failed", "record too large");
  const uint64_t frame_bytes = kFrameHeaderBytes + payload.size();
  if (current_size_ > 0 && current_size_ + frame_bytes > max_file_bytes_) {
    // The finished file is synced now, so sync() only ever needs the current one.
    if (Status synced = sync(); !synced) return synced.error();
    const uint64_t finished_bytes = current_size_;
    if (Status opened = open_for_append(current_file_ + 1); !opened) return opened.error();
    earlier_files_bytes_ += finished_bytes;
  }
  uint8_t header[kFrameHeaderBytes];
  std::copy(magic_.begin(), magic_.end(), header);
  put_u32(header + 4, static_cast<uint32_t>(payload.size()));
  iovec parts[2] = {{header, kFrameHeaderBytes},
                    {const_cast<uint8_t*>(payload.data()), payload.size()}};
  uint64_t written = 0;
  while (written < frame_bytes) {
    // Past a partial write, the rest of the header and payload.
    iovec rest[2];
    int count = 0;
    uint64_t skip = written;
    for (const iovec& part : parts) {
      if (skip >= part.iov_len) {
        skip -= part.iov_len;
        continue;
      }
      rest[count++] = {static_cast<uint8_t*>(part.iov_base) + skip, part.iov_len - skip};
      skip = 0;
    }
    ssize_t n = ::pwritev(current_->fd, rest, count, static_cast<off_t>(current_size_ + written));
    if (n < 0) {
      if (errno == EINTR) continue;
      // Nothing points at what was written: the next append overwrites it.
      return io_error("block-files-write-failed", "write", file_path(current_file_), errno);
    }
    written += static_cast<uint64_t>(n);
  }
  FilePos pos{current_file_, static_cast<uint32_t>(current_size_),
              static_cast<uint32_t>(payload.size())};
  current_size_ += frame_bytes;
  current_dirty_ = true;
  return pos;
}

Result<std::shared_ptr<const FlatFiles::Fd>> FlatFiles::reader(uint32_t file) const {
  std::lock_guard lock(readers_mutex_);
  if (auto it = readers_.find(file); it != readers_.end()) return it->second;
  const std::filesystem::path path = file_path(file);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("block-files-read-failed", "open", path, errno);
  if (readers_.size() >= kMaxOpenReaders) readers_.erase(readers_.begin());
  auto handle = std::make_shared<const Fd>(fd);
  readers_.emplace(file, handle);
  return handle;
}

Result<Bytes> FlatFiles::read(const FilePos& pos) const {
  if (pos.size > kMaxFlatRecordBytes)
    return make_error(ErrorKind::kLocal, "block-files-bad-frame", "size beyond the bound");
  auto fd = reader(pos.file);
  if (!fd) return fd.error();
  uint8_t header[kFrameHeaderBytes];
  Bytes payload(pos.size);
  uint64_t done = 0;
  const uint64_t frame_bytes = kFrameHeaderBytes + pos.size;
  while (done < frame_bytes) {
    iovec parts[2];
    int count = 0;
    if (done < kFrameHeaderBytes) parts[count++] = {header + done, kFrameHeaderBytes - done};
    const uint64_t payload_done = done > kFrameHeaderBytes ? done - kFrameHeaderBytes : 0;
    if (payload.size() > payload_done)
      parts[count++] = {payload.data() + payload_done, payload.size() - payload_done};
    ssize_t n = ::preadv((*fd)->fd, parts, count, static_cast<off_t>(pos.offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("block-files-read-failed", "read", file_path(pos.file), errno);
    if (n == 0)
      return make_error(
          ErrorKind::kLocal, "block-files-read-failed",
          "short read at " + std::to_string(pos.offset) + " in " + file_path(pos.file).string());
    done += static_cast<uint64_t>(n);
  }
  if (!std::equal(magic_.begin(), magic_.end(), header) || get_u32(header + 4) != pos.size) {
    return make_error(ErrorKind::kLocal, "block-files-bad-frame",
                      "at " + std::to_string(pos.offset) + " in " + file_path(pos.file).string());
  }
  return payload;
}

Status FlatFiles::sync() {
  if (current_dirty_) {
    if (::fdatasync(current_->fd) != 0)
      return io_error("block-files-sync-failed", "fdatasync", file_path(current_file_), errno);
    current_dirty_ = false;
  }
  if (dir_dirty_) {
    int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return io_error("block-files-sync-failed", "open", dir_, errno);
    const bool synced = ::fsync(fd) == 0;
    const int error_number = errno;
    ::close(fd);
    if (!synced) return io_error("block-files-sync-failed", "fsync", dir_, error_number);
    dir_dirty_ = false;
  }
  return {};
}

Status FlatFiles::remove_file(uint32_t file) {
  const std::filesystem::path path = file_path(file);
  if (file == current_file_) {
    return make_error(ErrorKind::kLocal, "block-files-remove-current", path.string());
  }
  {
    std::lock_guard lock(readers_mutex_);
    readers_.erase(file);
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return {};
    return io_error("block-files-remove-failed", "stat", path, errno);
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return io_error("block-files-remove-failed", "unlink", path, errno);
  earlier_files_bytes_ -= std::min(earlier_files_bytes_, static_cast<uint64_t>(info.st_size));
  dir_dirty_ = true;
  return {};
}

Status scan_flat_file(const std::filesystem::path& path, FileMagic magic,
                      const std::function<void(uint64_t offset, ByteSpan payload)>& visit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::kLocal, "block-files-read-failed", "open " + path.string());
  const Bytes data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  uint64_t offset = 0;
  while (offset + kFrameHeaderBytes <= data.size()) {
    const uint8_t* frame = data.data() + offset;
    const uint64_t size = get_u32(frame + 4);
    if (std::equal(magic.begin(), magic.end(), frame) && size <= kMaxFlatRecordBytes &&
        offset + kFrameHeaderBytes + size <= data.size()) {
      visit(offset, ByteSpan(frame + kFrameHeaderBytes, size));
      offset += kFrameHeaderBytes + size;
    } else {
      ++offset;  // not a frame (a torn tail): look for the next magic
    }
  }
  return {};
}

}  // namespace ac
