#include "tests/integration/process.hpp"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <random>
#include <stdexcept>
#include <utility>

namespace ac::test {

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void exec_actorchain(uint16_t node_id, const std::filesystem::path& datadir,
                                  const std::vector<std::string>& args) {
  setenv("NODE_ID", std::to_string(node_id).c_str(), 1);
  std::vector<std::string> full = {ACTORCHAIN_BIN};
  full.insert(full.end(), args.begin(), args.end());
  full.push_back("--datadir");
  full.push_back(datadir.string());
  std::vector<char*> argv;
  for (std::string& a : full) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(ACTORCHAIN_BIN, argv.data());
  _exit(127);
}

// In a forked child: a test binary killed by a signal takes its processes with it instead of
// leaving nodes running. (Pipes are close-on-exec, so no child holds another's pipe open.)
void die_with_parent() {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

}  // namespace

std::string CommandResult::last_line() const {
  size_t end = out.find_last_not_of("\r\n");
  if (end == std::string::npos) return {};
  size_t start = out.rfind('\n', end);
  return out.substr(start == std::string::npos ? 0 : start + 1,
                    end - (start == std::string::npos ? 0 : start + 1) + 1);
}

namespace {

// The kernel's range of ephemeral ports, which it hands to connect() and bind(port 0).
std::pair<int, int> ephemeral_port_range() {
  int low = 32768;
  int high = 60999;
  if (FILE* file = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r")) {
    if (fscanf(file, "%d %d", &low, &high) != 2) {
      low = 32768;
      high = 60999;
    }
    fclose(file);
  }
  return {low, high};
}

bool can_bind(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  bool free = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return free;
}

// Claims `port` for this test process until it exits: an flock on a file named after it in a
// folder every test process shares (tests/decoders/scenario.py uses the same folder), so two
// tests running at once never hand out the same port. The kernel drops the lock with the process.
bool claim(uint16_t port) {
  static const std::filesystem::path folder = [] {
    std::filesystem::path path = std::filesystem::temp_directory_path() / "actorchain-test-ports";
    std::error_code ignored;
    std::filesystem::create_directories(path, ignored);
    std::filesystem::permissions(path, std::filesystem::perms::all, ignored);
    return path;
  }();
  int fd = open((folder / std::to_string(port)).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) return false;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    return false;
  }
  return true;  // the descriptor stays open, and the lock held, for the life of the process
}

}  // namespace

uint16_t free_port() {
  // Chosen outside the ephemeral range: a port from inside it, free now, can become the local
  // port of any outgoing connection (the test's own nodes dial each other) before the node
  // binds it, or while a node is down between two runs. Ports outside it are only ever taken
  // by an explicit bind.
  static std::mt19937 random{std::random_device{}()};
  auto [low, high] = ephemeral_port_range();
  int first = 10000;
  int last = low - 1;
  if (last - first < 5000) {  // an unusual range: use what lies above it
    first = high + 1;
    last = 65535;
  }
  std::uniform_int_distribution<int> pick(first, last);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    auto port = static_cast<uint16_t>(pick(random));
    if (can_bind(port) && claim(port)) return port;
  }
  throw std::runtime_error("no free port outside the ephemeral range");
}

