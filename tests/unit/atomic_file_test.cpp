#include "chain/atomic_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace ac {
namespace {

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("atomic_file_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  size_t entries() const {
    return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(dir_),
                                             std::filesystem::directory_iterator()));
  }

  std::filesystem::path dir_;
};

TEST_F(AtomicFileTest, ReplacesTheOldContentsAndLeavesNoTemporaryFile) {
  const auto path = dir_ / "file";
  ASSERT_TRUE(write_file_atomically(path, as_span("first, longer contents"), "test-failed"));
  ASSERT_TRUE(write_file_atomically(path, as_span("second"), "test-failed"));
  EXPECT_EQ(read(path), "second");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicFileTest, CreatesTheFileReadableByItsOwnerOnly) {
  const auto path = dir_ / "secret";
  ASSERT_TRUE(write_file_atomically(path, as_span("key"), "test-failed"));
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(AtomicFileTest, AFailureCarriesTheCallersReasonAndTheStep) {
  const auto path = dir_ / "missing-directory" / "file";
  Status status = write_file_atomically(path, as_span("x"), "test-failed");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.reason(), "test-failed");
  EXPECT_NE(status.error().message().find("create temp file in"), std::string::npos)
      << status.error().message();
}

TEST_F(AtomicFileTest, ARenameOntoADirectoryFailsAndRemovesTheTemporaryFile) {
  const auto path = dir_ / "occupied";
  std::filesystem::create_directories(path / "child");
  Status status = write_file_atomically(path, as_span("x"), "test-failed");
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message().find("rename onto"), std::string::npos)
      << status.error().message();
  EXPECT_EQ(entries(), 1u);  // only the directory that was in the way
}

}  // namespace
}  // namespace ac
