#include "actors/rpc_server.hpp"

#include <httplib.h>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "net/rpc_auth.hpp"

namespace ac::actors {

namespace {

constexpr int kListenBacklog = 1024;

// Set on the threads that only answer 503: connections beyond the work queue.
thread_local bool t_overflow_lane = false;

// httplib hands every accepted connection to a TaskQueue as one job that serves it to the end.
// This one runs up to `threads` workers over a queue of at most `work_queue` waiting
// connections; a connection beyond that goes to a small overflow lane whose threads answer its
// request 503 and close it (a job can only be run, never dropped: it owns the socket). A lane's
// threads start when connections need them, one per connection waiting while none is free, and
// then stay: an idle node that no client called runs none.
class BoundedQueue final : public httplib::TaskQueue {
 public:
  BoundedQueue(size_t threads, size_t limit) : limit_(limit), jobs_(threads, false) {}

  void enqueue(std::function<void()> fn) override {
    {
      std::lock_guard lock(mutex_);
      // Waiting means waiting for a busy worker: a job an idle or a new worker takes is not.
      size_t free_workers = jobs_.idle + (jobs_.max_workers - jobs_.workers.size());
      Lane& lane = jobs_.queue.size() < limit_ + free_workers ? jobs_ : overflow_;
      lane.queue.push_back(std::move(fn));
      if (lane.queue.size() > lane.idle && lane.workers.size() < lane.max_workers) {
        try {
          lane.workers.emplace_back([this, &lane] { run(lane); });
        } catch (const std::system_error&) {
          // No thread to be had now: the connection waits for a busy worker to be free.
        }
      }
    }
    ready_.notify_all();
  }

  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    // Only httplib's listening thread starts workers, and it has stopped: the lists are final.
    for (Lane* lane : {&jobs_, &overflow_})
      for (auto& worker : lane->workers) worker.join();
  }

 private:
  static constexpr size_t kOverflowThreads = 2;

  struct Lane {
    Lane(size_t max, bool overflow) : max_workers(max), overflow(overflow) {}
    const size_t max_workers;
    const bool overflow;
    std::deque<std::function<void()>> queue;
    size_t idle = 0;  // workers waiting for a job
    std::vector<std::thread> workers;
  };

  void run(Lane& lane) {
    t_overflow_lane = lane.overflow;
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mutex_);
        ++lane.idle;
        ready_.wait(lock, [&] { return stopping_ || !lane.queue.empty(); });
        --lane.idle;
        if (lane.queue.empty()) return;  // stopping, and nothing left to serve
        job = std::move(lane.queue.front());
        lane.queue.pop_front();
      }
      job();
    }
  }

  const size_t limit_;
  std::mutex mutex_;
  std::condition_variable ready_;
  Lane jobs_;
  Lane overflow_{kOverflowThreads, true};
  bool stopping_ = false;
};

void json_reply(httplib::Response& response, int status, std::string body) {
  response.status = status;
  response.set_content(std::move(body), "application/json");
}

std::string error_body(int code, const std::string& message) {
  return rpc::dump(rpc::Json{
      {"result", nullptr}, {"error", {{"code", code}, {"message", message}}}, {"id", nullptr}});
}

}  // namespace

struct RpcServer::Impl {
  RpcServerConfig config;
  std::shared_ptr<const rpc::Dispatcher> methods;
  httplib::Server http;
  std::thread listener;
  uint16_t port = 0;
  std::once_flag stopped;

  void handle_post(const httplib::Request& request, httplib::Response& response) {
    if (t_overflow_lane) {
      response.set_header("Connection", "close");
      response.status = 503;
      response.set_content("Work queue depth exceeded", "text/plain");
      return;
    }
    if (!rpc::authorized(request.get_header_value("Authorization"), config.credentials)) {
      // Core pauses a failed attempt, so guessing costs time; the thread is ours to spend.
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      response.status = 401;
      response.set_header("WWW-Authenticate", "Basic realm=\"jsonrpc\"");
      return;
    }
    rpc::HttpReply reply = methods->handle_body(request.body);
    if (reply.status == 204) {
      response.status = 204;
      return;
    }
    json_reply(response, reply.status, std::move(reply.body));
  }
};

RpcServer::RpcServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RpcServer::~RpcServer() {
  stop();
}

