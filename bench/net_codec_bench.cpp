// Cost of the wire codecs on the sync path: a full inv answer to getblocks (500 hashes) and
// a framed message's header plus checksum.
#include <benchmark/benchmark.h>

#include "net/messages.hpp"

namespace {

using namespace ac;
using namespace ac::net;

Inv inventory_of(size_t count) {
  Inv inv;
  for (size_t i = 0; i < count; ++i) {
    Hash256 hash;
    hash.data[0] = static_cast<uint8_t>(i);
    hash.data[1] = static_cast<uint8_t>(i >> 8);
    inv.items.push_back({kMsgBlock, hash});
  }
  return inv;
}

void BM_DecodeInv500(benchmark::State& state) {
  Bytes payload = encode_payload(inventory_of(500));
  for (auto _ : state) benchmark::DoNotOptimize(decode_payload("inv", payload));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * payload.size()));
}
BENCHMARK(BM_DecodeInv500);

void BM_EncodeFrameInv500(benchmark::State& state) {
  Message inv = inventory_of(500);
  Magic magic = {0xac, 0x70, 0xc4, 0x1a};
  for (auto _ : state) benchmark::DoNotOptimize(encode_frame(magic, inv));
}
BENCHMARK(BM_EncodeFrameInv500);

}  // namespace
