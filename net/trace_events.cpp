// classify_log_line: the node's human log lines (README, "Reading the traces") read back into
// events for the trace file, so that every conclusion the log states is in the JSON too
// without a second call at each of the places that log.
#include <charconv>
#include <functional>
#include <vector>

#include "net/trace.hpp"

namespace ac::net {

namespace {

// Splits "a: b" at the first ": ".
std::pair<std::string_view, std::string_view> split_reason(std::string_view text) {
  size_t colon = text.find(": ");
  if (colon == std::string_view::npos) return {text, {}};
  return {text.substr(0, colon), text.substr(colon + 2)};
}

std::string_view word(std::string_view text) {
  return text.substr(0, text.find(' '));
}

// The value after "key=" up to the next space or comma.
std::string_view value_of(std::string_view text, std::string_view key) {
  size_t at = text.find(std::string(key) + "=");
  if (at == std::string_view::npos) return {};
  std::string_view rest = text.substr(at + key.size() + 1);
  return rest.substr(0, rest.find_first_of(" ,"));
}

class Members {
 public:
  Members& text(std::string_view key, std::string_view value) {
    if (!value.empty()) add(key, json_quote(value));
    return *this;
  }
  // A number when `value` is one, else nothing.
  Members& number(std::string_view key, std::string_view value) {
    long long parsed = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (error == std::errc{} && end == value.data() + value.size() && !value.empty())
      add(key, std::to_string(parsed));
    return *this;
  }
  std::string str() const { return out_; }

 private:
  void add(std::string_view key, const std::string& json) {
    if (!out_.empty()) out_ += ',';
    out_ += json_quote(key) + ":" + json;
  }
  std::string out_;
};

struct Rule {
  std::string_view prefix;
  std::string_view kind;
  std::function<std::string(std::string_view rest)> fields;  // rest: after the prefix
};

std::string hash_and_reason(std::string_view rest, const char* hash_key) {
  auto [hash, reason] = split_reason(rest);
  return Members().text(hash_key, word(hash)).text("reason", reason).str();
}

const std::vector<Rule>& rules() {
  static const std::vector<Rule> table = {
      {"new tip ", "new_tip",
       [](auto rest) {
         return Members()
             .number("height", value_of(rest, "height"))
             .text("hash", value_of(rest, "hash"))
             .str();
       }},
      {"adopted genesis ", "genesis_adopted",
       [](auto rest) { return Members().text("hash", word(rest)).str(); }},
      {"refused genesis ", "block_rejected",
       [](auto rest) { return hash_and_reason(rest, "hash"); }},
      {"rejected block ", "block_rejected",
       [](auto rest) { return hash_and_reason(rest, "hash"); }},
      {"refused block: ", "block_rejected",
       [](auto rest) { return Members().text("reason", rest).str(); }},
      {"accepted tx ", "tx_accepted",
       [](auto rest) { return Members().text("txid", word(rest)).str(); }},
      {"rejected tx ", "tx_rejected", [](auto rest) { return hash_and_reason(rest, "txid"); }},
      {"returned tx ", "tx_returned",
       [](auto rest) { return Members().text("txid", word(rest)).str(); }},
      {"mined block ", "mined",
       [](auto rest) {
         return Members()
             .text("hash", word(rest))
             .number("height", value_of(rest, "height"))
             .number("txs", value_of(rest, "txs"))
             .str();
       }},
      {"peer ", "misbehaving",
       [](auto rest) {
         // "peer 1.2.3.4:5 misbehaving (+10, score 20): what"
         // Plain variables, not a structured binding: clang 14 cannot capture those.
         std::string_view head = split_reason(rest).first;
         std::string_view what = split_reason(rest).second;
         auto after = [&](std::string_view mark) {
           size_t at = head.find(mark);
           if (at == std::string_view::npos) return std::string_view();
           std::string_view digits = head.substr(at + mark.size());
           return digits.substr(0, digits.find_first_not_of("0123456789"));
         };
         return Members()
             .text("peer", word(rest))
             .number("points", after("(+"))
             .number("score", after("score "))
             .text("what", what)
             .str();
       }},
      {"discouraging ", "discouraged",
       [](auto rest) {
         auto [who, what] = split_reason(rest);
         return Members().text("host", word(who)).text("what", what).str();
       }},
      {"disconnecting ", "disconnected",
       [](auto rest) {
         auto [peer, reason] = split_reason(rest);
         return Members().text("peer", peer).text("reason", reason).str();
       }},
      {"refusing inbound connection from ", "refused",
       [](auto rest) {
         auto [peer, reason] = split_reason(rest);
         return Members().text("peer", peer).text("reason", reason).str();
       }},
      {"cannot connect to ", "connect_failed",
       [](auto rest) {
         auto [peer, reason] = split_reason(rest);
         return Members().text("peer", peer).text("reason", reason).str();
       }},
      {"node ", "listening",
       [](auto rest) {
         size_t on = rest.find(" listening on ");
         if (on == std::string_view::npos) return std::string();
         std::string_view endpoint = rest.substr(on + 14);
         return Members()
             .text("endpoint", endpoint.substr(0, endpoint.find(',')))
             .number("height", value_of(rest, "height"))
             .str();
       }},
      {"mining paused", "mining_paused", [](auto) { return std::string(); }},
      {"shutting down", "stopping", [](auto) { return std::string(); }},
      {"node stopped", "stopped", [](auto) { return std::string(); }},
  };
  return table;
}

}  // namespace

LogEvent classify_log_line(std::string_view text) {
  for (const Rule& rule : rules()) {
    if (text.substr(0, rule.prefix.size()) != rule.prefix) continue;
    std::string_view rest = text.substr(rule.prefix.size());
    // Prefixes shared by two forms ("peer ... misbehaving" / "peer ... closed the connection",
    // "mined block ... refused", "node ... listening") are told apart here.
    if (rule.kind == "misbehaving") {
      if (rest.find(" closed the connection") != std::string_view::npos)
        return {"disconnected",
                Members().text("peer", word(rest)).text("reason", "closed by the peer").str()};
      if (rest.find(" misbehaving (") == std::string_view::npos) continue;
    }
    if (rule.kind == "mined" && rest.find(" refused: ") != std::string_view::npos) {
      std::string hash_first =
          std::string(word(rest)) + ": " + std::string(split_reason(rest).second);
      return {"block_rejected", hash_and_reason(hash_first, "hash")};
    }
    if (rule.kind == "listening" && rest.find(" listening on ") == std::string_view::npos) continue;
    return {std::string(rule.kind), rule.fields(rest)};
  }
  return {"log", ""};
}

}  // namespace ac::net