TempDir::TempDir() {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          ("actorchain-test-" + std::to_string(getpid()) + "-" + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

namespace {

// Runs `exec` (which must not return) in a child with its stdout and stderr captured.
template <class Exec>
CommandResult run_captured(Exec exec, std::chrono::seconds timeout) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    die_with_parent();
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    close(out_pipe[0]);
    close(err_pipe[0]);
    exec();
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  CommandResult result;
  bool out_open = true;
  bool err_open = true;
  auto deadline = Clock::now() + timeout;
  while ((out_open || err_open) && Clock::now() < deadline) {
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    if (poll(fds, 2, 200) <= 0) continue;
    char buffer[65536];
    if (out_open && (fds[0].revents & (POLLIN | POLLHUP))) {
      ssize_t n = read(out_pipe[0], buffer, sizeof buffer);
      if (n <= 0)
        out_open = false;
      else
        result.out.append(buffer, static_cast<size_t>(n));
    }
    if (err_open && (fds[1].revents & (POLLIN | POLLHUP))) {
      ssize_t n = read(err_pipe[0], buffer, sizeof buffer);
      if (n <= 0)
        err_open = false;
      else
        result.err.append(buffer, static_cast<size_t>(n));
    }
  }
  if (out_open || err_open) kill(pid, SIGKILL);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = decode_status(status);
  return result;
}

}  // namespace

CommandResult run_command(uint16_t node_id, const std::filesystem::path& datadir,
                          const std::vector<std::string>& args, std::chrono::seconds timeout) {
  return run_captured([&] { exec_actorchain(node_id, datadir, args); }, timeout);
}

CommandResult run_program(const std::string& binary, const std::vector<std::string>& args,
                          std::chrono::seconds timeout) {
  return run_captured(
      [&] {
        std::vector<std::string> full = {binary};
        full.insert(full.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (std::string& a : full) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(binary.c_str(), argv.data());
        _exit(127);
      },
      timeout);
}

NodeProcess::NodeProcess(uint16_t node_id, const std::filesystem::path& datadir,
                         const std::vector<std::string>& args)
    : node_id_(node_id) {
  int output_pipe[2];
  if (pipe2(output_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ == 0) {
    die_with_parent();
    dup2(output_pipe[1], STDOUT_FILENO);
    dup2(output_pipe[1], STDERR_FILENO);
    close(output_pipe[0]);
    exec_actorchain(node_id, datadir, args);
  }
  close(output_pipe[1]);
  output_fd_ = output_pipe[0];
  reader_ = std::thread([this] { read_output(); });
}

NodeProcess::~NodeProcess() {
  if (pid_ > 0) kill_now();
  if (reader_.joinable()) reader_.join();
  if (output_fd_ >= 0) close(output_fd_);
}

void NodeProcess::read_output() {
  char buffer[65536];
  while (true) {
    ssize_t n = read(output_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard lock(mutex_);
    if (n <= 0) {
      closed_ = true;
      changed_.notify_all();
      return;
    }
    output_.append(buffer, static_cast<size_t>(n));
    changed_.notify_all();
  }
}

std::string NodeProcess::output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

bool NodeProcess::ended() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

bool NodeProcess::wait_for(const std::string& needle, std::chrono::milliseconds timeout,
                           bool after_last) {
  auto deadline = Clock::now() + timeout;
  std::unique_lock lock(mutex_);
  size_t from = after_last ? search_from_ : 0;
  while (true) {
    size_t at = output_.find(needle, from);
    if (at != std::string::npos) {
      search_from_ = at + needle.size();
      return true;
    }
    if (closed_ || Clock::now() >= deadline) return false;
    // Only the new tail can complete a match.
    if (output_.size() >= needle.size()) from = std::max(from, output_.size() - needle.size() + 1);
    changed_.wait_until(lock, deadline);
  }
}

std::optional<std::string> NodeProcess::wait_for_line(const std::string& needle,
                                                      std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  if (!wait_for(needle, timeout)) return std::nullopt;
  std::unique_lock lock(mutex_);
  size_t at = search_from_ - needle.size();
  size_t start = output_.rfind('\n', at);
  start = start == std::string::npos ? 0 : start + 1;
  // The rest of the line may still be on its way.
  changed_.wait_until(lock, deadline,
                      [&] { return closed_ || output_.find('\n', at) != std::string::npos; });
  size_t end = output_.find('\n', at);
  if (end == std::string::npos) end = output_.size();
  search_from_ = end;
  return output_.substr(start, end - start);
}

int NodeProcess::stop(std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  {
    // The pipe closes when the process exits.
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return closed_; })) {
      lock.unlock();
      kill_now();
      return -SIGKILL;
    }
  }
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return decode_status(status);
}

void NodeProcess::kill_now() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace ac::test
