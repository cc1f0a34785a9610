#include "chain/merkle.hpp"

#include <array>
#include <cstring>
#include <vector>

#include "chain/hash.hpp"

namespace ac {

namespace {

Hash256 hash_pair(const Hash256& left, const Hash256& right) {
  std::array<uint8_t, 64> joined;
  std::memcpy(joined.data(), left.data.data(), 32);
  std::memcpy(joined.data() + 32, right.data.data(), 32);
  return sha256d(joined);
}

}  // namespace

Hash256 merkle_root(std::span<const Hash256> leaves, bool* mutated) {
  bool found_mutation = false;
  std::vector<Hash256> level(leaves.begin(), leaves.end());
  while (level.size() > 1) {
    // Checked before the odd-length duplication: that copy is the rule, not a malleation.
    for (size_t i = 0; i + 1 < level.size(); i += 2) {
      if (level[i] == level[i + 1]) found_mutation = true;
    }
    if (level.size() % 2 != 0) level.push_back(level.back());
    for (size_t i = 0; i < level.size() / 2; ++i)
      level[i] = hash_pair(level[2 * i], level[2 * i + 1]);
    level.resize(level.size() / 2);
  }
  if (mutated != nullptr) *mutated = found_mutation;
  return level.empty() ? Hash256{} : level.front();
}

}  // namespace ac
