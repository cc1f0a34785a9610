#include "net/trace.hpp"

#include <cstdio>

namespace ac::net {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    out.push_back(byte >= 0x20 && byte <= 0x7e ? c : '?');
  }
  return out;
}

std::string short_or_zero(const Hash256& hash) {
  return hash.is_zero() ? "0" : hash.short_hex();
}

struct InventoryCounts {
  size_t blocks = 0;
  size_t transactions = 0;
  size_t other = 0;
};

InventoryCounts count_items(const std::vector<InvItem>& items) {
  InventoryCounts counts;
  for (const InvItem& item : items) {
    if (item.type == kMsgBlock) {
      ++counts.blocks;
    } else if (item.type == kMsgTx) {
      ++counts.transactions;
    } else {
      ++counts.other;
    }
  }
  return counts;
}

std::string inventory_summary(std::string_view command, const std::vector<InvItem>& items) {
  std::string out(command);
  if (items.empty()) return out + " count=0";
  InventoryCounts counts = count_items(items);
  if (counts.blocks > 0) out += " block=" + std::to_string(counts.blocks);
  if (counts.transactions > 0) out += " tx=" + std::to_string(counts.transactions);
  if (counts.other > 0) out += " other=" + std::to_string(counts.other);
  out += " first=" + items.front().hash.short_hex();
  if (items.size() > 1) out += " last=" + items.back().hash.short_hex();
  return out;
}

// Builds a JSON object field by field.
class JsonObject {
 public:
  JsonObject& string(std::string_view key, std::string_view value) {
    return raw(key, json_quote(value));
  }
  JsonObject& number(std::string_view key, long long value) {
    return raw(key, std::to_string(value));
  }
  JsonObject& unsigned_number(std::string_view key, unsigned long long value) {
    return raw(key, std::to_string(value));
  }
  JsonObject& boolean(std::string_view key, bool value) {
    return raw(key, value ? "true" : "false");
  }
  JsonObject& raw(std::string_view key, std::string_view json) {
    text_ += text_.empty() ? "{" : ",";
    text_ += json_quote(key);
    text_ += ':';
    text_ += json;
    return *this;
  }
  // Members already written as JSON ("\"a\":1,\"b\":2").
  JsonObject& raw_members(std::string_view members) {
    text_ += text_.empty() ? "{" : ",";
    text_ += members;
    return *this;
  }
  std::string finish() const { return text_.empty() ? "{}" : text_ + "}"; }

 private:
  std::string text_;
};

void inventory_fields(JsonObject& json, const std::vector<InvItem>& items) {
  InventoryCounts counts = count_items(items);
  json.unsigned_number("count", items.size())
      .unsigned_number("blocks", counts.blocks)
      .unsigned_number("txs", counts.transactions);
  if (counts.other > 0) json.unsigned_number("other", counts.other);
  if (!items.empty()) {
    json.string("first", items.front().hash.hex()).string("last", items.back().hash.hex());
  }
}

void message_fields(JsonObject& json, const Message& message) {
  json.string("command", command_of(message));
  std::visit(
      Overloaded{
          [&](const Version& m) {
            json.number("version", m.version)
                .unsigned_number("services", m.services)
                .number("timestamp", m.timestamp)
                .number("height", m.start_height)
                .string("from", m.addr_from.endpoint())
                .string("to", m.addr_recv.endpoint())
                .string("user_agent", m.user_agent)
                .unsigned_number("nonce", m.nonce)
                .boolean("relay", m.relay);
          },
          [&](const Verack&) {},
          [&](const Addr& m) {
            json.unsigned_number("count", m.addresses.size());
            if (!m.addresses.empty()) json.string("first", m.addresses.front().address.endpoint());
          },
          [&](const GetBlocks& m) {
            json.unsigned_number("version", m.version).unsigned_number("locator", m.locator.size());
            if (!m.locator.empty()) json.string("tip", m.locator.front().hex());
            json.string("stop", m.hash_stop.is_zero() ? "0" : m.hash_stop.hex());
          },
          [&](const Inv& m) { inventory_fields(json, m.items); },
          [&](const GetData& m) { inventory_fields(json, m.items); },
          [&](const NotFound& m) { inventory_fields(json, m.items); },
          [&](const BlockMessage& m) {
            json.string("hash", m.block.hash().hex())
                .string("prev", m.block.header.prev_block.hex())
                .unsigned_number("txs", m.block.transactions.size());
          },
          [&](const TxMessage& m) {
            json.string("txid", m.tx.txid().hex())
                .unsigned_number("inputs", m.tx.inputs.size())
                .unsigned_number("outputs", m.tx.outputs.size());
          },
          [&](const Ping& m) { json.unsigned_number("nonce", m.nonce); },
          [&](const Pong& m) { json.unsigned_number("nonce", m.nonce); },
          [&](const GetAddr&) {},
          [&](const GetHeaders& m) {
            json.unsigned_number("version", m.version).unsigned_number("locator", m.locator.size());
            if (!m.locator.empty()) json.string("tip", m.locator.front().hex());
            json.string("stop", m.hash_stop.is_zero() ? "0" : m.hash_stop.hex());
          },
          [&](const Headers& m) {
            json.unsigned_number("count", m.headers.size());
            if (!m.headers.empty()) {
              json.string("first", m.headers.front().hash().hex())
                  .string("last", m.headers.back().hash().hex());
            }
          },
          [&](const SendHeaders&) {},
          [&](const MemPool&) {},
          [&](const SendCmpct& m) {
            json.boolean("high_bandwidth", m.high_bandwidth).unsigned_number("version", m.version);
          },
          [&](const CmpctBlock& m) {
            json.string("hash", m.header.hash().hex())
                .string("prev", m.header.prev_block.hex())
                .unsigned_number("short_ids", m.short_ids.size())
                .unsigned_number("prefilled", m.prefilled.size());
          },
          [&](const GetBlockTxn& m) {
            json.string("hash", m.block_hash.hex()).unsigned_number("indexes", m.indexes.size());
          },
          [&](const BlockTxn& m) {
            json.string("hash", m.block_hash.hex()).unsigned_number("txs", m.transactions.size());
          },
      },
      message);
}

}  // namespace

