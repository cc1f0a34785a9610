#include "tests/tools/tool_support.hpp"

#include <fmt/format.h>

#include <charconv>
#include <ctime>
#include <filesystem>

#include "chain/block_assembly.hpp"
#include "chain/hash.hpp"
#include "chain/pow.hpp"
#include "wallet/tx_builder.hpp"

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

int64_t system_seconds() {
  return static_cast<int64_t>(std::time(nullptr));
}

Result<ChainStorage> open_fresh_chain(const std::string& path, const ChainParams& params,
                                      unsigned script_threads) {
  if (std::filesystem::exists(path))
    return make_error("store-exists", path + " already exists: give a fresh folder");
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  return open_chain_storage(path, params, {{}, script_threads, system_seconds});
}

Result<Block> mine_block(ChainState& chain, const ChainParams& params, const Bytes& payout,
                         int64_t time, std::vector<Transaction> txs, Amount fees) {
  BlockTemplate block_template;
  block_template.now = time;
  block_template.payout_script = payout;
  block_template.transactions = std::move(txs);
  block_template.fees = fees;
  const auto tip = chain.tip();
  if (tip) {
    block_template.parent = tip->hash;
    block_template.height = tip->height + 1;
    block_template.median_time_past = chain.median_time_past(tip->hash).value_or(0);
  }
  Block block = assemble_block(block_template, params);
  if (Status solved = solve(block, params); !solved) return solved.error();
  if (!tip) {
    if (Status created = chain.create_genesis(block); !created) return created.error();
    return block;
  }
  auto accepted = chain.accept_block(block);
  if (!accepted)
    return make_error(accepted.reason(), fmt::format("block {}: {}", block_template.height,
                                                     accepted.error().message()));
  if (accepted->status != AcceptStatus::kNewTip)
    return make_error("not-connected",
                      fmt::format("block {} did not become the tip", block_template.height));
  return block;
}

Status sign_spends(const wallet::Signer& signer, const wallet::PrivateKey& key,
                   std::span<const wallet::SpendableCoin> spent, Transaction& tx) {
  std::vector<wallet::PrivateKey> keys{key};
  return wallet::sign_inputs(signer, keys, spent, tx);
}

}  // namespace ac::tools
