// Costs of the wallet's per-send work: key generation, signing and address parsing.
#include <benchmark/benchmark.h>

#include <string>
#include <utility>

#include "chain/hash.hpp"
#include "wallet/address.hpp"
#include "wallet/key.hpp"

namespace ac::wallet {
namespace {

void BM_GenerateKey(benchmark::State& state) {
  Signer signer = std::move(Signer::create()).value();
  for (auto _ : state) benchmark::DoNotOptimize(signer.generate_key());
}
BENCHMARK(BM_GenerateKey);

void BM_SignDigest(benchmark::State& state) {
  Signer signer = std::move(Signer::create()).value();
  PrivateKey key = std::move(signer.generate_key()).value();
  Hash256 digest = sha256d(as_span("benchmark digest"));
  for (auto _ : state) benchmark::DoNotOptimize(signer.sign(key, digest));
}
BENCHMARK(BM_SignDigest);

void BM_DecodeAddress(benchmark::State& state) {
  ChainParams params = demo_params();
  std::string address = encode_address(hash160(as_span("benchmark pubkey")), params);
  for (auto _ : state) benchmark::DoNotOptimize(decode_address(address, params));
}
BENCHMARK(BM_DecodeAddress);

}  // namespace
}  // namespace ac::wallet
