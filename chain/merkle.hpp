// Bitcoin's merkle tree over transaction ids: levels of odd length duplicate their last hash.
#pragma once

#include <span>

#include "chain/block.hpp"
#include "chain/uint256.hpp"

namespace ac {

// The merkle root of `leaves` (zero hash for none). `mutated` (if given) is set when two
// identical adjacent hashes were paired: the CVE-2012-2459 malleation, where a different list
// of transactions yields the same root; such a block must be rejected, not marked invalid.
Hash256 merkle_root(std::span<const Hash256> leaves, bool* mutated = nullptr);

}  // namespace ac
