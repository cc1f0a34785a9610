#include "chain/tx_index.hpp"

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include <cstring>
#include <system_error>

namespace ac {

namespace {

constexpr char kTxPrefix = 't';
const std::string kTipKey = "best";  // hash (32 bytes) + height (4 bytes, little-endian)

std::string tx_key(const Hash256& txid) {
  std::string key(1, kTxPrefix);
  key.append(reinterpret_cast<const char*>(txid.data.data()), txid.data.size());
  return key;
}

leveldb::Slice slice(const Hash256& hash) {
  return {reinterpret_cast<const char*>(hash.data.data()), hash.data.size()};
}

}  // namespace

struct TxIndex::Impl {
  std::unique_ptr<leveldb::DB> db;
};

TxIndex::TxIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TxIndex::~TxIndex() = default;

Result<std::unique_ptr<TxIndex>> TxIndex::open(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return make_error(ErrorKind::kLocal, "txindex-open-failed", error.message());
  leveldb::Options options;
  options.create_if_missing = true;
  options.compression = leveldb::kNoCompression;  // hashes do not compress
  leveldb::DB* db = nullptr;
  leveldb::Status status = leveldb::DB::Open(options, dir.string(), &db);
  if (!status.ok()) {
    bool locked = status.IsIOError() && status.ToString().find("lock") != std::string::npos;
    return make_error(locked ? ErrorKind::kBusy : ErrorKind::kLocal,
                      locked ? "txindex-locked" : "txindex-open-failed", status.ToString());
  }
  auto impl = std::make_unique<Impl>();
  impl->db.reset(db);
  return std::unique_ptr<TxIndex>(new TxIndex(std::move(impl)));
}

Status TxIndex::add_block(const Block& block, const Hash256& hash, int height) {
  leveldb::WriteBatch batch;
  for (const Transaction& tx : block.transactions) batch.Put(tx_key(tx.txid()), slice(hash));
  std::string tip(reinterpret_cast<const char*>(hash.data.data()), hash.data.size());
  for (int shift = 0; shift < 32; shift += 8) tip.push_back(static_cast<char>(height >> shift));
  batch.Put(kTipKey, tip);
  leveldb::Status status = impl_->db->Write(leveldb::WriteOptions{}, &batch);
  if (!status.ok()) return make_error(ErrorKind::kLocal, "txindex-write-failed", status.ToString());
  return {};
}

Status TxIndex::reset() {
  leveldb::Status status = impl_->db->Delete(leveldb::WriteOptions{}, kTipKey);
  if (!status.ok()) return make_error(ErrorKind::kLocal, "txindex-write-failed", status.ToString());
  return {};
}

std::optional<Hash256> TxIndex::find(const Hash256& txid) const {
  std::string value;
  if (!impl_->db->Get(leveldb::ReadOptions{}, tx_key(txid), &value).ok()) return std::nullopt;
  if (value.size() != 32) return std::nullopt;
  Hash256 hash;
  std::memcpy(hash.data.data(), value.data(), 32);
  return hash;
}

std::optional<IndexedTip> TxIndex::tip() const {
  std::string value;
  if (!impl_->db->Get(leveldb::ReadOptions{}, kTipKey, &value).ok()) return std::nullopt;
  if (value.size() != 36) return std::nullopt;
  IndexedTip tip;
  std::memcpy(tip.hash.data.data(), value.data(), 32);
  uint32_t height = 0;
  for (int i = 0; i < 4; ++i)
    height |= static_cast<uint32_t>(static_cast<uint8_t>(value[32 + i])) << (8 * i);
  tip.height = static_cast<int>(height);
  return tip;
}

}  // namespace ac
