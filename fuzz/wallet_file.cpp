// Fuzzes decode_wallet_file: a corrupt wallet.dat must be refused with a reason, and whatever
// decodes must encode back to the same bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

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
  ac::ByteSpan input(data, size);
  auto file = ac::wallet::decode_wallet_file(input, signer());
  if (!file) return 0;
  const ac::Bytes encoded = ac::wallet::encode_wallet_file(*file);
  if (!std::equal(encoded.begin(), encoded.end(), input.begin(), input.end())) std::abort();
  return 0;
}
