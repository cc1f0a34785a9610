#include "apps/rpc_client.hpp"

#include <httplib.h>

#include <fmt/format.h>

#include <cstdio>

#include "net/rpc_auth.hpp"

namespace ac::app {

Error RpcReply::as_error() const {
  return make_error("rpc-error", fmt::format("{} (code {})", error_message, error_code));
}

struct RpcClient::Impl {
  NodeEnvironment env;
  std::string host;
  uint16_t port = 0;
  httplib::Headers headers;
  httplib::Client client;

  Impl(NodeEnvironment e, std::string h, uint16_t p, const std::string& credentials)
      : env(std::move(e)),
        host(std::move(h)),
        port(p),
        headers{{"Authorization", rpc::encode_basic_auth(credentials)}},
        client(host, port) {
    client.set_connection_timeout(5);
    client.set_read_timeout(3600);  // verifychain and generatetoaddress may take long
    client.set_keep_alive(true);
  }
};

RpcClient::RpcClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RpcClient::RpcClient(RpcClient&&) noexcept = default;
RpcClient& RpcClient::operator=(RpcClient&&) noexcept = default;
RpcClient::~RpcClient() = default;

Result<RpcClient> RpcClient::open(const NodeEnvironment& env, const RpcOptions& options) {
  auto port = rpc_port(env, options);
  if (!port) return port.error();
  auto credentials = client_credentials(env, options);
  if (!credentials) return credentials.error();
  std::string host = options.bind == "0.0.0.0" ? "127.0.0.1" : options.bind;
  return RpcClient(std::make_unique<Impl>(env, host, *port, *credentials));
}

Result<RpcReply> RpcClient::call(const std::string& method, const rpc::Json& params) {
  rpc::Json request{
      {"jsonrpc", "1.0"}, {"id", "actorchain"}, {"method", method}, {"params", params}};
  auto response = impl_->client.Post("/", impl_->headers, rpc::dump(request), "application/json");
  if (!response)
    return make_error("rpc-unreachable", fmt::format("nothing answers on {}:{} (is node {} "
                                                     "running?)",
                                                     impl_->host, impl_->port, impl_->env.node_id));
  if (response->status == 401)
    return make_error("rpc-unauthorized", "the node refused the credentials");
  if (response->status == 503) return make_error("rpc-busy", "the node's work queue is full");
  rpc::Json reply = rpc::parse_keeping_amounts(response->body);
  if (!reply.is_object() || !reply.contains("error"))
    return make_error("rpc-bad-reply", fmt::format("HTTP {}", response->status));
  RpcReply out;
  const rpc::Json& error = reply["error"];
  if (!error.is_null()) {
    const rpc::Json* code = error.is_object() && error.contains("code") ? &error["code"] : nullptr;
    if (!code || !code->is_number_integer() || code->get<int64_t>() == 0)
      return make_error("rpc-bad-reply", "an error without a code: " + rpc::dump(error));
    out.error_code = code->get<int>();
    out.error_message = error.value("message", std::string{});
    return out;
  }
  if (reply.contains("result")) out.result = reply["result"];
  return out;
}

Result<rpc::Json> RpcClient::result(const std::string& method, const rpc::Json& params) {
  auto reply = call(method, params);
  if (!reply) return reply.error();
  if (!reply->ok()) return reply->as_error();
  return std::move(reply->result);
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
  auto client = RpcClient::open(env, options);
  if (!client) {
    print_error(client.error());
    return 1;
  }
  auto result = client->result(words[0], params);
  if (!result) {
    print_error(result.error());
    return 1;
  }
  if (result->is_string()) {
    // An amount is a string inside (rpc::amount_json) that dump() writes as a bare number.
    const std::string dumped = rpc::dump(*result);
    std::printf("%s\n",
                dumped.front() == '"' ? result->get<std::string>().c_str() : dumped.c_str());
  } else if (!result->is_null())
    std::printf("%s\n", rpc::dump_pretty(*result).c_str());
  return 0;
}

}  // namespace ac::app
