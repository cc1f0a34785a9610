// One line of a --trace-file, as the diagram tool reads it back. The schema (README, "Trace
// files") is written by net/trace.cpp; this side only reads it, so the tool also works on trace
// files copied from elsewhere. Pure: no sockets, no actors, no project layers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ac::diagram {

// The schema version this reader understands; lines of another version are skipped.
inline constexpr int kTraceSchema = 1;

struct Record {
  int64_t time_us = 0;  // wall time, microseconds since the Unix epoch
  std::string node;     // the writing node's id
  bool is_message = false;
  // The connection, for messages and for events about one (-1 when none).
  int64_t conn = -1;
  std::string local;      // our socket's endpoint
  std::string peer;       // the peer's socket endpoint
  std::string peer_node;  // the peer's node id, "" while unknown
  // A message.
  bool sent = false;  // false: received
  std::string command;
  std::string checksum;  // 8 hex digits of the payload's checksum
  int64_t size = 0;      // payload bytes
  std::string detail;    // its key fields in a few words, e.g. "blocks=3"
  // An event.
  std::string event;  // e.g. "new_tip", "mined", "disconnected"
  std::string text;   // the human log line, or what the event says
  std::string role;   // "start" events: central, wallet, miner or client
};

struct TraceFile {
  std::string name;
  std::vector<Record> records;      // in the order the node wrote them
  std::vector<std::string> errors;  // lines skipped, with their line number and why
};

// Parses JSON lines. A line that does not parse or has another schema is skipped with an error;
// the rest of the file is kept (a node killed mid-line leaves a truncated last line).
TraceFile parse_trace(std::string_view text, std::string name);

// Short "what" of a message for a label: "getblocks locator=1", "block 00a1b2c3 txs=2".
std::string message_label(const Record& record);

}  // namespace ac::diagram
