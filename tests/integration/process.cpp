#include "tests/integration/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <stdexcept>

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

// Reads whatever is available on `fd` into `into`, waiting at most `wait` for the first byte.
// Returns false at end of file.
bool read_available(int fd, std::string& into, std::chrono::milliseconds wait) {
  pollfd p{fd, POLLIN, 0};
  int ready = poll(&p, 1, static_cast<int>(wait.count()));
  if (ready <= 0) return true;
  char buffer[65536];
  ssize_t n = read(fd, buffer, sizeof buffer);
  if (n <= 0) return false;
  into.append(buffer, static_cast<size_t>(n));
  return true;
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
  return out.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

uint16_t free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
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

CommandResult run_command(uint16_t node_id, const std::filesystem::path& datadir,
                          const std::vector<std::string>& args, std::chrono::seconds timeout) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    close(out_pipe[0]);
    close(err_pipe[0]);
    exec_actorchain(node_id, datadir, args);
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
      if (n <= 0) out_open = false; else result.out.append(buffer, static_cast<size_t>(n));
    }
    if (err_open && (fds[1].revents & (POLLIN | POLLHUP))) {
      ssize_t n = read(err_pipe[0], buffer, sizeof buffer);
      if (n <= 0) err_open = false; else result.err.append(buffer, static_cast<size_t>(n));
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

NodeProcess::NodeProcess(uint16_t node_id, const std::filesystem::path& datadir,
                         const std::vector<std::string>& args)
    : node_id_(node_id) {
  int output_pipe[2];
  if (pipe(output_pipe) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ == 0) {
    dup2(output_pipe[1], STDOUT_FILENO);
    dup2(output_pipe[1], STDERR_FILENO);
    close(output_pipe[0]);
    exec_actorchain(node_id, datadir, args);
  }
  close(output_pipe[1]);
  output_fd_ = output_pipe[0];
}

NodeProcess::~NodeProcess() {
  if (pid_ > 0) kill_now();
  if (output_fd_ >= 0) close(output_fd_);
}

void NodeProcess::drain(std::chrono::milliseconds wait) {
  if (output_fd_ < 0) return;
  if (!read_available(output_fd_, output_, wait)) {
    close(output_fd_);
    output_fd_ = -1;
  }
}

const std::string& NodeProcess::output() {
  drain(std::chrono::milliseconds(0));
  return output_;
}

bool NodeProcess::wait_for(const std::string& needle, std::chrono::milliseconds timeout,
                           bool after_last) {
  auto deadline = Clock::now() + timeout;
  size_t from = after_last ? search_from_ : 0;
  while (true) {
    size_t at = output_.find(needle, from);
    if (at != std::string::npos) {
      search_from_ = at + needle.size();
      return true;
    }
    auto now = Clock::now();
    if (now >= deadline || output_fd_ < 0) return false;
    drain(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
  }
}

int NodeProcess::stop(std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  auto deadline = Clock::now() + timeout;
  int status = 0;
  while (Clock::now() < deadline) {
    pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      while (output_fd_ >= 0) drain(std::chrono::milliseconds(100));
      return decode_status(status);
    }
    drain(std::chrono::milliseconds(50));  // keep the pipe flowing while it shuts down
  }
  kill_now();
  return -SIGKILL;
}

void NodeProcess::kill_now() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace ac::test
