// Fuzzes decode_wallet_file: a corrupt wallet.dat must be refused with a reason, and whatever
// decodes must encode back to the same bytes.
// Input: mode byte | file. With an even mode byte the trailing checksum is computed and
// appended here, so the fuzzer reaches the parser behind it instead of only the checksum test.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "chain/hash.hpp"
#include "wallet/key.hpp"
#include "wallet/wallet_file.hpp"

namespace {

// One context per process: creating one per input would dominate the run time.
const ac::wallet::Signer& signer() {
  static const ac::wallet::Signer instance = [] {
    auto created = ac::wallet::Signer::create();
    if (!created) std::abort();
    return std::move(created).value();
  }();
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  ac::Bytes input(data + 1, data + size);
  if (data[0] % 2 == 0) {
    const ac::Hash256 checksum = ac::sha256d(input);
    input.insert(input.end(), checksum.begin(), checksum.end());
  }
  auto file = ac::wallet::decode_wallet_file(input, signer());
  if (!file) return 0;
  const ac::Bytes encoded = ac::wallet::encode_wallet_file(*file);
  if (!std::equal(encoded.begin(), encoded.end(), input.begin(), input.end())) std::abort();
  return 0;
}