std::string json_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (byte < 0x20 || byte >= 0x7f) {
          // Bytes outside printable ASCII may not be valid UTF-8: escape each one.
          char escaped[7];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string trace_summary(const Message& message) {
  return std::visit(
      Overloaded{
          [](const Version& m) {
            return "version v=" + std::to_string(m.version) +
                   " height=" + std::to_string(m.start_height) + " from=" + m.addr_from.endpoint() +
                   " ua=" + printable(m.user_agent);
          },
          [](const Verack&) { return std::string("verack"); },
          [](const Addr& m) {
            std::string out = "addr count=" + std::to_string(m.addresses.size());
            if (!m.addresses.empty()) out += " first=" + m.addresses.front().address.endpoint();
            return out;
          },
          [](const GetBlocks& m) {
            return "getblocks locator=" + std::to_string(m.locator.size()) +
                   " stop=" + short_or_zero(m.hash_stop);
          },
          [](const Inv& m) { return inventory_summary(Inv::kCommand, m.items); },
          [](const GetData& m) { return inventory_summary(GetData::kCommand, m.items); },
          [](const NotFound& m) { return inventory_summary(NotFound::kCommand, m.items); },
          [](const BlockMessage& m) {
            return "block " + m.block.hash().short_hex() +
                   " txs=" + std::to_string(m.block.transactions.size());
          },
          [](const TxMessage& m) {
            return "tx " + m.tx.txid().short_hex() + " in=" + std::to_string(m.tx.inputs.size()) +
                   " out=" + std::to_string(m.tx.outputs.size());
          },
          [](const Ping& m) { return "ping nonce=" + std::to_string(m.nonce); },
          [](const Pong& m) { return "pong nonce=" + std::to_string(m.nonce); },
          [](const GetAddr&) { return std::string("getaddr"); },
          [](const GetHeaders& m) {
            return "getheaders locator=" + std::to_string(m.locator.size()) +
                   " stop=" + short_or_zero(m.hash_stop);
          },
          [](const Headers& m) {
            std::string out = "headers count=" + std::to_string(m.headers.size());
            if (!m.headers.empty()) {
              out += " first=" + m.headers.front().hash().short_hex() +
                     " last=" + m.headers.back().hash().short_hex();
            }
            return out;
          },
          [](const SendHeaders&) { return std::string("sendheaders"); },
          [](const MemPool&) { return std::string("mempool"); },
          [](const SendCmpct& m) {
            return std::string("sendcmpct high_bandwidth=") + (m.high_bandwidth ? "1" : "0") +
                   " v=" + std::to_string(m.version);
          },
          [](const CmpctBlock& m) {
            return "cmpctblock " + m.header.hash().short_hex() +
                   " short_ids=" + std::to_string(m.short_ids.size()) +
                   " prefilled=" + std::to_string(m.prefilled.size());
          },
          [](const GetBlockTxn& m) {
            return "getblocktxn " + m.block_hash.short_hex() +
                   " indexes=" + std::to_string(m.indexes.size());
          },
          [](const BlockTxn& m) {
            return "blocktxn " + m.block_hash.short_hex() +
                   " txs=" + std::to_string(m.transactions.size());
          },
      },
      message);
}

std::string trace_json(const Message& message) {
  JsonObject json;
  message_fields(json, message);
  return json.finish();
}

std::string trace_line(const TraceContext& context, const Message& message) {
  std::string out = context.time;
  out.append(" [").append(context.node).append("] ").append(context.direction);
  out.append(" ").append(context.peer).append(" ").append(trace_summary(message));
  return out;
}

namespace {

void connection_fields(JsonObject& json, const TraceConnection& connection) {
  json.unsigned_number("conn", connection.id);
  if (!connection.local.empty()) json.string("local", connection.local);
  json.string("peer", connection.peer);
  if (!connection.peer_node.empty()) json.string("peer_node", connection.peer_node);
}

}  // namespace

std::string trace_json_message(const TraceStamp& stamp, const TraceConnection& connection,
                               bool sent, const Checksum& checksum, size_t payload_bytes,
                               const Message& message) {
  JsonObject json;
  json.number("schema", kTraceSchema).number("t_us", stamp.time_us).string("node", stamp.node);
  connection_fields(json, connection);
  json.string("dir", sent ? "send" : "recv");
  json.string("checksum", to_hex(ByteSpan(checksum.data(), checksum.size())));
  json.unsigned_number("size", payload_bytes);
  message_fields(json, message);
  return json.finish();
}

std::string trace_json_event(const TraceStamp& stamp, std::string_view kind, std::string_view text,
                             std::string_view fields, const TraceConnection* connection) {
  JsonObject json;
  json.number("schema", kTraceSchema).number("t_us", stamp.time_us).string("node", stamp.node);
  if (connection != nullptr) connection_fields(json, *connection);
  json.string("event", kind).string("text", printable(text));
  if (!fields.empty()) json.raw_members(fields);
  return json.finish();
}

}  // namespace ac::net
