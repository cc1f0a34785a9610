#include "net/headers_check.hpp"

#include "chain/pow.hpp"
#include "net/messages.hpp"

namespace ac::net {

Status check_headers(const std::vector<BlockHeader>& headers, const ChainParams& params) {
  if (headers.size() > kMaxHeadersPerMessage)
    return make_error(ErrorKind::kInvalid, "too-many-headers");
  for (size_t i = 0; i < headers.size(); ++i) {
    const Hash256 hash = headers[i].hash();
    if (i > 0 && headers[i].prev_block != headers[i - 1].hash())
      return make_error(ErrorKind::kInvalid, "non-continuous-headers", hash.hex());
    if (Status work = check_proof_of_work(hash, headers[i].bits, params); !work)
      return make_error(work.kind(), work.reason(), hash.hex());
  }
  return Status::success();
}

}  // namespace ac::net
