#include "tests/tools/tool_support.hpp"

#include <fmt/format.h>

#include <charconv>

#include "chain/hash.hpp"
#include "chain/pow.hpp"

namespace ac::tools {

Result<Options> parse_options(int argc, char** argv) {
  Options options;
  for (int i = 2; i < argc; i += 2) {
    std::string name = argv[i];
    if (name.rfind("--", 0) != 0 || i + 1 >= argc)
      return make_error("bad-arguments", fmt::format("expected --name value at '{}'", name));
    options[name.substr(2)] = argv[i + 1];
  }
  return options;
}

std::string option_or(const Options& options, const std::string& name,
                      const std::string& fallback) {
  auto found = options.find(name);
  return found == options.end() ? fallback : found->second;
}

Result<int> count_option(const Options& options, const std::string& name, int fallback,
                         int minimum) {
  auto found = options.find(name);
  if (found == options.end()) return fallback;
  const std::string& text = found->second;
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < minimum)
    return make_error("bad-arguments", fmt::format("--{} needs a number of at least {}, got '{}'",
                                                   name, minimum, text));
  return value;
}

Result<wallet::PrivateKey> fixed_key(const wallet::Signer& signer, std::string_view label) {
  Hash256 secret = sha256(as_span(label));
  return signer.import_key(ByteSpan(secret.data.data(), secret.size()));
}

Status solve(Block& block, const ChainParams& params) {
  for (uint32_t nonce = 0; nonce < 0xffffffff; ++nonce) {
    block.header.nonce = nonce;
    if (check_proof_of_work(block.hash(), block.header.bits, params)) return {};
  }
  return make_error("no-nonce", "no nonce meets the target");
}

}  // namespace ac::tools
