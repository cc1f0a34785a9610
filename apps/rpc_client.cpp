#include "apps/rpc_client.hpp"

#include <httplib.h>

#include <fmt/format.h>

#include <cstdio>

#include "net/rpc_auth.hpp"

namespace ac::app {

Result<rpc::Json> call_rpc(const NodeEnvironment& env, const RpcOptions& options,
                           const std::string& method, const rpc::Json& params) {
  auto port = rpc_port(env, options);
  if (!port) return port.error();
  auto credentials = client_credentials(env, options);
  if (!credentials) return credentials.error();
  std::string host = options.bind == "0.0.0.0" ? "127.0.0.1" : options.bind;
  httplib::Client client(host, *port);
  client.set_connection_timeout(5);
  client.set_read_timeout(3600);  // verifychain and generatetoaddress may take long
  httplib::Headers headers{{"Authorization", rpc::encode_basic_auth(*credentials)}};
  rpc::Json request{
      {"jsonrpc", "1.0"}, {"id", "actorchain"}, {"method", method}, {"params", params}};
  auto response = client.Post("/", headers, rpc::dump(request), "application/json");
  if (!response)
    return make_error(
        "rpc-unreachable",
        fmt::format("nothing answers on {}:{} (is node {} running?)", host, *port, env.node_id));
  if (response->status == 401)
    return make_error("rpc-unauthorized", "the node refused the credentials");
  if (response->status == 503) return make_error("rpc-busy", "the node's work queue is full");
  rpc::Json reply = rpc::parse_keeping_amounts(response->body);
  if (!reply.is_object() || !reply.contains("error"))
    return make_error("rpc-bad-reply", fmt::format("HTTP {}", response->status));
  const rpc::Json& error = reply["error"];
  if (!error.is_null()) {
    int code = error.value("code", 0);
    std::string message = error.value("message", std::string{});
    return make_error("rpc-error", fmt::format("{} (code {})", message, code));
  }
  return reply.contains("result") ? reply["result"] : rpc::Json(nullptr);
}

int rpc_error_code(const Error& error) {
  if (error.reason != "rpc-error") return 0;
  size_t at = error.detail.rfind("(code ");
  if (at == std::string::npos) return 0;
  return std::atoi(error.detail.c_str() + at + 6);
}

int rpc_command(const NodeEnvironment& env, const RpcOptions& options,
                const std::vector<std::string>& words) {
  if (words.empty()) {
    print_error(make_error("bad-arguments", "rpc needs a METHOD"));
    return 2;
  }
  rpc::Json params = rpc::Json::array();
  for (size_t i = 1; i < words.size(); ++i) {
    rpc::Json value = rpc::Json::parse(words[i], nullptr, false);
    params.push_back(value.is_discarded() ? rpc::Json(words[i]) : value);
  }
  auto result = call_rpc(env, options, words[0], params);
  if (!result) {
    print_error(result.error());
    return 1;
  }
  if (result->is_string())
    std::printf("%s\n", result->get<std::string>().c_str());
  else if (!result->is_null())
    std::printf("%s\n", rpc::dump_pretty(*result).c_str());
  return 0;
}

}  // namespace ac::app
