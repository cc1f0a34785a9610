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
#include <string_view>
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

  // One line of the human log: "<time> [<node>] <text>"; in the trace file, the event it
  // reports (net::classify_log_line), about `connection` when given.
  void line(const std::string& text, const net::TraceConnection* connection = nullptr);

  // An event for the trace file only (connected, handshake, sync...): `fields` are JSON
  // object members, "" for none.
  void event(std::string_view kind, const std::string& text, const std::string& fields = "",
             const net::TraceConnection* connection = nullptr);

  // One message trace: "<time> [<node>] <-|-> <peer> <summary>" to the log, and its JSON form
  // (connection, checksum, payload size, key fields) to the trace file if one is open.
  void trace(const net::TraceConnection& connection, bool sent, const net::Checksum& checksum,
             size_t payload_bytes, const net::Message& message);
  // Writes what is buffered now, without waiting for the batch (tests read the file after it).
  void flush() { write_pending(); }

 private:
  bool tracing();
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
std::string clock_text(std::chrono::system_clock::time_point when);
// Microseconds since the Unix epoch, as trace files stamp events.
int64_t epoch_us(std::chrono::system_clock::time_point when);

}  // namespace ac::actors
