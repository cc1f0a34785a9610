// The JSON-RPC envelope, dispatch and parameter rules (net/jsonrpc.hpp), as Core answers.
#include <gtest/gtest.h>

#include "net/jsonrpc.hpp"
#include "net/jsonrpc_params.hpp"
#include "net/rpc_auth.hpp"
#include "net/rpc_json.hpp"

namespace ac::rpc {
namespace {

Dispatcher sample_methods() {
  Dispatcher methods;
  methods.add({"Blockchain",
               "getblockhash",
               {"height"},
               1,
               "getblockhash height",
               [](const Json& params) -> Json {
                 int64_t height = int_param(params, 0, -1);
                 if (height != 0) throw RpcError(kInvalidParameter, "Block height out of range");
                 return "00ab";
               }});
  methods.add({"Wallet", "getbalance", {}, 0, "getbalance", [](const Json&) -> Json {
                 return amount_json(1'700'000'000);
               }});
  methods.add({"Wallet", "crash", {}, 0, "crash", [](const Json&) -> Json {
                 throw std::runtime_error("boom");
               }});
  return methods;
}

Json body_of(const HttpReply& reply) {
  return Json::parse(reply.body);
}

TEST(JsonRpc, answers_in_cores_1_0_envelope_with_the_id_echoed) {
  HttpReply reply = sample_methods().handle_body(
      R"({"jsonrpc":"1.0","id":"curltest","method":"getblockhash","params":[0]})");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"result":"00ab","error":null,"id":"curltest"})");
}

TEST(JsonRpc, prints_amounts_as_numbers_with_eight_decimals) {
  HttpReply reply = sample_methods().handle_body(R"({"id":7,"method":"getbalance"})");
  EXPECT_EQ(reply.body, R"({"result":17.00000000,"error":null,"id":7})");
  EXPECT_EQ(dump(Json{{"a", amount_json(-1)}}), R"({"a":-0.00000001})");
}

TEST(JsonRpc, a_string_that_only_looks_marked_stays_a_string) {
  Json value = std::string("\x01") + "abc";
  EXPECT_EQ(dump(value), "\"\\u0001abc\"");
}

TEST(JsonRpc, method_not_found_is_404_with_code_32601) {
  HttpReply reply = sample_methods().handle_body(R"({"id":1,"method":"nosuch","params":[]})");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(body_of(reply)["error"]["code"], -32601);
  EXPECT_EQ(body_of(reply)["id"], 1);
}

TEST(JsonRpc, a_handlers_error_is_500_with_its_code) {
  HttpReply reply =
      sample_methods().handle_body(R"({"id":1,"method":"getblockhash","params":[5]})");
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(body_of(reply)["error"]["code"], -8);
  EXPECT_EQ(body_of(reply)["error"]["message"], "Block height out of range");
  EXPECT_TRUE(body_of(reply)["result"].is_null());
}

TEST(JsonRpc, malformed_json_is_a_parse_error) {
  for (const char* body : {"", "{", "{\"id\":1,", "nul", "\"just a string\"", "42"}) {
    HttpReply reply = sample_methods().handle_body(body);
    EXPECT_EQ(reply.status, 500) << body;
    EXPECT_EQ(body_of(reply)["error"]["code"], -32700) << body;
    EXPECT_TRUE(body_of(reply)["id"].is_null());
  }
}

TEST(JsonRpc, invalid_request_objects_are_32600) {
  for (const char* body :
       {R"({"id":1})", R"({"id":1,"method":5})", R"({"id":1,"method":"getbalance","params":"x"})",
        R"({"id":1,"method":"getbalance","jsonrpc":"3.0"})"}) {
    HttpReply reply = sample_methods().handle_body(body);
    EXPECT_EQ(reply.status, 400) << body;
    EXPECT_EQ(body_of(reply)["error"]["code"], -32600) << body;
    EXPECT_EQ(body_of(reply)["id"], 1);
  }
}

TEST(JsonRpc, wrong_parameter_count_is_misc_error_with_usage) {
  HttpReply reply = sample_methods().handle_body(R"({"id":1,"method":"getblockhash"})");
  EXPECT_EQ(body_of(reply)["error"]["code"], -1);
  EXPECT_EQ(body_of(reply)["error"]["message"], "getblockhash height");
  reply = sample_methods().handle_body(R"({"id":1,"method":"getbalance","params":[1]})");
  EXPECT_EQ(body_of(reply)["error"]["code"], -1);
}

TEST(JsonRpc, wrong_parameter_type_is_type_error) {
  HttpReply reply =
      sample_methods().handle_body(R"({"id":1,"method":"getblockhash","params":["zero"]})");
  EXPECT_EQ(body_of(reply)["error"]["code"], -3);
  EXPECT_EQ(body_of(reply)["error"]["message"],
            "JSON value of type string is not of expected type number");
}

TEST(JsonRpc, named_parameters_map_onto_positions) {
  HttpReply reply =
      sample_methods().handle_body(R"({"id":1,"method":"getblockhash","params":{"height":0}})");
  EXPECT_EQ(body_of(reply)["result"], "00ab");
  reply = sample_methods().handle_body(R"({"id":1,"method":"getblockhash","params":{"h":0}})");
  EXPECT_EQ(body_of(reply)["error"]["code"], -8);
  EXPECT_EQ(body_of(reply)["error"]["message"], "Unknown named parameter h");
}

TEST(JsonRpc, an_exception_in_a_handler_is_an_error_not_a_crash) {
  HttpReply reply = sample_methods().handle_body(R"({"id":1,"method":"crash"})");
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(body_of(reply)["error"]["code"], -1);
  EXPECT_EQ(body_of(reply)["error"]["message"], "boom");
}

TEST(JsonRpc, a_batch_is_answered_by_an_array_in_order) {
  HttpReply reply = sample_methods().handle_body(
      R"([{"id":1,"method":"getbalance"},{"id":2,"method":"nosuch"},5])");
  EXPECT_EQ(reply.status, 200);
  Json body = body_of(reply);
  ASSERT_EQ(body.size(), 3u);
  EXPECT_EQ(body[0]["id"], 1);
  EXPECT_EQ(body[1]["error"]["code"], -32601);
  EXPECT_EQ(body[2]["error"]["code"], -32600);
  EXPECT_EQ(sample_methods().handle_body("[]").body, "[]");
}

TEST(JsonRpc, version_2_0_answers_in_2_0_form_with_http_200) {
  HttpReply reply =
      sample_methods().handle_body(R"({"jsonrpc":"2.0","id":3,"method":"getbalance"})");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"jsonrpc":"2.0","result":17.00000000,"id":3})");
  reply = sample_methods().handle_body(R"({"jsonrpc":"2.0","id":3,"method":"nosuch"})");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(body_of(reply)["error"]["code"], -32601);
  EXPECT_FALSE(body_of(reply).contains("result"));
}

