// Where a node's lines go: the human log (stdout, one flushed line at a time, so tests and
// scripts can await a line) and the optional --trace-file of JSON lines. One LogSink per node,
// shared by its actors through a shared_ptr; writes from several threads never interleave.
#pragma once

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "chain/result.hpp"
#include "net/trace.hpp"

namespace ac::actors {

class LogSink {
 public:
  // Lines go to `out` (stdout by default); `node` is the NODE_ID shown in trace lines.
  explicit LogSink(std::string node, std::FILE* out = stdout);
  ~LogSink();
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;

  // Opens (appending) the JSON trace file. Reason "trace-file-open-failed".
  Status open_trace_file(const std::string& path);

  const std::string& node() const { return node_; }

  // One line of the human log.
  void line(const std::string& text);

  // One message trace: "<time> [<node>] <direction> <peer> <summary>" to the log, and its
  // JSON form to the trace file if one is open.
  void trace(const std::string& direction, const std::string& peer, const net::Message& message);

 private:
  std::string node_;
  std::FILE* out_;
  std::FILE* trace_file_ = nullptr;
  std::mutex mutex_;
};

using LogSinkPtr = std::shared_ptr<LogSink>;

// "12:00:01.204": local wall-clock time with milliseconds.
std::string clock_text();

}  // namespace ac::actors
