// The service bits a version message advertises, named as Bitcoin Core's getpeerinfo names
// them ("servicesnames"): NETWORK, GETUTXO, BLOOM, WITNESS, COMPACT_FILTERS, NETWORK_LIMITED,
// P2P_V2, and "UNKNOWN[2^n]" for any other bit. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ac::net {

// The names of the bits set in `services`, lowest bit first.
std::vector<std::string> service_names(uint64_t services);

// `services` as Core prints it: 16 hex digits ("0000000000000001").
std::string services_hex(uint64_t services);

}  // namespace ac::net