uint16_t RpcServer::port() const {
  return impl_->port;
}

void RpcServer::stop() {
  std::call_once(impl_->stopped, [this] {
    impl_->http.stop();
    if (impl_->listener.joinable()) impl_->listener.join();
  });
}

Result<std::unique_ptr<RpcServer>> RpcServer::start(
    RpcServerConfig config, std::shared_ptr<const rpc::Dispatcher> methods) {
  auto impl = std::make_unique<Impl>();
  impl->config = std::move(config);
  impl->methods = std::move(methods);
  Impl* self = impl.get();
  httplib::Server& http = impl->http;
  const RpcServerConfig& cfg = impl->config;

  http.new_task_queue = [threads = cfg.threads, limit = cfg.work_queue] {
    return new BoundedQueue(threads, limit);
  };
  http.set_tcp_nodelay(true);
  http.set_keep_alive_max_count(100'000);
  http.set_keep_alive_timeout(cfg.keep_alive_timeout.count());
  http.set_read_timeout(cfg.timeout.count());
  http.set_write_timeout(cfg.timeout.count());
  http.set_payload_max_length(cfg.max_body_bytes);

  auto post = [self](const httplib::Request& request, httplib::Response& response) {
    self->handle_post(request, response);
  };
  http.Post("/", post);
  http.Post(R"(/wallet/[^/]*)", post);
  auto only_post = [](const httplib::Request&, httplib::Response& response) {
    response.status = 405;
    response.set_content("JSONRPC server handles only POST requests", "text/plain");
  };
  http.Get(".*", only_post);
  http.Put(".*", only_post);
  http.Delete(".*", only_post);
  http.Patch(".*", only_post);
  // What httplib answers by itself (413 body too large, 404 unknown path, 400 unreadable
  // request) gets a JSON-RPC error body too, so every client can read why.
  http.set_error_handler([](const httplib::Request&, httplib::Response& response) {
    if (!response.body.empty() || response.status == 401 || response.status == 204) return;
    if (response.status == 413)
      json_reply(response, 413, error_body(rpc::kInvalidRequest, "Request body too large"));
    else if (response.status == 404)
      json_reply(response, 404, error_body(rpc::kMethodNotFound, "Not found"));
    else
      json_reply(response, response.status, error_body(rpc::kInvalidRequest, "Bad request"));
  });

  // httplib's default sets SO_REUSEPORT too, which would let a second node bind the same
  // port and share its connections: only SO_REUSEADDR (restart while old sockets linger).
  // The listening socket is remembered to deepen its backlog below.
  auto listening = std::make_shared<int>(-1);
  http.set_socket_options([listening](int fd) {
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (*listening < 0) *listening = fd;
  });

  std::string where = fmt::format("{}:{}", cfg.bind, cfg.port);
  if (cfg.port == 0) {
    int port = http.bind_to_any_port(cfg.bind);
    if (port <= 0) return make_error("rpc-bind-failed", "cannot listen on " + cfg.bind);
    impl->port = static_cast<uint16_t>(port);
  } else {
    if (!http.bind_to_port(cfg.bind, cfg.port)) {
      // httplib says only that it failed: ask the system whether the port is taken.
      int probe = ::socket(AF_INET, SOCK_STREAM, 0);
      bool in_use = false;
      if (probe >= 0) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(cfg.port);
        in_use = inet_pton(AF_INET, cfg.bind.c_str(), &address.sin_addr) == 1 &&
                 ::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 &&
                 errno == EADDRINUSE;
        ::close(probe);
      }
      if (in_use) return make_error("rpc-port-in-use", where + " is already in use");
      return make_error("rpc-bind-failed", "cannot listen on " + where);
    }
    impl->port = cfg.port;
  }
  // httplib listens with a backlog of 5: a burst of clients (200 at once) would overflow it
  // and see resets. Linux takes a second listen() as a new backlog.
  if (*listening >= 0) ::listen(*listening, kListenBacklog);
  impl->listener = std::thread([self] { self->http.listen_after_bind(); });
  // stop() only reaches a server that has started listening: wait for it (moments).
  for (int i = 0; i < 5000 && !http.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return std::unique_ptr<RpcServer>(new RpcServer(std::move(impl)));
}

}  // namespace ac::actors
