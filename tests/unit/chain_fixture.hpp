// Test and benchmark helpers for the chain core: a secp256k1 test key that signs P2PKH spends
// (libsecp256k1 directly: wallet/ sits above chain/), blocks mined under quick_params() with a
// nonce grind, and a temporary directory. Free of GoogleTest so benchmarks can use it too.
#pragma once

#include <secp256k1.h>
#include <stdlib.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "chain/block.hpp"
#include "chain/coinbase.hpp"
#include "chain/hash.hpp"
#include "chain/merkle.hpp"
#include "chain/params.hpp"
#include "chain/pow.hpp"
#include "chain/script.hpp"
#include "chain/sighash.hpp"
#include "chain/transaction.hpp"

namespace ac::chain_test {

// Setup failures in helpers are bugs in the test itself: stop loudly.
inline void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "test fixture failure: %s\n", what);
    std::abort();
  }
}

// A deterministic private key (32 bytes of `seed`) and its compressed public key.
class TestKey {
 public:
  explicit TestKey(uint8_t seed) : context_(secp256k1_context_create(SECP256K1_CONTEXT_NONE)) {
    require(seed != 0, "key seed must be non-zero");
    secret_.fill(seed);
    secp256k1_pubkey pubkey;
    require(secp256k1_ec_pubkey_create(context_.get(), &pubkey, secret_.data()) == 1,
            "pubkey_create");
    pubkey_.resize(33);
    size_t length = pubkey_.size();
    secp256k1_ec_pubkey_serialize(context_.get(), pubkey_.data(), &length, &pubkey,
                                  SECP256K1_EC_COMPRESSED);
    pubkey_hash_ = hash160(pubkey_);
  }

  const Bytes& pubkey() const { return pubkey_; }
  const Hash160& pubkey_hash() const { return pubkey_hash_; }
  Bytes script() const { return p2pkh_script(pubkey_hash_); }

  // DER signature (low S, RFC 6979 nonce: deterministic) followed by SIGHASH_ALL.
  Bytes sign(const Hash256& digest) const {
    secp256k1_ecdsa_signature signature;
    require(secp256k1_ecdsa_sign(context_.get(), &signature, digest.data.data(), secret_.data(),
                                 nullptr, nullptr) == 1,
            "ecdsa_sign");
    Bytes der(72);
    size_t length = der.size();
    secp256k1_ecdsa_signature_serialize_der(context_.get(), der.data(), &length, &signature);
    der.resize(length);
    der.push_back(kSighashAll);
    return der;
  }

  // Sets input `input_index`'s scriptSig to a valid spend of an output paying this key.
  void sign_input(Transaction& tx, size_t input_index) const {
    const Bytes script_code = script();
    tx.inputs[input_index].script_sig =
        p2pkh_script_sig(sign(legacy_sighash(tx, input_index, script_code)), pubkey_);
  }

 private:
  struct ContextDeleter {
    void operator()(secp256k1_context* context) const { secp256k1_context_destroy(context); }
  };
  std::unique_ptr<secp256k1_context, ContextDeleter> context_;
  std::array<uint8_t, 32> secret_{};
  Bytes pubkey_;
  Hash160 pubkey_hash_;
};

// A transaction spending `inputs` (all paying `key`) into `outputs`, every input signed.
inline Transaction make_spend(const TestKey& key, const std::vector<OutPoint>& inputs,
                              std::vector<TxOut> outputs) {
  Transaction tx;
  for (const OutPoint& prevout : inputs) tx.inputs.push_back(TxIn{prevout, {}, 0xffffffff});
  tx.outputs = std::move(outputs);
  for (size_t i = 0; i < tx.inputs.size(); ++i) key.sign_input(tx, i);
  return tx;
}

inline std::vector<Hash256> txids_of(const Block& block) {
  std::vector<Hash256> txids;
  for (const Transaction& tx : block.transactions) txids.push_back(tx.txid());
  return txids;
}

inline void set_merkle_root(Block& block) {
  const std::vector<Hash256> txids = txids_of(block);
  block.header.merkle_root = merkle_root(txids);
}

// Grinds the nonce until the header meets its bits (a couple of tries under quick_params()).
inline void mine(Block& block, const ChainParams& params) {
  while (!check_proof_of_work(block.hash(), block.header.bits, params)) ++block.header.nonce;
}

inline constexpr uint32_t kGenesisTime = 1'700'000'000;
// A clock far enough ahead of every test block's time that none is "too new".
inline constexpr int64_t kTestNow = 2'000'000'000;

struct BlockSpec {
  Hash256 parent;  // zero for a genesis
  int height = 0;
  uint32_t time = kGenesisTime;
  Bytes payout_script;
  std::vector<Transaction> transactions;  // non-coinbase
  Amount fees = 0;
  uint64_t extra_nonce = 0;  // tells apart sibling blocks that would otherwise be equal
};

// A mined block: coinbase (BIP34 height, subsidy + fees) followed by the transactions.
inline Block make_block(const BlockSpec& spec, const ChainParams& params) {
  Block block;
  block.header.prev_block = spec.parent;
  block.header.time = spec.time;
  block.header.bits = params.block_bits;
  block.transactions.push_back(
      make_coinbase(spec.height, params.subsidy + spec.fees, spec.payout_script, spec.extra_nonce));
  block.transactions.insert(block.transactions.end(), spec.transactions.begin(),
                            spec.transactions.end());
  set_merkle_root(block);
  mine(block, params);
  return block;
}

inline Block make_genesis(const TestKey& key, const ChainParams& params) {
  BlockSpec spec;
  spec.payout_script = key.script();
  return make_block(spec, params);
}

// A block on top of `parent` (at `parent_height`), its time one minute after the parent's.
inline Block make_child(const Block& parent, int parent_height, const TestKey& payee,
                        const ChainParams& params, std::vector<Transaction> transactions = {},
                        Amount fees = 0, uint64_t extra_nonce = 0) {
  BlockSpec spec;
  spec.parent = parent.hash();
  spec.height = parent_height + 1;
  spec.time = parent.header.time + 60;
  spec.payout_script = payee.script();
  spec.transactions = std::move(transactions);
  spec.fees = fees;
  spec.extra_nonce = extra_nonce;
  return make_block(spec, params);
}

// The outpoint of output `index` of the block's coinbase.
inline OutPoint coinbase_outpoint(const Block& block, uint32_t index = 0) {
  return OutPoint{block.transactions.front().txid(), index};
}

// A fresh directory removed (with its contents) on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "actorchain-XXXXXX").string();
    require(mkdtemp(pattern.data()) != nullptr, "mkdtemp");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace ac::chain_test
