// Blocks and transactions as Core's RPC shows them (decoderawtransaction, getblock verbosity
// 1 and 2, getblockheader): pure functions from values to JSON, so the fields and their
// spelling are unit-tested without a node.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "chain/block.hpp"
#include "chain/block_index.hpp"
#include "chain/params.hpp"
#include "chain/transaction.hpp"
#include "net/jsonrpc.hpp"

namespace ac::rpc {

// Core's GetDifficulty: how many times harder than the easiest target (bits 0x1d00ffff).
double difficulty(uint32_t bits);

// Core's script as "asm" text: opcodes by name, pushes as hex ("[ALL]" after a signature).
std::string script_asm(ByteSpan script, bool is_script_sig);

// decoderawtransaction's object: txid, hash, version, size, vsize, weight, locktime, vin,
// vout (value in coins, n, scriptPubKey with asm, hex, type and address when P2PKH).
Json transaction_json(const Transaction& tx, const ChainParams& params);

// Where a block stands, for the header fields that are not in the header itself.
struct BlockPlace {
  int height = 0;
  int confirmations = -1;  // -1 when not in the active chain
  int64_t median_time = 0;
  std::string chain_work_hex;
  std::optional<Hash256> previous;  // none for the genesis
  std::optional<Hash256> next;
  size_t transaction_count = 0;
};

// getblockheader's verbose object.
Json header_json(const BlockHeader& header, const BlockPlace& place);

// getblock's object: the header fields plus size, strippedsize, weight and tx (txids at
// verbosity 1, transaction objects at 2).
Json block_json(const Block& block, const BlockPlace& place, int verbosity,
                const ChainParams& params);

}  // namespace ac::rpc
