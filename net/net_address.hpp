// A peer's network address as Bitcoin's wire carries it: services u64 LE, a 16-byte IPv6
// address (IPv4 as the IPv4-mapped ::ffff:a.b.c.d) and a big-endian port. Conversions to and
// from text ("127.0.0.1", "::1", "127.0.0.1:8001", "[::1]:8001") live here too.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "chain/serialize.hpp"

namespace ac::net {

inline constexpr uint64_t kNodeNetwork = 1;  // services bit: serves the full block chain
// BIP159: serves at least the last 288 blocks (a pruned node, which leaves kNodeNetwork out).
inline constexpr uint64_t kNodeNetworkLimited = 1 << 10;
inline constexpr size_t kNetAddressBytes = 8 + 16 + 2;

struct NetAddress {
  uint64_t services = 0;
  std::array<uint8_t, 16> ip{};
  uint16_t port = 0;

  // Parses an IPv4 ("127.0.0.1") or IPv6 ("::1") host. Reason: "bad-address".
  static Result<NetAddress> from_host(std::string_view host, uint16_t port, uint64_t services = 0);
  // Parses "host:port" or "[ipv6]:port". Reason: "bad-address".
  static Result<NetAddress> from_endpoint(std::string_view endpoint, uint64_t services = 0);

  bool is_ipv4() const;
  // "127.0.0.1" for IPv4-mapped addresses, otherwise IPv6 text ("::1").
  std::string host() const;
  // "127.0.0.1:8001" or "[::1]:8001".
  std::string endpoint() const;

  friend bool operator==(const NetAddress&, const NetAddress&) = default;
};

void write_net_address(Writer& writer, const NetAddress& address);
bool read_net_address(Reader& reader, NetAddress& address);

}  // namespace ac::net
