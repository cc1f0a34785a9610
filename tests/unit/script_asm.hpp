// The script notation of Bitcoin Core's test vectors (script_tests.json, tx_valid.json):
// words separated by spaces; a decimal number pushes that number (OP_0, OP_1NEGATE and
// OP_1..OP_16 where they exist), 0x<hex> inserts raw bytes, 'text' pushes the text, and an
// opcode name, with or without its OP_ prefix, inserts that opcode.
#pragma once

#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "chain/opcodes.hpp"
#include "chain/script_num.hpp"
#include "chain/script_ops.hpp"

namespace ac::test {

inline const std::map<std::string, uint8_t>& opcode_names() {
  static const std::map<std::string, uint8_t> names = [] {
    const std::pair<const char*, uint8_t> table[] = {
        {"RESERVED", 0x50},
        {"NOP", 0x61},
        {"VER", 0x62},
        {"IF", 0x63},
        {"NOTIF", 0x64},
        {"VERIF", 0x65},
        {"VERNOTIF", 0x66},
        {"ELSE", 0x67},
        {"ENDIF", 0x68},
        {"VERIFY", 0x69},
        {"RETURN", 0x6a},
        {"TOALTSTACK", 0x6b},
        {"FROMALTSTACK", 0x6c},
        {"2DROP", 0x6d},
        {"2DUP", 0x6e},
        {"3DUP", 0x6f},
        {"2OVER", 0x70},
        {"2ROT", 0x71},
        {"2SWAP", 0x72},
        {"IFDUP", 0x73},
        {"DEPTH", 0x74},
        {"DROP", 0x75},
        {"DUP", 0x76},
        {"NIP", 0x77},
        {"OVER", 0x78},
        {"PICK", 0x79},
        {"ROLL", 0x7a},
        {"ROT", 0x7b},
        {"SWAP", 0x7c},
        {"TUCK", 0x7d},
        {"CAT", 0x7e},
        {"SUBSTR", 0x7f},
        {"LEFT", 0x80},
        {"RIGHT", 0x81},
        {"SIZE", 0x82},
        {"INVERT", 0x83},
        {"AND", 0x84},
        {"OR", 0x85},
        {"XOR", 0x86},
        {"EQUAL", 0x87},
        {"EQUALVERIFY", 0x88},
        {"RESERVED1", 0x89},
        {"RESERVED2", 0x8a},
        {"1ADD", 0x8b},
        {"1SUB", 0x8c},
        {"2MUL", 0x8d},
        {"2DIV", 0x8e},
        {"NEGATE", 0x8f},
        {"ABS", 0x90},
        {"NOT", 0x91},
        {"0NOTEQUAL", 0x92},
        {"ADD", 0x93},
        {"SUB", 0x94},
        {"MUL", 0x95},
        {"DIV", 0x96},
        {"MOD", 0x97},
        {"LSHIFT", 0x98},
        {"RSHIFT", 0x99},
        {"BOOLAND", 0x9a},
        {"BOOLOR", 0x9b},
        {"NUMEQUAL", 0x9c},
        {"NUMEQUALVERIFY", 0x9d},
        {"NUMNOTEQUAL", 0x9e},
        {"LESSTHAN", 0x9f},
        {"GREATERTHAN", 0xa0},
        {"LESSTHANOREQUAL", 0xa1},
        {"GREATERTHANOREQUAL", 0xa2},
        {"MIN", 0xa3},
        {"MAX", 0xa4},
        {"WITHIN", 0xa5},
        {"RIPEMD160", 0xa6},
        {"SHA1", 0xa7},
        {"SHA256", 0xa8},
        {"HASH160", 0xa9},
        {"HASH256", 0xaa},
        {"CODESEPARATOR", 0xab},
        {"CHECKSIG", 0xac},
        {"CHECKSIGVERIFY", 0xad},
        {"CHECKMULTISIG", 0xae},
        {"CHECKMULTISIGVERIFY", 0xaf},
        {"NOP1", 0xb0},
        {"CHECKLOCKTIMEVERIFY", 0xb1},
        {"CHECKSEQUENCEVERIFY", 0xb2},
        {"NOP4", 0xb3},
        {"NOP5", 0xb4},
        {"NOP6", 0xb5},
        {"NOP7", 0xb6},
        {"NOP8", 0xb7},
        {"NOP9", 0xb8},
        {"NOP10", 0xb9},
        {"CHECKSIGADD", 0xba},
    };
    std::map<std::string, uint8_t> out;
    for (const auto& [name, op] : table) {
      out[name] = op;
      out[std::string("OP_") + name] = op;
    }
    return out;
  }();
  return names;
}

// nullopt when a word is not understood.
inline std::optional<Bytes> parse_script_asm(const std::string& text) {
  Bytes script;
  std::istringstream words(text);
  std::string word;
  while (words >> word) {
    const bool digits = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c));
    });
    const bool negative =
        word.size() > 1 && word[0] == '-' && std::all_of(word.begin() + 1, word.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        });
    if (digits || negative) {
      const int64_t n = std::strtoll(word.c_str(), nullptr, 10);
      if (n == 0) {
        script.push_back(OP_0);
      } else if (n == -1 || (n >= 1 && n <= 16)) {
        script.push_back(n == -1 ? uint8_t{OP_1NEGATE} : static_cast<uint8_t>(OP_1 + n - 1));
      } else {
        append_push(script, encode_script_num(n));
      }
    } else if (word.size() > 2 && word.substr(0, 2) == "0x") {
      std::optional<Bytes> raw = from_hex(word.substr(2));
      if (!raw) return std::nullopt;
      script.insert(script.end(), raw->begin(), raw->end());
    } else if (word.size() >= 2 && word.front() == '\'' && word.back() == '\'') {
      append_push(script, as_span(std::string_view(word).substr(1, word.size() - 2)));
    } else if (auto it = opcode_names().find(word); it != opcode_names().end()) {
      script.push_back(it->second);
    } else {
      return std::nullopt;
    }
  }
  return script;
}

}  // namespace ac::test
