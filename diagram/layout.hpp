// Where everything of a sequence goes on the page: one column per lifeline, one row per
// item end in causal order. A receive that directly follows its send shares the send's row
// (a level arrow); messages that crossed on the wire slant downwards, never upwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "diagram/sequence.hpp"

namespace ac::diagram {

struct Layout {
  static constexpr int kTimeColumn = 110;  // left margin: the time of each row
  static constexpr int kColumn = 240;      // between lifelines
  static constexpr int kHeader = 64;       // lifeline boxes
  static constexpr int kRow = 26;
  static constexpr int kFoldHeight = 2 * kRow + 8;

  int width = 0;
  int height = 0;
  int lifeline_top = 0;  // where the lifelines begin and end
  int lifeline_bottom = 0;
  std::vector<int> lifeline_x;
  // Per item: the y of its first and of its last end (equal for notes and level arrows).
  std::vector<int> y_send;
  std::vector<int> y_recv;
};

Layout lay_out(const Sequence& sequence);

}  // namespace ac::diagram
