// Coinbase transactions: BIP34 height prefix and construction.
#pragma once

#include <optional>

#include "chain/amount.hpp"
#include "chain/bytes.hpp"
#include "chain/transaction.hpp"

namespace ac {

// The minimal script push of `height` (BIP34 / CScript() << height).
Bytes bip34_height_push(int height);

// True when the coinbase's scriptSig starts with bip34_height_push(height).
bool coinbase_commits_to_height(const Transaction& coinbase, int height);

// The height >= 1 whose push starts the coinbase's scriptSig, if any (a genesis coinbase
// that a later block's BIP34 coinbase could repeat).
std::optional<int> coinbase_committed_height(const Transaction& coinbase);

// A coinbase for `height` paying `value` to `payout_script`; `extra_nonce` is appended to
// the scriptSig after the height so a miner can vary the merkle root. The scriptSig is always
// 2..100 bytes.
Transaction make_coinbase(int height, Amount value, const Bytes& payout_script,
                          uint64_t extra_nonce = 0);

}  // namespace ac
