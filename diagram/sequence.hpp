// Merges the trace files of several nodes into one sequence: one lifeline per node, each
// message paired with its receipt, and everything in an order that respects causality (a node's
// own order, and a send before its receive) and otherwise follows the wall clock.
//
// Pairing: a connection appears in two files, once from each end; the two are matched by their
// socket endpoints (one's local is the other's peer). On a matched pair, sends of one end are
// matched in order with receives of the other by command and payload checksum (TCP keeps the
// order). A peer without a trace file still gets a lifeline (named by its node id when known,
// else by its endpoint); its messages are drawn with one end only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "diagram/trace_record.hpp"

namespace ac::diagram {

struct Lifeline {
  std::string id;       // node id, or the endpoint of a peer known only by it
  std::string role;     // central, wallet, miner, client, or "" when unknown
  bool traced = false;  // a trace file of this node was read
};

// One thing to draw. Positions are indices in the causal order of all records (-1: none).
struct Item {
  enum class Kind { kMessage, kNote, kFold };
  Kind kind = Kind::kMessage;
  size_t from = 0;      // lifeline index; a note's lifeline; a fold's leftmost
  size_t to = 0;        // a message's receiver; a fold's rightmost
  std::string name;     // the command, the event kind, or a fold's commands joined by "/"
  std::string label;    // what is written on it
  std::string detail;   // a fold's counts
  int64_t time_us = 0;  // when its first end happened
  long send_at = -1;    // a message: where its send is in the causal order; a note: itself
  long recv_at = -1;    // a message: where its receive is; a fold: its last position
  size_t count = 1;     // a fold: how many items it stands for
  std::vector<size_t> lifelines;  // a fold: every lifeline it involves
};

struct Sequence {
  std::vector<Lifeline> lifelines;
  std::vector<Item> items;  // ordered by their first end
  size_t messages = 0;      // distinct messages (a paired send and receive count once)
  size_t paired = 0;        // messages whose send and receive were both found
  std::vector<std::string> warnings;
};

Sequence build_sequence(const std::vector<TraceFile>& files);

// Keeps the messages whose command is in `commands` and the notes whose event kind is (empty:
// everything), and only what happened within [from_us, to_us].
Sequence filter_sequence(const Sequence& sequence, const std::vector<std::string>& commands,
                         int64_t from_us, int64_t to_us);

}  // namespace ac::diagram
