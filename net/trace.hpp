// Human and machine summaries of a wire message for the node's message traces (README "Reading
// the traces"): one line of key fields per message, e.g. "getblocks locator=1 stop=0", and the same
// as a JSON object for --trace-file, with the node's own events. Text taken from a peer (the user
// agent) is made printable first, so a hostile peer cannot forge log lines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "net/header.hpp"
#include "net/messages.hpp"

namespace ac::net {

// The command followed by its key fields, e.g.
//   version v=70015 height=3 from=127.0.0.1:8001 ua=/actorchain:0.1/
//   inv block=3 first=00a1b2c3 last=0f9e8d7c
//   block 00a1b2c3 txs=2
std::string trace_summary(const Message& message);

// One JSON object with "command" and the message's key fields (full hashes in display hex).
std::string trace_json(const Message& message);

// Where and when a message passed, for a trace line.
struct TraceContext {
  std::string time;       // e.g. "12:00:01.204"
  std::string node;       // the node id, e.g. "8001"
  std::string direction;  // "->" (sent) or "<-" (received)
  std::string peer;       // e.g. "127.0.0.1:8000"
};

// "12:00:01.204 [8001] -> 127.0.0.1:8000 getblocks locator=1 stop=0"
std::string trace_line(const TraceContext& context, const Message& message);

// The --trace-file schema (README, "Trace files"): one JSON object a line, every one with
// "schema", "t_us" (wall time in microseconds) and "node"; a message adds its connection, "dir"
// ("send" or "recv"), "command", "checksum", "size" and its key fields; an event adds "event",
// "text" and its fields. Bumped when a field changes meaning or goes away.
inline constexpr int kTraceSchema = 1;

// One end of a connection as a node's trace names it.
struct TraceConnection {
  uint64_t id = 0;        // the node's own number for the connection, from 1 in each run
  std::string local;      // our socket's endpoint, e.g. "127.0.0.1:53412"
  std::string peer;       // the peer's socket endpoint
  std::string peer_node;  // the peer's node id (its port), once known from the dial or version
};

struct TraceStamp {
  int64_t time_us = 0;  // since the Unix epoch
  std::string node;
};

// A message sent (`sent`) or received on `connection`: its frame's checksum and payload size
// pair a send with its receive in the peer's trace.
std::string trace_json_message(const TraceStamp& stamp, const TraceConnection& connection,
                               bool sent, const Checksum& checksum, size_t payload_bytes,
                               const Message& message);

// An event of the node: its kind, the human text, more members (`fields`: "" or JSON object
// members such as "\"height\":2") and the connection it is about, if any.
std::string trace_json_event(const TraceStamp& stamp, std::string_view kind, std::string_view text,
                             std::string_view fields, const TraceConnection* connection);

// What a human log line of the node reports, for the trace file: "new tip height=2 hash=..."
// is {"new_tip", "\"height\":2,\"hash\":\"...\""}; a line of no known form is "log".
struct LogEvent {
  std::string kind;
  std::string fields;
};
LogEvent classify_log_line(std::string_view text);

// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace ac::net
