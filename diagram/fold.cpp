#include "diagram/fold.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace ac::diagram {

namespace {

std::string kind_of(const Item& item) {
  return std::to_string(item.from) + ">" + std::to_string(item.to) + ":" + item.name;
}

// One item standing for items[begin, end).
Item make_fold(const Sequence& sequence, size_t begin, size_t end) {
  const std::vector<Item>& items = sequence.items;
  Item fold;
  fold.kind = Item::Kind::kFold;
  fold.time_us = items[begin].time_us;
  fold.count = end - begin;
  // Kinds in order of first appearance, with their counts.
  std::vector<std::pair<const Item*, size_t>> kinds;
  std::set<size_t> lifelines;
  long first = -1;
  long last = -1;
  for (size_t i = begin; i < end; ++i) {
    const Item& item = items[i];
    auto same = [&](const auto& k) { return kind_of(*k.first) == kind_of(item); };
    auto it = std::find_if(kinds.begin(), kinds.end(), same);
    if (it == kinds.end())
      kinds.emplace_back(&item, 1);
    else
      ++it->second;
    lifelines.insert(item.from);
    lifelines.insert(item.to);
    for (long at : {item.send_at, item.recv_at}) {
      if (at < 0) continue;
      if (first < 0 || at < first) first = at;
      last = std::max(last, at);
    }
  }
  size_t most = 0;
  std::vector<std::string> names;
  for (const auto& [item, count] : kinds) {
    if (item->kind != Item::Kind::kMessage) continue;
    most = std::max(most, count);
    if (std::find(names.begin(), names.end(), item->name) == names.end())
      names.push_back(item->name);
  }
  for (const std::string& name : names) fold.name += (fold.name.empty() ? "" : "/") + name;
  if (fold.name.empty()) {  // notes only
    fold.name = kinds.front().first->name;
    most = kinds.front().second;
  }
  fold.label = fold.name + " x " + std::to_string(most);
  for (const auto& [item, count] : kinds) {
    if (!fold.detail.empty()) fold.detail += ", ";
    const std::string& from = sequence.lifelines[item->from].id;
    if (item->kind == Item::Kind::kMessage)
      fold.detail += std::to_string(count) + " " + item->name + " " + from + "->" +
                     sequence.lifelines[item->to].id;
    else
      fold.detail += std::to_string(count) + " " + item->name + " on " + from;
  }
  fold.lifelines.assign(lifelines.begin(), lifelines.end());
  fold.from = fold.lifelines.front();
  fold.to = fold.lifelines.back();
  fold.send_at = first;
  fold.recv_at = last;
  return fold;
}

}  // namespace

Sequence fold_sequence(const Sequence& sequence, const FoldOptions& options) {
  Sequence out;
  out.lifelines = sequence.lifelines;
  out.messages = sequence.messages;
  out.paired = sequence.paired;
  out.warnings = sequence.warnings;
  const std::vector<Item>& items = sequence.items;
  size_t i = 0;
  while (i < items.size()) {
    // The longest stretch from i with few kinds, less the one-offs at its start (the end of
    // a handshake before a sync): they stay visible, and free room for kinds that repeat.
    std::map<std::string, size_t> counts;
    size_t start = i;
    size_t end = i;
    for (bool trimmed = true; trimmed;) {
      while (end < items.size() && items[end].kind != Item::Kind::kFold) {
        std::string kind = kind_of(items[end]);
        if (counts.count(kind) == 0 && counts.size() == options.max_kinds) break;
        ++counts[kind];
        ++end;
      }
      trimmed = false;
      while (start < end && counts[kind_of(items[start])] == 1) {
        counts.erase(kind_of(items[start]));
        ++start;
        trimmed = true;
      }
    }
    size_t stretch = end - start;
    if (stretch >= options.min_items && stretch >= 3 * counts.size()) {
      out.items.insert(out.items.end(), items.begin() + i, items.begin() + start);
      out.items.push_back(make_fold(sequence, start, end));
      i = end;
      continue;
    }
    // A run of one kind.
    end = i + 1;
    while (end < items.size() && items[end].kind != Item::Kind::kFold &&
           kind_of(items[end]) == kind_of(items[i]))
      ++end;
    if (items[i].kind != Item::Kind::kFold && end - i >= options.min_run) {
      out.items.push_back(make_fold(sequence, i, end));
      i = end;
      continue;
    }
    out.items.push_back(items[i]);
    ++i;
  }
  return out;
}

}  // namespace ac::diagram
