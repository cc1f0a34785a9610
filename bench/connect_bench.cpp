// Connecting a block with 1,000 P2PKH inputs (100 transactions of 10 inputs) over an
// in-memory coin set, with the script checks on 1 and 2 threads: the cost of block
// validation without storage.
#include <benchmark/benchmark.h>

#include "chain/connect.hpp"
#include "chain/memory_coins.hpp"
#include "tests/unit/chain_fixture.hpp"

namespace ac {
namespace {

constexpr int kTransactions = 100;
constexpr int kInputsPerTransaction = 10;
constexpr int kInputs = kTransactions * kInputsPerTransaction;

struct ThousandInputBlock {
  ThousandInputBlock() {
    const OutPoint seed_coin{sha256(as_span("bench funding")), 0};
    coins.add(seed_coin, Coin{TxOut{2 * kInputs * kCoin, key.script()}, 0, false});
    std::vector<TxOut> outputs(kInputs, TxOut{kCoin, key.script()});
    Transaction funding = chain_test::make_spend(key, {seed_coin}, outputs);
    chain_test::BlockSpec funding_spec;
    funding_spec.parent = sha256(as_span("bench parent"));
    funding_spec.height = 1;
    funding_spec.payout_script = key.script();
    funding_spec.transactions = {funding};
    funding_spec.fees = kInputs * kCoin;
    const Block funding_block = chain_test::make_block(funding_spec, params);
    ScriptVerifier verifier(1);
    const std::vector<Hash256> funding_txids = chain_test::txids_of(funding_block);
    Result<StoreDelta> funded =
        connect_block(funding_block, funding_txids, 1, coins, params, verifier);
    chain_test::require(funded.ok(), "funding block connects");
    coins.apply(*funded);

    chain_test::BlockSpec spec;
    spec.parent = funding_block.hash();
    spec.height = 2;
    spec.payout_script = key.script();
    const Hash256 funding_txid = funding.txid();
    for (int t = 0; t < kTransactions; ++t) {
      std::vector<OutPoint> inputs;
      for (int i = 0; i < kInputsPerTransaction; ++i) {
        inputs.push_back(
            OutPoint{funding_txid, static_cast<uint32_t>(t * kInputsPerTransaction + i)});
      }
      spec.transactions.push_back(chain_test::make_spend(
          key, inputs, {TxOut{kInputsPerTransaction * kCoin - 1000, key.script()}}));
      spec.fees += 1000;
    }
    block = chain_test::make_block(spec, params);
    txids = chain_test::txids_of(block);
  }

  ChainParams params = quick_params();
  chain_test::TestKey key{3};
  MemoryCoins coins;
  Block block;
  std::vector<Hash256> txids;
};

void BM_ConnectThousandInputBlock(benchmark::State& state) {
  static const ThousandInputBlock fixture;
  ScriptVerifier verifier(static_cast<unsigned>(state.range(0)));
  for (auto _ : state) {
    Result<StoreDelta> change =
        connect_block(fixture.block, fixture.txids, 2, fixture.coins, fixture.params, verifier);
    if (!change) state.SkipWithError(change.error().message().c_str());
    benchmark::DoNotOptimize(change);
  }
  state.counters["blocks/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["inputs/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * kInputs,
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ConnectThousandInputBlock)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace ac
