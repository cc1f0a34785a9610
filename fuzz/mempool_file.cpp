// Fuzzes decode_mempool_file: a damaged mempool.dat must be refused with a reason, and whatever
// decodes must encode back to the same bytes.
// Input: mode byte | file. With an even mode byte the trailing checksum is computed and
// appended here, so the fuzzer reaches the parser behind it instead of only the checksum test.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "chain/hash.hpp"
#include "chain/mempool_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  ac::Bytes input(data + 1, data + size);
  if (data[0] % 2 == 0) {
    const ac::Hash256 checksum = ac::sha256d(input);
    input.insert(input.end(), checksum.begin(), checksum.end());
  }
  auto entries = ac::decode_mempool_file(input);
  if (!entries) return 0;
  const ac::Bytes encoded = ac::encode_mempool_file(*entries);
  if (!std::equal(encoded.begin(), encoded.end(), input.begin(), input.end())) std::abort();
  return 0;
}
