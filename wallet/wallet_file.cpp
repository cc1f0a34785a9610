#include "wallet/wallet_file.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <fstream>

#include "chain/atomic_file.hpp"
#include "chain/hash.hpp"
#include "chain/serialize.hpp"
#include "wallet/address.hpp"

namespace ac::wallet {

namespace {

constexpr std::array<uint8_t, 8> kMagic = {'A', 'C', 'W', 'A', 'L', 'L', 'E', 'T'};
constexpr size_t kChecksumBytes = 32;
constexpr size_t kPendingSpendBytes = 32 + 4 + 32 + 8;
constexpr size_t kAbandonedBytes = 32 + 8;
constexpr uint64_t kMaxEntries = kMaxWalletFileBytes / kSecretBytes;

// Serialized wallets hold secrets: wipe every buffer that held one.
struct WipedBytes {
  Bytes bytes;
  ~WipedBytes() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

Error corrupt(std::string detail) {
  return make_error("wallet-corrupt", std::move(detail));
}

}  // namespace

Bytes encode_wallet_file(const WalletFile& file) {
  Bytes out(kMagic.begin(), kMagic.end());
  out.reserve(kMagic.size() + 4 + 9 + file.keys.size() * kSecretBytes + 9 +
              file.pending_spends.size() * kPendingSpendBytes + 9 +
              file.abandoned.size() * kAbandonedBytes + kChecksumBytes);
  Writer writer(out);
  // Version 1 while nothing of version 2 is held (see the header).
  writer.u32(file.abandoned.empty() ? 1 : kWalletFormatVersion);
  writer.compact_size(file.keys.size());
  for (const PrivateKey& key : file.keys) writer.bytes(key.secret());
  writer.compact_size(file.pending_spends.size());
  for (const PendingSpend& spend : file.pending_spends) {
    writer.hash(spend.outpoint.txid);
    writer.u32(spend.outpoint.index);
    writer.hash(spend.spending_txid);
    writer.i64(spend.time_seconds);
  }
  if (!file.abandoned.empty()) {
    writer.compact_size(file.abandoned.size());
    for (const AbandonedTx& abandoned : file.abandoned) {
      writer.hash(abandoned.txid);
      writer.i64(abandoned.time_seconds);
    }
  }
  writer.hash(sha256d(out));
  return out;
}

Result<WalletFile> decode_wallet_file(ByteSpan data, const Signer& signer) {
  if (data.size() < kMagic.size() + 4 + kChecksumBytes) return corrupt("truncated");
  if (!std::equal(kMagic.begin(), kMagic.end(), data.begin())) return corrupt("bad magic");
  ByteSpan body = data.first(data.size() - kChecksumBytes);
  Hash256 checksum = sha256d(body);
  if (!std::equal(checksum.begin(), checksum.end(), data.end() - kChecksumBytes)) {
    return corrupt("bad checksum");
  }

  Reader reader(body.subspan(kMagic.size()));
  uint32_t version = 0;
  reader.u32(version);
  if (version == 0) return corrupt("format version 0");
  if (version > kWalletFormatVersion) {
    return make_error("wallet-version-unsupported", "format version " + std::to_string(version));
  }

  WalletFile file;
  uint64_t key_count = 0;
  if (reader.count(key_count, kMaxEntries, kSecretBytes)) {
    file.keys.reserve(static_cast<size_t>(key_count));
    for (uint64_t i = 0; i < key_count; ++i) {
      std::array<uint8_t, kSecretBytes> secret;
      bool read = reader.bytes(secret.data(), secret.size());
      auto key = read ? signer.import_key(secret) : Result<PrivateKey>(make_error("truncated"));
      OPENSSL_cleanse(secret.data(), secret.size());
      if (!key) return corrupt("key " + std::to_string(i) + ": " + key.reason());
      file.keys.push_back(std::move(key).value());
    }
  }
  uint64_t pending_count = 0;
  if (reader.count(pending_count, kMaxEntries, kPendingSpendBytes)) {
    file.pending_spends.resize(static_cast<size_t>(pending_count));
    for (PendingSpend& spend : file.pending_spends) {
      reader.hash(spend.outpoint.txid);
      reader.u32(spend.outpoint.index);
      reader.hash(spend.spending_txid);
      reader.i64(spend.time_seconds);
    }
  }
  uint64_t abandoned_count = 0;
  if (version >= 2 && reader.count(abandoned_count, kMaxEntries, kAbandonedBytes)) {
    // Version 2 is written only with an abandoned payment: one encoding per wallet.
    if (abandoned_count == 0) return corrupt("format version 2 without an abandoned tx");
    file.abandoned.resize(static_cast<size_t>(abandoned_count));
    for (AbandonedTx& abandoned : file.abandoned) {
      reader.hash(abandoned.txid);
      reader.i64(abandoned.time_seconds);
    }
  }
  if (Status status = reader.finish(); !status) return corrupt(status.reason());
  return file;
}

Result<WalletFile> load_wallet_file(const std::filesystem::path& path, const Signer& signer) {
  std::error_code error;
  auto size = std::filesystem::file_size(path, error);
  if (error) {
    if (error == std::errc::no_such_file_or_directory) {
      return make_error(ErrorKind::kNotFound, "wallet-missing", path.string());
    }
    return make_error("wallet-unreadable", path.string() + ": " + error.message());
  }
  if (size > kMaxWalletFileBytes) return make_error("wallet-too-large", path.string());

  std::ifstream in(path, std::ios::binary);
  WipedBytes contents;
  contents.bytes.resize(static_cast<size_t>(size));
  if (!in || !in.read(reinterpret_cast<char*>(contents.bytes.data()),
                      static_cast<std::streamsize>(contents.bytes.size()))) {
    return make_error("wallet-unreadable", path.string());
  }
  // A file that grew after file_size() was measured is read as truncated, hence corrupt; a
  // wallet is only replaced by rename, so that never happens to a file we wrote.
  return decode_wallet_file(contents.bytes, signer);
}

Result<WalletFile> load_wallet_file_or_empty(const std::filesystem::path& path,
                                             const Signer& signer) {
  auto file = load_wallet_file(path, signer);
  if (!file && file.kind() == ErrorKind::kNotFound) return WalletFile{};
  return file;
}

Status save_wallet_file(const std::filesystem::path& path, const WalletFile& file) {
  WipedBytes contents{encode_wallet_file(file)};
  return write_file_atomically(path, contents.bytes, "wallet-write-failed");
}

Result<Wallet> Wallet::open(std::filesystem::path path) {
  auto signer = Signer::create();
  if (!signer) return signer.error();
  auto contents = load_wallet_file_or_empty(path, *signer);
  if (!contents) return contents.error();
  return Wallet(std::move(path), std::move(signer).value(), std::move(contents).value());
}

Result<PrivateKey> Wallet::new_key() {
  auto key = signer_.generate_key();
  if (!key) return key;
  contents_.keys.push_back(*key);
  if (Status saved = save_wallet_file(path_, contents_); !saved) {
    contents_.keys.pop_back();
    return saved.error();
  }
  return key;
}

std::vector<std::string> Wallet::addresses(const ChainParams& params) const {
  std::vector<std::string> out;
  out.reserve(contents_.keys.size());
  for (const PrivateKey& key : contents_.keys) {
    out.push_back(encode_address(key.pubkey_hash(), params));
  }
  return out;
}

const PrivateKey* Wallet::key_for(const Hash160& pubkey_hash) const {
  for (const PrivateKey& key : contents_.keys) {
    if (key.pubkey_hash() == pubkey_hash) return &key;
  }
  return nullptr;
}

Status Wallet::mark_spent(std::span<const OutPoint> outpoints, const Hash256& spending_txid,
                          int64_t time_seconds) {
  size_t previous_size = contents_.pending_spends.size();
  for (const OutPoint& outpoint : outpoints) {
    contents_.pending_spends.push_back({outpoint, spending_txid, time_seconds});
  }
  if (Status saved = save_wallet_file(path_, contents_); !saved) {
    contents_.pending_spends.resize(previous_size);
    return saved;
  }
  return {};
}

Status Wallet::retain_pending_spends(const std::function<bool(const PendingSpend&)>& keep) {
  std::vector<PendingSpend> previous = contents_.pending_spends;
  std::erase_if(contents_.pending_spends, [&](const PendingSpend& spend) { return !keep(spend); });
  if (contents_.pending_spends.size() == previous.size()) return {};
  if (Status saved = save_wallet_file(path_, contents_); !saved) {
    contents_.pending_spends = std::move(previous);
    return saved;
  }
  return {};
}

std::unordered_set<OutPoint> Wallet::pending_outpoints() const {
  std::unordered_set<OutPoint> out;
  for (const PendingSpend& spend : contents_.pending_spends) out.insert(spend.outpoint);
  return out;
}

Status Wallet::abandon(const std::unordered_set<Hash256>& txids, int64_t time_seconds) {
  std::vector<PendingSpend> previous_spends = contents_.pending_spends;
  std::vector<AbandonedTx> previous_abandoned = contents_.abandoned;
  std::erase_if(contents_.pending_spends,
                [&](const PendingSpend& spend) { return txids.contains(spend.spending_txid); });
  for (const Hash256& txid : txids)
    if (!is_abandoned(txid)) contents_.abandoned.push_back({txid, time_seconds});
  if (Status saved = save_wallet_file(path_, contents_); !saved) {
    contents_.pending_spends = std::move(previous_spends);
    contents_.abandoned = std::move(previous_abandoned);
    return saved;
  }
  return {};
}

bool Wallet::is_abandoned(const Hash256& txid) const {
  return std::any_of(contents_.abandoned.begin(), contents_.abandoned.end(),
                     [&](const AbandonedTx& abandoned) { return abandoned.txid == txid; });
}

Status Wallet::forget_abandoned(const std::unordered_set<Hash256>& txids) {
  std::vector<AbandonedTx> previous = contents_.abandoned;
  std::erase_if(contents_.abandoned,
                [&](const AbandonedTx& abandoned) { return txids.contains(abandoned.txid); });
  if (contents_.abandoned.size() == previous.size()) return {};
  if (Status saved = save_wallet_file(path_, contents_); !saved) {
    contents_.abandoned = std::move(previous);
    return saved;
  }
  return {};
}

}  // namespace ac::wallet
