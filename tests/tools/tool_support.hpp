// What the command-line tools of the tests and benchmarks (tx_flood, make_bench_chain) share:
// "--name value" options after a command word, keys made from fixed labels (so separate runs
// and separate tools derive the same ones), proof of work for the quick chain, and building a
// chain of their own in a fresh store.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chain/block.hpp"
#include "chain/chain_storage.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"
#include "wallet/coin_selection.hpp"
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

// Seconds since the Unix epoch.
int64_t system_seconds();

// A chain in a new store at `path` with `script_threads` verifier threads: refused when the
// folder exists (reason "store-exists"); its parent folder is made when missing.
Result<ChainStorage> open_fresh_chain(const std::string& path, const ChainParams& params,
                                      unsigned script_threads);

// Mines a block of time `time` paying `payout` on `chain`'s tip (the genesis when it has none),
// holding `txs` whose fees add up to `fees`, and adds it as the new tip: the block. Reasons:
// solve's, create_genesis's, accept_block's (detail "block N: ..."), "not-connected".
Result<Block> mine_block(ChainState& chain, const ChainParams& params, const Bytes& payout,
                         int64_t time, std::vector<Transaction> txs = {}, Amount fees = 0);

// Signs every input of `tx`, input i spending `spent[i]`, a coin of `key`.
Status sign_spends(const wallet::Signer& signer, const wallet::PrivateKey& key,
                   std::span<const wallet::SpendableCoin> spent, Transaction& tx);

}  // namespace ac::tools
