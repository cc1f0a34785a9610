#include "diagram/trace_record.hpp"

#include <nlohmann/json.hpp>

namespace ac::diagram {

namespace {

using Json = nlohmann::json;

std::string string_field(const Json& json, const char* key) {
  auto it = json.find(key);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t number_field(const Json& json, const char* key, int64_t fallback) {
  auto it = json.find(key);
  return it != json.end() && it->is_number_integer() ? it->get<int64_t>() : fallback;
}

std::string short_hash(const std::string& hex) {
  return hex.size() > 8 ? hex.substr(0, 8) : hex;
}

// The key fields worth a label, per command.
std::string message_detail(const Json& json, const std::string& command) {
  auto number = [&](const char* key) { return std::to_string(number_field(json, key, 0)); };
  if (command == "version") return "height=" + number("height");
  if (command == "getblocks") return "locator=" + number("locator");
  if (command == "addr") return "count=" + number("count");
  if (command == "inv" || command == "getdata" || command == "notfound") {
    std::string out;
    if (number_field(json, "blocks", 0) > 0) out += "blocks=" + number("blocks");
    if (number_field(json, "txs", 0) > 0)
      out += (out.empty() ? "" : " ") + ("txs=" + number("txs"));
    return out.empty() ? "count=" + number("count") : out;
  }
  if (command == "block") return short_hash(string_field(json, "hash")) + " txs=" + number("txs");
  if (command == "tx") return short_hash(string_field(json, "txid"));
  return "";
}

Record to_record(const Json& json) {
  Record record;
  record.time_us = number_field(json, "t_us", 0);
  record.node = string_field(json, "node");
  record.conn = number_field(json, "conn", -1);
  record.local = string_field(json, "local");
  record.peer = string_field(json, "peer");
  record.peer_node = string_field(json, "peer_node");
  std::string direction = string_field(json, "dir");
  record.is_message = direction == "send" || direction == "recv";
  if (record.is_message) {
    record.sent = direction == "send";
    record.command = string_field(json, "command");
    record.checksum = string_field(json, "checksum");
    record.size = number_field(json, "size", 0);
    record.detail = message_detail(json, record.command);
  } else {
    record.event = string_field(json, "event");
    record.text = string_field(json, "text");
    record.role = string_field(json, "role");
  }
  return record;
}

}  // namespace

TraceFile parse_trace(std::string_view text, std::string name) {
  TraceFile file;
  file.name = std::move(name);
  size_t line_number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto fail = [&](const std::string& why) {
      file.errors.push_back(file.name + ":" + std::to_string(line_number) + ": " + why);
    };
    Json json = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object()) {
      fail("not a JSON object");
      continue;
    }
    int64_t schema = number_field(json, "schema", 0);
    if (schema != kTraceSchema) {
      fail("schema " + std::to_string(schema) + ", expected " + std::to_string(kTraceSchema));
      continue;
    }
    Record record = to_record(json);
    if (record.node.empty() || (!record.is_message && record.event.empty())) {
      fail("neither a message nor an event of a node");
      continue;
    }
    file.records.push_back(std::move(record));
  }
  return file;
}

std::string message_label(const Record& record) {
  return record.detail.empty() ? record.command : record.command + " " + record.detail;
}

}  // namespace ac::diagram
