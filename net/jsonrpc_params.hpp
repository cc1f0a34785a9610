// Reading a method's positional parameters as Core does: a missing or null parameter takes
// its default; a value of the wrong JSON type is -3 (RPC_TYPE_ERROR) "JSON value of type X is
// not of expected type Y"; a value of the right type that makes no sense is -8 (invalid
// parameter) with Core's wording. Every reader throws RpcError, which the dispatcher answers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "chain/uint256.hpp"
#include "net/jsonrpc.hpp"

namespace ac::rpc {

// True when parameter `index` was given (present and not null).
bool has_param(const Json& params, size_t index);

int64_t int_param(const Json& params, size_t index, int64_t fallback);
bool bool_param(const Json& params, size_t index, bool fallback);
std::string string_param(const Json& params, size_t index, const std::string& fallback = {});
// Core's ParseHashV: 64 hex digits in display order; `name` names it in the message.
Hash256 hash_param(const Json& params, size_t index, const std::string& name);
// Core's AmountFromValue: a number or a numeric string in coins, at most 8 decimals, within
// the money range; -3 "Invalid amount" / "Amount out of range" otherwise.
int64_t amount_param(const Json& params, size_t index);
// Core's getblock verbosity: an integer, or a boolean (false = 0, true = 1).
int verbosity_param(const Json& params, size_t index, int fallback);

}  // namespace ac::rpc
