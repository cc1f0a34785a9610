// JSON-RPC as Bitcoin Core speaks it over HTTP, without sockets: a request body in, an HTTP
// status and a response body out. The server (actors/rpc_server.hpp) only moves bytes; what a
// body means, which error code answers it and how the envelope looks is decided here, so the
// fuzz target (fuzz/jsonrpc.cpp) covers all of it.
//
// Core's rules (src/httprpc.cpp, src/rpc/request.cpp), kept:
//   - a body is one request object or a batch (a JSON array of them), answered by an array;
//   - JSON-RPC 1.0 form: {"result":R,"error":null,"id":I} or {"result":null,"error":{"code":N,
//     "message":M},"id":I}; HTTP 200 on success, 404 for method-not-found, 500 otherwise;
//   - JSON-RPC 2.0 form ("jsonrpc":"2.0"): only one of result / error, "jsonrpc":"2.0" echoed,
//     HTTP 200 whatever the outcome, a notification (no id) gets no answer (HTTP 204);
//   - a batch is always HTTP 200; the id is echoed as sent (null when it cannot be read).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ac::rpc {

// Ordered as inserted, as Core's UniValue: an object prints its fields in the order a method
// wrote them (getblock starts with "hash"; getaddressesbylabel lists keys in wallet order).
using Json = nlohmann::ordered_json;

// Core's error codes (src/rpc/protocol.h), the ones this node answers with.
enum ErrorCode : int {
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
  kParseError = -32700,
  kMiscError = -1,
  kTypeError = -3,
  kWalletError = -4,
  kInvalidAddressOrKey = -5,
  kWalletInsufficientFunds = -6,
  kInvalidParameter = -8,
  kClientNotConnected = -9,
  kWalletInvalidLabelName = -11,
  kDatabaseError = -20,
  kDeserializationError = -22,
  kClientNodeAlreadyAdded = -23,
  kClientNodeNotAdded = -24,
  kVerifyError = -25,
  kVerifyRejected = -26,
  kVerifyAlreadyInChain = -27,
  kClientNodeNotConnected = -29,
  kClientInvalidIpOrSubnet = -30,
};

// What a method's handler throws to answer with an error; the dispatcher catches it (and any
// other exception, as -1 / -32603) so nothing unwinds past handle_body.
class RpcError : public std::runtime_error {
 public:
  RpcError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

// One method: its name, the names of its positional parameters (so named parameters map onto
// them, as Core's), how many are required, a one-line usage for help and the answer to a wrong
// count, and the handler. The handler gets the parameters as an array (missing ones absent).
struct Method {
  std::string category;  // "Blockchain", "Control", ... (help groups by it)
  std::string name;
  std::vector<std::string> arg_names;
  size_t required = 0;
  std::string usage;  // e.g. "getblockhash height"
  std::function<Json(const Json& params)> handler;
};

struct HttpReply {
  int status = 200;
  std::string body;  // empty with 204
};

class Dispatcher {
 public:
  void add(Method method);
  const Method* find(std::string_view name) const;
  // Core's `help` without argument: "== Category ==" then one usage line per method.
  std::string help_text() const;
  // Core's `help METHOD`: its usage line; -1 "help: unknown command: X" otherwise.
  std::string help_for(std::string_view name) const;

  // Answers one HTTP body (never throws).
  HttpReply handle_body(std::string_view body) const;

 private:
  // One request object; its reply, or null for a 2.0 notification. `status` gets the HTTP
  // status this reply would have on its own.
  Json handle_request(const Json& request, int& status) const;

  std::map<std::string, Method, std::less<>> methods_;
};

// Amounts are JSON numbers in coins with exactly 8 decimals, as Core prints them
// (17.00000000, not 17.0): nlohmann prints doubles its own way, so an amount is carried as a
// marked string and written as a bare number by dump().
Json amount_json(int64_t units);
// Serializes a reply, writing amounts as numbers.
std::string dump(const Json& value);
// The same, indented by two spaces (what the command line prints).
std::string dump_pretty(const Json& value);
// Parses a reply keeping every number written with exactly 8 decimals as an amount (so it
// prints again as 17.00000000, and parse_coins reads it exactly); null when malformed.
Json parse_keeping_amounts(std::string_view text);
// The units of an amount as parse_keeping_amounts or amount_json left it.
std::optional<int64_t> amount_units(const Json& value);

}  // namespace ac::rpc
