// ChainParams: everything that differs between networks, kept as data so tests, benchmarks
// and a future Bitcoin regtest profile can swap it without touching consensus code.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "chain/amount.hpp"

namespace ac {

struct ChainParams {
  std::string name;
  std::array<uint8_t, 4> magic{};      // first 4 bytes of every wire message
  uint8_t pubkey_address_version = 0;  // Base58Check version byte of P2PKH addresses
  uint8_t wif_version = 0;             // Base58Check version byte of WIF private keys
  uint16_t default_port = 0;
  uint32_t pow_limit_bits = 0;  // the easiest target any block may claim
  uint32_t block_bits = 0;      // the networks here do not retarget: every block uses these bits
  Amount subsidy = 0;           // coinbase reward before fees
  int coinbase_maturity = 0;    // confirmations before a coinbase output may be spent
  size_t max_block_bytes = 0;   // serialized size limit
  int bip34_height = 0;         // from this height the coinbase scriptSig starts with the height
  int64_t max_future_block_time_seconds = 2 * 60 * 60;
  int median_time_span = 11;  // blocks in the median-time-past window
};

// The tutorial's world: own magic, testnet-style address bytes, 16-bit proof of work
// (about 65,536 hashes a block), 10-coin subsidy spendable at once.
ChainParams demo_params();

// As demo, with proof of work that takes a couple of hashes: for tests and benchmarks that
// must build thousands of blocks quickly. Its own magic keeps it off demo networks.
ChainParams quick_params();

}  // namespace ac
