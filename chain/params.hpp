// ChainParams: everything that differs between networks, kept as data so tests, benchmarks
// and the Bitcoin regtest profile swap it without touching consensus code.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "chain/amount.hpp"
#include "chain/block.hpp"

namespace ac {

struct ChainParams {
  std::string name;
  std::array<uint8_t, 4> magic{};      // first 4 bytes of every wire message
  uint8_t pubkey_address_version = 0;  // Base58Check version byte of P2PKH addresses
  uint8_t script_address_version = 0;  // Base58Check version byte of P2SH addresses
  uint8_t wif_version = 0;             // Base58Check version byte of WIF private keys
  uint16_t default_port = 0;
  uint32_t pow_limit_bits = 0;  // the easiest target any block may claim
  uint32_t block_bits = 0;      // the networks here do not retarget: every block uses these bits
  int32_t block_version = 1;    // what our miner writes into headers
  Amount subsidy = 0;           // coinbase reward before fees (at height 0)
  int subsidy_halving_interval = 0;        // blocks between halvings of the subsidy; 0: never
  int coinbase_maturity = 0;               // confirmations before a coinbase output may be spent
  size_t max_block_bytes = 0;              // serialized size limit
  size_t max_block_weight = 4'000'000;     // weight = 4 x size for blocks without witnesses
  int64_t max_block_sigops_cost = 80'000;  // legacy and P2SH sigops count 4 each
  int bip34_height = 0;  // from this height the coinbase scriptSig starts with the height
  int64_t max_future_block_time_seconds = 2 * 60 * 60;
  int median_time_span = 11;  // blocks in the median-time-past window
  // Script verification flags (chain/interpreter.hpp) every block must satisfy, and those the
  // mempool adds on top (policy: a transaction failing only these is refused, not invalid).
  uint32_t script_flags = 0;
  uint32_t policy_script_flags = 0;
  // A genesis block the chain starts from by itself (regtest); nullopt: `createblockchain`
  // mines one (demo, quick).
  std::optional<Block> builtin_genesis;
  // Whether the genesis coinbase's outputs become coins (as in the tutorial) or not (Bitcoin).
  bool genesis_outputs_spendable = true;
  // Default fee rate of the wallet, satoshis per 1,000 bytes.
  Amount default_fee_rate = 0;
};

// The coinbase reward (without fees) of a block at `height`.
Amount block_subsidy(int height, const ChainParams& params);

// The tutorial's world: own magic, testnet-style address bytes, 16-bit proof of work
// (about 65,536 hashes a block), 10-coin subsidy spendable at once.
ChainParams demo_params();

// As demo, with proof of work that takes a couple of hashes: for tests and benchmarks that
// must build thousands of blocks quickly. Its own magic keeps it off demo networks.
ChainParams quick_params();

// Bitcoin Core's regtest: its magic, port and genesis, 50-coin subsidy halving every 150
// blocks, maturity 100, every soft fork up to CSV active from height 1 (no segwit).
ChainParams regtest_params();

// The params named `name` ("demo", "quick", "regtest"), or nullopt.
std::optional<ChainParams> params_by_name(const std::string& name);

}  // namespace ac