TEST(JsonRpc, a_2_0_notification_gets_no_answer) {
  HttpReply reply = sample_methods().handle_body(R"({"jsonrpc":"2.0","method":"getbalance"})");
  EXPECT_EQ(reply.status, 204);
  EXPECT_TRUE(reply.body.empty());
}

TEST(JsonRpc, help_lists_methods_by_category) {
  Dispatcher methods = sample_methods();
  EXPECT_EQ(methods.help_text(),
            "== Blockchain ==\ngetblockhash height\n\n== Wallet ==\ncrash\ngetbalance");
  EXPECT_EQ(methods.help_for("getbalance"), "getbalance");
  EXPECT_THROW(methods.help_for("nosuch"), RpcError);
}

TEST(JsonRpcParams, hash_parameters_follow_cores_wording) {
  Json params = Json::array({"abc"});
  try {
    hash_param(params, 0, "blockhash");
    FAIL();
  } catch (const RpcError& e) {
    EXPECT_EQ(e.code(), -8);
    EXPECT_STREQ(e.what(), "blockhash must be of length 64 (not 3, for 'abc')");
  }
  params = Json::array({std::string(64, 'z')});
  EXPECT_THROW(hash_param(params, 0, "blockhash"), RpcError);
}

TEST(JsonRpcParams, amounts_read_exactly_and_refuse_what_is_no_amount) {
  EXPECT_EQ(amount_param(Json::parse("[1.5]"), 0), 150'000'000);
  EXPECT_EQ(amount_param(Json::parse("[\"0.00000001\"]"), 0), 1);
  EXPECT_EQ(amount_param(Json::parse("[3]"), 0), 300'000'000);
  for (const char* bad : {"[-1]", "[\"abc\"]", "[0.000000001]", "[true]", "[30000000]"}) {
    try {
      amount_param(Json::parse(bad), 0);
      FAIL() << bad;
    } catch (const RpcError& e) {
      EXPECT_EQ(e.code(), -3) << bad;
    }
  }
}

TEST(JsonRpcAmounts, a_reply_keeps_its_amounts_exact) {
  Json reply = parse_keeping_amounts(R"({"result":17.00000000,"n":1.5,"i":3})");
  EXPECT_EQ(dump(reply), R"({"result":17.00000000,"n":1.5,"i":3})");
  EXPECT_EQ(amount_units(reply["result"]), 1'700'000'000);
  EXPECT_TRUE(parse_keeping_amounts("{").is_null());
}

TEST(RpcAuth, basic_credentials_decode_and_compare) {
  EXPECT_EQ(decode_basic_auth("Basic dXNlcjpwYXNz"), "user:pass");
  EXPECT_EQ(decode_basic_auth(encode_basic_auth("__cookie__:ab")), "__cookie__:ab");
  EXPECT_EQ(decode_basic_auth(encode_basic_auth("a")), "a");
  EXPECT_EQ(decode_basic_auth(encode_basic_auth("ab")), "ab");
  EXPECT_FALSE(decode_basic_auth("Bearer xyz"));
  EXPECT_FALSE(decode_basic_auth("Basic !!!!"));
  EXPECT_TRUE(authorized(encode_basic_auth("u:p"), "u:p"));
  EXPECT_FALSE(authorized(encode_basic_auth("u:q"), "u:p"));
  EXPECT_FALSE(authorized("", "u:p"));
  EXPECT_FALSE(authorized("", ""));
}

TEST(RpcJson, difficulty_is_cores) {
  EXPECT_DOUBLE_EQ(difficulty(0x1d00ffff), 1.0);
  EXPECT_NEAR(difficulty(0x1b0404cb), 16307.420938523983, 1e-6);
}

TEST(RpcJson, script_asm_names_p2pkh) {
  Bytes script = {0x76, 0xa9, 0x02, 0xab, 0xcd, 0x88, 0xac};
  EXPECT_EQ(script_asm(script, false), "OP_DUP OP_HASH160 abcd OP_EQUALVERIFY OP_CHECKSIG");
  Bytes truncated = {0x05, 0x01};
  EXPECT_EQ(script_asm(truncated, false), "[error]");
}

}  // namespace
}  // namespace ac::rpc
