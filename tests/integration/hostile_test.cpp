// A node under attack: the hostile_peer tool (tests/hostile/) plays every bad input of the
// misbehaviour table against a running node, each from its own loopback IP so that one
// scenario's discouragement does not hide the next. Each scenario is one test: the tool must
// see the expected answer and the node must log it. The last test checks the aftermath: the
// node still runs, an honest fresh node syncs its chain through it, and a block and a
// transaction offered by an honest peer reach that fresh node through it.
//
// The target node is shared by the suite (started by the first test that needs it), so a run
// of the whole binary plays every scenario against one node. When the tests run one per process
// (ctest), the aftermath first plays the scenarios its process has not, so it always checks a
// node that endured all of them.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <sstream>
#include <string_view>

#include "tests/integration/node_log.hpp"
#include "tests/integration/process.hpp"

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
      {"block-bad-merkle",
       {{"rejected block H: merkle-root-mismatch (damaged)"}, {"disconnecting X:", "merkle-root"}},
       false,
       false},
      bad_block("block-bad-signature", "script-eval-false"),
      bad_block("block-double-spend", "missing-inputs"),
      bad_block("block-overspend", "outputs-exceed-inputs"),
      bad_block("block-coinbase-value", "coinbase-too-large"),
      bad_block("block-bad-bip34", "bad-coinbase-height"),
      bad_block("block-time-too-old", "time-too-old"),
      quiet("block-time-too-new", {{"rejected block H: time-too-new"}}),
      {"unrequested-blocks", {{"peer X:", "misbehaving (+10,"}, {"disconnecting X:"}}, true, true},
      bad_tx("tx-bad-signature", "script-eval-false"),
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

// The node every scenario is played against, shared by the suite; the aftermath test stops it.
struct Target {
  TempDir dir;
  uint16_t port = free_port();
  std::unique_ptr<NodeProcess> node;
  std::set<std::string> played;  // scenarios played against this node, checked or not
};

// The name of the last test: what the node must still do after every scenario.
constexpr std::string_view kAftermath = "aftermath";

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const Expectation& e : expectations()) names.push_back(e.scenario);
  names.emplace_back(kAftermath);
  return names;
}

class Hostile : public ::testing::TestWithParam<std::string> {
 protected:
  static void TearDownTestSuite() { target_.reset(); }

  static CommandResult command(const std::vector<std::string>& args) {
    std::vector<std::string> full = {"--chain", "quick"};
    full.insert(full.end(), args.begin(), args.end());
    return run_command(target_->port, target_->dir.path(), full);
  }

  // The shared target, created and started on first use.
  static NodeProcess& target() {
    if (!target_) target_ = std::make_unique<Target>();
    if (!target_->node) {
      CommandResult wallet = command({"createwallet"});
      EXPECT_EQ(wallet.exit_code, 0) << wallet.err;
      CommandResult created = command({"createblockchain", "--address", wallet.last_line()});
      EXPECT_EQ(created.exit_code, 0) << created.err;
      target_->node = std::make_unique<NodeProcess>(
          target_->port, target_->dir.path(),
          std::vector<std::string>{"--chain", "quick", "startnode", "--rpc-port", "0", "--connect",
                                   endpoint(target_->port), "--handshake-timeout", "2",
                                   "--ping-interval", "1", "--ping-timeout", "4",
                                   "--max-send-buffer", "1000000"});
      EXPECT_TRUE(target_->node->wait_for("listening on", 30s, false)) << target_->node->output();
    }
    return *target_->node;
  }

