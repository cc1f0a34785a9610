// The node's manual bans (Bitcoin Core's setban / listbanned / clearbanned): IP ranges, each
// refused until a moment of wall-clock time, and their file banlist.json in the node's folder
// (Core's format: {"banned_nets":[{"version":1,"ban_created":T,"banned_until":T,
// "address":"1.2.3.0/24"}]}). Apart from the discouragement of misbehaving peers
// (actors/misbehaviour.hpp), which is kept in memory and forgiven by a restart, as Core's.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "chain/result.hpp"
#include "net/net_address.hpp"

namespace ac::net {

// An IP range: an IPv4 or IPv6 address with a prefix length. Stored in the 16-byte form of
// NetAddress (IPv4 mapped into ::ffff:0:0/96), so an IPv4 /24 is a 16-byte /120.
struct Subnet {
  NetAddress network;  // host bits zero, port 0
  int prefix_bits = 128;

  // "1.2.3.4" (a /32), "1.2.3.0/24", "1.2.3.0/255.255.255.0", "2001:db8::1" (a /128),
  // "2001:db8::/32", "2001:db8::/ffff:ffff::". The host bits are cleared ("1.2.3.4/24" is
  // 1.2.3.0/24). Numeric addresses only, as Core's (no name lookup). Reason "bad-subnet".
  static Result<Subnet> parse(std::string_view text);

  bool contains(const NetAddress& address) const;
  // `host` as a session reports it ("127.0.0.2", "::1"); false when it is no IP address.
  bool contains_host(std::string_view host) const;
  // "1.2.3.0/24", "1.2.3.4/32", "2001:db8::/32": the key of the ban.
  std::string to_string() const;

  friend bool operator==(const Subnet&, const Subnet&) = default;
};

struct BanEntry {
  Subnet subnet;
  int64_t created = 0;       // Unix time
  int64_t banned_until = 0;  // Unix time; the ban holds while now < banned_until
};

class BanList {
 public:
  // Bans `subnet` until `banned_until`. False (nothing changes) when that very range is
  // already banned past `now`; an expired entry for it is replaced.
  bool add(const Subnet& subnet, int64_t now, int64_t banned_until);
  // False when that very range has no entry.
  bool remove(const Subnet& subnet);
  void clear() { entries_.clear(); }

  // Whether a ban in force at `now` covers the address / host / exactly this range.
  bool is_banned(const NetAddress& address, int64_t now) const;
  bool is_banned_host(std::string_view host, int64_t now) const;
  bool is_banned_exactly(const Subnet& subnet, int64_t now) const;

  // Forgets the bans that ended by `now`; whether any did.
  bool sweep(int64_t now);

  // Every entry, ordered by its range's text.
  std::vector<BanEntry> entries() const;
  size_t size() const { return entries_.size(); }

  // Core's banlist.json.
  std::string to_json() const;
  // Reason "banlist-damaged" (with what is wrong) for anything but a well-formed file.
  static Result<BanList> from_json(std::string_view text);

 private:
  std::map<std::string, BanEntry> entries_;  // by Subnet::to_string()
};

// banlist.json's size limit: far above any real list (an entry is about 100 bytes).
inline constexpr uintmax_t kMaxBanListFileBytes = 16 * 1024 * 1024;

// Atomic, durable replace (chain/atomic_file.hpp). Reason "banlist-write-failed".
Status save_ban_list(const std::filesystem::path& path, const BanList& list);
// A missing file is an empty list. Reasons "banlist-unreadable", "banlist-damaged".
Result<BanList> load_ban_list(const std::filesystem::path& path);

}  // namespace ac::net
