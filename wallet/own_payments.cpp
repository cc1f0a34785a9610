#include "wallet/own_payments.hpp"

#include <algorithm>

#include "chain/hash.hpp"
#include "chain/script.hpp"

namespace ac::wallet {

bool spends_from(const Transaction& tx, const std::unordered_set<Hash160>& keys) {
  return std::any_of(tx.inputs.begin(), tx.inputs.end(), [&](const TxIn& input) {
    std::optional<P2pkhSpend> spend = parse_p2pkh_script_sig(input.script_sig);
    return spend && keys.contains(hash160(spend->pubkey));
  });
}

std::vector<OutPoint> unrecorded_spends(const Transaction& tx, const Hash256& txid,
                                        const std::vector<PendingSpend>& pending) {
  std::vector<OutPoint> out;
  for (const TxIn& input : tx.inputs) {
    bool recorded = std::any_of(pending.begin(), pending.end(), [&](const PendingSpend& spend) {
      return spend.outpoint == input.prevout && spend.spending_txid == txid;
    });
    if (!recorded) out.push_back(input.prevout);
  }
  return out;
}

std::unordered_set<Hash256> with_pending_descendants(const Hash256& root,
                                                     const std::vector<PendingSpend>& pending) {
  std::unordered_set<Hash256> out{root};
  for (bool grew = true; grew;) {
    grew = false;
    for (const PendingSpend& spend : pending)
      if (out.contains(spend.outpoint.txid) && out.insert(spend.spending_txid).second) grew = true;
  }
  return out;
}

}  // namespace ac::wallet
