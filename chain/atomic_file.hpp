// Replacing a file so that a crash at any moment leaves either the old contents or the new,
// never a mix: write a fresh temporary file beside it, fsync it, rename it over the old one,
// then fsync the directory so the rename itself is durable.
#pragma once

#include <filesystem>
#include <string>

#include "chain/bytes.hpp"
#include "chain/result.hpp"

namespace ac {

// The file is created with mode 0600 (it may hold secrets: wallets, RPC cookies). On failure
// the error's reason is `reason` (for example "wallet-write-failed"), its detail names the step
// and errno, and no temporary file is left behind.
Status write_file_atomically(const std::filesystem::path& path, ByteSpan contents,
                             const std::string& reason);

}  // namespace ac
