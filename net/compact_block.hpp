// BIP152 compact blocks as pure code: the short transaction ids, a compact block made from a
// block, and a block rebuilt from one (Core's PartiallyDownloadedBlock): matched against the
// transactions the receiver holds, then completed by a blocktxn, then checked against the
// header's merkle root before anything else sees it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "chain/block.hpp"
#include "chain/result.hpp"
#include "net/messages.hpp"
#include "net/siphash.hpp"

namespace ac::net {

using SharedTx = std::shared_ptr<const Transaction>;

// The SipHash key of a compact block: the first two little-endian 64-bit words of
// SHA256(header || nonce as 8 little-endian bytes).
SipHashKey short_id_key(const BlockHeader& header, uint64_t nonce);

// SipHash-2-4 of the txid's 32 bytes under `key`, its two most significant bytes dropped.
uint64_t short_id(const SipHashKey& key, const Hash256& txid);

// `block` as a cmpctblock under `nonce`: the coinbase prefilled, every other transaction by its
// short id (what the receiver's mempool most likely holds).
CmpctBlock make_compact_block(const Block& block, uint64_t nonce);

// A block being rebuilt from a cmpctblock.
class PartialBlock {
 public:
  // Checks the cmpctblock's shape (Core's InitData). Errors: kInvalid "cmpct-empty" (no
  // transactions), "cmpct-index-overflow" (a prefilled index beyond the block): the peer's fault;
  // kUnsupported "short-id-collision" (two transactions of the block share a short id): nobody's
  // fault, the whole block is fetched instead.
  static Result<PartialBlock> start(const CmpctBlock& compact);

  const Hash256& hash() const { return hash_; }
  const SipHashKey& key() const { return key_; }
  const BlockHeader& header() const { return header_; }
  // The short ids still unmatched (for the holder of candidate transactions).
  std::vector<uint64_t> wanted_short_ids() const;

  // Offers a transaction the receiver holds: it fills the slot of its short id. A second,
  // different transaction with the same short id makes the slot ambiguous: it is asked for.
  void offer(const SharedTx& tx);

  // The indexes still missing, increasing (what getblocktxn asks for).
  std::vector<uint32_t> missing() const;

  // Fills the missing slots, in order, from a blocktxn. Error kInvalid "blocktxn-count" when it
  // brings another number of transactions than were missing.
  Status fill(const std::vector<Transaction>& transactions);

  // The block, once nothing is missing. Error kUnsupported "cmpct-merkle-mismatch" when the
  // transactions do not hash to the header's merkle root (a short-id collision with a
  // transaction of ours, or a bad blocktxn): the whole block is fetched instead.
  Result<Block> finish() const;

 private:
  BlockHeader header_;
  Hash256 hash_;
  SipHashKey key_;
  std::vector<SharedTx> slots_;
  std::vector<bool> ambiguous_;
  std::unordered_map<uint64_t, uint32_t> position_of_;  // short id -> slot
};

}  // namespace ac::net
