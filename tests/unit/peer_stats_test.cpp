#include "net/peer_stats.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/services.hpp"

namespace ac::net {
namespace {

TEST(PeerTraffic, EveryKnownCommandHasItsOwnSlotAndTheRestShareOther) {
  for (std::string_view command : known_commands()) {
    size_t slot = PeerTraffic::slot_of(command);
    ASSERT_LT(slot, PeerTraffic::kOtherSlot) << command;
    EXPECT_EQ(PeerTraffic::name_of(slot), command);
  }
  EXPECT_EQ(PeerTraffic::slot_of("feefilter"), PeerTraffic::kOtherSlot);
  EXPECT_EQ(PeerTraffic::slot_of(""), PeerTraffic::kOtherSlot);
  EXPECT_EQ(PeerTraffic::name_of(PeerTraffic::kOtherSlot), "*other*");
}

TEST(PeerTraffic, ADecodedMessageAndItsCommandNameFallInTheSameSlot) {
  Message ping = Ping{7};
  Message version = Version{};
  EXPECT_EQ(PeerTraffic::slot_of(ping), PeerTraffic::slot_of("ping"));
  EXPECT_EQ(PeerTraffic::slot_of(version), PeerTraffic::slot_of("version"));
  EXPECT_NE(PeerTraffic::slot_of(ping), PeerTraffic::slot_of(version));
}

TEST(PeerTraffic, CountsMessagesAndBytesPerCommandEachWayWithTotalsAndLastTimes) {
  PeerTraffic traffic;
  EXPECT_EQ(traffic.bytes_sent(), 0u);
  EXPECT_EQ(traffic.last_send_s(), 0);
  EXPECT_EQ(traffic.last_receive_s(), 0);
  size_t ping = PeerTraffic::slot_of("ping");
  size_t inv = PeerTraffic::slot_of("inv");
  traffic.record_sent(ping, 32, 100);
  traffic.record_sent(ping, 32, 105);
  traffic.record_sent(inv, 61, 104);
  traffic.record_received(PeerTraffic::kOtherSlot, 30, 103);
  EXPECT_EQ(traffic.sent(ping), (CommandTraffic{2, 64}));
  EXPECT_EQ(traffic.sent(inv), (CommandTraffic{1, 61}));
  EXPECT_EQ(traffic.received(ping), CommandTraffic{});
  EXPECT_EQ(traffic.received(PeerTraffic::kOtherSlot), (CommandTraffic{1, 30}));
  EXPECT_EQ(traffic.bytes_sent(), 125u);
  EXPECT_EQ(traffic.bytes_received(), 30u);
  EXPECT_EQ(traffic.last_send_s(), 104);  // the last recorded, not the latest time
  EXPECT_EQ(traffic.last_receive_s(), 103);
}

TEST(ServiceNames, NamesTheBitsAsCoreAndUnknownOnesByTheirPower) {
  EXPECT_EQ(service_names(0), std::vector<std::string>{});
  EXPECT_EQ(service_names(1), std::vector<std::string>{"NETWORK"});
  EXPECT_EQ(service_names(1 | 8 | 1024 | (uint64_t{1} << 24)),
            (std::vector<std::string>{"NETWORK", "WITNESS", "NETWORK_LIMITED", "UNKNOWN[2^24]"}));
  EXPECT_EQ(services_hex(0x409), "0000000000000409");
}

}  // namespace
}  // namespace ac::net
