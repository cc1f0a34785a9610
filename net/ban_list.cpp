#include "net/ban_list.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "chain/atomic_file.hpp"

namespace ac::net {

namespace {

constexpr int kIpv4MappedBits = 96;  // the ::ffff:0:0/96 prefix an IPv4 address lives in

// The number of leading one bits of `mask` (bytes `first` to 15), or -1 when the ones are not
// contiguous (255.0.255.0): Core keeps such masks, they match nothing a real network uses.
int mask_bits(const NetAddress& mask, size_t first) {
  int bits = 0;
  bool zero_seen = false;
  for (size_t i = first; i < mask.ip.size(); ++i) {
    for (int bit = 7; bit >= 0; --bit) {
      bool one = ((mask.ip[i] >> bit) & 1) != 0;
      if (one && zero_seen) return -1;
      if (one) ++bits;
      if (!one) zero_seen = true;
    }
  }
  return bits;
}

bool same_prefix(const NetAddress& a, const NetAddress& b, int bits) {
  for (int i = 0; i < bits / 8; ++i)
    if (a.ip[static_cast<size_t>(i)] != b.ip[static_cast<size_t>(i)]) return false;
  int rest = bits % 8;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  size_t last = static_cast<size_t>(bits / 8);
  return (a.ip[last] & mask) == (b.ip[last] & mask);
}

Error bad_subnet(std::string_view text) {
  return make_error("bad-subnet", std::string(text));
}

}  // namespace

Result<Subnet> Subnet::parse(std::string_view text) {
  size_t slash = text.find('/');
  auto address = NetAddress::from_host(text.substr(0, slash), 0);
  if (!address) return bad_subnet(text);
  const bool ipv4 = address->is_ipv4();
  const int max_bits = ipv4 ? 32 : 128;
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    std::string_view mask = text.substr(slash + 1);
    bool digits = !mask.empty() && std::all_of(mask.begin(), mask.end(),
                                               [](char c) { return c >= '0' && c <= '9'; });
    if (digits) {
      auto [end, error] = std::from_chars(mask.data(), mask.data() + mask.size(), bits);
      if (error != std::errc{} || end != mask.data() + mask.size() || bits > max_bits)
        return bad_subnet(text);
    } else {
      auto mask_address = NetAddress::from_host(mask, 0);
      if (!mask_address || mask_address->is_ipv4() != ipv4) return bad_subnet(text);
      bits = mask_bits(*mask_address, ipv4 ? 12 : 0);
      if (bits < 0) return bad_subnet(text);
    }
  }
  Subnet subnet;
  subnet.prefix_bits = (ipv4 ? kIpv4MappedBits : 0) + bits;
  subnet.network = *address;
  for (int bit = subnet.prefix_bits; bit < 128; ++bit)
    subnet.network.ip[static_cast<size_t>(bit / 8)] &=
        static_cast<uint8_t>(~(0x80u >> static_cast<unsigned>(bit % 8)));
  return subnet;
}

bool Subnet::contains(const NetAddress& address) const {
  return same_prefix(network, address, prefix_bits);
}

bool Subnet::contains_host(std::string_view host) const {
  auto address = NetAddress::from_host(host, 0);
  return address && contains(*address);
}

std::string Subnet::to_string() const {
  int bits = network.is_ipv4() && prefix_bits >= kIpv4MappedBits ? prefix_bits - kIpv4MappedBits
                                                                 : prefix_bits;
  return fmt::format("{}/{}", network.host(), bits);
}

bool BanList::add(const Subnet& subnet, int64_t now, int64_t banned_until) {
  std::string key = subnet.to_string();
  auto found = entries_.find(key);
  if (found != entries_.end() && found->second.banned_until > now) return false;
  entries_[key] = BanEntry{subnet, now, banned_until};
  return true;
}

bool BanList::remove(const Subnet& subnet) {
  return entries_.erase(subnet.to_string()) > 0;
}

bool BanList::is_banned(const NetAddress& address, int64_t now) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const auto& entry) {
    return entry.second.banned_until > now && entry.second.subnet.contains(address);
  });
}

bool BanList::is_banned_host(std::string_view host, int64_t now) const {
  auto address = NetAddress::from_host(host, 0);
  return address && is_banned(*address, now);
}

bool BanList::is_banned_exactly(const Subnet& subnet, int64_t now) const {
  auto found = entries_.find(subnet.to_string());
  return found != entries_.end() && found->second.banned_until > now;
}

bool BanList::sweep(int64_t now) {
  return std::erase_if(entries_,
                       [&](const auto& entry) { return entry.second.banned_until <= now; }) > 0;
}

std::vector<BanEntry> BanList::entries() const {
  std::vector<BanEntry> out;
  out.reserve(entries_.size());
  for (const auto& [key, entry] : entries_) out.push_back(entry);
  return out;
}

std::string BanList::to_json() const {
  nlohmann::ordered_json nets = nlohmann::ordered_json::array();
  for (const auto& [key, entry] : entries_)
    nets.push_back({{"version", 1},
                    {"ban_created", entry.created},
                    {"banned_until", entry.banned_until},
                    {"address", key}});
  return nlohmann::ordered_json{{"banned_nets", std::move(nets)}}.dump(1) + "\n";
}

Result<BanList> BanList::from_json(std::string_view text) {
  auto damaged = [](const std::string& what) { return make_error("banlist-damaged", what); };
  nlohmann::json root = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return damaged("not JSON");
  if (!root.is_object() || !root.contains("banned_nets") || !root["banned_nets"].is_array())
    return damaged("no banned_nets array");
  BanList list;
  for (const nlohmann::json& net : root["banned_nets"]) {
    if (!net.is_object()) return damaged("an entry that is no object");
    auto field = [&](const char* name) -> const nlohmann::json* {
      auto found = net.find(name);
      return found == net.end() ? nullptr : &*found;
    };
    const nlohmann::json* version = field("version");
    const nlohmann::json* created = field("ban_created");
    const nlohmann::json* until = field("banned_until");
    const nlohmann::json* address = field("address");
    if (version == nullptr || !version->is_number_integer() || *version != 1)
      return damaged("an entry of an unknown version");
    if (created == nullptr || !created->is_number_integer() || until == nullptr ||
        !until->is_number_integer() || address == nullptr || !address->is_string())
      return damaged("an entry without ban_created, banned_until and address");
    auto subnet = Subnet::parse(address->get<std::string>());
    if (!subnet) return damaged("bad address " + address->get<std::string>());
    list.entries_[subnet->to_string()] =
        BanEntry{*subnet, created->get<int64_t>(), until->get<int64_t>()};
  }
  return list;
}

Status save_ban_list(const std::filesystem::path& path, const BanList& list) {
  return write_file_atomically(path, as_span(list.to_json()), "banlist-write-failed");
}

Result<BanList> load_ban_list(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return BanList{};
  auto size = std::filesystem::file_size(path, error);
  if (error) return make_error("banlist-unreadable", path.string() + ": " + error.message());
  if (size > kMaxBanListFileBytes) return make_error("banlist-damaged", "larger than 16 MiB");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  if (!in.good() && !in.eof()) return make_error("banlist-unreadable", path.string());
  return BanList::from_json(contents.str());
}

}  // namespace ac::net
