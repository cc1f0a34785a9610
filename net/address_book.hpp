// The address book: every peer address the node has heard of (from addr messages, from a
// peer's version, from --connect), with what happened when we tried it, bounded in size, and
// the choice of which address fills an outbound slot next. The idea of Bitcoin Core's addrman
// and btcd's addrmgr, much simplified: one table instead of buckets, since this network's
// addresses all come from a few trusted local sources.
//
// Selection prefers addresses that worked before (4x the weight of untried ones), spreads over
// all the others at random, makes those dialled in the last 10 minutes 100x less likely (0.66x
// per failed attempt besides), and skips those we failed to reach until their retry delay has
// passed (1 s after the first failure, doubling to 60 s). The book is pure: the caller
// passes the time (seconds since the Unix epoch) and owns the random generator, so tests are
// deterministic. Not thread-safe: one owner (the address book actor).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "chain/bytes.hpp"
#include "chain/result.hpp"
#include "net/net_address.hpp"

namespace ac::net {

inline constexpr size_t kDefaultAddressBookCapacity = 10'000;
// The most addresses one getaddr answer (one addr message) carries.
inline constexpr size_t kMaxAddressesPerAnswer = 1'000;
inline constexpr int64_t kFirstRetryDelaySeconds = 1;
inline constexpr int64_t kMaxRetryDelaySeconds = 60;

struct AddressInfo {
  NetAddress address;
  int64_t last_seen = 0;     // last sign of life: an addr's timestamp, or our own contact
  int64_t last_success = 0;  // our last completed handshake with it; 0: never
  int64_t last_attempt = 0;  // our last dial; 0: never
  uint32_t attempts = 0;     // dials since the last success
  bool pinned = false;       // named by --connect (or addnode): never evicted, not persisted

  std::string endpoint() const { return address.endpoint(); }
  // Seconds to wait after the last attempt before dialling again: 0 before any failure, then
  // 1, 2, 4, ... up to 60.
  int64_t retry_delay() const;
  // Dialable at `now`: not failed, or failed longer than retry_delay() ago.
  bool ready_to_try(int64_t now) const { return last_attempt + retry_delay() <= now; }
  // Not worth keeping or handing on: unheard of for 30 days, or never reached in 3 tries,
  // or failing 10 times in a row for a week.
  bool is_terrible(int64_t now) const;
};

class AddressBook {
 public:
  explicit AddressBook(size_t capacity = kDefaultAddressBookCapacity) : capacity_(capacity) {}

  // Learns or refreshes an address seen alive at `seen` (clamped to `now`; 0 means `now`).
  // Refuses port 0 and the unspecified address. When full, evicts the worst of a few entries
  // picked at random (never a pinned one). True when the address is new to the book.
  bool add(const NetAddress& address, int64_t seen, int64_t now, std::mt19937_64& random);
  // Adds `address` (if needed) and pins it: kept for good, excluded from eviction.
  void pin(const NetAddress& address, int64_t now, std::mt19937_64& random);

  // We start dialling `endpoint` at `now` (counts as a failure until good()).
  void attempt(const std::string& endpoint, int64_t now);
  // The handshake with `endpoint` completed at `now`: its failures are forgotten.
  void good(const std::string& endpoint, int64_t now);
  void remove(const std::string& endpoint);

  // An address to dial next among those ready to try and accepted by `usable` (the caller
  // excludes connected, dialling, discouraged and own addresses), chosen at random with the
  // weights described above; nullopt when none qualifies.
  std::optional<NetAddress> select(int64_t now, std::mt19937_64& random,
                                   const std::function<bool(const AddressInfo&)>& usable) const;
  // Up to `max` addresses at random, none terrible: the answer to a getaddr.
  std::vector<AddressInfo> sample(size_t max, int64_t now, std::mt19937_64& random) const;

  const AddressInfo* find(const std::string& endpoint) const;
  const std::vector<AddressInfo>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  size_t capacity() const { return capacity_; }

  // The book as bytes (peers.dat), pinned flags left out:
  //   magic "ACPEERS\0" (8) | format version u32 | count CompactSize | entries (address 26,
  //   last_seen i64, last_success i64, last_attempt i64, attempts u32) | SHA256d of all before (32)
  Bytes encode() const;
  // Reasons: "peers-corrupt" (magic, checksum, truncation, trailing bytes),
  // "peers-version-unsupported". Entries beyond `capacity` are dropped.
  static Result<AddressBook> decode(ByteSpan data, size_t capacity = kDefaultAddressBookCapacity);

 private:
  AddressInfo* find_mutable(const std::string& endpoint);
  void insert(AddressInfo info, std::mt19937_64& random);
  void evict_one(int64_t now, std::mt19937_64& random);

  size_t capacity_;
  std::vector<AddressInfo> entries_;
  std::unordered_map<std::string, size_t> index_;  // endpoint -> position in entries_
};

}  // namespace ac::net
