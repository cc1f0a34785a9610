// Proof-of-work hashing rates: plain SHA256d of a header, the midstate hasher, and the full
// search loop on one and two threads (target: search >= 90% of the midstate rate per thread).
#include <benchmark/benchmark.h>

#include <atomic>

#include "chain/hash.hpp"
#include "chain/pow_search.hpp"

namespace ac {
namespace {

BlockHeader bench_header() {
  BlockHeader header;
  header.prev_block.data.fill(0x11);
  header.merkle_root.data.fill(0x22);
  header.time = 1'700'000'000;
  header.bits = 0x1f010000;
  return header;
}

void BM_Sha256dHeaderPlain(benchmark::State& state) {
  BlockHeader header = bench_header();
  for (auto _ : state) {
    ++header.nonce;
    const auto bytes = header.serialize();
    benchmark::DoNotOptimize(sha256d(bytes));
  }
  state.counters["hashes/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Sha256dHeaderPlain);

void BM_HeaderHasherMidstate(benchmark::State& state) {
  const HeaderHasher hasher(bench_header());
  uint32_t nonce = 0;
  for (auto _ : state) benchmark::DoNotOptimize(hasher.hash(++nonce));
  state.counters["hashes/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_HeaderHasherMidstate);

// Each iteration tries 2^22 nonces against an impossible (zero) target, then the refresh
// callback cancels: the figure is the search loop's own rate, thread start-up included.
void BM_PowSearch(benchmark::State& state) {
  PowSearchOptions options;
  options.threads = static_cast<unsigned>(state.range(0));
  options.max_nonce = (1u << 22) - 1;
  uint64_t hashes = 0;
  for (auto _ : state) {
    std::atomic<bool> cancel{false};
    const PowSearchResult result = search_proof_of_work(bench_header(), Arith256{}, options, cancel,
                                                        [&](BlockHeader&) { cancel = true; });
    hashes += result.hashes_tried;
  }
  state.counters["hashes/s"] =
      benchmark::Counter(static_cast<double>(hashes), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PowSearch)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace ac
