// Fuzzes what a JSON-RPC client controls: the request body through parsing, the envelope,
// batches, named parameters and every parameter reader, and the Authorization header.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "net/jsonrpc.hpp"
#include "net/jsonrpc_params.hpp"
#include "net/rpc_auth.hpp"

namespace {

const ac::rpc::Dispatcher& methods() {
  using namespace ac::rpc;
  static const Dispatcher table = [] {
    Dispatcher d;
    d.add({"Test", "ints", {"a", "b"}, 1, "ints a ( b )", [](const Json& p) -> Json {
             return int_param(p, 0, 0) + int_param(p, 1, 0);
           }});
    d.add({"Test", "hash", {"h"}, 1, "hash h", [](const Json& p) -> Json {
             return hash_param(p, 0, "h").hex();
           }});
    d.add({"Test", "amount", {"x"}, 1, "amount x", [](const Json& p) -> Json {
             return amount_json(amount_param(p, 0));
           }});
    d.add({"Test", "mixed", {"s", "b", "v"}, 0, "mixed", [](const Json& p) -> Json {
             return Json::array(
                 {string_param(p, 0), bool_param(p, 1, false), verbosity_param(p, 2, 1)});
           }});
    return d;
  }();
  return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ac::rpc::HttpReply reply = methods().handle_body(text);
  if (reply.status != 204) {
    // Every reply the server writes must itself be valid JSON.
    if (ac::rpc::Json::parse(reply.body, nullptr, false).is_discarded()) __builtin_trap();
  }
  ac::rpc::authorized(text, "__cookie__:00");
  ac::rpc::parse_keeping_amounts(text);
  return 0;
}
