#include "apps/rpc_credentials.hpp"

#include <openssl/rand.h>

#include <fmt/format.h>

#include <array>
#include <fstream>

#include "chain/atomic_file.hpp"
#include "chain/bytes.hpp"

namespace ac::app {

std::filesystem::path cookie_path(const NodeEnvironment& env) {
  return env.node_dir / ".cookie";
}

Result<uint16_t> rpc_port(const NodeEnvironment& env, const RpcOptions& options) {
  int port = options.port >= 0 ? options.port : env.node_id + 1000;
  if (port > 65535)
    return make_error("rpc-port-invalid",
                      fmt::format("NODE_ID {} + 1000 is no port; give --rpc-port", env.node_id));
  return static_cast<uint16_t>(port);
}

Result<std::string> make_cookie() {
  std::array<uint8_t, 32> secret{};
  if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1)
    return make_error("cookie-write-failed", "no randomness from OpenSSL");
  return "__cookie__:" + to_hex(ByteSpan(secret.data(), secret.size()));
}

Status write_cookie(const NodeEnvironment& env, const std::string& cookie) {
  return write_file_atomically(cookie_path(env), as_span(cookie), "cookie-write-failed");
}

void remove_cookie(const NodeEnvironment& env) {
  std::error_code ignored;
  std::filesystem::remove(cookie_path(env), ignored);
}

Result<std::string> client_credentials(const NodeEnvironment& env, const RpcOptions& options) {
  if (!options.user.empty() || !options.password.empty())
    return options.user + ":" + options.password;
  std::ifstream in(cookie_path(env));
  std::string cookie;
  if (!in || !std::getline(in, cookie) || cookie.empty())
    return make_error("rpc-no-credentials",
                      fmt::format("no cookie at {} (is node {} running? with --rpc-user, give "
                                  "--rpc-user and --rpc-password here too)",
                                  cookie_path(env).string(), env.node_id));
  return cookie;
}

}  // namespace ac::app
