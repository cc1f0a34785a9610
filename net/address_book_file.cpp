#include "net/address_book_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace ac::net {

namespace {

Error write_failed(const std::string& what, const std::filesystem::path& path) {
  return make_error("peers-write-failed", what + " " + path.string() + ": " + std::strerror(errno));
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

Status save_address_book(const std::filesystem::path& path, const AddressBook& book) {
  std::filesystem::path directory = path.parent_path();
  if (directory.empty()) directory = ".";
  Bytes contents = book.encode();
  std::string temp_name = (directory / (path.filename().string() + ".tmp-XXXXXX")).string();
  int fd = ::mkstemp(temp_name.data());
  if (fd < 0) return write_failed("create temp file in", directory);
  bool written = write_all(fd, contents) && ::fsync(fd) == 0;
  if (::close(fd) != 0) written = false;
  if (!written) {
    Error error = write_failed("write", temp_name);
    ::unlink(temp_name.c_str());
    return error;
  }
  if (::rename(temp_name.c_str(), path.c_str()) != 0) {
    Error error = write_failed("rename onto", path);
    ::unlink(temp_name.c_str());
    return error;
  }
  int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd < 0) return write_failed("open directory", directory);
  bool synced = ::fsync(directory_fd) == 0;
  ::close(directory_fd);
  if (!synced) return write_failed("fsync directory", directory);
  return {};
}

Result<AddressBook> load_address_book(const std::filesystem::path& path, size_t capacity) {
  std::error_code error;
  auto size = std::filesystem::file_size(path, error);
  if (error) {
    if (error == std::errc::no_such_file_or_directory) return AddressBook(capacity);
    return make_error("peers-unreadable", path.string() + ": " + error.message());
  }
  if (size > kMaxPeersFileBytes) return make_error("peers-too-large", path.string());
  Bytes contents(static_cast<size_t>(size));
  std::ifstream in(path, std::ios::binary);
  if (!in || !in.read(reinterpret_cast<char*>(contents.data()),
                      static_cast<std::streamsize>(contents.size())))
    return make_error("peers-unreadable", path.string());
  return AddressBook::decode(contents, capacity);
}

}  // namespace ac::net
