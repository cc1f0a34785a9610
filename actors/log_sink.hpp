// Where a node's lines go: the human log (stdout by default) and the optional --trace-file of
// JSON lines. One LogSink per node, shared by its actors through a shared_ptr; lines from
// several threads never interleave.
//
// Lines are appended to a buffer and written by the sink's own thread within `kFlushDelay` of
// the first line of a batch, or by the logging thread once `kMaxPendingBytes` wait: a syncing
// node logs thousands of lines a second, and a write(2) each would cost the threads that log
// them (the chain's among them). Scripts and tests that await a line see it that much later;
// everything buffered is written when the sink closes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "chain/result.hpp"
#include "net/trace.hpp"

namespace ac::actors {

class LogSink {
 public:
  static constexpr std::chrono::milliseconds kFlushDelay{10};
  static constexpr size_t kMaxPendingBytes = 16 * 1024;

  // Lines go to `out` (stdout by default); `node` is the NODE_ID shown in every line.
  explicit LogSink(std::string node, std::FILE* out = stdout);
  // Writes what is still buffered.
  ~LogSink();
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;

  // Opens (appending) the JSON trace file. Reason "trace-file-open-failed".
  Status open_trace_file(const std::string& path);

  const std::string& node() const { return node_; }

  // One line of the human log: "<time> [<node>] <text>".
  void line(const std::string& text);

  // One message trace: "<time> [<node>] <direction> <peer> <summary>" to the log, and its
  // JSON form to the trace file if one is open.
  void trace(const std::string& direction, const std::string& peer, const net::Message& message);

 private:
  // Appends under the mutex; wakes the writer when the buffers were empty.
  void append(const std::string& text, const std::string* json);
  void write_pending();
  void write_loop();

  std::string node_;
  std::FILE* out_;
  std::FILE* trace_file_ = nullptr;  // set holding both mutexes, so either one guards a read
  std::mutex file_mutex_;            // held while a batch is taken and written
  std::string written_text_;         // guarded by file_mutex_: the batch being written
  std::string written_json_;         // guarded by file_mutex_
  std::mutex mutex_;                 // the pending lines and closing_
  std::condition_variable wake_;
  std::string pending_text_;  // guarded by mutex_
  std::string pending_json_;  // guarded by mutex_
  bool closing_ = false;      // guarded by mutex_
  std::thread writer_;        // last member: started once the others exist
};

using LogSinkPtr = std::shared_ptr<LogSink>;

// "12:00:01.204": local wall-clock time with milliseconds.
std::string clock_text();

}  // namespace ac::actors
