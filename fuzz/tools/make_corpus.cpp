// Writes the seed corpus of every fuzz target to <out>/<target>/<name> (default out:
// fuzz/corpus). Seeds are small valid inputs, so the fuzzers start from the formats' structure:
// the shared sample of every wire message, a real mainnet block, a mined quick_params block
// with a signed P2PKH spend, a wallet file and a mempool file.
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "chain/block_assembly.hpp"
#include "chain/mempool_file.hpp"
#include "chain/pow.hpp"
#include "chain/script.hpp"
#include "chain/sighash.hpp"
#include "net/messages.hpp"
#include "tests/unit/net_samples.hpp"
#include "wallet/key.hpp"
#include "wallet/wallet_file.hpp"

namespace {

namespace fs = std::filesystem;

void write(const fs::path& dir, const std::string& name, ac::ByteSpan bytes) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

ac::Bytes concat(std::initializer_list<ac::ByteSpan> parts) {
  ac::Bytes out;
  for (ac::ByteSpan part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

ac::Bytes mainnet_block_100000() {
  std::ifstream file(std::string(ACTORCHAIN_TEST_DATA_DIR) + "/block100000.hex");
  std::string hex((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.back()))) hex.pop_back();
  return ac::from_hex(hex).value();
}

// A transaction spending `funding`'s output 0 (paid to `key`), signed; and a mined block
// holding both after a coinbase.
struct SignedSpend {
  ac::Transaction funding;
  ac::Transaction spend;
  ac::Block block;
};

SignedSpend make_signed_spend(const ac::wallet::Signer& signer, const ac::wallet::PrivateKey& key,
                              const ac::ChainParams& params) {
  const ac::Bytes script = ac::p2pkh_script(key.pubkey_hash());
  SignedSpend out;
  out.funding.inputs.push_back(ac::TxIn{ac::OutPoint{ac::Hash256{}, 0}, ac::Bytes{0x51}});
  out.funding.inputs[0].prevout.txid.data[0] = 1;
  out.funding.outputs.push_back(ac::TxOut{50'000, script});

  out.spend.inputs.push_back(ac::TxIn{ac::OutPoint{out.funding.txid(), 0}, {}});
  out.spend.outputs.push_back(ac::TxOut{40'000, script});
  const ac::Hash256 digest = ac::legacy_sighash(out.spend, 0, script);
  ac::Bytes signature = signer.sign(key, digest).value();
  signature.push_back(ac::kSighashAll);
  out.spend.inputs[0].script_sig = ac::p2pkh_script_sig(signature, key.public_key());

  ac::BlockTemplate block_template;
  block_template.height = 1;
  block_template.parent.data[0] = 0x42;
  block_template.now = 1'700'000'000;
  block_template.payout_script = script;
  block_template.transactions = {out.funding, out.spend};
  out.block = ac::assemble_block(block_template, params);
  while (!ac::check_proof_of_work(out.block.hash(), out.block.header.bits, params))
    ++out.block.header.nonce;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path root = argc > 1 ? fs::path(argv[1]) : fs::path("fuzz/corpus");
  const ac::ChainParams params = ac::quick_params();
  auto signer = ac::wallet::Signer::create().value();
  ac::Bytes secret(32, 0);
  secret[31] = 7;
  const ac::wallet::PrivateKey key = signer.import_key(secret).value();
  const SignedSpend signed_spend = make_signed_spend(signer, key, params);

  // wire_message: command index byte, then the payload.
  const auto commands = ac::net::known_commands();
  for (const ac::net::Message& message : ac::net::testing::sample_messages()) {
    const std::string_view command = ac::net::command_of(message);
    size_t index = 0;
    while (commands[index] != command) ++index;
    const ac::Bytes selector{static_cast<uint8_t>(index)};
    write(root / "wire_message", std::string(command),
          concat({selector, ac::net::encode_payload(message)}));
  }
  // A whole frame: its first 24 bytes decode as a header (and byte 0 picks some command).
  const ac::Bytes frame = ac::net::encode_frame({0xac, 0x70, 0xc4, 0x1a}, ac::net::Ping{7});
  write(root / "wire_message", "frame-ping", frame);
  write(root / "wire_message", "block-signed",
        concat({ac::Bytes{7}, ac::net::encode_payload(ac::net::BlockMessage{signed_spend.block})}));

  // block
  write(root / "block", "mainnet-100000", mainnet_block_100000());
  write(root / "block", "quick-signed-spend", signed_spend.block.serialize());
  ac::Block sample_block =
      std::get<ac::net::BlockMessage>(ac::net::testing::sample_messages()[7]).block;
  write(root / "block", "sample", sample_block.serialize());

  // transaction
  write(root / "transaction", "sample", ac::net::testing::sample_transaction().serialize());
  write(root / "transaction", "signed-spend", signed_spend.spend.serialize());
  write(root / "transaction", "coinbase", signed_spend.block.transactions[0].serialize());

  // script_verify: u8 script length | spent script | spending transaction.
  const ac::Bytes script = ac::p2pkh_script(key.pubkey_hash());
  const ac::Bytes length{static_cast<uint8_t>(script.size())};
  write(root / "script_verify", "valid-p2pkh",
        concat({length, script, signed_spend.spend.serialize()}));
  const ac::Bytes& script_sig = signed_spend.spend.inputs[0].script_sig;
  write(root / "script_verify", "script-sig-only", concat({ac::Bytes{0}, script_sig}));
  const ac::Bytes der(script_sig.begin() + 1, script_sig.begin() + 1 + (script_sig[0] - 1));
  write(root / "script_verify", "der-only", concat({ac::Bytes{0}, der}));

  // wallet_file: mode byte (even: the target appends the checksum) | file.
  const auto wallet_seed = [](const ac::wallet::WalletFile& file, bool with_checksum) {
    ac::Bytes encoded = ac::wallet::encode_wallet_file(file);
    if (!with_checksum) encoded.resize(encoded.size() - ac::Hash256{}.size());
    return concat({ac::Bytes{static_cast<uint8_t>(with_checksum ? 1 : 0)}, encoded});
  };
  ac::wallet::WalletFile wallet;
  write(root / "wallet_file", "empty", wallet_seed(wallet, true));
  wallet.keys.push_back(key);
  secret[31] = 9;
  wallet.keys.push_back(signer.import_key(secret).value());
  wallet.pending_spends.push_back(ac::wallet::PendingSpend{
      signed_spend.spend.inputs[0].prevout, signed_spend.spend.txid(), 1'700'000'000});
  write(root / "wallet_file", "two-keys-one-pending", wallet_seed(wallet, true));
  write(root / "wallet_file", "two-keys-one-pending-body", wallet_seed(wallet, false));
  wallet.abandoned.push_back(ac::wallet::AbandonedTx{signed_spend.spend.txid(), 1'700'000'100});
  write(root / "wallet_file", "version2-one-abandoned-body", wallet_seed(wallet, false));

  // mempool_file: mode byte (even: the target appends the checksum) | file.
  const auto mempool_seed = [](const std::vector<ac::SavedMempoolTx>& entries, bool with_checksum) {
    ac::Bytes encoded = ac::encode_mempool_file(entries);
    if (!with_checksum) encoded.resize(encoded.size() - ac::Hash256{}.size());
    return concat({ac::Bytes{static_cast<uint8_t>(with_checksum ? 1 : 0)}, encoded});
  };
  std::vector<ac::SavedMempoolTx> pooled = {
      {signed_spend.spend, 1'700'000'000}, {ac::net::testing::sample_transaction(), 1'700'000'060}};
  write(root / "mempool_file", "empty", mempool_seed({}, true));
  write(root / "mempool_file", "two-txs", mempool_seed(pooled, true));
  write(root / "mempool_file", "two-txs-body", mempool_seed(pooled, false));
  return 0;
}
