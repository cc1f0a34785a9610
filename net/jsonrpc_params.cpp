#include "net/jsonrpc_params.hpp"

#include <fmt/format.h>

#include "chain/amount.hpp"

namespace ac::rpc {

namespace {

const char* type_name(const Json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "bool";
  if (value.is_number()) return "number";
  if (value.is_string()) return "string";
  if (value.is_array()) return "array";
  return "object";
}

[[noreturn]] void wrong_type(const Json& value, const char* expected) {
  throw RpcError(kTypeError, fmt::format("JSON value of type {} is not of expected type {}",
                                         type_name(value), expected));
}

}  // namespace

bool has_param(const Json& params, size_t index) {
  return params.is_array() && index < params.size() && !params[index].is_null();
}

int64_t int_param(const Json& params, size_t index, int64_t fallback) {
  if (!has_param(params, index)) return fallback;
  const Json& value = params[index];
  if (value.is_number_integer()) {
    if (value.is_number_unsigned() && value.get<uint64_t>() > INT64_MAX)
      throw RpcError(kTypeError, "JSON integer out of range");
    return value.get<int64_t>();
  }
  if (value.is_number_float()) throw RpcError(kTypeError, "JSON integer out of range");
  wrong_type(value, "number");
}

bool bool_param(const Json& params, size_t index, bool fallback) {
  if (!has_param(params, index)) return fallback;
  const Json& value = params[index];
  if (!value.is_boolean()) wrong_type(value, "bool");
  return value.get<bool>();
}

std::string string_param(const Json& params, size_t index, const std::string& fallback) {
  if (!has_param(params, index)) return fallback;
  const Json& value = params[index];
  if (!value.is_string()) wrong_type(value, "string");
  return value.get<std::string>();
}

Hash256 hash_param(const Json& params, size_t index, const std::string& name) {
  if (!has_param(params, index)) throw RpcError(kInvalidParameter, name + " must be given");
  const Json& value = params[index];
  if (!value.is_string()) wrong_type(value, "string");
  const std::string& text = value.get_ref<const std::string&>();
  if (text.size() != 64)
    throw RpcError(kInvalidParameter, fmt::format("{} must be of length 64 (not {}, for '{}')",
                                                  name, text.size(), text));
  auto hash = Hash256::from_hex(text);
  if (!hash)
    throw RpcError(kInvalidParameter,
                   fmt::format("{} must be hexadecimal string (not '{}')", name, text));
  return *hash;
}

int64_t amount_param(const Json& params, size_t index) {
  if (!has_param(params, index)) throw RpcError(kTypeError, "Invalid amount");
  const Json& value = params[index];
  std::string text;
  if (value.is_string()) {
    text = value.get<std::string>();
  } else if (value.is_number()) {
    // The number's own text (nlohmann keeps integers exact; floats print shortest round-trip).
    text = value.dump();
  } else {
    wrong_type(value, "number");
  }
  if (!text.empty() && text.front() == '-') throw RpcError(kTypeError, "Amount out of range");
  auto units = parse_coins(text);
  if (!units) {
    // parse_coins refuses both malformed text and amounts above the supply; say which.
    size_t point = text.find('.');
    bool well_formed =
        !text.empty() && text.find_first_not_of("0123456789.") == std::string::npos &&
        text.find('.', point == std::string::npos ? point : point + 1) == std::string::npos &&
        (point == std::string::npos || text.size() - point - 1 <= 8);
    throw RpcError(kTypeError, well_formed ? "Amount out of range" : "Invalid amount");
  }
  return *units;
}

int verbosity_param(const Json& params, size_t index, int fallback) {
  if (!has_param(params, index)) return fallback;
  const Json& value = params[index];
  if (value.is_boolean()) return value.get<bool>() ? 1 : 0;
  return static_cast<int>(int_param(params, index, fallback));
}

}  // namespace ac::rpc
