#include "chain/leveldb_env.hpp"

#include <fcntl.h>
#include <leveldb/env.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace ac {
namespace {

leveldb::Status io_error(const std::string& path, int error_number) {
  return leveldb::Status::IOError(path, std::strerror(error_number));
}

// A table file read at offsets with pread; thread-safe as LevelDB requires (pread keeps no
// file position).
class PreadFile final : public leveldb::RandomAccessFile {
 public:
  PreadFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PreadFile() override { ::close(fd_); }

  leveldb::Status Read(uint64_t offset, size_t n, leveldb::Slice* result,
                       char* scratch) const override {
    size_t done = 0;
    while (done < n) {
      const ssize_t got = ::pread(fd_, scratch + done, n - done, static_cast<off_t>(offset + done));
      if (got < 0) {
        if (errno == EINTR) continue;
        *result = leveldb::Slice(scratch, 0);
        return io_error(path_, errno);
      }
      if (got == 0) break;  // end of file: a shorter result, as LevelDB's own files give
      done += static_cast<size_t>(got);
    }
    *result = leveldb::Slice(scratch, done);
    return leveldb::Status::OK();
  }

 private:
  std::string path_;
  int fd_;
};

class PreadTableEnv final : public leveldb::EnvWrapper {
 public:
  PreadTableEnv() : leveldb::EnvWrapper(leveldb::Env::Default()) {}

  leveldb::Status NewRandomAccessFile(const std::string& path,
                                      leveldb::RandomAccessFile** result) override {
    *result = nullptr;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      // LevelDB tells a missing file apart (it then tries the table's old name).
      if (errno == ENOENT) return leveldb::Status::NotFound(path, std::strerror(errno));
      return io_error(path, errno);
    }
    *result = new PreadFile(path, fd);
    return leveldb::Status::OK();
  }
};

}  // namespace

leveldb::Env* pread_table_env() {
  static PreadTableEnv* const env = new PreadTableEnv();
  return env;
}

}  // namespace ac
