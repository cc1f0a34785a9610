#include "actors/address_book_actor.hpp"

#include <caf/all.hpp>

#include <unistd.h>

#include <ctime>
#include <filesystem>

#include "test_support.hpp"

namespace ac::actors {
namespace {

using testing::ActorSystemTest;

net::TimestampedAddress entry(const std::string& endpoint) {
  return net::TimestampedAddress{static_cast<uint32_t>(std::time(nullptr)),
                                 *net::NetAddress::from_endpoint(endpoint, net::kNodeNetwork)};
}

struct AddressBookActorTest : ActorSystemTest {
  std::filesystem::path directory = std::filesystem::temp_directory_path() /
                                    ("AddressBookActor_test_" + std::to_string(::getpid()));
  AddressBookActorTest() { std::filesystem::create_directories(directory); }
  ~AddressBookActorTest() override { std::filesystem::remove_all(directory); }

  AddressBookActor spawn(bool persisted) {
    AddressBookConfig config;
    if (persisted) config.path = directory / "peers.dat";
    config.own_endpoints = {"127.0.0.1:9000"};
    config.log = testing::captured_log();
    return spawn_address_book(*system, config);
  }
  template <class Reply, class... Ts>
  Reply ask_book(const AddressBookActor& book, Ts&&... args) {
    Reply out{};
    (*self)
        ->request(book, std::chrono::seconds(10), std::forward<Ts>(args)...)
        .receive([&](Reply& reply) { out = std::move(reply); },
                 [&](caf::error& error) { ADD_FAILURE() << system->render(error); });
    return out;
  }
  void stop(const AddressBookActor& book) {
    (*self)->monitor(book);
    caf::anon_send_exit(book, caf::exit_reason::user_shutdown);
    (*self)->receive([](const caf::down_msg&) {});
  }
};

TEST_F(AddressBookActorTest, LearnsNewAddressesOnceAndNeverItsOwn) {
  auto book = spawn(false);
  auto fresh = ask_book<AddressList>(
      book, LearnAddresses{AddressList{entry("127.0.0.2:8001"), entry("127.0.0.3:8002"),
                                       entry("127.0.0.1:9000")}});
  EXPECT_EQ(fresh.size(), 2u);
  fresh = ask_book<AddressList>(book, LearnAddresses{AddressList{entry("127.0.0.2:8001")}});
  EXPECT_TRUE(fresh.empty());
  EXPECT_EQ(ask_book<AddressList>(book, SampleAddresses{1'000}).size(), 2u);
  stop(book);
}

TEST_F(AddressBookActorTest, SelectsNeitherExcludedNorDiscouragedAddresses) {
  auto book = spawn(false);
  ask_book<AddressList>(
      book, LearnAddresses{AddressList{entry("127.0.0.2:8001"), entry("127.0.0.3:8002")}});
  (*self)->send(book, DiscourageHost{"127.0.0.3", "test"});
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(ask_book<std::string>(book, SelectAddress{}), "127.0.0.2:8001");
  EXPECT_EQ(ask_book<std::string>(book, SelectAddress{{"127.0.0.2:8001"}, nullptr}), "");
  stop(book);
}

TEST_F(AddressBookActorTest, SelectsNoAddressABanCovers) {
  auto book = spawn(false);
  ask_book<AddressList>(
      book, LearnAddresses{AddressList{entry("127.0.0.2:8001"), entry("10.1.2.3:8002")}});
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  net::BanList list;
  ASSERT_TRUE(list.add(*net::Subnet::parse("10.1.0.0/16"), now, now + 3'600));
  const BanListPtr bans = std::make_shared<const net::BanList>(list);
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(ask_book<std::string>(book, SelectAddress{{}, bans}), "127.0.0.2:8001");
  EXPECT_EQ(ask_book<std::string>(book, SelectAddress{{"127.0.0.2:8001"}, bans}), "");
  // A ban that has ended no longer keeps the address out; without the list, neither.
  net::BanList ended;
  ASSERT_TRUE(ended.add(*net::Subnet::parse("10.1.0.0/16"), now - 7'200, now - 3'600));
  EXPECT_EQ(ask_book<std::string>(book, SelectAddress{{"127.0.0.2:8001"},
                                                      std::make_shared<const net::BanList>(ended)}),
            "10.1.2.3:8002");
  EXPECT_EQ(ask_book<std::string>(book, SelectAddress{{"127.0.0.2:8001"}, nullptr}),
            "10.1.2.3:8002");
  stop(book);
}

TEST_F(AddressBookActorTest, AFailedDialWaitsItsRetryDelay) {
  auto book = spawn(false);
  ask_book<AddressList>(book, LearnAddresses{AddressList{entry("127.0.0.2:8001")}});
  (*self)->send(book, DialAttempted{"127.0.0.2:8001"});
  EXPECT_EQ(ask_book<std::string>(book, SelectAddress{}), "");
  (*self)->send(book, HandshakeCompleted{"127.0.0.2:8001"});
  EXPECT_EQ(ask_book<std::string>(book, SelectAddress{}), "127.0.0.2:8001");
  auto entries = ask_book<AddressInfoList>(book, ListAddresses{});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_GT(entries[0].last_success, 0);
  stop(book);
}

TEST_F(AddressBookActorTest, KeepsItsAddressesAcrossARestart) {
  auto book = spawn(true);
  ask_book<AddressList>(
      book, LearnAddresses{AddressList{entry("127.0.0.2:8001"), entry("127.0.0.3:8002")}});
  (*self)->send(book, PinAddress{"127.0.0.4:8003"});
  stop(book);
  auto again = spawn(true);
  auto entries = ask_book<AddressInfoList>(again, ListAddresses{});
  EXPECT_EQ(entries.size(), 3u);
  stop(again);
}

}  // namespace
}  // namespace ac::actors
