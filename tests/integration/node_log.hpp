// Line-by-line reading of a node's output for the crash and partition tests: the next line
// holding a needle, the next tip at or above a height, a byte count reached, the rest of the
// output of a killed node. Other nodes' output can be kept flowing meanwhile: a node whose
// output pipe is full blocks on its log and stalls every actor that logs.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/integration/process.hpp"

namespace ac::test {

// A tip as logged: "new tip height=N hash=H" or "listening on ..., tip height=N hash=H".
struct TipLine {
  int height = -1;
  std::string hash;  // "none" when the node has no chain yet
};

// The tip named by `line` (its first " height=" or "tip height="), if any.
std::optional<TipLine> parse_tip(std::string_view line);

// The highest "new tip height=" in `output`, or -1 when there is none.
int highest_new_tip(std::string_view output);

class LogReader {
 public:
  explicit LogReader(NodeProcess& process) : process_(process) {}

  // `other`'s output is read (and kept) while this reader waits.
  void keep_draining(NodeProcess& other) { others_.push_back(&other); }

  // The next whole line after the previous match that contains `needle`.
  std::optional<std::string> next_line(std::string_view needle, std::chrono::milliseconds timeout);
  // The next "new tip height=" line whose height is at least `height`.
  std::optional<TipLine> next_tip_at_least(int height, std::chrono::milliseconds timeout);
  // Waits until the process has written at least `count` bytes in all.
  bool wait_for_bytes(size_t count, std::chrono::milliseconds timeout);
  // After the process was killed or stopped: reads its output up to the end.
  void read_to_end(std::chrono::milliseconds timeout);

 private:
  using Clock = std::chrono::steady_clock;
  // Waits for more output; false once the deadline passed or the output has ended.
  bool wait_more(Clock::time_point deadline);

  NodeProcess& process_;
  std::vector<NodeProcess*> others_;
  size_t offset_ = 0;  // start of the first line not yet searched
};

}  // namespace ac::test
