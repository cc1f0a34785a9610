// mempool.dat's codec (chain/mempool_file.hpp): what is written reads back the same, in order,
// and every damaged form is refused with a reason, never a crash.
#include <gtest/gtest.h>

#include <random>

#include "chain/hash.hpp"
#include "chain/mempool_file.hpp"

namespace ac {
namespace {

Transaction sample_tx(uint8_t tag, size_t outputs) {
  Transaction tx;
  OutPoint prevout;
  prevout.txid.data[0] = tag;
  prevout.index = tag;
  tx.inputs.push_back(TxIn{prevout, Bytes{0x51, tag}, 0xfffffffe});
  for (size_t i = 0; i < outputs; ++i)
    tx.outputs.push_back(TxOut{1000 * static_cast<Amount>(i + 1), Bytes{0x76, 0xa9, tag}});
  tx.lock_time = tag;
  return tx;
}

std::vector<SavedMempoolTx> sample_entries() {
  std::vector<SavedMempoolTx> entries;
  for (uint8_t tag = 1; tag <= 5; ++tag)
    entries.push_back({sample_tx(tag, tag), 1'700'000'000 + tag * 60});
  return entries;
}

// The file with its checksum recomputed after `edit` changed its body.
Bytes with_new_checksum(Bytes file) {
  file.resize(file.size() - 32);
  const Hash256 checksum = sha256d(file);
  file.insert(file.end(), checksum.begin(), checksum.end());
  return file;
}

TEST(MempoolFile, RoundTripsEntriesInOrder) {
  const std::vector<SavedMempoolTx> entries = sample_entries();
  auto decoded = decode_mempool_file(encode_mempool_file(entries));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message();
  EXPECT_EQ(*decoded, entries);
}

TEST(MempoolFile, RoundTripsAnEmptyPool) {
  auto decoded = decode_mempool_file(encode_mempool_file({}));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message();
  EXPECT_TRUE(decoded->empty());
}

TEST(MempoolFile, RefusesEveryTruncation) {
  const Bytes file = encode_mempool_file(sample_entries());
  for (size_t size = 0; size < file.size(); ++size) {
    auto decoded = decode_mempool_file(ByteSpan(file.data(), size));
    ASSERT_FALSE(decoded.ok()) << "accepted the first " << size << " bytes";
    EXPECT_EQ(decoded.reason(), "mempool-file-corrupt");
  }
}

TEST(MempoolFile, RefusesABadChecksum) {
  Bytes file = encode_mempool_file(sample_entries());
  file[20] ^= 0x01;
  auto decoded = decode_mempool_file(file);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().message(), "mempool-file-corrupt: bad checksum");
}

TEST(MempoolFile, RefusesABadMagic) {
  Bytes file = encode_mempool_file(sample_entries());
  file[0] = 'X';
  auto decoded = decode_mempool_file(with_new_checksum(file));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().message(), "mempool-file-corrupt: bad magic");
}

TEST(MempoolFile, RefusesANewerVersion) {
  Bytes file = encode_mempool_file(sample_entries());
  file[8] = static_cast<uint8_t>(kMempoolFileVersion + 1);  // the version follows the magic
  auto decoded = decode_mempool_file(with_new_checksum(file));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.reason(), "mempool-file-version-unsupported");
}

TEST(MempoolFile, RefusesTrailingBytesAndAnOverstatedCount) {
  Bytes file = encode_mempool_file(sample_entries());
  Bytes trailing = file;
  trailing.insert(trailing.end() - 32, 0x00);
  EXPECT_EQ(decode_mempool_file(with_new_checksum(trailing)).reason(), "mempool-file-corrupt");
  Bytes overstated = file;
  overstated[12] = 6;  // the count (5) follows the version
  EXPECT_EQ(decode_mempool_file(with_new_checksum(overstated)).reason(), "mempool-file-corrupt");
  Bytes huge = file;
  huge[12] = 0xff;  // a CompactSize promising 2^64 - 1 entries
  EXPECT_EQ(decode_mempool_file(with_new_checksum(huge)).reason(), "mempool-file-corrupt");
}

// A deterministic fuzzer's worth of damaged files (fuzz/mempool_file.cpp explores further):
// each is refused or decodes to something that encodes back to the same bytes.
TEST(MempoolFile, GarbageIsRefusedOrRoundTrips) {
  std::mt19937 random(20261207);
  const Bytes valid = encode_mempool_file(sample_entries());
  for (int i = 0; i < 5000; ++i) {
    Bytes input;
    if (i % 3 == 0) {
      input.resize(random() % 200);
      for (uint8_t& byte : input) byte = static_cast<uint8_t>(random());
    } else {
      input = valid;
      for (int edits = 1 + static_cast<int>(random() % 3); edits > 0; --edits) {
        const size_t at = random() % (input.size() - 32);
        if (random() % 4 == 0)
          input.erase(input.begin() + static_cast<long>(at));
        else
          input[at] = static_cast<uint8_t>(random());
      }
      if (i % 3 == 1) input = with_new_checksum(input);  // past the checksum, into the parser
    }
    auto decoded = decode_mempool_file(input);
    if (!decoded) {
      EXPECT_FALSE(decoded.reason().empty());
      continue;
    }
    EXPECT_EQ(encode_mempool_file(*decoded), input);
  }
}

}  // namespace
}  // namespace ac
