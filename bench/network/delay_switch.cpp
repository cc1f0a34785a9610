// delay_switch: an Ethernet switch in user space that holds every frame for a fixed delay, for
// scripts/bench-network.sh on kernels without sch_netem (this project's machine has none, nor
// `fq`, so neither `tc ... netem delay` nor BPF departure times can delay packets there).
//
//   delay_switch --delay-ms MS IFACE...
//
// Each IFACE is the root-namespace end of a veth pair whose other end is a node's namespace.
// The switch opens one AF_PACKET raw socket per IFACE, learns which port each source MAC
// address arrives on, and forwards every frame MS milliseconds after it arrived: to the port of
// its destination MAC when known, else (broadcast, multicast such as ARP, unknown address) to
// every port but the one it came from. Frames the kernel reports as PACKET_OUTGOING (ours) are
// ignored. With the delay applied once per crossing, any two nodes are 2 x MS apart in round
// trip, as with netem on each node's link.
//
// The delay is the same for every frame, so due times come in arrival order: a FIFO queue is the
// timer heap here, and one timerfd armed for its head gives sub-millisecond precision.
// The veths must carry plain frames of at most the MTU (the script turns off checksum and
// segmentation offloads with ethtool): a frame that cannot be sent is counted as dropped.
//
// Prints "ready PORTS" once every socket is open; on SIGTERM/SIGINT prints one line of
// counters (key=value) to stderr and exits 0.
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

namespace {

constexpr std::size_t kMaxQueued = 200'000;  // frames held at once (netem's `limit`)
constexpr int kSocketBuffer = 8 << 20;

struct Frame {
  std::int64_t due_ns;
  int in_port;
  std::vector<std::uint8_t> bytes;
};

struct Counters {
  std::uint64_t received = 0, forwarded = 0, flooded = 0, dropped_send = 0, dropped_queue = 0,
                oversized = 0;
  std::size_t max_queued = 0;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "delay_switch: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(1);
}

std::int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

std::uint64_t mac_at(const std::uint8_t* p) {
  std::uint64_t mac = 0;
  for (int i = 0; i < 6; ++i) mac = (mac << 8) | p[i];
  return mac;
}

int open_port(const std::string& name) {
  unsigned index = if_nametoindex(name.c_str());
  if (index == 0) die("no interface " + name);
  // Protocol 0 until bound, so that no frame of another interface slips in before bind.
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons(ETH_P_ALL);
  address.sll_ifindex = static_cast<int>(index);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) die("bind " + name);
  int one = 1;
  setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);  // older kernels: ignored
  packet_mreq promiscuous{};
  promiscuous.mr_ifindex = static_cast<int>(index);
  promiscuous.mr_type = PACKET_MR_PROMISC;
  setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &promiscuous, sizeof promiscuous);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &kSocketBuffer, sizeof kSocketBuffer);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &kSocketBuffer, sizeof kSocketBuffer);
  return fd;
}

void arm(int timer, std::int64_t due_ns) {
  itimerspec spec{};
  spec.it_value.tv_sec = due_ns / 1'000'000'000;
  spec.it_value.tv_nsec = due_ns % 1'000'000'000;
  if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
  timerfd_settime(timer, TFD_TIMER_ABSTIME, &spec, nullptr);
}

class Switch {
 public:
  Switch(std::vector<int> ports, std::int64_t delay_ns)
      : ports_(std::move(ports)), delay_(delay_ns) {}

  // Reads every frame waiting on `port` into the queue; true when the queue was empty before.
  bool receive(int port) {
    bool was_empty = queue_.empty();
    std::uint8_t buffer[65536];
    for (;;) {
      sockaddr_ll from{};
      socklen_t from_size = sizeof from;
      ssize_t n = recvfrom(ports_[port], buffer, sizeof buffer, 0,
                           reinterpret_cast<sockaddr*>(&from), &from_size);
      if (n < 0) {
        if (errno == EINTR) continue;
        break;  // EAGAIN: drained
      }
      if (from.sll_pkttype == PACKET_OUTGOING || n < ETH_HLEN) continue;
      ++counters_.received;
      if (n > ETH_FRAME_LEN + 4) ++counters_.oversized;
      if (!(buffer[6] & 1)) macs_[mac_at(buffer + 6)] = port;  // learn unicast sources
      if (queue_.size() >= kMaxQueued) {
        ++counters_.dropped_queue;
        continue;
      }
      queue_.push_back(Frame{now_ns() + delay_, port, {buffer, buffer + n}});
      if (queue_.size() > counters_.max_queued) counters_.max_queued = queue_.size();
    }
    return was_empty && !queue_.empty();
  }

