#include "actors/log_sink.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>

namespace ac::actors {

std::string clock_text() {
  return clock_text(std::chrono::system_clock::now());
}

int64_t epoch_us(std::chrono::system_clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::microseconds>(when.time_since_epoch()).count();
}

std::string clock_text(std::chrono::system_clock::time_point now) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm local{};
  localtime_r(&seconds, &local);
  return fmt::format("{:%H:%M:%S}.{:03}", local, ms.count());
}

LogSink::LogSink(std::string node, std::FILE* out)
    : node_(std::move(node)), out_(out), writer_([this] { write_loop(); }) {}

LogSink::~LogSink() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  wake_.notify_one();
  writer_.join();
  if (trace_file_ != nullptr) std::fclose(trace_file_);
}

Status LogSink::open_trace_file(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (file == nullptr) return make_error("trace-file-open-failed", path);
  std::lock_guard files(file_mutex_);
  std::lock_guard lock(mutex_);
  if (trace_file_ != nullptr) std::fclose(trace_file_);
  trace_file_ = file;
  return {};
}

bool LogSink::tracing() {
  std::lock_guard lock(mutex_);
  return trace_file_ != nullptr;
}

void LogSink::line(const std::string& text, const net::TraceConnection* connection) {
  auto now = std::chrono::system_clock::now();
  // Stamped like a trace line, so merged logs sort events and messages into one timeline.
  std::string human = fmt::format("{} [{}] {}\n", clock_text(now), node_, text);
  if (!tracing()) return append(human, nullptr);
  net::LogEvent event = net::classify_log_line(text);
  std::string json =
      net::trace_json_event({epoch_us(now), node_}, event.kind, text, event.fields, connection) +
      '\n';
  append(human, &json);
}

void LogSink::event(std::string_view kind, const std::string& text, const std::string& fields,
                    const net::TraceConnection* connection) {
  if (!tracing()) return;
  auto now = std::chrono::system_clock::now();
  std::string json =
      net::trace_json_event({epoch_us(now), node_}, kind, text, fields, connection) + '\n';
  append("", &json);
}

void LogSink::trace(const net::TraceConnection& connection, bool sent,
                    const net::Checksum& checksum, size_t payload_bytes,
                    const net::Message& message) {
  auto now = std::chrono::system_clock::now();
  net::TraceContext context{clock_text(now), node_, sent ? "->" : "<-", connection.peer};
  std::string text = net::trace_line(context, message) + '\n';
  if (!tracing()) return append(text, nullptr);
  const std::string json = net::trace_json_message({epoch_us(now), node_}, connection, sent,
                                                   checksum, payload_bytes, message) +
                           '\n';
  append(text, &json);
}

void LogSink::append(const std::string& text, const std::string* json) {
  bool was_empty;
  bool full;
  {
    std::lock_guard lock(mutex_);
    was_empty = pending_text_.empty() && pending_json_.empty();
    pending_text_ += text;
    if (json != nullptr) pending_json_ += *json;
    full = pending_text_.size() + pending_json_.size() >= kMaxPendingBytes;
  }
  // A full buffer is written by the thread that filled it: memory stays bounded when the
  // output blocks, and the log never trails the node by more than this much.
  if (full) return write_pending();
  if (was_empty) wake_.notify_one();
}

void LogSink::write_pending() {
  // file_mutex_ first and for the whole swap-and-write, so batches reach the files in order.
  std::lock_guard files(file_mutex_);
  {
    std::lock_guard lock(mutex_);
    written_text_.swap(pending_text_);
    written_json_.swap(pending_json_);
  }
  std::fwrite(written_text_.data(), 1, written_text_.size(), out_);
  std::fflush(out_);
  if (trace_file_ != nullptr && !written_json_.empty()) {
    std::fwrite(written_json_.data(), 1, written_json_.size(), trace_file_);
    std::fflush(trace_file_);
  }
  written_text_.clear();
  written_json_.clear();
}

void LogSink::write_loop() {
  for (;;) {
    bool last;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock,
                 [&] { return closing_ || !pending_text_.empty() || !pending_json_.empty(); });
      // Let the batch fill; closing cuts the wait short.
      wake_.wait_for(lock, kFlushDelay, [&] { return closing_; });
      last = closing_;
    }
    write_pending();
    if (last) return;
  }
}

}  // namespace ac::actors
