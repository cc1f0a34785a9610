// Writes trace-file lines (schema 1) for the diagram tests and benchmark: a few nodes, their
// connections, messages with checksums, and events, without running a node.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace ac::test {

class TraceBuilder {
 public:
  explicit TraceBuilder(std::string node) : node_(std::move(node)) {}

  // A message on connection `conn` between `local` and `peer`.
  TraceBuilder& message(int64_t t_us, int conn, const std::string& local, const std::string& peer,
                        bool sent, const std::string& command, const std::string& checksum,
                        const std::string& peer_node = "", const std::string& extra = "") {
    text_ += head(t_us) + ",\"conn\":" + std::to_string(conn) + ",\"local\":\"" + local +
             "\",\"peer\":\"" + peer + "\"" +
             (peer_node.empty() ? "" : ",\"peer_node\":\"" + peer_node + "\"") + ",\"dir\":\"" +
             (sent ? "send" : "recv") + "\",\"checksum\":\"" + checksum +
             "\",\"size\":10,\"command\":\"" + command + "\"" + extra + "}\n";
    return *this;
  }

  TraceBuilder& event(int64_t t_us, const std::string& kind, const std::string& text,
                      const std::string& extra = "") {
    text_ += head(t_us) + ",\"event\":\"" + kind + "\",\"text\":\"" + text + "\"" + extra + "}\n";
    return *this;
  }

  TraceBuilder& raw(const std::string& line) {
    text_ += line + "\n";
    return *this;
  }

  const std::string& text() const { return text_; }

 private:
  std::string head(int64_t t_us) const {
    return "{\"schema\":1,\"t_us\":" + std::to_string(t_us) + ",\"node\":\"" + node_ + "\"";
  }
  std::string node_;
  std::string text_;
};

// An 8-hex-digit stand-in for a payload checksum.
inline std::string checksum_of(uint32_t n) {
  char out[9];
  std::snprintf(out, sizeof out, "%08x", n);
  return out;
}

// A central node "8000" serving a sync of `blocks` blocks to a wallet node "8001" the way ours
// do: getblocks/inv of 500 hashes, getdata of 16 blocks at a time, a new tip per 64 blocks.
// Sets `central` and `wallet` to their trace files.
inline void synthetic_sync(int blocks, std::string& central, std::string& wallet) {
  TraceBuilder c("8000");
  TraceBuilder w("8001");
  const std::string cl = "127.0.0.1:8000";
  const std::string wl = "127.0.0.1:50000";
  int64_t t = 1'700'000'000'000'000;
  uint32_t sum = 1;
  auto exchange = [&](bool from_wallet, const std::string& command, const std::string& extra) {
    std::string checksum = checksum_of(sum++);
    if (from_wallet) {
      w.message(t, 1, wl, cl, true, command, checksum, "8000", extra);
      c.message(t, 1, cl, wl, false, command, checksum, "8001", extra);
    } else {
      c.message(t, 1, cl, wl, true, command, checksum, "8001", extra);
      w.message(t, 1, wl, cl, false, command, checksum, "8000", extra);
    }
    t += 50;
  };
  c.event(t, "start", "started as central", ",\"role\":\"central\"");
  w.event(t, "start", "started as wallet", ",\"role\":\"wallet\"");
  exchange(true, "version", ",\"height\":-1");
  exchange(false, "version", ",\"height\":" + std::to_string(blocks));
  exchange(true, "verack", "");
  exchange(false, "verack", "");
  for (int first = 0; first < blocks; first += 500) {
    exchange(true, "getblocks", ",\"locator\":1");
    int batch = std::min(500, blocks - first);
    exchange(false, "inv",
             ",\"count\":" + std::to_string(batch) + ",\"blocks\":" + std::to_string(batch) +
                 ",\"txs\":0");
    for (int i = 0; i < batch; i += 16) {
      exchange(true, "getdata", ",\"count\":16,\"blocks\":16,\"txs\":0");
      for (int k = i; k < i + 16 && k < batch; ++k) {
        exchange(false, "block", ",\"hash\":\"0000abcd\",\"txs\":11");
        if ((first + k + 1) % 64 == 0)
          w.event(t, "new_tip", "new tip height=" + std::to_string(first + k + 1) + " hash=00");
      }
    }
  }
  central = c.text();
  wallet = w.text();
}

}  // namespace ac::test
