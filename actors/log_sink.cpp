#include "actors/log_sink.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <ctime>

namespace ac::actors {

std::string clock_text() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm local{};
  localtime_r(&seconds, &local);
  return fmt::format("{:%H:%M:%S}.{:03}", local, ms.count());
}

LogSink::LogSink(std::string node, std::FILE* out) : node_(std::move(node)), out_(out) {}

LogSink::~LogSink() {
  if (trace_file_ != nullptr) std::fclose(trace_file_);
}

Status LogSink::open_trace_file(const std::string& path) {
  std::lock_guard lock(mutex_);
  if (trace_file_ != nullptr) std::fclose(trace_file_);
  trace_file_ = std::fopen(path.c_str(), "a");
  if (trace_file_ == nullptr) return make_error("trace-file-open-failed", path);
  return {};
}

void LogSink::line(const std::string& text) {
  std::lock_guard lock(mutex_);
  std::fputs(text.c_str(), out_);
  std::fputc('\n', out_);
  std::fflush(out_);
}

void LogSink::trace(const std::string& direction, const std::string& peer,
                    const net::Message& message) {
  net::TraceContext context{clock_text(), node_, direction, peer};
  std::string text = net::trace_line(context, message);
  std::lock_guard lock(mutex_);
  std::fputs(text.c_str(), out_);
  std::fputc('\n', out_);
  std::fflush(out_);
  if (trace_file_ != nullptr) {
    std::fputs(net::trace_json_line(context, message).c_str(), trace_file_);
    std::fputc('\n', trace_file_);
    std::fflush(trace_file_);
  }
}

}  // namespace ac::actors
