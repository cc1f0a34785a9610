#include "net/address_book_file.hpp"

#include <fstream>

#include "chain/atomic_file.hpp"

namespace ac::net {

Status save_address_book(const std::filesystem::path& path, const AddressBook& book) {
  return write_file_atomically(path, book.encode(), "peers-write-failed");
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
