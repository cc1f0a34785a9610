// Store throughput: coins written per second through apply() (one batch per block of 1,000
// new coins) and random coin lookups per second.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

#include "chain/script.hpp"
#include "chain/store.hpp"

namespace ac {
namespace {

constexpr int kCoinsPerBlock = 1000;

class TempStore {
 public:
  explicit TempStore(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("actorchain-bench-" + std::to_string(::getpid()) + "-" + name)) {
    std::filesystem::remove_all(path_);
    auto store = Store::open(path_.string());
    if (store) store_ = std::move(store.value());
  }
  ~TempStore() {
    store_.reset();
    std::filesystem::remove_all(path_);
  }
  Store* get() { return store_.get(); }

 private:
  std::filesystem::path path_;
  std::unique_ptr<Store> store_;
};

OutPoint outpoint_for(uint64_t block, uint32_t index) {
  OutPoint out;
  for (int i = 0; i < 8; ++i) out.txid.data[i] = static_cast<uint8_t>(block >> (8 * i));
  out.txid.data[31] = 0x5a;
  out.index = index;
  return out;
}

StoreDelta block_of_coins(uint64_t block) {
  StoreDelta change;
  change.new_tip.data[0] = static_cast<uint8_t>(block);
  change.coins_added.reserve(kCoinsPerBlock);
  for (uint32_t i = 0; i < kCoinsPerBlock; ++i) {
    Hash160 owner;
    owner.data[0] = static_cast<uint8_t>(i);
    change.coins_added.emplace_back(
        outpoint_for(block, i),
        Coin{TxOut{1000 + i, p2pkh_script(owner)}, static_cast<int>(block), false});
  }
  return change;
}

void BM_StoreApplyCoins(benchmark::State& state) {
  TempStore store("apply");
  if (!store.get()) {
    state.SkipWithError("store open failed");
    return;
  }
  uint64_t block = 0;
  for (auto _ : state) {
    state.PauseTiming();
    StoreDelta change = block_of_coins(block++);
    state.ResumeTiming();
    // Written at once, as one flush of the coins cache: the LevelDB write is what is measured.
    if (!store.get()->apply(change).ok() || !store.get()->flush_coins().ok())
      state.SkipWithError("apply failed");
  }
  state.SetItemsProcessed(state.iterations() * kCoinsPerBlock);
}
BENCHMARK(BM_StoreApplyCoins)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_StoreCoinLookup(benchmark::State& state) {
  constexpr uint64_t kBlocks = 200;  // 200,000 coins
  TempStore store("lookup");
  if (!store.get()) {
    state.SkipWithError("store open failed");
    return;
  }
  for (uint64_t block = 0; block < kBlocks; ++block) {
    if (!store.get()->apply(block_of_coins(block)).ok()) state.SkipWithError("apply failed");
  }
  if (!store.get()->flush_coins().ok()) state.SkipWithError("flush failed");  // lookups hit LevelDB
  std::mt19937_64 random(42);
  for (auto _ : state) {
    const OutPoint out = outpoint_for(random() % kBlocks, random() % kCoinsPerBlock);
    benchmark::DoNotOptimize(store.get()->coin(out));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StoreCoinLookup);

void BM_StoreCoinLookupMissing(benchmark::State& state) {
  TempStore store("missing");
  if (!store.get()) {
    state.SkipWithError("store open failed");
    return;
  }
  for (uint64_t block = 0; block < 200; ++block) {
    if (!store.get()->apply(block_of_coins(block)).ok()) state.SkipWithError("apply failed");
  }
  if (!store.get()->flush_coins().ok()) state.SkipWithError("flush failed");
  uint64_t next = 1'000'000;
  for (auto _ : state) benchmark::DoNotOptimize(store.get()->coin(outpoint_for(next++, 0)));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StoreCoinLookupMissing);

}  // namespace
}  // namespace ac
