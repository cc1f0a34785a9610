#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "chain/params.hpp"
#include "chain/pow.hpp"
#include "chain/pow_search.hpp"

namespace ac {
namespace {

BlockHeader sample_header(uint32_t bits) {
  BlockHeader header;
  header.version = 1;
  header.prev_block =
      *Hash256::from_hex("000000000002d01c1fccc21636b607dfd930d31d01c3a62104612a1719011250");
  header.merkle_root =
      *Hash256::from_hex("f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766");
  header.time = 1293623863;
  header.bits = bits;
  header.nonce = 0;
  return header;
}

TEST(HeaderHasher, MidstateHashEqualsPlainHeaderHash) {
  BlockHeader header = sample_header(0x1b04864c);
  const HeaderHasher hasher(header);
  for (uint32_t nonce : {0u, 1u, 274148111u, 0xffffffffu}) {
    header.nonce = nonce;
    EXPECT_EQ(hasher.hash(nonce), header.hash()) << nonce;
  }
}

TEST(HeaderHasher, ReproducesMainnetBlock100000Hash) {
  const HeaderHasher hasher(sample_header(0x1b04864c));
  EXPECT_EQ(hasher.hash(274148111).hex(),
            "000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506");
}

TEST(PowSearch, FindsHeaderMeetingTarget) {
  const ChainParams params = demo_params();
  const Arith256 target = *target_from_compact(params.block_bits);
  std::atomic<bool> cancel{false};
  const PowSearchResult result =
      search_proof_of_work(sample_header(params.block_bits), target, {}, cancel);
  ASSERT_TRUE(result.header);
  EXPECT_TRUE(check_proof_of_work(result.header->hash(), params.block_bits, params));
  EXPECT_EQ(result.hashes_tried, uint64_t{result.header->nonce} + 1);
}

TEST(PowSearch, FindsHeaderWithSeveralThreads) {
  const ChainParams params = demo_params();
  const Arith256 target = *target_from_compact(params.block_bits);
  std::atomic<bool> cancel{false};
  PowSearchOptions options;
  options.threads = 3;
  const PowSearchResult result =
      search_proof_of_work(sample_header(params.block_bits), target, options, cancel);
  ASSERT_TRUE(result.header);
  EXPECT_TRUE(check_proof_of_work(result.header->hash(), params.block_bits, params));
  EXPECT_GE(result.hashes_tried, 1u);
}

TEST(PowSearch, CancelledBeforeStartReturnsNothing) {
  std::atomic<bool> cancel{true};
  const PowSearchResult result =
      search_proof_of_work(sample_header(0x207fffff), *target_from_compact(0x207fffff), {}, cancel);
  EXPECT_FALSE(result.header);
  EXPECT_EQ(result.hashes_tried, 0u);
}

TEST(PowSearch, CancelFromAnotherThreadStopsSearch) {
  // A zero target can only be met by a zero hash: the search runs until cancelled.
  std::atomic<bool> cancel{false};
  PowSearchResult result;
  std::thread miner([&] {
    PowSearchOptions options;
    options.threads = 2;
    result = search_proof_of_work(sample_header(0x207fffff), Arith256{}, options, cancel);
  });
  cancel = true;
  miner.join();
  EXPECT_FALSE(result.header);
}

TEST(PowSearch, RefreshesHeaderWhenNonceSpaceIsExhausted) {
  std::atomic<bool> cancel{false};
  PowSearchOptions options;
  options.max_nonce = 15;
  options.threads = 2;
  std::vector<uint32_t> refreshed_times;
  const PowSearchResult result = search_proof_of_work(sample_header(0x207fffff), Arith256{},
                                                      options, cancel, [&](BlockHeader& header) {
                                                        refreshed_times.push_back(header.time);
                                                        ++header.time;
                                                        if (refreshed_times.size() == 3)
                                                          cancel = true;
                                                      });
  EXPECT_FALSE(result.header);
  EXPECT_EQ(refreshed_times, (std::vector<uint32_t>{1293623863, 1293623864, 1293623865}));
  EXPECT_EQ(result.hashes_tried, 3u * 16u);
}

TEST(PowSearch, RefreshedHeaderIsTheOneReturned) {
  // Nonces 0..0 never meet an impossible target, so success needs the refreshed header.
  std::atomic<bool> cancel{false};
  PowSearchOptions options;
  options.max_nonce = 0;
  const Arith256 easy = *target_from_compact(0x207fffff);
  BlockHeader start = sample_header(0x207fffff);
  int refreshes = 0;
  const PowSearchResult result =
      search_proof_of_work(start, easy, options, cancel, [&](BlockHeader& header) {
        ++refreshes;
        ++header.time;
      });
  ASSERT_TRUE(result.header);
  EXPECT_EQ(result.header->time, start.time + static_cast<uint32_t>(refreshes));
  EXPECT_EQ(result.header->nonce, 0u);
  EXPECT_LE(Arith256::from_hash(result.header->hash()), easy);
}

}  // namespace
}  // namespace ac
