// Which transactions are the wallet's own payments (Core's "from me"), told from the
// transactions alone: one of its inputs is signed by a key of the wallet (a P2PKH scriptSig
// whose public key hashes to one of the wallet's keys). The wallet actor uses it for the
// transactions a reorganisation takes out of the chain: its own become pending payments again.
// Pure functions, no I/O.
#pragma once

#include <unordered_set>
#include <vector>

#include "chain/transaction.hpp"
#include "chain/uint256.hpp"
#include "wallet/wallet_file.hpp"

namespace ac::wallet {

// True when an input of `tx` is signed by one of `keys` (pubkey hashes).
bool spends_from(const Transaction& tx, const std::unordered_set<Hash160>& keys);

// The inputs of `tx` (spent by `txid`) that `pending` does not record yet.
std::vector<OutPoint> unrecorded_spends(const Transaction& tx, const Hash256& txid,
                                        const std::vector<PendingSpend>& pending);

// `root` and every transaction whose pending spends descend from it (spend an output of it, or
// of such a one): abandoning a payment abandons the payments that spent its change.
std::unordered_set<Hash256> with_pending_descendants(const Hash256& root,
                                                     const std::vector<PendingSpend>& pending);

}  // namespace ac::wallet
