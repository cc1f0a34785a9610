#include "chain/params.hpp"

namespace ac {

ChainParams demo_params() {
  ChainParams p;
  p.name = "demo";
  p.magic = {0xac, 0x70, 0xc4, 0x1a};
  p.pubkey_address_version = 0x6f;
  p.wif_version = 0xef;
  p.default_port = 8000;
  p.pow_limit_bits = 0x1f010000;
  p.block_bits = 0x1f010000;
  p.subsidy = 10 * kCoin;
  p.coinbase_maturity = 0;
  p.max_block_bytes = 1'000'000;
  p.bip34_height = 1;
  return p;
}

ChainParams quick_params() {
  ChainParams p = demo_params();
  p.name = "quick";
  p.magic = {0xac, 0x70, 0xc4, 0x1b};
  p.pow_limit_bits = 0x207fffff;
  p.block_bits = 0x207fffff;
  return p;
}

}  // namespace ac
