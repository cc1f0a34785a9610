#include <gtest/gtest.h>

#include "net/net_address.hpp"

namespace ac::net {
namespace {

TEST(NetAddress, Ipv4IsStoredIpv4Mapped) {
  auto address = NetAddress::from_host("127.0.0.1", 8001);
  ASSERT_TRUE(address);
  std::array<uint8_t, 16> expected = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
  EXPECT_EQ(address->ip, expected);
  EXPECT_TRUE(address->is_ipv4());
  EXPECT_EQ(address->host(), "127.0.0.1");
  EXPECT_EQ(address->endpoint(), "127.0.0.1:8001");
}

TEST(NetAddress, Ipv6TextRoundTrips) {
  auto address = NetAddress::from_endpoint("[2001:db8::1]:8333");
  ASSERT_TRUE(address);
  EXPECT_FALSE(address->is_ipv4());
  EXPECT_EQ(address->host(), "2001:db8::1");
  EXPECT_EQ(address->port, 8333);
  EXPECT_EQ(address->endpoint(), "[2001:db8::1]:8333");
  EXPECT_EQ(NetAddress::from_host("::1", 1)->endpoint(), "[::1]:1");
}

TEST(NetAddress, EndpointParsesHostAndPort) {
  auto address = NetAddress::from_endpoint("10.1.2.3:65535", kNodeNetwork);
  ASSERT_TRUE(address);
  EXPECT_EQ(address->port, 65535);
  EXPECT_EQ(address->services, kNodeNetwork);
  EXPECT_EQ(address->host(), "10.1.2.3");
}

TEST(NetAddress, RejectsMalformedText) {
  for (const char* text : {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:80x",
                           "256.0.0.1:80", "localhost:8000", "::1:8000", "[::1]8000", "[::1]:"}) {
    EXPECT_EQ(NetAddress::from_endpoint(text).reason(), "bad-address") << text;
  }
  EXPECT_EQ(NetAddress::from_host("1.2.3", 80).reason(), "bad-address");
}

TEST(NetAddress, SerializesPortBigEndian) {
  NetAddress address = NetAddress::from_host("1.2.3.4", 0x208d, kNodeNetwork).value();
  Bytes out;
  Writer writer(out);
  write_net_address(writer, address);
  EXPECT_EQ(to_hex(out), "010000000000000000000000000000000000ffff01020304208d");
  Reader reader(out);
  NetAddress back;
  ASSERT_TRUE(read_net_address(reader, back));
  EXPECT_TRUE(reader.finish());
  EXPECT_EQ(back, address);
}

}  // namespace
}  // namespace ac::net
