// JSON-RPC load against a running node (scripts/bench-rpc.sh): N clients, each on one
// keep-alive connection, call METHOD back to back for a number of seconds; prints requests per
// second and the latency percentiles. Usage:
//   rpc_load --port P --credentials USER:PASS [--clients N] [--seconds S] [--method M]
#include <httplib.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "net/rpc_auth.hpp"

int main(int argc, char** argv) {
  CLI::App app{"JSON-RPC load"};
  int port = 0;
  std::string credentials, method = "getblockcount";
  int clients = 1;
  double seconds = 5;
  app.add_option("--port", port)->required();
  app.add_option("--credentials", credentials)->required();
  app.add_option("--clients", clients);
  app.add_option("--seconds", seconds);
  app.add_option("--method", method);
  CLI11_PARSE(app, argc, argv);

  const std::string body =
      fmt::format(R"({{"jsonrpc":"1.0","id":1,"method":"{}","params":[]}})", method);
  const httplib::Headers headers{{"Authorization", ac::rpc::encode_basic_auth(credentials)}};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(clients));
  std::atomic<int> failures{0};
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  const auto started = std::chrono::steady_clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      while (std::chrono::steady_clock::now() < deadline) {
        auto before = std::chrono::steady_clock::now();
        auto response = client.Post("/", headers, body, "application/json");
        auto after = std::chrono::steady_clock::now();
        if (!response || response->status != 200) {
          ++failures;
          continue;
        }
        latencies[static_cast<size_t>(c)].push_back(
            std::chrono::duration<double, std::milli>(after - before).count());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::vector<double> all;
  for (auto& list : latencies) all.insert(all.end(), list.begin(), list.end());
  std::sort(all.begin(), all.end());
  auto percentile = [&](double p) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };
  std::printf("%s: %d client(s): %.0f requests/s, p50 %.3f ms, p99 %.3f ms, %d failed\n",
              method.c_str(), clients, static_cast<double>(all.size()) / elapsed, percentile(0.50),
              percentile(0.99), failures.load());
  return failures.load() == 0 && !all.empty() ? 0 : 1;
}
