#include "actors/mempool_persistence.hpp"

#include <caf/all.hpp>

#include <fmt/format.h>

#include <fstream>

#include "chain/atomic_file.hpp"

namespace ac::actors {

Status save_mempool_file(const std::filesystem::path& path,
                         std::span<const SavedMempoolTx> entries) {
  return write_file_atomically(path, encode_mempool_file(entries), "mempool-write-failed");
}

Result<std::vector<SavedMempoolTx>> load_mempool_file(const std::filesystem::path& path) {
  std::error_code error;
  auto size = std::filesystem::file_size(path, error);
  if (error) {
    if (error == std::errc::no_such_file_or_directory) return std::vector<SavedMempoolTx>{};
    return make_error("mempool-file-unreadable", path.string() + ": " + error.message());
  }
  if (size > kMaxMempoolFileBytes) return make_error("mempool-file-too-large", path.string());
  Bytes contents(static_cast<size_t>(size));
  std::ifstream in(path, std::ios::binary);
  if (!in || !in.read(reinterpret_cast<char*>(contents.data()),
                      static_cast<std::streamsize>(contents.size())))
    return make_error("mempool-file-unreadable", path.string());
  return decode_mempool_file(contents);
}

void save_mempool(caf::actor_system& system, const MempoolActor& mempool, const LogSinkPtr& log) {
  if (!mempool) return;
  caf::scoped_actor self{system};
  // Generous: writing a full pool (50 MB) and fsyncing it may take a while on a slow disk.
  self->request(mempool, std::chrono::minutes(5), SaveMempool{})
      .receive(
          [&](const MempoolSaved& saved) {
            log->line(saved.ok
                          ? fmt::format("saved {} mempool txs to {}", saved.count, saved.detail)
                          : "mempool not saved: " + saved.detail);
          },
          [&](caf::error& error) { log->line("mempool not saved: " + system.render(error)); });
}

}  // namespace ac::actors
