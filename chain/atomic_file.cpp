#include "chain/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ac {

namespace {

Error failed(const std::string& reason, const std::string& step, const std::filesystem::path& path,
             int error_number) {
  return make_error(reason, step + " " + path.string() + ": " + std::strerror(error_number));
}

bool write_all(int fd, ByteSpan data) {
  size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    written += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Status write_file_atomically(const std::filesystem::path& path, ByteSpan contents,
                             const std::string& reason) {
  std::filesystem::path directory = path.parent_path();
  if (directory.empty()) directory = ".";

  // mkstemp creates the file with mode 0600 and a name no one else holds.
  std::string temp_name = (directory / (path.filename().string() + ".tmp-XXXXXX")).string();
  int fd = ::mkstemp(temp_name.data());
  if (fd < 0) return failed(reason, "create temp file in", directory, errno);
  bool written = write_all(fd, contents) && ::fsync(fd) == 0;
  int error_number = errno;
  if (::close(fd) != 0 && written) {
    written = false;
    error_number = errno;
  }
  if (!written) {
    ::unlink(temp_name.c_str());
    return failed(reason, "write", temp_name, error_number);
  }
  if (::rename(temp_name.c_str(), path.c_str()) != 0) {
    error_number = errno;
    ::unlink(temp_name.c_str());
    return failed(reason, "rename onto", path, error_number);
  }

  int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd < 0) return failed(reason, "open directory", directory, errno);
  bool synced = ::fsync(directory_fd) == 0;
  error_number = errno;
  ::close(directory_fd);
  if (!synced) return failed(reason, "fsync directory", directory, error_number);
  return {};
}

}  // namespace ac
