#include "net/net_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace ac::net {

namespace {
constexpr std::array<uint8_t, 12> kIpv4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
}  // namespace

Result<NetAddress> NetAddress::from_host(std::string_view host, uint16_t port, uint64_t services) {
  // inet_pton needs a NUL-terminated string; anything longer than an IPv6 text is invalid.
  if (host.empty() || host.size() >= INET6_ADDRSTRLEN) return make_error("bad-address");
  std::string text(host);
  NetAddress address;
  address.services = services;
  address.port = port;
  std::array<uint8_t, 4> ipv4;
  if (inet_pton(AF_INET, text.c_str(), ipv4.data()) == 1) {
    std::copy(kIpv4MappedPrefix.begin(), kIpv4MappedPrefix.end(), address.ip.begin());
    std::copy(ipv4.begin(), ipv4.end(), address.ip.begin() + 12);
    return address;
  }
  if (inet_pton(AF_INET6, text.c_str(), address.ip.data()) == 1) return address;
  return make_error("bad-address", text);
}

Result<NetAddress> NetAddress::from_endpoint(std::string_view endpoint, uint64_t services) {
  std::string_view host;
  std::string_view port_text;
  if (endpoint.starts_with('[')) {
    size_t close = endpoint.find("]:");
    if (close == std::string_view::npos) return make_error("bad-address", std::string(endpoint));
    host = endpoint.substr(1, close - 1);
    port_text = endpoint.substr(close + 2);
  } else {
    size_t colon = endpoint.rfind(':');
    if (colon == std::string_view::npos || endpoint.find(':') != colon)
      return make_error("bad-address", std::string(endpoint));
    host = endpoint.substr(0, colon);
    port_text = endpoint.substr(colon + 1);
  }
  uint16_t port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc{} || end != port_text.data() + port_text.size())
    return make_error("bad-address", std::string(endpoint));
  return from_host(host, port, services);
}

bool NetAddress::is_ipv4() const {
  return std::equal(kIpv4MappedPrefix.begin(), kIpv4MappedPrefix.end(), ip.begin());
}

std::string NetAddress::host() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (is_ipv4()) {
    inet_ntop(AF_INET, ip.data() + 12, text, sizeof text);
  } else {
    inet_ntop(AF_INET6, ip.data(), text, sizeof text);
  }
  return text;
}

std::string NetAddress::endpoint() const {
  std::string out;
  if (is_ipv4()) {
    out = host();
  } else {
    out.append("[").append(host()).append("]");
  }
  out.append(":").append(std::to_string(port));
  return out;
}

void write_net_address(Writer& writer, const NetAddress& address) {
  writer.u64(address.services);
  writer.bytes(address.ip);
  writer.u16_big_endian(address.port);
}

bool read_net_address(Reader& reader, NetAddress& address) {
  return reader.u64(address.services) && reader.bytes(address.ip.data(), address.ip.size()) &&
         reader.u16_big_endian(address.port);
}

}  // namespace ac::net