  // Sends every frame that is due; returns the next due time, or 0 when the queue is empty.
  std::int64_t release() {
    std::int64_t now = now_ns();
    while (!queue_.empty() && queue_.front().due_ns <= now) {
      forward(queue_.front());
      queue_.pop_front();
    }
    return queue_.empty() ? 0 : queue_.front().due_ns;
  }

  std::int64_t next_due() const { return queue_.empty() ? 0 : queue_.front().due_ns; }

  void report() const {
    std::uint64_t kernel_drops = 0;
    for (int fd : ports_) {
      tpacket_stats stats{};
      socklen_t size = sizeof stats;
      if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &stats, &size) == 0)
        kernel_drops += stats.tp_drops;
    }
    std::fprintf(stderr,
                 "delay_switch: received=%llu forwarded=%llu flooded=%llu dropped_send=%llu "
                 "dropped_queue=%llu dropped_kernel=%llu oversized=%llu max_queued=%zu\n",
                 static_cast<unsigned long long>(counters_.received),
                 static_cast<unsigned long long>(counters_.forwarded),
                 static_cast<unsigned long long>(counters_.flooded),
                 static_cast<unsigned long long>(counters_.dropped_send),
                 static_cast<unsigned long long>(counters_.dropped_queue),
                 static_cast<unsigned long long>(kernel_drops),
                 static_cast<unsigned long long>(counters_.oversized), counters_.max_queued);
  }

 private:
  void send_to(int port, const Frame& frame) {
    ssize_t n = send(ports_[port], frame.bytes.data(), frame.bytes.size(), MSG_DONTWAIT);
    if (n < 0) ++counters_.dropped_send;
  }

  void forward(const Frame& frame) {
    const std::uint8_t* bytes = frame.bytes.data();
    if (!(bytes[0] & 1)) {
      auto known = macs_.find(mac_at(bytes));
      if (known != macs_.end()) {
        if (known->second != frame.in_port) send_to(known->second, frame);
        ++counters_.forwarded;
        return;
      }
    }
    ++counters_.flooded;
    for (int port = 0; port < static_cast<int>(ports_.size()); ++port)
      if (port != frame.in_port) send_to(port, frame);
  }

  std::vector<int> ports_;
  std::int64_t delay_;
  std::deque<Frame> queue_;
  std::unordered_map<std::uint64_t, int> macs_;
  Counters counters_;
};

}  // namespace

int main(int argc, char** argv) {
  long delay_ms = -1;
  std::vector<std::string> names;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--delay-ms" && i + 1 < argc) {
      delay_ms = std::strtol(argv[++i], nullptr, 10);
    } else {
      names.push_back(arg);
    }
  }
  if (delay_ms < 0 || names.size() < 2) {
    std::fprintf(stderr, "usage: delay_switch --delay-ms MS IFACE IFACE...\n");
    return 2;
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  int stop = signalfd(-1, &signals, SFD_CLOEXEC);
  int timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  int poll = epoll_create1(EPOLL_CLOEXEC);
  if (stop < 0 || timer < 0 || poll < 0) die("signalfd/timerfd/epoll");

  std::vector<int> ports;
  for (const auto& name : names) ports.push_back(open_port(name));
  auto watch = [&](int fd, std::uint64_t tag) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = tag;
    if (epoll_ctl(poll, EPOLL_CTL_ADD, fd, &event) < 0) die("epoll_ctl");
  };
  const std::uint64_t kStop = ports.size(), kTimer = ports.size() + 1;
  for (std::size_t port = 0; port < ports.size(); ++port) watch(ports[port], port);
  watch(stop, kStop);
  watch(timer, kTimer);

  Switch net(ports, delay_ms * 1'000'000);
  std::printf("ready %zu\n", ports.size());
  std::fflush(stdout);

  epoll_event events[64];
  for (;;) {
    int n = epoll_wait(poll, events, 64, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    bool rearm = false;
    for (int i = 0; i < n; ++i) {
      std::uint64_t tag = events[i].data.u64;
      if (tag == kStop) {
        net.report();
        return 0;
      }
      if (tag == kTimer) {
        std::uint64_t expirations;
        [[maybe_unused]] ssize_t r = read(timer, &expirations, sizeof expirations);
        rearm = true;
      } else if (net.receive(static_cast<int>(tag))) {
        rearm = true;
      }
    }
    if (rearm) {
      std::int64_t next = net.release();
      if (next != 0) arm(timer, next);
    }
  }
}
