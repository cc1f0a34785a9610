// Test harness for process-level tests: runs the real `actorchain` binary with its own
// NODE_ID and data folder, captures its output, and waits for events (a line appearing, the
// process exiting) instead of sleeping. Every process it starts is killed when the handle
// goes out of scope, so a failing test leaves nothing running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ac::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr

  // The last non-empty line of stdout: where one-value commands print their answer.
  std::string last_line() const;
};

// A free TCP port on 127.0.0.1, as the kernel hands out ephemeral ports.
uint16_t free_port();

// A fresh temporary folder, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Runs `actorchain args...` to completion for node `node_id` with `datadir`.
CommandResult run_command(uint16_t node_id, const std::filesystem::path& datadir,
                          const std::vector<std::string>& args,
                          std::chrono::seconds timeout = std::chrono::seconds(120));

// Runs another program (a test tool) to completion.
CommandResult run_program(const std::string& binary, const std::vector<std::string>& args,
                          std::chrono::seconds timeout = std::chrono::seconds(120));

// A long-running `actorchain` process (startnode) whose combined output is collected by a
// thread of its own, so a chatty node never blocks on a full pipe while the test looks elsewhere.
class NodeProcess {
 public:
  NodeProcess(uint16_t node_id, const std::filesystem::path& datadir,
              const std::vector<std::string>& args);
  ~NodeProcess();
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  // Waits until a line of output contains `needle` (searching from the start of the output,
  // or from where the previous successful wait left off when `after_last` is true).
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout,
                bool after_last = true);
  // Like wait_for (after_last), but returns the whole line holding `needle`; nullopt on
  // timeout or when the process closed its output.
  std::optional<std::string> wait_for_line(const std::string& needle,
                                           std::chrono::milliseconds timeout);
  // Sends SIGTERM and waits for exit; returns the exit code (or -signal).
  int stop(std::chrono::seconds timeout = std::chrono::seconds(30));
  void kill_now();  // SIGKILL, for crash tests
  bool running() const { return pid_ > 0; }
  // True once its output closed: the process (and any child holding the pipe) has exited,
  // whether the test stopped it or not.
  bool ended() const;
  std::string output() const;  // everything so far
  uint16_t node_id() const { return node_id_; }
  pid_t pid() const { return pid_; }  // -1 once stopped or killed

 private:
  void read_output();
  uint16_t node_id_;
  pid_t pid_ = -1;
  int output_fd_ = -1;
  std::thread reader_;
  mutable std::mutex mutex_;  // guards output_, closed_
  std::condition_variable changed_;
  std::string output_;
  bool closed_ = false;  // end of output: the process and its children closed the pipe
  size_t search_from_ = 0;
};

}  // namespace ac::test
