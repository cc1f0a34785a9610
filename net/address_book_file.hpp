// peers.dat: the address book on disk, in the node's data folder. Saving never leaves a
// half-written file: the bytes go to a temp file in the same directory, which is fsynced,
// renamed over peers.dat, and the directory fsynced; a crash leaves the old or the new book.
#pragma once

#include <filesystem>

#include "chain/result.hpp"
#include "net/address_book.hpp"

namespace ac::net {

// Far above a full book (10,000 entries take about 400 KB).
inline constexpr uintmax_t kMaxPeersFileBytes = 16 * 1024 * 1024;

// Atomic, durable replace. Reason: "peers-write-failed".
Status save_address_book(const std::filesystem::path& path, const AddressBook& book);
// A missing file is an empty book. Reasons: "peers-unreadable", "peers-too-large", decode's.
Result<AddressBook> load_address_book(const std::filesystem::path& path,
                                      size_t capacity = kDefaultAddressBookCapacity);

}  // namespace ac::net
