#include "diagram/layout.hpp"

#include <algorithm>

namespace ac::diagram {

Layout lay_out(const Sequence& sequence) {
  Layout layout;
  const size_t columns = std::max<size_t>(sequence.lifelines.size(), 1);
  for (size_t i = 0; i < sequence.lifelines.size(); ++i)
    layout.lifeline_x.push_back(Layout::kTimeColumn + Layout::kColumn / 2 +
                                static_cast<int>(i) * Layout::kColumn);
  layout.width = Layout::kTimeColumn + static_cast<int>(columns) * Layout::kColumn;
  layout.lifeline_top = Layout::kHeader;

  struct End {
    long at;
    size_t item;
    bool receive;
  };
  std::vector<End> ends;
  const std::vector<Item>& items = sequence.items;
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    if (item.kind == Item::Kind::kMessage) {
      if (item.send_at >= 0) ends.push_back({item.send_at, i, false});
      if (item.recv_at >= 0) ends.push_back({item.recv_at, i, true});
    } else {
      ends.push_back({item.send_at >= 0 ? item.send_at : item.recv_at, i, false});
    }
  }
  std::stable_sort(ends.begin(), ends.end(),
                   [](const End& a, const End& b) { return a.at < b.at; });

  layout.y_send.assign(items.size(), 0);
  layout.y_recv.assign(items.size(), 0);
  int next_y = Layout::kHeader + Layout::kRow;
  const End* previous = nullptr;
  for (const End& end : ends) {
    const Item& item = items[end.item];
    bool level = end.receive && item.send_at >= 0 && previous != nullptr &&
                 previous->item == end.item && !previous->receive;
    int y = next_y;
    if (level) {
      y = layout.y_send[end.item];
    } else if (item.kind == Item::Kind::kFold) {
      next_y += Layout::kFoldHeight + 6;
    } else {
      next_y += Layout::kRow;
    }
    if (end.receive) {
      layout.y_recv[end.item] = y;
      if (item.send_at < 0) layout.y_send[end.item] = y;
    } else {
      layout.y_send[end.item] = y;
      layout.y_recv[end.item] = y;  // until its receive, if any, is placed
    }
    previous = &end;
  }
  layout.lifeline_bottom = next_y;
  layout.height = next_y + Layout::kRow;
  return layout;
}

}  // namespace ac::diagram
