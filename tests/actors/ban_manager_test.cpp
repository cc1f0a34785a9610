// The ban manager (actors/ban_manager.hpp): setban's add and remove with Core's outcomes,
// expiry by the wall clock, subscribers told before the answer, banlist.json across restarts.
#include "actors/ban_manager.hpp"

#include <caf/all.hpp>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "test_support.hpp"

namespace ac::actors {
namespace {

using testing::ActorSystemTest;

net::Subnet range(const char* text) {
  return *net::Subnet::parse(text);
}

// What a subscriber was last told.
struct Told {
  std::mutex mutex;
  BanListPtr bans;
  int changes = 0;
  bool banned(const char* host, int64_t now) {
    std::lock_guard lock(mutex);
    return bans && bans->is_banned_host(host, now);
  }
};

BansListener::behavior_type subscriber(BansListener::pointer, std::shared_ptr<Told> told) {
  return {[=](const BansChanged& changed) {
    std::lock_guard lock(told->mutex);
    told->bans = changed.bans;
    ++told->changes;
    return true;
  }};
}

struct BanManagerTest : ActorSystemTest {
  std::filesystem::path directory =
      std::filesystem::temp_directory_path() / ("BanManager_test_" + std::to_string(::getpid()));
  std::shared_ptr<std::atomic<int64_t>> clock = std::make_shared<std::atomic<int64_t>>(1'000'000);
  std::shared_ptr<Told> told = std::make_shared<Told>();

  BanManagerTest() { std::filesystem::create_directories(directory); }
  ~BanManagerTest() override { std::filesystem::remove_all(directory); }

  BanManagerConfig config(bool persisted) {
    BanManagerConfig out;
    if (persisted) out.path = directory / "banlist.json";
    out.default_ban_time = std::chrono::seconds(3600);
    out.log = testing::captured_log();
    out.now = [clock = clock] { return clock->load(); };
    return out;
  }
  BanManagerActor spawn(bool persisted, bool subscribed = true) {
    BanManagerConfig settings = config(persisted);
    net::BanList bans = load_bans(settings);
    auto manager = spawn_ban_manager(*system, std::move(settings), std::move(bans));
    if (subscribed) caf::anon_send(manager, SubscribeBans{system->spawn(subscriber, told)});
    return manager;
  }
  BanOutcome set(const BanManagerActor& manager, SetBan request) {
    return ask<BanReply>(manager, request).outcome;
  }
  void stop(const BanManagerActor& manager) {
    (*self)->monitor(manager);
    caf::anon_send_exit(manager, caf::exit_reason::user_shutdown);
    (*self)->receive([](const caf::down_msg&) {});
  }
};

TEST_F(BanManagerTest, BansAndUnbansWithCoresOutcomes) {
  auto manager = spawn(false);
  EXPECT_EQ(set(manager, {range("127.0.0.2"), true}), BanOutcome::kDone);
  EXPECT_EQ(set(manager, {range("127.0.0.2"), true}), BanOutcome::kAlreadyBanned);
  // A range is a repeat only when that very range is banned; an address when any ban covers it.
  EXPECT_EQ(set(manager, {range("127.0.0.0/24"), true, 0, false, true}), BanOutcome::kDone);
  EXPECT_EQ(set(manager, {range("127.0.0.0/24"), true, 0, false, true}),
            BanOutcome::kAlreadyBanned);
  EXPECT_EQ(set(manager, {range("127.0.0.9"), true}), BanOutcome::kAlreadyBanned);
  EXPECT_EQ(set(manager, {range("2001:db8::/32"), true, 60, false, true}), BanOutcome::kDone);
  auto listed = ask<BanEntries>(manager, ListBans{});
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].subnet.to_string(), "127.0.0.0/24");
  EXPECT_EQ(listed[1].subnet.to_string(), "127.0.0.2/32");
  EXPECT_EQ(listed[1].created, 1'000'000);
  EXPECT_EQ(listed[1].banned_until, 1'000'000 + 3600);  // the default ban time
  EXPECT_EQ(listed[2].banned_until, 1'000'000 + 60);
  EXPECT_EQ(set(manager, {range("127.0.0.2"), false}), BanOutcome::kDone);
  EXPECT_EQ(set(manager, {range("127.0.0.2"), false}), BanOutcome::kNotBanned);
  EXPECT_EQ(set(manager, {range("127.0.0.9"), false}), BanOutcome::kNotBanned);  // only /24's
  EXPECT_EQ(ask<BanEntries>(manager, ListBans{}).size(), 2u);
  EXPECT_TRUE(ask<bool>(manager, ClearBans{}));
  EXPECT_TRUE(ask<BanEntries>(manager, ListBans{}).empty());
  stop(manager);
}

