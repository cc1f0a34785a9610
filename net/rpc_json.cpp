#include "net/rpc_json.hpp"

#include <fmt/format.h>

#include "chain/bytes.hpp"
#include "chain/script.hpp"
#include "wallet/address.hpp"

namespace ac::rpc {

double difficulty(uint32_t bits) {
  int shift = static_cast<int>((bits >> 24) & 0xff);
  uint32_t mantissa = bits & 0x00ffffff;
  if (mantissa == 0) return 0.0;
  double value = 65535.0 / static_cast<double>(mantissa);
  for (; shift < 29; ++shift) value *= 256.0;
  for (; shift > 29; --shift) value /= 256.0;
  return value;
}

namespace {

const char* opcode_name(uint8_t op) {
  switch (op) {
    case 0x00:
      return "0";
    case 0x4f:
      return "-1";
    case 0x61:
      return "OP_NOP";
    case 0x69:
      return "OP_VERIFY";
    case 0x6a:
      return "OP_RETURN";
    case 0x75:
      return "OP_DROP";
    case 0x76:
      return "OP_DUP";
    case 0x87:
      return "OP_EQUAL";
    case 0x88:
      return "OP_EQUALVERIFY";
    case 0xa9:
      return "OP_HASH160";
    case 0xac:
      return "OP_CHECKSIG";
    case 0xad:
      return "OP_CHECKSIGVERIFY";
    case 0xae:
      return "OP_CHECKMULTISIG";
    default:
      return nullptr;
  }
}

}  // namespace

std::string script_asm(ByteSpan script, bool is_script_sig) {
  std::string out;
  size_t pos = 0;
  auto append = [&](const std::string& word) {
    if (!out.empty()) out += ' ';
    out += word;
  };
  while (pos < script.size()) {
    uint8_t op = script[pos++];
    size_t length = 0;
    if (op >= 0x01 && op <= 0x4b) {
      length = op;
    } else if (op >= 0x4c && op <= 0x4e) {
      size_t width = op == 0x4c ? 1 : op == 0x4d ? 2 : 4;
      if (pos + width > script.size()) {
        append("[error]");
        return out;
      }
      for (size_t i = 0; i < width; ++i) length |= static_cast<size_t>(script[pos + i]) << (8 * i);
      pos += width;
    } else {
      if (op >= 0x51 && op <= 0x60) {
        append(std::to_string(op - 0x50));
      } else if (const char* name = opcode_name(op)) {
        append(name);
      } else {
        append(fmt::format("OP_UNKNOWN_{:#04x}", op));
      }
      continue;
    }
    if (pos + length > script.size()) {
      append("[error]");
      return out;
    }
    ByteSpan push = script.subspan(pos, length);
    pos += length;
    // A signature in a scriptSig ends with its sighash type, which Core spells out.
    if (is_script_sig && push.size() > 8 && push[0] == 0x30 && push.back() == 0x01)
      append(to_hex(push.first(push.size() - 1)) + "[ALL]");
    else
      append(to_hex(push));
  }
  return out;
}

Json transaction_json(const Transaction& tx, const ChainParams& params) {
  Bytes raw = tx.serialize();
  std::string txid = tx.txid().hex();
  Json out;
  out["txid"] = txid;
  out["hash"] = txid;  // no witness: the same
  out["version"] = tx.version;
  out["size"] = raw.size();
  out["vsize"] = raw.size();
  out["weight"] = raw.size() * 4;
  out["locktime"] = tx.lock_time;
  Json inputs = Json::array();
  for (const TxIn& input : tx.inputs) {
    Json in;
    if (tx.is_coinbase()) {
      in["coinbase"] = to_hex(input.script_sig);
    } else {
      in["txid"] = input.prevout.txid.hex();
      in["vout"] = input.prevout.index;
      in["scriptSig"] = {{"asm", script_asm(input.script_sig, true)},
                         {"hex", to_hex(input.script_sig)}};
    }
    in["sequence"] = input.sequence;
    inputs.push_back(std::move(in));
  }
  out["vin"] = std::move(inputs);
  Json outputs = Json::array();
  for (size_t n = 0; n < tx.outputs.size(); ++n) {
    const TxOut& output = tx.outputs[n];
    Json script{{"asm", script_asm(output.script_pubkey, false)},
                {"hex", to_hex(output.script_pubkey)}};
    if (auto pubkey_hash = match_p2pkh(output.script_pubkey)) {
      script["address"] = wallet::encode_address(*pubkey_hash, params);
      script["type"] = "pubkeyhash";
    } else {
      script["type"] = "nonstandard";
    }
    outputs.push_back({{"value", amount_json(output.value)}, {"n", n}, {"scriptPubKey", script}});
  }
  out["vout"] = std::move(outputs);
  out["hex"] = to_hex(raw);
  return out;
}

Json header_json(const BlockHeader& header, const BlockPlace& place) {
  Json out;
  out["hash"] = header.hash().hex();
  out["confirmations"] = place.confirmations;
  out["height"] = place.height;
  out["version"] = header.version;
  out["versionHex"] = fmt::format("{:08x}", static_cast<uint32_t>(header.version));
  out["merkleroot"] = header.merkle_root.hex();
  out["time"] = header.time;
  out["mediantime"] = place.median_time;
  out["nonce"] = header.nonce;
  out["bits"] = fmt::format("{:08x}", header.bits);
  out["difficulty"] = difficulty(header.bits);
  out["chainwork"] = place.chain_work_hex;
  out["nTx"] = place.transaction_count;
  if (place.previous) out["previousblockhash"] = place.previous->hex();
  if (place.next) out["nextblockhash"] = place.next->hex();
  return out;
}

Json block_json(const Block& block, const BlockPlace& place, int verbosity,
                const ChainParams& params) {
  Json out = header_json(block.header, place);
  size_t size = block.serialized_size();
  out["size"] = size;
  out["strippedsize"] = size;
  out["weight"] = size * 4;
  Json txs = Json::array();
  for (const Transaction& tx : block.transactions) {
    if (verbosity >= 2) {
      Json entry = transaction_json(tx, params);
      txs.push_back(std::move(entry));
    } else {
      txs.push_back(tx.txid().hex());
    }
  }
  out["tx"] = std::move(txs);
  return out;
}

}  // namespace ac::rpc
