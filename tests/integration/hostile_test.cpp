// A node under attack: the hostile_peer tool (tests/hostile/) plays every bad input of the
// misbehaviour table against a running node, each from its own loopback IP so that one
// scenario's discouragement does not hide the next. For each the tool must see the expected
// answer and the node must log it; then the node must still be running, an honest fresh node
// must sync its chain through it, and a block and a transaction offered by an honest peer must
// reach that fresh node through it.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <sstream>

#include "tests/integration/node_log.hpp"
#include "tests/integration/process.hpp"
#include "tests/integration/quick_chain_test.hpp"

namespace ac::test {
namespace {

using namespace std::chrono_literals;

// What the node's log must show for one scenario. "X" in a needle stands for the scenario's
// source IP; a line must hold every needle of an entry.
struct Expectation {
  std::string scenario;
  std::vector<std::vector<std::string>> lines;  // each: needles of one line, all required
  bool discouraged = false;  // a "discouraging X for" line; when false, none may appear
  bool misbehaving = true;   // a "peer X:... misbehaving" line may appear
};

const std::vector<std::string> kDiscouraged = {"discouraging X for"};

std::vector<Expectation> expectations() {
  // +100 offences: the score line and the disconnection.
  auto offence = [](std::string scenario, std::vector<std::vector<std::string>> extra = {}) {
    Expectation e{
        std::move(scenario), {{"peer X:", "misbehaving (+100"}, {"disconnecting X:"}}, true, true};
    for (auto& line : extra) e.lines.push_back(std::move(line));
    return e;
  };
  // Bad blocks: the chain names the block (its hash comes from the tool's report).
  auto bad_block = [&](std::string scenario, std::string reason) {
    return offence(std::move(scenario), {{"rejected block H: " + reason}});
  };
  auto bad_tx = [&](std::string scenario, std::string reason) {
    return offence(std::move(scenario), {{"rejected tx H: " + reason}});
  };
  auto quiet = [](std::string scenario, std::vector<std::vector<std::string>> lines = {}) {
    return Expectation{std::move(scenario), std::move(lines), false, false};
  };
  return {
      {"bad-magic", {{"disconnecting X:", "bad-magic"}}, false, false},
      {"bad-checksum", {{"disconnecting X:", "bad-checksum"}}, false, false},
      offence("oversize-length"),
      offence("over-command-max"),
      offence("truncated-payload"),
      offence("trailing-bytes"),
      quiet("unknown-command"),
      offence("inv-too-many"),
      offence("getdata-too-many"),
      offence("notfound-too-many"),
      offence("addr-too-many"),
      offence("locator-too-long"),
      offence("before-version"),
      bad_block("block-bad-pow", "high-hash"),
      bad_block("block-bad-merkle", "merkle-root-mismatch"),
      bad_block("block-bad-signature", "bad-signature"),
      bad_block("block-double-spend", "missing-inputs"),
      bad_block("block-overspend", "outputs-exceed-inputs"),
      bad_block("block-coinbase-value", "coinbase-too-large"),
      bad_block("block-bad-bip34", "bad-coinbase-height"),
      bad_block("block-time-too-old", "time-too-old"),
      quiet("block-time-too-new", {{"rejected block H: time-too-new"}}),
      {"unrequested-blocks", {{"peer X:", "misbehaving (+10,"}, {"disconnecting X:"}}, true, true},
      bad_tx("tx-bad-signature", "bad-signature"),
      bad_tx("tx-overspend", "outputs-exceed-inputs"),
      bad_tx("tx-coinbase", "coinbase-not-allowed"),
      quiet("tx-missing-inputs", {{"rejected tx H: missing-inputs"}}),
      quiet("tx-mempool-conflict", {{"rejected tx H: mempool-conflict"}}),
      {"handshake-timeout", {{"disconnecting X:", "no handshake within 2 s"}}, false, false},
      {"ping-timeout", {{"disconnecting X:", "no pong within 4 s"}}, false, false},
      {"send-buffer", {{"disconnecting X:", "peer not reading"}}, false, false},
      {"stall-download", {{"disconnecting X:", "stalling"}}, false, false},
      {"discouraged-reconnect",
       {{"peer X:", "misbehaving (+100"}, {"refusing inbound connection from X:", "discouraged"}},
       true,
       true},
  };
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// The word after `key` in `text` ("block <hash>" -> the hash), or "".
std::string word_after(const std::string& text, const std::string& key) {
  size_t at = text.find(key);
  if (at == std::string::npos) return {};
  at += key.size();
  return text.substr(at, text.find_first_of(" ;\n", at) - at);
}

bool holds_all(std::string_view line, const std::vector<std::string>& needles) {
  return std::all_of(needles.begin(), needles.end(), [&](const std::string& needle) {
    return line.find(needle) != std::string_view::npos;
  });
}

bool any_line(const std::string& out, const std::vector<std::string>& needles) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    if (holds_all(line, needles)) return true;
  return false;
}

// The node's lines about peer `ip` (traces of single messages left out), for failure messages.
std::string lines_about(const std::string& out, const std::string& ip) {
  std::string found;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    bool about =
        line.find(ip + ":") != std::string::npos || line.find(ip + " ") != std::string::npos;
    bool trace = line.find("] <- ") != std::string::npos || line.find("] -> ") != std::string::npos;
    if (about && !trace) found += line + "\n";
  }
  return found;
}

// Waits until a line of the node's output holds every needle; returns it.
std::optional<std::string> await_line(NodeProcess& node, const std::vector<std::string>& needles,
                                      std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t scanned = 0;  // whole lines before this offset were searched already
  while (true) {
    const std::string out = node.output();
    for (size_t end = out.find('\n', scanned); end != std::string::npos;
         end = out.find('\n', scanned)) {
      std::string_view line(out.data() + scanned, end - scanned);
      scanned = end + 1;
      if (holds_all(line, needles)) return std::string(line);
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return std::nullopt;
    // Returns at the next line the node writes (or at the deadline).
    node.wait_for("\n", std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
  }
}

class Hostile : public QuickChainTest {
 protected:
  CommandResult play(const std::string& scenario, const std::string& from) {
    return run_program(
        HOSTILE_PEER_BIN,
        {"--target", endpoint(target_), "--from", from, "--scenario", scenario, "--chain", "quick"},
        std::chrono::seconds(180));
  }

  uint16_t target_ = free_port();
  uint16_t fresh_ = free_port();
};

TEST_F(Hostile, NodeAnswersEveryBadInputAndStillSyncsAndRelays) {
  std::vector<Expectation> table = expectations();

  // Every scenario of the tool is covered by the table above.
  CommandResult listed = run_program(HOSTILE_PEER_BIN, {"--list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::set<std::string> covered = {"honest-block", "honest-tx"};
  for (const Expectation& e : table) covered.insert(e.scenario);
  std::istringstream lines(listed.out);
  for (std::string line; std::getline(lines, line);) {
    std::string name = line.substr(0, line.find(' '));
    EXPECT_TRUE(covered.count(name)) << "scenario " << name << " is not checked here";
  }

  std::string address = ok(target_, {"createwallet"});
  ok(target_, {"createblockchain", "--address", address});
  auto target = start(target_, target_,
                      {"--handshake-timeout", "2", "--ping-interval", "1", "--ping-timeout", "4",
                       "--max-send-buffer", "1000000"});
  ASSERT_TRUE(target->wait_for("listening on", 0ms, false)) << target->output();

  int host = 10;
  for (const Expectation& e : table) {
    std::string from = "127.0.0." + std::to_string(host++);
    SCOPED_TRACE(e.scenario + " from " + from);
    CommandResult played = play(e.scenario, from);
    EXPECT_EQ(played.exit_code, 0) << played.out << played.err << "node:\n"
                                   << lines_about(target->output(), from);
    std::string subject = word_after(played.out, "block ");
    if (subject.empty()) subject = word_after(played.out, "tx ");
    for (std::vector<std::string> needles : e.lines) {
      for (std::string& needle : needles) {
        replace_all(needle, "X:", from + ":");
        replace_all(needle, "X for", from + " for");
        replace_all(needle, " H:", " " + subject + ":");
      }
      EXPECT_TRUE(await_line(*target, needles, 10s))
          << "no node line with: " << ::testing::PrintToString(needles) << "\ntool: " << played.out
          << "node:\n"
          << lines_about(target->output(), from);
    }
    if (e.discouraged) {
      EXPECT_TRUE(await_line(*target, {"discouraging " + from + " for"}, 10s)) << played.out;
    }
  }

  // Inputs that must not cost points: checked once every scenario has run.
  const std::string out = target->output();
  host = 10;
  for (const Expectation& e : table) {
    std::string from = "127.0.0." + std::to_string(host++);
    if (!e.discouraged) {
      EXPECT_EQ(out.find("discouraging " + from + " for"), std::string::npos) << e.scenario;
    }
    if (!e.misbehaving) {
      EXPECT_FALSE(any_line(out, {"peer " + from + ":", "misbehaving"})) << e.scenario;
    }
  }
  EXPECT_EQ(out.find("node stopped"), std::string::npos);
  EXPECT_EQ(out.find("Sanitizer"), std::string::npos) << out.substr(out.find("Sanitizer"), 4000);

  // An honest fresh node syncs the target's chain: up to the target's current tip.
  std::optional<TipLine> tip;
  for (size_t at = out.find("tip height="); at != std::string::npos;
       at = out.find("tip height=", at + 1))
    tip = parse_tip(std::string_view(out).substr(at, out.find('\n', at) - at));
  ASSERT_TRUE(tip.has_value()) << out.substr(0, 2000);
  auto fresh = start(fresh_, target_);
  ASSERT_TRUE(await_line(*fresh, {"height=" + std::to_string(tip->height), tip->hash}, 60s))
      << fresh->output().substr(0, 4000);

  // A block an honest peer offers the target reaches the fresh node through it...
  CommandResult block = play("honest-block", "127.0.0.200");
  EXPECT_EQ(block.exit_code, 0) << block.out << block.err << "node:\n"
                                << lines_about(target->output(), "127.0.0.200");
  if (block.exit_code == 0) {
    std::string block_hash = word_after(block.out, "block ");
    EXPECT_TRUE(await_line(*fresh, {"new tip height=", block_hash}, 30s))
        << block.out << "\n"
        << fresh->output().substr(0, 4000);
  }
  // ... and so does a transaction.
  CommandResult tx = play("honest-tx", "127.0.0.201");
  EXPECT_EQ(tx.exit_code, 0) << tx.out << tx.err << "node:\n"
                             << lines_about(target->output(), "127.0.0.201");
  if (tx.exit_code == 0) {
    EXPECT_TRUE(await_line(*fresh, {"accepted tx " + word_after(tx.out, "tx ")}, 30s)) << tx.out;
  }

  EXPECT_EQ(fresh->stop(), 0);
  int stopped = target->stop();
  const std::string last = target->output();
  EXPECT_EQ(stopped, 0) << "the target did not stop cleanly:\n"
                        << last.substr(last.size() - std::min<size_t>(last.size(), 6000));
  CommandResult verified = run(target_, {"verifychain"});
  EXPECT_EQ(verified.exit_code, 0) << verified.err << verified.out;
}

}  // namespace
}  // namespace ac::test
