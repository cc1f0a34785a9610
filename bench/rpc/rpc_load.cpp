// JSON-RPC load against a running node (scripts/bench-rpc.sh): N clients, each on one
// keep-alive connection, call METHOD back to back for a number of seconds; prints requests per
// second and the latency percentiles. With --round-trips N, one client instead pays ADDRESS
// (sendtoaddress, 0.001 coins) and mines that payment into a block (generatetoaddress 1), N
// times, and prints the percentiles of each call and of the pair. Usage:
//   rpc_load --port P --credentials USER:PASS [--clients N] [--seconds S] [--method M]
//   rpc_load --port P --credentials USER:PASS --round-trips N --address A
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

namespace {

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

// sendtoaddress + generatetoaddress 1, `rounds` times on one keep-alive connection.
int round_trips(int port, const httplib::Headers& headers, int rounds, const std::string& address) {
  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  auto call = [&](const std::string& method, const std::string& params, double& ms) {
    std::string body =
        fmt::format(R"({{"jsonrpc":"1.0","id":1,"method":"{}","params":{}}})", method, params);
    auto before = std::chrono::steady_clock::now();
    auto response = client.Post("/", headers, body, "application/json");
    ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - before)
             .count();
    if (response && response->status == 200) return true;
    std::fprintf(stderr, "%s failed: %s\n", method.c_str(),
                 response ? response->body.c_str() : "no answer");
    return false;
  };
  std::vector<double> sends, blocks, pairs;
  for (int i = 0; i < rounds; ++i) {
    double send_ms = 0, block_ms = 0;
    if (!call("sendtoaddress", fmt::format(R"(["{}",0.001])", address), send_ms)) return 1;
    if (!call("generatetoaddress", fmt::format(R"([1,"{}"])", address), block_ms)) return 1;
    sends.push_back(send_ms);
    blocks.push_back(block_ms);
    pairs.push_back(send_ms + block_ms);
  }
  auto line = [](const char* what, const std::vector<double>& values) {
    std::printf("%s: p50 %.2f ms, p99 %.2f ms\n", what, percentile(values, 0.50),
                percentile(values, 0.99));
  };
  std::printf("%d round trips\n", rounds);
  line("sendtoaddress", sends);
  line("generatetoaddress 1", blocks);
  line("sendtoaddress + generatetoaddress 1", pairs);
  return 0;
}

}  // namespace

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
  int rounds = 0;
  std::string address;
  app.add_option("--round-trips", rounds, "pay ADDRESS and mine it, this many times");
  app.add_option("--address", address, "the payee and block reward of --round-trips");
  CLI11_PARSE(app, argc, argv);
  if (rounds > 0)
    return round_trips(port, {{"Authorization", ac::rpc::encode_basic_auth(credentials)}}, rounds,
                       address);

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
  std::printf("%s: %d client(s): %.0f requests/s, p50 %.3f ms, p99 %.3f ms, %d failed\n",
              method.c_str(), clients, static_cast<double>(all.size()) / elapsed,
              percentile(all, 0.50), percentile(all, 0.99), failures.load());
  return failures.load() == 0 && !all.empty() ? 0 : 1;
}
