#include "chain/params.hpp"

#include "chain/interpreter.hpp"
#include "chain/merkle.hpp"

namespace ac {
namespace {

// The coinbase of Bitcoin's genesis block (shared by mainnet, testnet and regtest): the
// Times headline in its scriptSig, 50 coins to Satoshi's uncompressed key (pay-to-pubkey).
Transaction bitcoin_genesis_coinbase() {
  Transaction tx;
  TxIn input;
  input.prevout = OutPoint::null();
  input.script_sig = *from_hex(
      "04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c"
      "6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b"
      "73");
  tx.inputs.push_back(std::move(input));
  TxOut output;
  output.value = 50 * kCoin;
  output.script_pubkey = *from_hex(
      "4104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f"
      "4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac");
  tx.outputs.push_back(std::move(output));
  return tx;
}

Block regtest_genesis() {
  Block block;
  block.transactions.push_back(bitcoin_genesis_coinbase());
  const Hash256 txid = block.transactions[0].txid();
  block.header.version = 1;
  block.header.merkle_root = merkle_root(std::span<const Hash256>(&txid, 1));
  block.header.time = 1296688602;
  block.header.bits = 0x207fffff;
  block.header.nonce = 2;
  return block;
}

}  // namespace

Amount block_subsidy(int height, const ChainParams& params) {
  if (params.subsidy_halving_interval <= 0) return params.subsidy;
  const int halvings = height / params.subsidy_halving_interval;
  if (halvings >= 64) return 0;
  return params.subsidy >> halvings;
}

ChainParams demo_params() {
  ChainParams p;
  p.name = "demo";
  p.magic = {0xac, 0x70, 0xc4, 0x1a};
  p.pubkey_address_version = 0x6f;
  p.script_address_version = 0xc4;
  p.wif_version = 0xef;
  p.default_port = 8000;
  p.pow_limit_bits = 0x1f010000;
  p.block_bits = 0x1f010000;
  p.subsidy = 10 * kCoin;
  p.coinbase_maturity = 0;
  p.max_block_bytes = 1'000'000;
  p.bip34_height = 1;
  // What the tutorial's P2PKH-only checker demanded (strict DER, low S, defined hash types
  // and key forms) stays consensus here; the rest of Core's standard flags are policy.
  p.script_flags = verify_flags::kConsensus | verify_flags::kStrictEnc | verify_flags::kLowS;
  p.policy_script_flags = verify_flags::kStandard;
  p.default_fee_rate = 0;
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

ChainParams regtest_params() {
  ChainParams p;
  p.name = "regtest";
  p.magic = {0xfa, 0xbf, 0xb5, 0xda};
  p.pubkey_address_version = 0x6f;
  p.script_address_version = 0xc4;
  p.wif_version = 0xef;
  p.default_port = 18444;
  p.pow_limit_bits = 0x207fffff;
  p.block_bits = 0x207fffff;
  p.block_version = 0x20000000;
  p.subsidy = 50 * kCoin;
  p.subsidy_halving_interval = 150;
  p.coinbase_maturity = 100;
  p.max_block_bytes = 4'000'000;  // the weight limit (4 x size) is the binding one
  p.max_block_weight = 4'000'000;
  p.max_block_sigops_cost = 80'000;
  p.bip34_height = 1;
  p.script_flags = verify_flags::kConsensus;
  p.policy_script_flags = verify_flags::kStandard;
  p.builtin_genesis = regtest_genesis();
  p.genesis_outputs_spendable = false;
  p.default_fee_rate = 1'000;
  return p;
}

std::optional<ChainParams> params_by_name(const std::string& name) {
  if (name == "demo") return demo_params();
  if (name == "quick") return quick_params();
  if (name == "regtest") return regtest_params();
  return std::nullopt;
}

}  // namespace ac
