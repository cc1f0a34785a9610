// mempool.dat: the unconfirmed transactions a node keeps across a restart (Bitcoin Core's
// -persistmempool), as bytes. Pure: encoding and decoding only; reading and writing the file is
// the caller's (actors/mempool_persistence.hpp).
//
// Format (integers little-endian, counts CompactSize):
//   magic "ACMEMPL\0" (8) | format version u32 | entry count
//   | entries (entry time i64 seconds since the Unix epoch, transaction in Bitcoin's
//     serialization) | SHA256d of everything before it (32)
// Entries are in the pool's topological order: a transaction's pooled parents come before it,
// so submitting them in file order accepts a child after its parent. A newer format version is
// refused rather than misread.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "chain/bytes.hpp"
#include "chain/result.hpp"
#include "chain/transaction.hpp"

namespace ac {

inline constexpr uint32_t kMempoolFileVersion = 1;
// Far above a full pool (50 MB of transactions and 8 bytes each); bounds what a reader loads
// before checking anything.
inline constexpr uintmax_t kMaxMempoolFileBytes = 256 * 1024 * 1024;

// One pooled transaction and when it entered the pool.
struct SavedMempoolTx {
  Transaction tx;
  int64_t entry_time = 0;  // seconds since the Unix epoch

  friend bool operator==(const SavedMempoolTx&, const SavedMempoolTx&) = default;
};

Bytes encode_mempool_file(std::span<const SavedMempoolTx> entries);

// Reasons: "mempool-file-corrupt" (bad magic, checksum, truncation, trailing bytes or an
// undecodable transaction; the detail says which), "mempool-file-version-unsupported".
Result<std::vector<SavedMempoolTx>> decode_mempool_file(ByteSpan data);

}  // namespace ac
