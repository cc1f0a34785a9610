// The manual ban list (net/ban_list.hpp): IPv4 and IPv6 ranges, expiry, Core's banlist.json.
#include "net/ban_list.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/unit/chain_fixture.hpp"

namespace ac::net {
namespace {

Subnet subnet(std::string_view text) {
  auto parsed = Subnet::parse(text);
  EXPECT_TRUE(parsed) << text;
  return parsed ? *parsed : Subnet{};
}

TEST(Subnet, ParsesAddressesAndRangesAsCore) {
  EXPECT_EQ(subnet("1.2.3.4").to_string(), "1.2.3.4/32");
  EXPECT_EQ(subnet("1.2.3.4/24").to_string(), "1.2.3.0/24");  // host bits cleared
  EXPECT_EQ(subnet("1.2.3.4/255.255.0.0").to_string(), "1.2.0.0/16");
  EXPECT_EQ(subnet("10.0.0.1/0").to_string(), "0.0.0.0/0");
  EXPECT_EQ(subnet("::1").to_string(), "::1/128");
  EXPECT_EQ(subnet("2001:db8::7/32").to_string(), "2001:db8::/32");
  EXPECT_EQ(subnet("2001:db8::7/ffff:ffff:ffff::").to_string(), "2001:db8::/48");
  EXPECT_EQ(subnet("2001:db8::/33").to_string(), "2001:db8::/33");
  EXPECT_EQ(subnet("::ffff:1.2.3.4").to_string(), "1.2.3.4/32");
}

TEST(Subnet, RefusesWhatIsNoIpRange) {
  for (const char* bad : {"", "foo", "localhost", "1.2.3", "1.2.3.4/33", "1.2.3.4/", "1.2.3.4/-1",
                          "1.2.3.4/24/1", "1.2.3.4/255.0.255.0", "1.2.3.4/ffff::", "::1/129",
                          "::1/255.255.255.0", "1.2.3.4:8333", "[::1]", "1.2.3.4/ 24"})
    EXPECT_FALSE(Subnet::parse(bad)) << bad;
  EXPECT_EQ(Subnet::parse("foo").reason(), "bad-subnet");
}

TEST(Subnet, ContainsTheAddressesOfItsRange) {
  Subnet v4 = subnet("127.0.0.0/30");
  EXPECT_TRUE(v4.contains_host("127.0.0.0"));
  EXPECT_TRUE(v4.contains_host("127.0.0.3"));
  EXPECT_FALSE(v4.contains_host("127.0.0.4"));
  EXPECT_FALSE(v4.contains_host("::1"));
  EXPECT_FALSE(v4.contains_host("not an address"));
  Subnet v6 = subnet("2001:db8::/33");
  EXPECT_TRUE(v6.contains_host("2001:db8:7fff::1"));
  EXPECT_FALSE(v6.contains_host("2001:db8:8000::1"));
  EXPECT_FALSE(v6.contains_host("1.2.3.4"));
  EXPECT_TRUE(subnet("0.0.0.0/0").contains_host("203.0.113.9"));
  EXPECT_FALSE(subnet("0.0.0.0/0").contains_host("2001:db8::1"));
}

TEST(BanList, BansUntilTheirEndAndNotAfter) {
  BanList list;
  EXPECT_TRUE(list.add(subnet("127.0.0.2"), 1000, 1100));
  EXPECT_FALSE(list.add(subnet("127.0.0.2/32"), 1050, 1200));  // already banned
  EXPECT_TRUE(list.is_banned_host("127.0.0.2", 1099));
  EXPECT_FALSE(list.is_banned_host("127.0.0.2", 1100));
  EXPECT_FALSE(list.is_banned_host("127.0.0.3", 1000));
  EXPECT_TRUE(list.add(subnet("127.0.0.2"), 1100, 1300));  // the expired entry is replaced
  EXPECT_EQ(list.entries().front().created, 1100);
  EXPECT_TRUE(list.add(subnet("10.0.0.0/8"), 1100, 1200));
  EXPECT_TRUE(list.is_banned_exactly(subnet("10.1.2.3/8"), 1100));
  EXPECT_FALSE(list.is_banned_exactly(subnet("10.0.0.1"), 1100));
  EXPECT_TRUE(list.is_banned_host("10.0.0.1", 1100));
  EXPECT_FALSE(list.sweep(1199));
  EXPECT_TRUE(list.sweep(1200));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_TRUE(list.remove(subnet("127.0.0.2")));
  EXPECT_FALSE(list.remove(subnet("127.0.0.2")));
}

TEST(BanList, WritesAndReadsCoresBanlistJson) {
  BanList list;
  list.add(subnet("192.168.0.0/16"), 1700000000, 1700086400);
  list.add(subnet("2001:db8::/32"), 1700000001, 1800000000);
  std::string json = list.to_json();
  EXPECT_NE(json.find("\"banned_nets\""), std::string::npos);
  EXPECT_NE(json.find("\"address\": \"192.168.0.0/16\""), std::string::npos) << json;
  auto read = BanList::from_json(json);
  ASSERT_TRUE(read) << read.error().message();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ(read->entries()[1].subnet.to_string(), "2001:db8::/32");
  EXPECT_EQ(read->entries()[1].banned_until, 1800000000);
  // As Bitcoin Core writes it.
  auto core = BanList::from_json(
      R"({"banned_nets":[{"version":1,"ban_created":1,"banned_until":2,"address":"1.2.3.4/32"}]})");
  ASSERT_TRUE(core);
  EXPECT_EQ(core->entries()[0].subnet.to_string(), "1.2.3.4/32");
}

TEST(BanList, ADamagedFileIsRefusedWithAReason) {
  for (
      const char* bad :
      {"", "{", "[]", R"({"banned_nets":{}})", R"({"banned_nets":[1]})",
       R"({"banned_nets":[{"version":2,"ban_created":1,"banned_until":2,"address":"1.2.3.4/32"}]})",
       R"({"banned_nets":[{"version":1,"banned_until":2,"address":"1.2.3.4/32"}]})",
       R"({"banned_nets":[{"version":1,"ban_created":1,"banned_until":2,"address":"x"}]})"}) {
    auto read = BanList::from_json(bad);
    ASSERT_FALSE(read) << bad;
    EXPECT_EQ(read.reason(), "banlist-damaged");
  }
}

TEST(BanListFile, SavesLoadsAndTreatsAMissingFileAsEmpty) {
  chain_test::TempDir dir;
  auto path = dir.path() / "banlist.json";
  auto empty = load_ban_list(path);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->size(), 0u);
  BanList list;
  list.add(subnet("127.0.0.2"), 10, 20);
  ASSERT_TRUE(save_ban_list(path, list));
  auto loaded = load_ban_list(path);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->to_json(), list.to_json());
  std::ofstream(path) << "{\"banned_nets\": [";
  EXPECT_EQ(load_ban_list(path).reason(), "banlist-damaged");
}

}  // namespace
}  // namespace ac::net
