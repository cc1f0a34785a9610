// Human and machine summaries of a wire message for the node's message traces (DESIGN section
// 8): one line of key fields per message, e.g. "getblocks locator=1 stop=0", and the same as a
// JSON object for --trace-file. Text taken from a peer (the user agent) is made printable first,
// so a hostile peer cannot forge log lines.
#pragma once

#include <string>
#include <string_view>

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

// trace_json with "time", "node", "direction" and "peer" first: one line of a trace file.
std::string trace_json_line(const TraceContext& context, const Message& message);

// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace ac::net
