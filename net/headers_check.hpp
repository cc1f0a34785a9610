// The checks a `headers` message gets before its blocks are fetched (BIP130 announcements and
// getheaders answers): each header follows the one before it, and each carries the proof of
// work its bits claim, within the network's limit. Whether the first one connects to a chain
// we know is the caller's question. Pure.
#pragma once

#include <vector>

#include "chain/block.hpp"
#include "chain/params.hpp"
#include "chain/result.hpp"

namespace ac::net {

// Reasons: "too-many-headers" (over kMaxHeadersPerMessage, kind kInvalid),
// "non-continuous-headers" (a header whose parent is not the header before it, kInvalid),
// "bad-bits" and "high-hash" (chain/pow.hpp, kInvalidHeader), each with the header's hash as
// detail.
Status check_headers(const std::vector<BlockHeader>& headers, const ChainParams& params);

}  // namespace ac::net
