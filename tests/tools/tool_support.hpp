// What the command-line tools of the tests and benchmarks (tx_flood, make_bench_chain) share:
// "--name value" options after a command word, keys made from fixed labels (so separate runs
// and separate tools derive the same ones), and proof of work for the quick chain.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "chain/block.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"
#include "wallet/key.hpp"

namespace ac::tools {

using Options = std::map<std::string, std::string>;

// The "--name value" pairs after argv[1] (the command word). Reason "bad-arguments".
Result<Options> parse_options(int argc, char** argv);

std::string option_or(const Options& options, const std::string& name, const std::string& fallback);

// A whole number of at least `minimum`; `fallback` when absent. Reason "bad-arguments".
Result<int> count_option(const Options& options, const std::string& name, int fallback,
                         int minimum);

// The key whose secret is SHA-256(label).
Result<wallet::PrivateKey> fixed_key(const wallet::Signer& signer, std::string_view label);

// Finds a nonce meeting the block's bits. Meant for the quick chain, where nearly every other
// nonce does: a plain loop. Reason "no-nonce".
Status solve(Block& block, const ChainParams& params);

}  // namespace ac::tools