  static std::string endpoint(uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

  // Each scenario's own source IP: 127.0.0.10 for the first of the table, and so on.
  static std::string source_of(const std::string& scenario) {
    std::vector<Expectation> table = expectations();
    for (size_t i = 0; i < table.size(); ++i)
      if (table[i].scenario == scenario) return "127.0.0." + std::to_string(10 + i);
    ADD_FAILURE() << "no such scenario " << scenario;
    return "127.0.0.255";
  }

  static CommandResult play(const std::string& scenario, const std::string& from) {
    target_->played.insert(scenario);
    return run_program(HOSTILE_PEER_BIN,
                       {"--target", endpoint(target_->port), "--from", from, "--scenario", scenario,
                        "--chain", "quick"},
                       std::chrono::seconds(180));
  }

  // Plays `e` and checks what the tool saw and what the node logged.
  static void play_and_check(const Expectation& e) {
    NodeProcess& node = target();
    const std::string from = source_of(e.scenario);
    SCOPED_TRACE(e.scenario + " from " + from);
    CommandResult played = play(e.scenario, from);
    EXPECT_EQ(played.exit_code, 0) << played.out << played.err << "node:\n"
                                   << lines_about(node.output(), from);
    std::string subject = word_after(played.out, "block ");
    if (subject.empty()) subject = word_after(played.out, "tx ");
    for (std::vector<std::string> needles : e.lines) {
      for (std::string& needle : needles) {
        replace_all(needle, "X:", from + ":");
        replace_all(needle, "X for", from + " for");
        replace_all(needle, " H:", " " + subject + ":");
      }
      EXPECT_TRUE(await_line(node, needles, 10s))
          << "no node line with: " << ::testing::PrintToString(needles) << "\ntool: " << played.out
          << "node:\n"
          << lines_about(node.output(), from);
    }
    if (e.discouraged) {
      EXPECT_TRUE(await_line(node, {"discouraging " + from + " for"}, 10s)) << played.out;
    }
    expect_no_undue_response(e, node.output());
  }

  // Inputs that must not cost points: no discouragement, no misbehaviour line.
  static void expect_no_undue_response(const Expectation& e, const std::string& out) {
    const std::string from = source_of(e.scenario);
    if (!e.discouraged) {
      EXPECT_EQ(out.find("discouraging " + from + " for"), std::string::npos) << e.scenario;
    }
    if (!e.misbehaving) {
      EXPECT_FALSE(any_line(out, {"peer " + from + ":", "misbehaving"})) << e.scenario;
    }
  }

  static std::unique_ptr<Target> target_;
};

std::unique_ptr<Target> Hostile::target_;

TEST(HostileTable, CoversEveryScenarioOfTheTool) {
  CommandResult listed = run_program(HOSTILE_PEER_BIN, {"--list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::set<std::string> covered = {"honest-block", "honest-tx"};
  for (const Expectation& e : expectations()) covered.insert(e.scenario);
  std::istringstream lines(listed.out);
  for (std::string line; std::getline(lines, line);) {
    std::string name = line.substr(0, line.find(' '));
    EXPECT_TRUE(covered.count(name)) << "scenario " << name << " is not checked here";
  }
}

TEST_P(Hostile, Scenario) {
  if (GetParam() != kAftermath) {
    for (const Expectation& e : expectations())
      if (e.scenario == GetParam()) play_and_check(e);
    return;
  }

  // The aftermath: every scenario has been played against this node (here, if not before).
  NodeProcess& node = target();
  for (const Expectation& e : expectations())
    if (!target_->played.contains(e.scenario)) play_and_check(e);

  // Inputs that must not cost points: checked again once every scenario has run, for lines
  // that came late.
  const std::string out = node.output();
  for (const Expectation& e : expectations()) expect_no_undue_response(e, out);
  EXPECT_EQ(out.find("node stopped"), std::string::npos);
  EXPECT_EQ(out.find("Sanitizer"), std::string::npos) << out.substr(out.find("Sanitizer"), 4000);

  // An honest fresh node syncs the target's chain: up to the target's current tip.
  std::optional<TipLine> tip;
  for (size_t at = out.find("tip height="); at != std::string::npos;
       at = out.find("tip height=", at + 1))
    tip = parse_tip(std::string_view(out).substr(at, out.find('\n', at) - at));
  ASSERT_TRUE(tip.has_value()) << out.substr(0, 2000);
  const uint16_t fresh_port = free_port();
  NodeProcess fresh(
      fresh_port, target_->dir.path(),
      {"--chain", "quick", "startnode", "--rpc-port", "0", "--connect", endpoint(target_->port)});
  ASSERT_TRUE(fresh.wait_for("listening on", 30s)) << fresh.output();
  ASSERT_TRUE(await_line(fresh, {"height=" + std::to_string(tip->height), tip->hash}, 60s))
      << fresh.output().substr(0, 4000);

  // A block an honest peer offers the target reaches the fresh node through it...
  CommandResult block = play("honest-block", "127.0.0.200");
  EXPECT_EQ(block.exit_code, 0) << block.out << block.err << "node:\n"
                                << lines_about(node.output(), "127.0.0.200");
  if (block.exit_code == 0) {
    std::string block_hash = word_after(block.out, "block ");
    EXPECT_TRUE(await_line(fresh, {"new tip height=", block_hash}, 30s))
        << block.out << "\n"
        << fresh.output().substr(0, 4000);
  }
  // ... and so does a transaction.
  CommandResult tx = play("honest-tx", "127.0.0.201");
  EXPECT_EQ(tx.exit_code, 0) << tx.out << tx.err << "node:\n"
                             << lines_about(node.output(), "127.0.0.201");
  if (tx.exit_code == 0) {
    EXPECT_TRUE(await_line(fresh, {"accepted tx " + word_after(tx.out, "tx ")}, 30s)) << tx.out;
  }

  EXPECT_EQ(fresh.stop(), 0);
  int stopped = node.stop();
  const std::string last = node.output();
  EXPECT_EQ(stopped, 0) << "the target did not stop cleanly:\n"
                        << last.substr(last.size() - std::min<size_t>(last.size(), 6000));
  CommandResult verified = command({"verifychain"});
  EXPECT_EQ(verified.exit_code, 0) << verified.err << verified.out;
  // A test run after this one (shuffled, repeated) gets a node of its own.
  target_.reset();
}

// One test per scenario, named after it ("Hostile.Scenario/block_bad_pow"), the aftermath last.
INSTANTIATE_TEST_SUITE_P(, Hostile, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace ac::test
