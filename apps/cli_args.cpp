#include "apps/cli_args.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ac::app {

std::vector<std::string> normalize_flags(int argc, char** argv) {
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(argc));
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    bool single_dash_word = arg.size() > 2 && arg[0] == '-' && arg[1] != '-' &&
                            (std::isalpha(static_cast<unsigned char>(arg[1])) != 0);
    if (i > 0 && single_dash_word) arg = std::string("-") + arg;
    out.push_back(std::move(arg));
  }
  return out;
}

std::vector<std::string> unknown_options(const std::vector<std::string>& args,
                                         const std::vector<std::string>& leftover) {
  std::vector<std::string> out;
  for (const std::string& arg : args) {
    bool option = arg.size() > 1 && arg[0] == '-' &&
                  std::isdigit(static_cast<unsigned char>(arg[1])) == 0 && arg[1] != '.';
    if (!option || std::find(leftover.begin(), leftover.end(), arg) == leftover.end()) continue;
    std::string name = arg.substr(0, arg.find('='));
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
  }
  return out;
}

Result<NodeEnvironment> node_environment(const std::filesystem::path& datadir) {
  const char* raw = std::getenv("NODE_ID");
  if (raw == nullptr || *raw == '\0')
    return make_error("node-id-missing", "set NODE_ID to the node's port, e.g. NODE_ID=8000");
  unsigned value = 0;
  const char* end = raw + std::strlen(raw);
  auto [ptr, ec] = std::from_chars(raw, end, value);
  if (ec != std::errc{} || ptr != end || value == 0 || value > 65535)
    return make_error("node-id-invalid",
                      fmt::format("NODE_ID must be a port 1-65535, got '{}'", raw));
  NodeEnvironment env;
  env.node_id = static_cast<uint16_t>(value);
  env.node_dir = datadir / std::to_string(value);
  return env;
}

void print_error(const Error& error) {
  std::fprintf(stderr, "error: %s\n", error.message().c_str());
}

}  // namespace ac::app
