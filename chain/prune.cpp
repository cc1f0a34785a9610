#include "chain/prune.hpp"

#include <algorithm>

namespace ac {

FileSpans file_spans(std::span<const std::pair<Hash256, FilePos>> records,
                     const std::function<std::optional<int>(const Hash256&)>& height_of) {
  FileSpans spans;
  for (const auto& [hash, pos] : records) {
    FileSpan& span = spans[pos.file];
    span.bytes += kFrameHeaderBytes + pos.size;
    if (std::optional<int> height = height_of(hash)) {
      span.max_height = std::max(span.max_height, *height);
    } else {
      span.unknown = true;
    }
  }
  return spans;
}

std::vector<uint32_t> files_at_or_below(const FileSpans& spans, uint32_t current, int height) {
  std::vector<uint32_t> files;
  for (const auto& [file, span] : spans) {
    if (file != current && !span.unknown && span.max_height <= height) files.push_back(file);
  }
  return files;
}

std::optional<int> auto_prune_height(const FileSpans& block_spans, uint32_t current, int max_height,
                                     uint64_t excess_bytes) {
  std::optional<int> height;
  uint64_t freed = 0;
  // Oldest first: the files are numbered in the order they were written.
  for (const auto& [file, span] : block_spans) {
    if (freed >= excess_bytes) break;
    if (file == current || span.unknown || span.max_height > max_height) continue;
    freed += span.bytes;
    height = std::max(height.value_or(span.max_height), span.max_height);
  }
  return height;
}

}  // namespace ac