TEST_F(BanManagerTest, SubscribersHaveTheChangeBeforeTheAnswer) {
  auto manager = spawn(false);
  const int64_t now = clock->load();
  ASSERT_EQ(set(manager, {range("10.1.0.0/16"), true, 0, false, true}), BanOutcome::kDone);
  EXPECT_TRUE(told->banned("10.1.2.3", now));
  EXPECT_FALSE(told->banned("10.2.0.1", now));
  ASSERT_EQ(set(manager, {range("10.1.0.0/16"), false, 0, false, true}), BanOutcome::kDone);
  EXPECT_FALSE(told->banned("10.1.2.3", now));
  ASSERT_EQ(set(manager, {range("10.3.0.1"), true}), BanOutcome::kDone);
  ASSERT_TRUE(ask<bool>(manager, ClearBans{}));
  EXPECT_FALSE(told->banned("10.3.0.1", now));
  std::lock_guard lock(told->mutex);
  EXPECT_EQ(told->changes, 5);  // the list at subscription, then each of the four changes
  stop(manager);
}

TEST_F(BanManagerTest, BansEndWithTheirTimeAndAbsoluteOnesMustBeAhead) {
  auto manager = spawn(false);
  ASSERT_EQ(set(manager, {range("127.0.0.2"), true, 60}), BanOutcome::kDone);
  clock->store(1'000'059);
  EXPECT_EQ(ask<BanEntries>(manager, ListBans{}).size(), 1u);
  EXPECT_EQ(set(manager, {range("127.0.0.2"), true}), BanOutcome::kAlreadyBanned);
  clock->store(1'000'060);
  EXPECT_TRUE(ask<BanEntries>(manager, ListBans{}).empty());
  EXPECT_EQ(set(manager, {range("127.0.0.3"), true, 1'000'059, true}), BanOutcome::kInThePast);
  EXPECT_EQ(set(manager, {range("127.0.0.3"), true, 2'000'000, true}), BanOutcome::kDone);
  auto listed = ask<BanEntries>(manager, ListBans{});
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].banned_until, 2'000'000);
  stop(manager);
}

TEST_F(BanManagerTest, BansSurviveARestartAndExpiredOnesDoNot) {
  auto first = spawn(true);
  ASSERT_EQ(set(first, {range("127.0.0.2"), true, 100}), BanOutcome::kDone);
  ASSERT_EQ(set(first, {range("::1"), true, 10}), BanOutcome::kDone);
  stop(first);
  clock->store(1'000'050);
  auto second = spawn(true);
  auto listed = ask<BanEntries>(second, ListBans{});
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].subnet.to_string(), "127.0.0.2/32");
  EXPECT_EQ(listed[0].banned_until, 1'000'100);
  stop(second);
  // The expired ban went from the file too.
  auto on_disk = net::load_ban_list(directory / "banlist.json");
  ASSERT_TRUE(on_disk);
  EXPECT_EQ(on_disk->size(), 1u);
  auto third = spawn(true);
  ASSERT_TRUE(ask<bool>(third, ClearBans{}));
  stop(third);
  EXPECT_EQ(net::load_ban_list(directory / "banlist.json")->size(), 0u);
}

TEST_F(BanManagerTest, ADamagedFileIsIgnoredThenReplaced) {
  const auto path = directory / "banlist.json";
  std::ofstream(path) << "{\"banned_nets\": [ {\"version\": 1,";
  EXPECT_EQ(load_bans(config(true)).size(), 0u);
  auto manager = spawn(true);
  EXPECT_TRUE(ask<BanEntries>(manager, ListBans{}).empty());
  ASSERT_EQ(set(manager, {range("127.0.0.2"), true}), BanOutcome::kDone);
  stop(manager);
  auto replaced = net::load_ban_list(path);
  ASSERT_TRUE(replaced) << replaced.error().message();
  EXPECT_EQ(replaced->size(), 1u);
}

}  // namespace
}  // namespace ac::actors
