#include "tests/integration/node_log.hpp"

#include <algorithm>
#include <charconv>

namespace ac::test {

std::optional<TipLine> parse_tip(std::string_view line) {
  size_t at = line.find("height=");
  if (at == std::string_view::npos) return std::nullopt;
  at += 7;
  TipLine tip;
  auto [end, error] = std::from_chars(line.data() + at, line.data() + line.size(), tip.height);
  if (error != std::errc()) return std::nullopt;
  size_t hash_at = line.find("hash=", static_cast<size_t>(end - line.data()));
  if (hash_at != std::string_view::npos) {
    hash_at += 5;
    size_t hash_end = line.find_first_of(" \r\n", hash_at);
    tip.hash = std::string(line.substr(
        hash_at, hash_end == std::string_view::npos ? std::string_view::npos : hash_end - hash_at));
  }
  return tip;
}

int highest_new_tip(std::string_view output) {
  int highest = -1;
  const std::string_view needle = "new tip height=";
  for (size_t at = output.find(needle); at != std::string_view::npos;
       at = output.find(needle, at + 1)) {
    size_t end = output.find('\n', at);
    if (end == std::string_view::npos) break;  // a line cut by a kill
    if (auto tip = parse_tip(output.substr(at, end - at))) highest = std::max(highest, tip->height);
  }
  return highest;
}

bool LogReader::wait_more(Clock::time_point deadline) {
  for (NodeProcess* other : others_) other->output();
  auto now = Clock::now();
  if (now >= deadline) return false;
  auto slice = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
  if (!others_.empty()) slice = std::min(slice, std::chrono::milliseconds(20));
  auto slice_end = now + slice;
  if (process_.wait_for("\n", slice)) return true;
  // wait_for gives up early only when the output has ended.
  return Clock::now() >= slice_end && Clock::now() < deadline;
}

std::optional<std::string> LogReader::next_line(std::string_view needle,
                                                std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    const std::string& out = process_.output();
    for (size_t end = out.find('\n', offset_); end != std::string::npos;
         end = out.find('\n', offset_)) {
      std::string_view line(out.data() + offset_, end - offset_);
      offset_ = end + 1;
      if (line.find(needle) != std::string_view::npos) return std::string(line);
    }
    if (!wait_more(deadline)) return std::nullopt;
  }
}

std::optional<TipLine> LogReader::next_tip_at_least(int height, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto line = next_line("new tip height=", std::max(remaining, std::chrono::milliseconds(0)));
    if (!line) return std::nullopt;
    auto tip = parse_tip(*line);
    if (tip && tip->height >= height) return tip;
  }
}

bool LogReader::wait_for_bytes(size_t count, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (process_.output().size() < count)
    if (!wait_more(deadline)) return false;
  return true;
}

void LogReader::read_to_end(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (wait_more(deadline)) {
  }
}

}  // namespace ac::test
