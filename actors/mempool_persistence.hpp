// mempool.dat on disk (Bitcoin Core's -persistmempool): the file I/O around chain/mempool_file's
// codec. The mempool actor loads it at start and writes it when asked (SaveMempool: the node's
// clean stop and the `savemempool` RPC). Writing is atomic (chain/atomic_file.hpp): a crash
// leaves the previous file or the new one.
#pragma once

#include <caf/fwd.hpp>

#include <chrono>
#include <filesystem>
#include <span>
#include <vector>

#include "actors/log_sink.hpp"
#include "actors/mempool_actor.hpp"
#include "chain/mempool_file.hpp"
#include "chain/result.hpp"

namespace ac::actors {

// How old a saved entry may be and still be loaded: Core's -mempoolexpiry default (336 hours).
// The running pool has no expiry of its own; this bounds only what a restart brings back.
inline constexpr std::chrono::hours kMempoolExpiry{336};

// Atomic, durable replace. Reason: "mempool-write-failed".
Status save_mempool_file(const std::filesystem::path& path,
                         std::span<const SavedMempoolTx> entries);

// The saved entries, in file order; a missing file is an empty one. Reasons:
// "mempool-file-unreadable", "mempool-file-too-large", decode_mempool_file's.
Result<std::vector<SavedMempoolTx>> load_mempool_file(const std::filesystem::path& path);

// At a clean stop, before the actors stop (--persistmempool): has `mempool` write mempool.dat,
// waits for it, and logs what it did ("saved N mempool txs to PATH", or why not).
void save_mempool(caf::actor_system& system, const MempoolActor& mempool, const LogSinkPtr& log);

}  // namespace ac::actors
