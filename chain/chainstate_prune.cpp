// ChainState's pruning (Bitcoin Core's -prune): deleting the block and undo files of blocks
// buried deep below the tip, keeping their index records.
#include <algorithm>
#include <set>

#include "chain/chainstate.hpp"
#include "chain/prune.hpp"

namespace ac {

int ChainState::first_stored_height() const {
  if (!has_pruned_ || active_.empty()) return 0;
  size_t height = active_.size() - 1;
  while (height > 0 && (active_[height - 1]->status & block_status::kHaveData)) --height;
  return static_cast<int>(height);
}

std::optional<int> ChainState::earliest_height_at_time(int64_t time) const {
  int64_t latest = 0;
  for (const Node* node : active_) {
    latest = std::max<int64_t>(latest, node->time);
    if (latest >= time) return node->height;
  }
  return std::nullopt;
}

std::function<std::optional<int>(const Hash256&)> ChainState::height_lookup() const {
  return [this](const Hash256& hash) -> std::optional<int> {
    const Node* node = find(hash);
    if (!node) return std::nullopt;
    return node->height;
  };
}

Result<int> ChainState::prune_to(int height) {
  if (!prune_.enabled) return make_error(ErrorKind::kRefused, "prune-disabled");
  const Node* tip = tip_node();
  if (!tip) return -1;
  height = std::min(height, tip->height - kMinBlocksToKeep);
  if (height < 1) return first_stored_height() - 1;

  // The coins must be past every block whose data goes: no replay after a crash needs it.
  if (Status flushed = store_.flush_coins(); !flushed) return flushed.error();
  const StoredFiles stored = store_.stored_files();
  if (std::optional<Error> unreadable = store_.first_read_error()) return *unreadable;
  const FileSpans block_spans = file_spans(stored.blocks, height_lookup());
  const FileSpans undo_spans = file_spans(stored.undos, height_lookup());
  PruneChange change;
  change.block_files = files_at_or_below(block_spans, stored.current_block_file, height);
  change.undo_files = files_at_or_below(undo_spans, stored.current_undo_file, height);
  if (change.block_files.empty() && change.undo_files.empty()) return first_stored_height() - 1;
  // Files that no record points to any more (a prune cut short by a crash after the database
  // forgot them) go too; removing a file already gone succeeds.
  for (uint32_t file = 0; file < stored.current_block_file; ++file) {
    if (!block_spans.contains(file)) change.block_files.push_back(file);
  }
  for (uint32_t file = 0; file < stored.current_undo_file; ++file) {
    if (!undo_spans.contains(file)) change.undo_files.push_back(file);
  }

  const std::set<uint32_t> block_files(change.block_files.begin(), change.block_files.end());
  const std::set<uint32_t> undo_files(change.undo_files.begin(), change.undo_files.end());
  std::vector<Node*> losing_data;
  for (const auto& [hash, pos] : stored.blocks) {
    if (!block_files.contains(pos.file)) continue;
    if (genesis_ && hash == *genesis_) {
      // A node joining learns the chain from its genesis block, so it is kept.
      change.keep = store_.block(hash);
      if (!change.keep) return make_error(ErrorKind::kLocal, "missing-block-data", hash.hex());
      continue;
    }
    change.blocks_removed.push_back(hash);
    Node* node = find(hash);
    if (node && (node->status & block_status::kHaveData)) {
      losing_data.push_back(node);
      BlockIndexRecord record = node->record();
      record.status = (record.status & ~block_status::kHaveData) | block_status::kPruned;
      change.index_updates.push_back(record);
    }
  }
  for (const auto& [hash, pos] : stored.undos) {
    if (undo_files.contains(pos.file)) change.undos_removed.push_back(hash);
  }
  if (Status pruned = store_.prune(change); !pruned) return pruned.error();
  has_pruned_ = true;
  for (Node* node : losing_data) {
    candidates_.erase(node);
    node->status = (node->status & ~block_status::kHaveData) | block_status::kPruned;
  }
  return first_stored_height() - 1;
}

Status ChainState::prune_if_needed() {
  if (!prune_.enabled || prune_.target_bytes == 0 || !tip_node()) return Status::success();
  // As Core: looked at again only once a new block file began.
  const uint32_t current = store_.current_block_file();
  if (prune_checked_file_ == current) return Status::success();
  prune_checked_file_ = current;
  const uint64_t used = store_.block_files_bytes();
  if (used <= prune_.target_bytes) return Status::success();
  const StoredFiles stored = store_.stored_files();
  const std::optional<int> height =
      auto_prune_height(file_spans(stored.blocks, height_lookup()), stored.current_block_file,
                        tip_node()->height - kMinBlocksToKeep, used - prune_.target_bytes);
  if (!height) return Status::success();
  Result<int> pruned = prune_to(*height);
  if (!pruned) return pruned.error();
  return Status::success();
}

}  // namespace ac
