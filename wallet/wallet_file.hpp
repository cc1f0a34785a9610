// wallet.dat: the wallet's keys and its unconfirmed spends, and the Wallet built on it.
//
// File format (integers little-endian, counts CompactSize):
//   magic "ACWALLET" (8) | format version u32 | key count | secrets (32 bytes each)
//   | pending-spend count | pending spends (outpoint txid 32, index u32, spending txid 32,
//   time i64 seconds) | [version 2: abandoned count | abandoned txs (txid 32, time i64)]
//   | SHA256d of everything before it (32)
// Only secrets are stored: public keys are derived again on load. A newer format version is
// refused rather than misread. Version 2 (abandontransaction) is written only when the wallet
// holds an abandoned transaction, so a wallet that never abandoned one still opens with a
// binary that knows only version 1; version 1 files load as before.
//
// Saving never leaves a half-written wallet.dat: the bytes go to a temp file (mode 0600) in the
// same directory, which is fsynced, renamed over wallet.dat, and the directory fsynced. So a key
// is on disk before anyone sees its address, and a crash leaves the old or the new file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "chain/params.hpp"
#include "chain/result.hpp"
#include "chain/transaction.hpp"
#include "chain/uint256.hpp"
#include "wallet/key.hpp"

namespace ac::wallet {

inline constexpr uint32_t kWalletFormatVersion = 2;
// Far above any real wallet; bounds what load() reads before checking anything.
inline constexpr uintmax_t kMaxWalletFileBytes = 64 * 1024 * 1024;

// An outpoint this wallet already spent in a transaction handed to the network but not yet seen
// in a block: coin selection skips it so a second send cannot double-spend.
struct PendingSpend {
  OutPoint outpoint;
  Hash256 spending_txid;
  int64_t time_seconds = 0;

  friend bool operator==(const PendingSpend&, const PendingSpend&) = default;
};

// A payment of the wallet given up by hand (Core's abandontransaction): its inputs are no
// longer reserved. Kept until a block confirms it after all.
struct AbandonedTx {
  Hash256 txid;
  int64_t time_seconds = 0;

  friend bool operator==(const AbandonedTx&, const AbandonedTx&) = default;
};

struct WalletFile {
  std::vector<PrivateKey> keys;
  std::vector<PendingSpend> pending_spends;
  std::vector<AbandonedTx> abandoned;
};

Bytes encode_wallet_file(const WalletFile& file);
// Reasons: "wallet-corrupt" (bad magic, checksum, truncation, trailing bytes or an invalid key),
// "wallet-version-unsupported".
Result<WalletFile> decode_wallet_file(ByteSpan data, const Signer& signer);

// Reasons: "wallet-missing", "wallet-unreadable", "wallet-too-large", and decode's.
Result<WalletFile> load_wallet_file(const std::filesystem::path& path, const Signer& signer);
// As load_wallet_file, but a missing file is an empty wallet.
Result<WalletFile> load_wallet_file_or_empty(const std::filesystem::path& path,
                                             const Signer& signer);
// Atomic, durable replace (see above). Reason: "wallet-write-failed".
Status save_wallet_file(const std::filesystem::path& path, const WalletFile& file);

// The wallet at one path: every change is saved before the call returns.
class Wallet {
 public:
  // Loads `path`, or starts an empty wallet when it does not exist (nothing is written until
  // the first key). Reasons: those of Signer::create and load_wallet_file.
  static Result<Wallet> open(std::filesystem::path path);

  // Generates a key and saves the wallet; on failure the key is dropped, never half-kept.
  Result<PrivateKey> new_key();

  const std::vector<PrivateKey>& keys() const { return contents_.keys; }
  // One address per key, in creation order.
  std::vector<std::string> addresses(const ChainParams& params) const;
  // The key whose pubkey hash is `pubkey_hash`, or nullptr.
  const PrivateKey* key_for(const Hash160& pubkey_hash) const;

  // Records that `outpoints` were spent by `spending_txid` and saves.
  Status mark_spent(std::span<const OutPoint> outpoints, const Hash256& spending_txid,
                    int64_t time_seconds);
  // Keeps only the pending spends for which `keep` is true (e.g. drops those whose transaction
  // is confirmed) and saves if any was dropped.
  Status retain_pending_spends(const std::function<bool(const PendingSpend&)>& keep);
  const std::vector<PendingSpend>& pending_spends() const { return contents_.pending_spends; }
  std::unordered_set<OutPoint> pending_outpoints() const;

  // Abandons `txids`: drops their pending spends (their inputs may be spent again) and records
  // them as abandoned; saves.
  Status abandon(const std::unordered_set<Hash256>& txids, int64_t time_seconds);
  bool is_abandoned(const Hash256& txid) const;
  // Forgets that `txids` were abandoned (confirmed, or back in the mempool); saves if any was.
  Status forget_abandoned(const std::unordered_set<Hash256>& txids);
  const std::vector<AbandonedTx>& abandoned() const { return contents_.abandoned; }

  const Signer& signer() const { return signer_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  Wallet(std::filesystem::path path, Signer signer, WalletFile contents)
      : path_(std::move(path)), signer_(std::move(signer)), contents_(std::move(contents)) {}

  std::filesystem::path path_;
  Signer signer_;
  WalletFile contents_;
};

}  // namespace ac::wallet
