// net::check_headers: what a headers message must be before its blocks are fetched.
#include "net/headers_check.hpp"

#include <gtest/gtest.h>

#include "chain/pow.hpp"
#include "net/messages.hpp"
#include "tests/unit/mined_header.hpp"

namespace ac::net {
namespace {

using test::mined_header;

std::vector<BlockHeader> chain_of(size_t count) {
  std::vector<BlockHeader> headers;
  Hash256 prev;
  for (size_t i = 0; i < count; ++i) {
    headers.push_back(mined_header(prev, static_cast<uint32_t>(i)));
    prev = headers.back().hash();
  }
  return headers;
}

TEST(CheckHeaders, AContinuousSequenceWithItsWorkPassesAndSoDoesNone) {
  EXPECT_TRUE(check_headers(chain_of(5), quick_params()));
  EXPECT_TRUE(check_headers({}, quick_params()));
}

TEST(CheckHeaders, AGapIsNonContinuousAndInvalid) {
  auto headers = chain_of(3);
  headers.erase(headers.begin() + 1);
  Status checked = check_headers(headers, quick_params());
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.reason(), "non-continuous-headers");
  EXPECT_EQ(checked.kind(), ErrorKind::kInvalid);
  EXPECT_EQ(checked.error().detail, headers[1].hash().hex());
}

TEST(CheckHeaders, AHeaderWithoutItsWorkOrWithBitsEasierThanTheLimitIsAnInvalidHeader) {
  auto headers = chain_of(2);
  while (check_proof_of_work(headers[1].hash(), headers[1].bits, quick_params()))
    ++headers[1].nonce;
  Status checked = check_headers(headers, quick_params());
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.reason(), "high-hash");
  EXPECT_EQ(checked.kind(), ErrorKind::kInvalidHeader);

  auto easy = chain_of(1);
  easy[0].bits = 0x2100ffff;  // above the regtest/quick limit
  checked = check_headers(easy, quick_params());
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.reason(), "bad-bits");
}

TEST(CheckHeaders, MoreThanOneMessageMayCarryIsRefused) {
  std::vector<BlockHeader> headers(kMaxHeadersPerMessage + 1);
  Status checked = check_headers(headers, quick_params());
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.reason(), "too-many-headers");
}

}  // namespace
}  // namespace ac::net
