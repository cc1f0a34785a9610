// Pruning (Bitcoin Core's -prune): which block and undo files may be deleted once the chain
// has moved far past them. Pure functions over where the records lie; ChainState::prune_to
// (chain/chainstate_prune.cpp) applies the result through Store::prune.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "chain/block_files.hpp"
#include "chain/uint256.hpp"

namespace ac {

// As Core: the most recent 288 blocks (two days) are always kept, so a peer can still be
// served a short reorganisation and our own tip can be disconnected that far.
inline constexpr int kMinBlocksToKeep = 288;
// As Core's -fastprune: the size of a block file in tests of pruning.
inline constexpr uint64_t kFastPruneFileBytes = uint64_t{64} << 10;
// As Core's -prune: the smallest automatic target, in MiB; 1 means pruning by hand only.
inline constexpr uint64_t kMinPruneTargetMiB = 550;

// One file's records: the highest height among them and their bytes. `unknown`: a record of
// a block the index does not know (its height cannot be weighed), so the file is kept.
struct FileSpan {
  int max_height = -1;
  uint64_t bytes = 0;
  bool unknown = false;
};
using FileSpans = std::map<uint32_t, FileSpan>;

FileSpans file_spans(std::span<const std::pair<Hash256, FilePos>> records,
                     const std::function<std::optional<int>(const Hash256&)>& height_of);

// The files whose every record is at most `height`, except `current` (appends go there).
std::vector<uint32_t> files_at_or_below(const FileSpans& spans, uint32_t current, int height);

// Automatic pruning: the lowest height up to which the oldest block files (each at most
// `max_height`, not `current`) must go for `excess_bytes` to be freed; nullopt when no file
// can go. It may free less than the excess when the files near the tip must stay.
std::optional<int> auto_prune_height(const FileSpans& block_spans, uint32_t current, int max_height,
                                     uint64_t excess_bytes);

}  // namespace ac
