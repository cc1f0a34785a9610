#include "net/services.hpp"

#include <fmt/format.h>

namespace ac::net {

namespace {

const char* known_name(int bit) {
  switch (bit) {
    case 0:
      return "NETWORK";
    case 1:
      return "GETUTXO";
    case 2:
      return "BLOOM";
    case 3:
      return "WITNESS";
    case 6:
      return "COMPACT_FILTERS";
    case 10:
      return "NETWORK_LIMITED";
    case 11:
      return "P2P_V2";
    default:
      return nullptr;
  }
}

}  // namespace

std::vector<std::string> service_names(uint64_t services) {
  std::vector<std::string> names;
  for (int bit = 0; bit < 64; ++bit) {
    if ((services >> bit & 1) == 0) continue;
    const char* name = known_name(bit);
    names.push_back(name ? name : fmt::format("UNKNOWN[2^{}]", bit));
  }
  return names;
}

std::string services_hex(uint64_t services) {
  return fmt::format("{:016x}", services);
}

}  // namespace ac::net
