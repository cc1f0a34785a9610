#include "chain/coinbase.hpp"

#include <algorithm>
#include <limits>

namespace ac {

namespace {

constexpr uint8_t kOpZero = 0x00;
constexpr uint8_t kOpOneNegate = 0x4f;
constexpr uint8_t kOpOne = 0x51;

// Appends the push of a script number (minimal little-endian magnitude, sign in the top bit
// of the last byte) exactly as CScript() << n does, small values as single opcodes.
void push_number(Bytes& script, uint64_t magnitude, bool negative) {
  if (magnitude == 0) {
    script.push_back(kOpZero);
    return;
  }
  if (negative && magnitude == 1) {
    script.push_back(kOpOneNegate);
    return;
  }
  if (!negative && magnitude <= 16) {
    script.push_back(static_cast<uint8_t>(kOpOne + magnitude - 1));
    return;
  }
  Bytes number;
  for (uint64_t rest = magnitude; rest != 0; rest >>= 8)
    number.push_back(static_cast<uint8_t>(rest & 0xff));
  if ((number.back() & 0x80) != 0) {
    number.push_back(negative ? 0x80 : 0x00);
  } else if (negative) {
    number.back() |= 0x80;
  }
  script.push_back(static_cast<uint8_t>(number.size()));  // at most 9 bytes: a direct push
  script.insert(script.end(), number.begin(), number.end());
}

}  // namespace

Bytes bip34_height_push(int height) {
  Bytes script;
  const int64_t wide = height;
  push_number(script, static_cast<uint64_t>(wide < 0 ? -wide : wide), wide < 0);
  return script;
}

bool coinbase_commits_to_height(const Transaction& coinbase, int height) {
  if (coinbase.inputs.empty()) return false;
  const Bytes expected = bip34_height_push(height);
  const Bytes& script_sig = coinbase.inputs[0].script_sig;
  return script_sig.size() >= expected.size() &&
         std::equal(expected.begin(), expected.end(), script_sig.begin());
}

std::optional<int> coinbase_committed_height(const Transaction& coinbase) {
  if (coinbase.inputs.empty() || coinbase.inputs[0].script_sig.empty()) return std::nullopt;
  const Bytes& script_sig = coinbase.inputs[0].script_sig;
  const uint8_t first = script_sig[0];
  int64_t candidate = 0;
  if (first >= kOpOne && first < kOpOne + 16) {
    candidate = first - kOpOne + 1;
  } else if (first >= 1 && first <= 4 && script_sig.size() > first) {
    // A direct push of up to 4 bytes (heights fit in an int): little-endian, sign bit ignored
    // here; coinbase_commits_to_height below insists on the minimal, positive encoding.
    for (size_t i = first; i >= 1; --i) candidate = (candidate << 8) | script_sig[i];
  } else {
    return std::nullopt;
  }
  if (candidate < 1 || candidate > std::numeric_limits<int>::max()) return std::nullopt;
  const int height = static_cast<int>(candidate);
  if (!coinbase_commits_to_height(coinbase, height)) return std::nullopt;
  return height;
}

Transaction make_coinbase(int height, Amount value, const Bytes& payout_script,
                          uint64_t extra_nonce) {
  // Height push (1..5 bytes) + extra-nonce push (1..10 bytes): always within 2..100 bytes,
  // even at height 0 where both pushes are single opcodes.
  TxIn input;
  input.prevout = OutPoint::null();
  input.script_sig = bip34_height_push(height);
  push_number(input.script_sig, extra_nonce, false);

  Transaction tx;
  tx.inputs.push_back(std::move(input));
  tx.outputs.push_back(TxOut{value, payout_script});
  return tx;
}

}  // namespace ac
