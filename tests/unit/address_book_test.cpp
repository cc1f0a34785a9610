#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "net/address_book.hpp"
#include "net/address_book_file.hpp"

namespace ac::net {
namespace {

constexpr int64_t kNow = 1'800'000'000;

NetAddress address(int n, uint16_t port = 8333) {
  auto parsed =
      NetAddress::from_host("10." + std::to_string(n / 65536 % 256) + "." +
                                std::to_string(n / 256 % 256) + "." + std::to_string(n % 256),
                            port, kNodeNetwork);
  return *parsed;
}

auto anything = [](const AddressInfo&) { return true; };

TEST(AddressBook, LearnsAnAddressOnceAndRefreshesItsLastSeen) {
  AddressBook book;
  std::mt19937_64 random(1);
  EXPECT_TRUE(book.add(address(1), kNow - 100, kNow, random));
  EXPECT_FALSE(book.add(address(1), kNow - 10, kNow, random));
  ASSERT_EQ(book.size(), 1u);
  EXPECT_EQ(book.find("10.0.0.1:8333")->last_seen, kNow - 10);
  // A timestamp from the future is taken as now.
  book.add(address(1), kNow + 5'000, kNow, random);
  EXPECT_EQ(book.find("10.0.0.1:8333")->last_seen, kNow);
}

TEST(AddressBook, RefusesPortZeroAndTheUnspecifiedAddress) {
  AddressBook book;
  std::mt19937_64 random(1);
  EXPECT_FALSE(book.add(address(1, 0), kNow, kNow, random));
  EXPECT_FALSE(book.add(*NetAddress::from_host("0.0.0.0", 8333), kNow, kNow, random));
  EXPECT_FALSE(book.add(*NetAddress::from_host("::", 8333), kNow, kNow, random));
  EXPECT_EQ(book.size(), 0u);
}

TEST(AddressBook, StaysWithinItsCapacityAndKeepsPinnedAddresses) {
  AddressBook book(100);
  std::mt19937_64 random(2);
  book.pin(address(0), kNow, random);
  for (int n = 1; n <= 1'000; ++n) book.add(address(n), kNow - n, kNow, random);
  EXPECT_EQ(book.size(), 100u);
  ASSERT_NE(book.find(address(0).endpoint()), nullptr);
  EXPECT_TRUE(book.find(address(0).endpoint())->pinned);
}

TEST(AddressBook, EvictsTerribleAddressesFirst) {
  AddressBook book(50);
  std::mt19937_64 random(3);
  for (int n = 0; n < 50; ++n) book.add(address(n), kNow, kNow, random);
  // Addresses 0..24 never answered three dials: terrible once a minute has passed.
  for (int n = 0; n < 25; ++n)
    for (int tries = 0; tries < 3; ++tries) book.attempt(address(n).endpoint(), kNow);
  for (int n = 100; n < 120; ++n) book.add(address(n), kNow + 120, kNow + 120, random);
  int good_left = 0;
  for (int n = 25; n < 50; ++n) good_left += book.find(address(n).endpoint()) ? 1 : 0;
  // Each eviction looks at 8 random entries, half of them terrible: a good one goes only when
  // all 8 are good (1 in 256 per eviction).
  EXPECT_GE(good_left, 24);
}

TEST(AddressBook, RetriesAFailedAddressAfterADelayDoublingToAMinute) {
  AddressBook book;
  std::mt19937_64 random(4);
  book.add(address(1), kNow, kNow, random);
  std::string endpoint = address(1).endpoint();
  std::vector<int64_t> delays;
  int64_t now = kNow;
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(book.select(now, random, anything).has_value()) << i;
    book.attempt(endpoint, now);
    int64_t delay = book.find(endpoint)->retry_delay();
    delays.push_back(delay);
    EXPECT_FALSE(book.select(now + delay - 1, random, anything).has_value());
    now += delay;
  }
  EXPECT_EQ(delays, (std::vector<int64_t>{1, 2, 4, 8, 16, 32, 60, 60, 60}));
  book.good(endpoint, now);
  EXPECT_EQ(book.find(endpoint)->retry_delay(), 0);
  EXPECT_EQ(book.find(endpoint)->last_success, now);
}

TEST(AddressBook, SelectionPrefersAddressesThatWorkedAndSpreadsOverAll) {
  AddressBook book;
  std::mt19937_64 random(5);
  for (int n = 0; n < 20; ++n) book.add(address(n), kNow, kNow, random);
  for (int n = 0; n < 5; ++n) book.good(address(n).endpoint(), kNow);
  std::map<std::string, int> picks;
  for (int i = 0; i < 20'000; ++i) ++picks[book.select(kNow, random, anything)->endpoint()];
  EXPECT_EQ(picks.size(), 20u);  // every address gets its turn
  int worked = 0;
  for (int n = 0; n < 5; ++n) worked += picks[address(n).endpoint()];
  // Weight 4 for each of 5 that worked against 1 for each of 15 others: 20/35 of the picks.
  EXPECT_NEAR(worked / 20'000.0, 20.0 / 35.0, 0.03);
}

TEST(AddressBook, SelectionAvoidsAddressesDialledInTheLastTenMinutes) {
  AddressBook book;
  std::mt19937_64 random(11);
  for (int n = 0; n < 2; ++n) book.add(address(n), kNow, kNow, random);
  // Address 0 worked a minute ago (an outbound peer that then dropped us).
  book.attempt(address(0).endpoint(), kNow - 60);
  book.good(address(0).endpoint(), kNow - 60);
  int recent = 0;
  for (int i = 0; i < 10'000; ++i)
    recent += book.select(kNow, random, anything)->endpoint() == address(0).endpoint() ? 1 : 0;
  // Weight 4 x 0.01 against 1: about 4 % of the picks.
  EXPECT_NEAR(recent / 10'000.0, 0.04 / 1.04, 0.01);
  // Ten minutes on, it is preferred again.
  recent = 0;
  for (int i = 0; i < 10'000; ++i)
    recent += book.select(kNow + 600, random, anything)->endpoint() == address(0).endpoint();
  EXPECT_NEAR(recent / 10'000.0, 0.8, 0.02);
}

TEST(AddressBook, SelectionSkipsWhatTheCallerExcludes) {
  AddressBook book;
  std::mt19937_64 random(6);
  book.add(address(1), kNow, kNow, random);
  book.add(address(2), kNow, kNow, random);
  auto not_one = [](const AddressInfo& info) { return info.endpoint() != "10.0.0.1:8333"; };
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(book.select(kNow, random, not_one)->endpoint(), "10.0.0.2:8333");
  auto nothing = [](const AddressInfo&) { return false; };
  EXPECT_FALSE(book.select(kNow, random, nothing).has_value());
}

TEST(AddressBook, SampleIsBoundedAndLeavesTerribleAddressesOut) {
  AddressBook book;
  std::mt19937_64 random(7);
  for (int n = 0; n < 2'000; ++n) book.add(address(n), kNow, kNow, random);
  EXPECT_EQ(book.sample(kMaxAddressesPerAnswer, kNow, random).size(), 1'000u);
  book.add(address(5'000), kNow - 40 * 24 * 3600, kNow, random);  // unheard of for 40 days
  for (const AddressInfo& info : book.sample(5'000, kNow, random))
    EXPECT_NE(info.endpoint(), address(5'000).endpoint());
}

TEST(AddressBook, EncodesAndDecodesWithoutPins) {
  AddressBook book;
  std::mt19937_64 random(8);
  book.pin(address(1), kNow, random);
  book.add(address(2), kNow - 7, kNow, random);
  book.attempt(address(2).endpoint(), kNow);
  book.good(address(1).endpoint(), kNow + 3);
  auto decoded = AddressBook::decode(book.encode());
  ASSERT_TRUE(decoded) << decoded.error().message();
  ASSERT_EQ(decoded->size(), 2u);
  const AddressInfo* one = decoded->find(address(1).endpoint());
  const AddressInfo* two = decoded->find(address(2).endpoint());
  ASSERT_TRUE(one && two);
  EXPECT_EQ(one->last_success, kNow + 3);
  EXPECT_FALSE(one->pinned);
  EXPECT_EQ(two->last_seen, kNow - 7);
  EXPECT_EQ(two->attempts, 1u);
  EXPECT_EQ(two->last_attempt, kNow);
}

TEST(AddressBook, DecodeRefusesDamage) {
  AddressBook book;
  std::mt19937_64 random(9);
  book.add(address(1), kNow, kNow, random);
  Bytes bytes = book.encode();
  for (size_t at : {size_t{0}, size_t{12}, bytes.size() / 2, bytes.size() - 1}) {
    Bytes damaged = bytes;
    damaged[at] ^= 0x40;
    auto decoded = AddressBook::decode(damaged);
    ASSERT_FALSE(decoded) << at;
    EXPECT_EQ(decoded.reason(), "peers-corrupt");
  }
  EXPECT_EQ(AddressBook::decode(ByteSpan(bytes.data(), 20)).reason(), "peers-corrupt");
}

TEST(AddressBookFile, SavesAtomicallyAndLoadsBack) {
  auto directory =
      std::filesystem::temp_directory_path() / ("address_book_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  auto path = directory / "peers.dat";
  auto missing = load_address_book(path);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->size(), 0u);
  AddressBook book;
  std::mt19937_64 random(10);
  for (int n = 0; n < 300; ++n) book.add(address(n), kNow, kNow, random);
  ASSERT_TRUE(save_address_book(path, book));
  auto loaded = load_address_book(path);
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(loaded->size(), 300u);
  // Nothing but peers.dat is left in the folder (no temp file).
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(directory),
                          std::filesystem::directory_iterator()),
            1);
  { std::ofstream(path, std::ios::binary | std::ios::trunc) << "garbage"; }
  EXPECT_EQ(load_address_book(path).reason(), "peers-corrupt");
  std::filesystem::remove_all(directory);
}

}  // namespace
}  // namespace ac::net
