#include "net/jsonrpc.hpp"

#include <fmt/format.h>

#include <cctype>
#include <exception>

namespace ac::rpc {

namespace {

// Marks an amount string for dump(); a control character no amount text contains.
constexpr char kAmountMark = '\x01';
constexpr std::string_view kEscapedMark = "\"\\u0001";

// "-12.34567890": what amount_json writes after the mark.
bool is_amount_text(std::string_view text) {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  size_t point = text.find('.');
  if (point == 0 || point == std::string_view::npos || text.size() - point != 9) return false;
  for (size_t i = 0; i < text.size(); ++i)
    if (i != point && !std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  return true;
}

Json error_object(int code, const std::string& message) {
  return Json{{"code", code}, {"message", message}};
}

// Core answers alone-standing errors with these statuses (JSONErrorReply in src/httprpc.cpp).
int status_for(int code) {
  if (code == kInvalidRequest) return 400;
  if (code == kMethodNotFound) return 404;
  return 500;
}

enum class Version { v1, v2 };

Json reply(Version version, const Json& id, Json result, Json error) {
  Json out = Json::object();
  if (version == Version::v2) {
    out["jsonrpc"] = "2.0";
    if (error.is_null())
      out["result"] = std::move(result);
    else
      out["error"] = std::move(error);
  } else {
    out["result"] = std::move(result);
    out["error"] = std::move(error);
  }
  out["id"] = id;
  return out;
}

// Core's transformNamedArguments: named parameters become positional by the method's names.
Json positional_params(const Method& method, const Json& params) {
  if (params.is_null()) return Json::array();
  if (params.is_array()) return params;
  Json positional = Json::array();
  for (const auto& [key, value] : params.items()) {
    size_t index = 0;
    while (index < method.arg_names.size() && method.arg_names[index] != key) ++index;
    if (index == method.arg_names.size())
      throw RpcError(kInvalidParameter, "Unknown named parameter " + key);
    while (positional.size() <= index) positional.push_back(nullptr);
    positional[index] = value;
  }
  while (!positional.empty() && positional.back().is_null())
    positional.erase(positional.size() - 1);
  return positional;
}

}  // namespace

void Dispatcher::add(Method method) {
  std::string name = method.name;
  methods_.insert_or_assign(std::move(name), std::move(method));
}

const Method* Dispatcher::find(std::string_view name) const {
  auto it = methods_.find(name);
  return it == methods_.end() ? nullptr : &it->second;
}

std::string Dispatcher::help_text() const {
  std::map<std::string, std::vector<const Method*>> by_category;
  for (const auto& [name, method] : methods_) by_category[method.category].push_back(&method);
  std::string out;
  for (const auto& [category, methods] : by_category) {
    if (!out.empty()) out += "\n";
    out += "== " + category + " ==\n";
    for (const Method* method : methods) out += method->usage + "\n";
  }
  if (!out.empty()) out.pop_back();
  return out;
}

std::string Dispatcher::help_for(std::string_view name) const {
  const Method* method = find(name);
  if (!method) throw RpcError(kMiscError, fmt::format("help: unknown command: {}", name));
  return method->usage;
}

Json Dispatcher::handle_request(const Json& request, int& status) const {
  if (!request.is_object()) {
    status = status_for(kInvalidRequest);
    return reply(Version::v1, nullptr, nullptr,
                 error_object(kInvalidRequest, "Invalid Request object"));
  }
  Json id = request.contains("id") ? request["id"] : Json(nullptr);
  Version version = Version::v1;
  auto fail = [&](int code, const std::string& message) {
    status = version == Version::v2 ? 200 : status_for(code);
    return reply(version, id, nullptr, error_object(code, message));
  };
  if (auto it = request.find("jsonrpc"); it != request.end() && !it->is_null()) {
    if (!it->is_string()) return fail(kInvalidRequest, "jsonrpc field must be a string");
    if (*it == "2.0")
      version = Version::v2;
    else if (*it != "1.0")
      return fail(kInvalidRequest, "JSON-RPC version not supported");
  }
  const bool notification = version == Version::v2 && !request.contains("id");
  auto method_it = request.find("method");
  if (method_it == request.end() || method_it->is_null())
    return fail(kInvalidRequest, "Missing method");
  if (!method_it->is_string()) return fail(kInvalidRequest, "Method must be a string");
  Json params = request.contains("params") ? request["params"] : Json(nullptr);
  if (!params.is_null() && !params.is_array() && !params.is_object())
    return fail(kInvalidRequest, "Params must be an array or object");

  const Method* method = find(method_it->get<std::string>());
  Json answer;
  if (!method) {
    answer = fail(kMethodNotFound, "Method not found");
  } else {
    try {
      Json positional = positional_params(*method, params);
      if (positional.size() < method->required || positional.size() > method->arg_names.size())
        throw RpcError(kMiscError, method->usage);
      Json result = method->handler(positional);
      status = 200;
      answer = reply(version, id, std::move(result), nullptr);
    } catch (const RpcError& e) {
      answer = fail(e.code(), e.what());
    } catch (const Json::exception& e) {
      answer = fail(kTypeError, e.what());
    } catch (const std::exception& e) {
      answer = fail(kMiscError, e.what());
    }
  }
  if (notification) {
    status = 204;
    return nullptr;
  }
  return answer;
}

HttpReply Dispatcher::handle_body(std::string_view body) const {
  Json request = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded() || (!request.is_object() && !request.is_array()))
    return {500,
            dump(reply(Version::v1, nullptr, nullptr, error_object(kParseError, "Parse error")))};
  if (request.is_object()) {
    int status = 200;
    Json answer = handle_request(request, status);
    if (answer.is_null()) return {204, {}};
    return {status, dump(answer)};
  }
  Json answers = Json::array();
  for (const Json& element : request) {
    int ignored = 200;
    Json answer = handle_request(element, ignored);
    if (!answer.is_null()) answers.push_back(std::move(answer));
  }
  return {200, dump(answers)};
}

Json amount_json(int64_t units) {
  bool negative = units < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(units) : static_cast<uint64_t>(units);
  return fmt::format("{}{}{}.{:08}", kAmountMark, negative ? "-" : "", magnitude / 100'000'000,
                     magnitude % 100'000'000);
}

namespace {

std::string dump_indented(const Json& value, int indent) {
  std::string text = value.dump(indent, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (true) {
    size_t mark = text.find(kEscapedMark, pos);
    if (mark == std::string::npos) break;
    // Only a well-formed amount (digits, '-', '.') up to the closing quote is unquoted; any
    // other string that happens to start with the mark stays a string.
    size_t end = mark + kEscapedMark.size();
    while (end < text.size() && text[end] != '"') ++end;
    bool amount =
        end < text.size() && is_amount_text(std::string_view(text).substr(
                                 mark + kEscapedMark.size(), end - mark - kEscapedMark.size()));
    out.append(text, pos, mark - pos);
    if (amount) {
      out.append(text, mark + kEscapedMark.size(), end - mark - kEscapedMark.size());
      pos = end + 1;
    } else {
      out.append(text, mark, kEscapedMark.size());
      pos = mark + kEscapedMark.size();
    }
  }
  out.append(text, pos, std::string::npos);
  return out;
}

// nlohmann's own DOM builder, except that a number written like an amount stays an amount.
class AmountKeepingParser : public nlohmann::detail::json_sax_dom_parser<Json> {
 public:
  explicit AmountKeepingParser(Json& root)
      : nlohmann::detail::json_sax_dom_parser<Json>(root, /*allow_exceptions=*/false) {}
  bool number_float(double value, const std::string& text) {
    if (!is_amount_text(text))
      return nlohmann::detail::json_sax_dom_parser<Json>::number_float(value, text);
    std::string marked = fmt::format("{}{}", kAmountMark, text);
    return string(marked);
  }
};

}  // namespace

std::string dump(const Json& value) {
  return dump_indented(value, -1);
}

std::string dump_pretty(const Json& value) {
  return dump_indented(value, 2);
}

Json parse_keeping_amounts(std::string_view text) {
  Json root;
  AmountKeepingParser parser(root);
  if (!Json::sax_parse(text, &parser, Json::input_format_t::json, /*strict=*/true,
                       /*ignore_comments=*/false))
    return nullptr;
  return root;
}

std::optional<int64_t> amount_units(const Json& value) {
  std::string text;
  if (value.is_string()) {
    text = value.get<std::string>();
    if (!text.empty() && text.front() == kAmountMark) text.erase(0, 1);
  } else if (value.is_number_integer()) {
    return value.get<int64_t>() * 100'000'000;
  } else {
    return std::nullopt;
  }
  bool negative = !text.empty() && text.front() == '-';
  if (!is_amount_text(text)) return std::nullopt;
  if (negative) text.erase(0, 1);
  size_t point = text.find('.');
  if (point > 11) return std::nullopt;  // beyond any supply; would overflow
  int64_t units =
      std::stoll(text.substr(0, point)) * 100'000'000 + std::stoll(text.substr(point + 1));
  return negative ? -units : units;
}

}  // namespace ac::rpc
