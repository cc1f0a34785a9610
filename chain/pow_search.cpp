// OpenSSL 3 deprecates the low-level SHA256_CTX calls, but they are the only way to run a
// single (SHA-NI accelerated) compression on a saved midstate; EVP offers no such entry.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "chain/pow_search.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

namespace ac {

namespace {

constexpr size_t kNonceOffsetInTail = 12;  // header bytes 76..79
constexpr uint64_t kPollInterval = 4096;   // nonces between checks of cancel and found

inline void store_big_endian(uint8_t* out, uint32_t word) {
  out[0] = static_cast<uint8_t>(word >> 24);
  out[1] = static_cast<uint8_t>(word >> 16);
  out[2] = static_cast<uint8_t>(word >> 8);
  out[3] = static_cast<uint8_t>(word);
}

// Per-thread scratch for hashing one nonce: no allocation, two SHA256_Transform calls.
class NonceHasher {
 public:
  explicit NonceHasher(const HeaderHasher& header) : midstate_(header.midstate()) {
    tail_block_ = header.tail_block();
    SHA256_Init(&initial_);
    second_block_.fill(0);
    second_block_[32] = 0x80;
    second_block_[62] = 0x01;  // message length: 256 bits, big-endian
  }

  // Runs both compressions; the hash words are left in second_.h.
  void run(uint32_t nonce) {
    uint8_t* nonce_bytes = tail_block_.data() + kNonceOffsetInTail;
    for (int i = 0; i < 4; ++i) nonce_bytes[i] = static_cast<uint8_t>(nonce >> (8 * i));
    std::memcpy(first_.h, midstate_.data(), sizeof first_.h);
    SHA256_Transform(&first_, tail_block_.data());
    for (size_t i = 0; i < 8; ++i) store_big_endian(second_block_.data() + 4 * i, first_.h[i]);
    std::memcpy(second_.h, initial_.h, sizeof second_.h);
    SHA256_Transform(&second_, second_block_.data());
  }

  // The hash's most significant 32 bits as a little-endian number (its last 4 bytes).
  uint32_t top_word() const { return __builtin_bswap32(second_.h[7]); }

  Hash256 hash() const {
    Hash256 out;
    for (size_t i = 0; i < 8; ++i) store_big_endian(out.data.data() + 4 * i, second_.h[i]);
    return out;
  }

 private:
  std::array<uint32_t, 8> midstate_;
  std::array<uint8_t, 64> tail_block_;
  std::array<uint8_t, 64> second_block_;
  SHA256_CTX initial_{};
  SHA256_CTX first_{};
  SHA256_CTX second_{};
};

struct Scan {
  const HeaderHasher& hasher;
  const Arith256& target;
  uint32_t target_top;
  uint64_t max_nonce;
  unsigned stride;
  const std::atomic<bool>& cancel;
  std::atomic<bool> found{false};
  std::atomic<uint64_t> hashes_tried{0};
  std::mutex winner_mutex{};
  std::optional<uint32_t> winner{};
};

void scan_nonces(Scan& scan, unsigned first_nonce) {
  NonceHasher hasher(scan.hasher);
  uint64_t nonce = first_nonce;
  uint64_t tried = 0;
  while (nonce <= scan.max_nonce) {
    const uint64_t batch_end = std::min(nonce + kPollInterval * scan.stride, scan.max_nonce + 1);
    for (; nonce < batch_end; nonce += scan.stride) {
      hasher.run(static_cast<uint32_t>(nonce));
      ++tried;
      // The top word decides almost every nonce; only a tie or a pass needs the full number.
      if (hasher.top_word() > scan.target_top) continue;
      if (Arith256::from_hash(hasher.hash()) > scan.target) continue;
      {
        std::lock_guard lock(scan.winner_mutex);
        if (!scan.winner) scan.winner = static_cast<uint32_t>(nonce);
      }
      scan.found.store(true, std::memory_order_relaxed);
      scan.hashes_tried.fetch_add(tried, std::memory_order_relaxed);
      return;
    }
    if (scan.cancel.load(std::memory_order_relaxed) || scan.found.load(std::memory_order_relaxed))
      break;
  }
  scan.hashes_tried.fetch_add(tried, std::memory_order_relaxed);
}

}  // namespace

HeaderHasher::HeaderHasher(const BlockHeader& header) {
  const auto bytes = header.serialize();
  SHA256_CTX context;
  SHA256_Init(&context);
  SHA256_Update(&context, bytes.data(), 64);
  std::memcpy(midstate_.data(), context.h, sizeof context.h);
  std::memcpy(tail_block_.data(), bytes.data() + 64, 16);
  tail_block_[16] = 0x80;
  tail_block_[62] = 0x02;  // message length: 640 bits, big-endian
  tail_block_[63] = 0x80;
}

Hash256 HeaderHasher::hash(uint32_t nonce) const {
  NonceHasher hasher(*this);
  hasher.run(nonce);
  return hasher.hash();
}

PowSearchResult search_proof_of_work(BlockHeader header, const Arith256& target,
                                     const PowSearchOptions& options,
                                     const std::atomic<bool>& cancel,
                                     const std::function<void(BlockHeader&)>& refresh) {
  PowSearchResult result;
  const unsigned threads = std::max(options.threads, 1u);
  const auto target_top = static_cast<uint32_t>((target >> 224).low64());
  while (!cancel.load(std::memory_order_relaxed)) {
    const HeaderHasher hasher(header);
    Scan scan{hasher, target, target_top, options.max_nonce, threads, cancel};
    if (threads == 1) {
      scan_nonces(scan, 0);
    } else {
      std::vector<std::jthread> workers;
      workers.reserve(threads);
      for (unsigned t = 0; t < threads; ++t)
        workers.emplace_back([&scan, t] { scan_nonces(scan, t); });
    }
    result.hashes_tried += scan.hashes_tried.load();
    if (scan.winner) {
      header.nonce = *scan.winner;
      result.header = header;
      return result;
    }
    if (cancel.load(std::memory_order_relaxed)) break;
    if (refresh) {
      refresh(header);
    } else {
      ++header.time;
    }
  }
  return result;
}

}  // namespace ac
