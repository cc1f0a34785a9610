#include "net/address_book.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "chain/hash.hpp"
#include "chain/serialize.hpp"

namespace ac::net {

namespace {

constexpr std::string_view kMagic{"ACPEERS\0", 8};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kEntryBytes = kNetAddressBytes + 8 + 8 + 8 + 4;
constexpr size_t kChecksumBytes = 32;
constexpr int64_t kDay = 24 * 60 * 60;
// Entries looked at to choose one to evict: enough to usually find a terrible one.
constexpr int kEvictionCandidates = 8;

bool is_unspecified(const NetAddress& address) {
  if (address.is_ipv4())
    return std::all_of(address.ip.begin() + 12, address.ip.end(), [](uint8_t b) { return b == 0; });
  return std::all_of(address.ip.begin(), address.ip.end(), [](uint8_t b) { return b == 0; });
}

// Dialled in the last kRecentAttemptSeconds: a hundred times less likely, so a node that just
// lost (or was evicted by) a peer spreads over others instead of coming straight back.
constexpr int64_t kRecentAttemptSeconds = 10 * 60;

double selection_weight(const AddressInfo& info, int64_t now) {
  double weight = info.last_success > 0 ? 4.0 : 1.0;
  if (info.last_attempt != 0 && now - info.last_attempt < kRecentAttemptSeconds) weight *= 0.01;
  return weight * std::pow(0.66, std::min<uint32_t>(info.attempts, 8));
}

// How much an entry deserves its place: lower is evicted first.
int64_t keep_score(const AddressInfo& info, int64_t now) {
  if (info.is_terrible(now)) return -1;
  return std::max(info.last_seen, info.last_success);
}

}  // namespace

int64_t AddressInfo::retry_delay() const {
  if (attempts == 0) return 0;
  uint32_t doublings = std::min<uint32_t>(attempts - 1, 6);
  return std::min(kMaxRetryDelaySeconds, kFirstRetryDelaySeconds << doublings);
}

bool AddressInfo::is_terrible(int64_t now) const {
  if (pinned) return false;
  if (last_attempt != 0 && now - last_attempt < 60) return false;  // just tried: give it time
  if (now - last_seen > 30 * kDay) return true;
  if (last_success == 0 && attempts >= 3) return true;
  return attempts >= 10 && now - last_success > 7 * kDay;
}

bool AddressBook::add(const NetAddress& address, int64_t seen, int64_t now,
                      std::mt19937_64& random) {
  if (address.port == 0 || is_unspecified(address)) return false;
  if (seen <= 0 || seen > now) seen = now;
  NetAddress stored = address;
  if (AddressInfo* known = find_mutable(stored.endpoint())) {
    known->last_seen = std::max(known->last_seen, seen);
    known->address.services |= address.services;
    return false;
  }
  if (capacity_ == 0) return false;
  if (entries_.size() >= capacity_) evict_one(now, random);
  if (entries_.size() >= capacity_) return false;  // everything pinned
  AddressInfo info;
  info.address = stored;
  info.last_seen = seen;
  insert(std::move(info), random);
  return true;
}

void AddressBook::pin(const NetAddress& address, int64_t now, std::mt19937_64& random) {
  if (address.port == 0) return;
  if (!find(address.endpoint())) {
    if (entries_.size() >= capacity_) evict_one(now, random);
    AddressInfo info;
    info.address = address;
    info.last_seen = now;
    insert(std::move(info), random);
  }
  find_mutable(address.endpoint())->pinned = true;
}

void AddressBook::attempt(const std::string& endpoint, int64_t now) {
  if (AddressInfo* info = find_mutable(endpoint)) {
    info->last_attempt = now;
    ++info->attempts;
  }
}

void AddressBook::good(const std::string& endpoint, int64_t now) {
  if (AddressInfo* info = find_mutable(endpoint)) {
    info->last_success = now;
    info->last_seen = now;
    info->attempts = 0;
  }
}

void AddressBook::remove(const std::string& endpoint) {
  auto found = index_.find(endpoint);
  if (found == index_.end()) return;
  size_t position = found->second;
  index_.erase(found);
  if (position + 1 != entries_.size()) {
    entries_[position] = std::move(entries_.back());
    index_[entries_[position].endpoint()] = position;
  }
  entries_.pop_back();
}

std::optional<NetAddress> AddressBook::select(
    int64_t now, std::mt19937_64& random,
    const std::function<bool(const AddressInfo&)>& usable) const {
  std::vector<const AddressInfo*> candidates;
  std::vector<double> weights;
  for (const AddressInfo& info : entries_) {
    if (!info.ready_to_try(now) || !usable(info)) continue;
    candidates.push_back(&info);
    weights.push_back(selection_weight(info, now));
  }
  if (candidates.empty()) return std::nullopt;
  std::discrete_distribution<size_t> pick(weights.begin(), weights.end());
  return candidates[pick(random)]->address;
}

std::vector<AddressInfo> AddressBook::sample(size_t max, int64_t now,
                                             std::mt19937_64& random) const {
  std::vector<size_t> order(entries_.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::vector<AddressInfo> chosen;
  // A partial Fisher-Yates shuffle: stop as soon as `max` good entries are found.
  for (size_t i = 0; i < order.size() && chosen.size() < max; ++i) {
    std::uniform_int_distribution<size_t> pick(i, order.size() - 1);
    std::swap(order[i], order[pick(random)]);
    const AddressInfo& info = entries_[order[i]];
    if (!info.is_terrible(now)) chosen.push_back(info);
  }
  return chosen;
}

const AddressInfo* AddressBook::find(const std::string& endpoint) const {
  auto found = index_.find(endpoint);
  return found == index_.end() ? nullptr : &entries_[found->second];
}

AddressInfo* AddressBook::find_mutable(const std::string& endpoint) {
  auto found = index_.find(endpoint);
  return found == index_.end() ? nullptr : &entries_[found->second];
}

void AddressBook::insert(AddressInfo info, std::mt19937_64&) {
  index_[info.endpoint()] = entries_.size();
  entries_.push_back(std::move(info));
}

void AddressBook::evict_one(int64_t now, std::mt19937_64& random) {
  if (entries_.empty()) return;
  std::uniform_int_distribution<size_t> pick(0, entries_.size() - 1);
  const AddressInfo* worst = nullptr;
  for (int i = 0; i < kEvictionCandidates; ++i) {
    const AddressInfo& candidate = entries_[pick(random)];
    if (candidate.pinned) continue;
    if (!worst || keep_score(candidate, now) < keep_score(*worst, now)) worst = &candidate;
  }
  if (!worst) {  // the sample was all pinned: take the first unpinned entry
    auto unpinned = std::find_if(entries_.begin(), entries_.end(),
                                 [](const AddressInfo& info) { return !info.pinned; });
    if (unpinned == entries_.end()) return;
    worst = &*unpinned;
  }
  remove(worst->endpoint());
}

Bytes AddressBook::encode() const {
  Bytes out(kMagic.begin(), kMagic.end());
  out.reserve(kMagic.size() + 4 + 9 + entries_.size() * kEntryBytes + kChecksumBytes);
  Writer writer(out);
  writer.u32(kFormatVersion);
  writer.compact_size(entries_.size());
  for (const AddressInfo& info : entries_) {
    write_net_address(writer, info.address);
    writer.i64(info.last_seen);
    writer.i64(info.last_success);
    writer.i64(info.last_attempt);
    writer.u32(info.attempts);
  }
  Hash256 checksum = sha256d(out);
  writer.hash(checksum);
  return out;
}

Result<AddressBook> AddressBook::decode(ByteSpan data, size_t capacity) {
  if (data.size() < kMagic.size() + 4 + 1 + kChecksumBytes ||
      !std::equal(kMagic.begin(), kMagic.end(), data.begin()))
    return make_error("peers-corrupt", "not a peers file");
  ByteSpan body = data.first(data.size() - kChecksumBytes);
  Hash256 checksum = Hash256::from_span(data.last(kChecksumBytes));
  if (sha256d(body) != checksum) return make_error("peers-corrupt", "checksum mismatch");
  Reader reader(body.subspan(kMagic.size()));
  uint32_t version = 0;
  reader.u32(version);
  if (reader.ok() && version != kFormatVersion)
    return make_error("peers-version-unsupported", std::to_string(version));
  uint64_t count = 0;
  reader.count(count, UINT64_MAX, kEntryBytes);
  AddressBook book(capacity);
  std::mt19937_64 unused;
  for (uint64_t i = 0; i < count && reader.ok(); ++i) {
    AddressInfo info;
    read_net_address(reader, info.address);
    reader.i64(info.last_seen);
    reader.i64(info.last_success);
    reader.i64(info.last_attempt);
    reader.u32(info.attempts);
    if (!reader.ok() || book.size() >= capacity || book.find(info.endpoint())) continue;
    if (info.address.port == 0) continue;
    book.insert(std::move(info), unused);
  }
  Status finished = reader.finish();
  if (!finished) return make_error("peers-corrupt", finished.error().message());
  return book;
}

}  // namespace ac::net
