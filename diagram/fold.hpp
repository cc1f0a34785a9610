// Folds long repetitive stretches of a sequence into one item, so that a 10,000-block sync
// reads as a handful of boxes ("getdata/block x 500") rather than 20,000 arrows.
#pragma once

#include <cstddef>

#include "diagram/sequence.hpp"

namespace ac::diagram {

struct FoldOptions {
  // A stretch of at least `min_items` consecutive items made of at most `max_kinds` kinds (a
  // kind: sender, receiver and command; or a node and event) becomes one fold. The tutorial's
  // flows never repeat like that; a sync does from its third block on.
  size_t max_kinds = 5;
  size_t min_items = 12;
  // Shorter runs of one kind only ("block x 16") fold from this length on.
  size_t min_run = 4;
};

Sequence fold_sequence(const Sequence& sequence, const FoldOptions& options = {});

}  // namespace ac::diagram
