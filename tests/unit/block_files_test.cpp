#include "chain/block_files.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "tests/unit/chain_fixture.hpp"

namespace ac {
namespace {

Bytes record(uint8_t tag, size_t size) {
  Bytes bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(tag + i);
  return bytes;
}

class BlockFilesTest : public ::testing::Test {
 protected:
  std::unique_ptr<FlatFiles> open(uint64_t max_file_bytes = kMaxFlatFileBytes) {
    auto files = FlatFiles::open(dir_, "blk", kBlockFileMagic, max_file_bytes);
    EXPECT_TRUE(files.ok()) << files.error().message();
    return files ? std::move(files.value()) : nullptr;
  }

  chain_test::TempDir tmp_;
  // Not yet created: FlatFiles::open makes it.
  std::filesystem::path dir_ = tmp_.path() / "blocks";
};

TEST(FilePosCodec, RoundTripsAndRejectsTruncationAndTrailingBytes) {
  const FilePos pos{3, 0x12345678, 999};
  const Bytes bytes = encode_file_pos(pos);
  EXPECT_EQ(bytes.size(), 12u);
  EXPECT_EQ(decode_file_pos(bytes).value(), pos);
  for (size_t n = 0; n < bytes.size(); ++n)
    EXPECT_FALSE(decode_file_pos(ByteSpan(bytes.data(), n)).ok()) << n;
  Bytes longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(decode_file_pos(longer).ok());
}

TEST_F(BlockFilesTest, AppendsFramedRecordsAndReadsThemBackAfterReopen) {
  std::vector<std::pair<FilePos, Bytes>> written;
  {
    auto files = open();
    ASSERT_TRUE(files);
    for (uint8_t tag = 0; tag < 5; ++tag) {
      Bytes payload = record(tag, 100 + tag);
      auto pos = files->append(payload);
      ASSERT_TRUE(pos.ok()) << pos.error().message();
      written.emplace_back(*pos, payload);
    }
    EXPECT_EQ(written[0].first, (FilePos{0, 0, 100}));
    EXPECT_EQ(written[1].first, (FilePos{0, 108, 101}));
    ASSERT_TRUE(files->sync().ok());
    for (const auto& [pos, payload] : written) EXPECT_EQ(files->read(pos).value(), payload);
  }
  EXPECT_TRUE(std::filesystem::exists(dir_ / "blk00000.dat"));
  auto files = open();
  ASSERT_TRUE(files);
  for (const auto& [pos, payload] : written) EXPECT_EQ(files->read(pos).value(), payload);
  // A reopened series appends after what is there.
  auto pos = files->append(record(9, 10));
  ASSERT_TRUE(pos.ok());
  EXPECT_EQ(pos->offset, written.back().first.offset + 8 + written.back().first.size);
  EXPECT_EQ(files->read(*pos).value(), record(9, 10));
}

TEST_F(BlockFilesTest, StartsANewFileOnceTheCurrentWouldPassItsBound) {
  auto files = open(/*max_file_bytes=*/250);
  ASSERT_TRUE(files);
  std::vector<FilePos> positions;
  for (uint8_t tag = 0; tag < 5; ++tag)
    positions.push_back(files->append(record(tag, 100)).value());
  // 108 bytes a frame: two fit in 250.
  EXPECT_EQ(positions[0].file, 0u);
  EXPECT_EQ(positions[1].file, 0u);
  EXPECT_EQ(positions[2], (FilePos{1, 0, 100}));
  EXPECT_EQ(positions[4].file, 2u);
  // A record larger than the bound still goes in, alone in its file.
  FilePos big = files->append(record(7, 400)).value();
  EXPECT_EQ(big, (FilePos{3, 0, 400}));
  EXPECT_TRUE(files->sync().ok());
  for (uint8_t tag = 0; tag < 5; ++tag)
    EXPECT_EQ(files->read(positions[tag]).value(), record(tag, 100));
  EXPECT_EQ(files->read(big).value(), record(7, 400));
  files.reset();
  auto reopened = open(250);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->append(record(8, 10)).value().file, 4u);  // file 3 is full
}

TEST_F(BlockFilesTest, AWrongPositionOrMissingFileIsAnErrorNotData) {
  auto files = open();
  ASSERT_TRUE(files);
  FilePos pos = files->append(record(1, 50)).value();
  ASSERT_TRUE(files->append(record(2, 50)).ok());
  FilePos shifted = pos;
  shifted.offset += 1;
  EXPECT_EQ(files->read(shifted).reason(), "block-files-bad-frame");
  FilePos other_size = pos;
  other_size.size = 49;
  EXPECT_EQ(files->read(other_size).reason(), "block-files-bad-frame");
  FilePos past_end = pos;
  past_end.size = 200;
  EXPECT_EQ(files->read(past_end).reason(), "block-files-read-failed");
  FilePos huge = pos;
  huge.size = kMaxFlatRecordBytes + 1;
  EXPECT_EQ(files->read(huge).reason(), "block-files-bad-frame");
  EXPECT_EQ(files->read(FilePos{7, 0, 10}).reason(), "block-files-read-failed");
}

// A process killed in the middle of an append leaves a torn tail no position points to: the
// next open writes after it, and a scan skips it.
TEST_F(BlockFilesTest, ATornTailIsSkippedByReadsAppendsAndScans) {
  FilePos first;
  {
    auto files = open();
    ASSERT_TRUE(files);
    first = files->append(record(1, 40)).value();
  }
  {
    std::ofstream tail(dir_ / "blk00000.dat", std::ios::binary | std::ios::app);
    const char torn[] = {'\xac', 'b', 'l', 'k', 100, 0, 0, 0, 1, 2, 3};
    tail.write(torn, sizeof torn);
  }
  auto files = open();
  ASSERT_TRUE(files);
  FilePos second = files->append(record(2, 30)).value();
  EXPECT_EQ(second.offset, 48u + 11u);
  EXPECT_EQ(files->read(first).value(), record(1, 40));
  EXPECT_EQ(files->read(second).value(), record(2, 30));
  std::vector<std::pair<uint64_t, Bytes>> scanned;
  ASSERT_TRUE(scan_flat_file(dir_ / "blk00000.dat", kBlockFileMagic,
                             [&](uint64_t offset, ByteSpan payload) {
                               scanned.emplace_back(offset, Bytes(payload.begin(), payload.end()));
                             })
                  .ok());
  ASSERT_EQ(scanned.size(), 2u);
  EXPECT_EQ(scanned[0], (std::pair<uint64_t, Bytes>{0, record(1, 40)}));
  EXPECT_EQ(scanned[1], (std::pair<uint64_t, Bytes>{second.offset, record(2, 30)}));
}

// Readers on other threads read published positions while the writer appends and rolls over
// to new files.
TEST_F(BlockFilesTest, ReadsFromOtherThreadsWhileTheWriterAppends) {
  auto files = open(/*max_file_bytes=*/4096);
  ASSERT_TRUE(files);
  constexpr size_t kRecords = 2000;
  std::vector<FilePos> positions(kRecords);
  std::atomic<size_t> published{0};
  std::atomic<size_t> mismatches{0};
  auto read_back = [&] {
    size_t checked = 0;
    while (checked < kRecords) {
      const size_t ready = published.load(std::memory_order_acquire);
      for (; checked < ready; ++checked) {
        auto bytes = files->read(positions[checked]);
        if (!bytes || *bytes != record(static_cast<uint8_t>(checked), 64 + checked % 64))
          mismatches.fetch_add(1);
      }
      if (checked < ready || ready < kRecords) std::this_thread::yield();
    }
  };
  std::thread reader_a(read_back), reader_b(read_back);
  for (size_t i = 0; i < kRecords; ++i) {
    auto pos = files->append(record(static_cast<uint8_t>(i), 64 + i % 64));
    ASSERT_TRUE(pos.ok());
    positions[i] = *pos;
    published.store(i + 1, std::memory_order_release);
  }
  reader_a.join();
  reader_b.join();
  EXPECT_EQ(mismatches.load(), 0u);
  EXPECT_GT(positions.back().file, 20u);  // more files than the readers keep open
}

}  // namespace
}  // namespace ac
