// A fixture for process tests on the quick chain (trivial proof of work): one temporary folder
// holding every node's data, one-shot commands, and nodes started connected to a peer.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/process.hpp"

namespace ac::test {

class QuickChainTest : public ::testing::Test {
 protected:
  // `command_timeout` bounds each one-shot command.
  explicit QuickChainTest(std::chrono::seconds command_timeout = std::chrono::seconds(120))
      : command_timeout_(command_timeout) {}

  // `actorchain --chain quick args...` for `node`.
  CommandResult run(uint16_t node, std::vector<std::string> args) {
    args.insert(args.begin(), {"--chain", "quick"});
    return run_command(node, dir_.path(), args, command_timeout_);
  }
  // Like run, expecting success; the last line of its output.
  std::string ok(uint16_t node, const std::vector<std::string>& args) {
    CommandResult r = run(node, args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " on " << node << " failed: " << r.err << r.out;
    return r.last_line();
  }
  static std::string endpoint(uint16_t node) { return "127.0.0.1:" + std::to_string(node); }

  // startnode connected to `peer` (a node given its own address connects nowhere), once it
  // listens.
  std::unique_ptr<NodeProcess> start(uint16_t node, uint16_t peer,
                                     std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--chain", "quick",     "startnode",   "--rpc-port",
                                     "0",       "--connect", endpoint(peer)};
    args.insert(args.end(), extra.begin(), extra.end());
    auto process = std::make_unique<NodeProcess>(node, dir_.path(), args);
    EXPECT_TRUE(process->wait_for("listening on", std::chrono::seconds(30))) << process->output();
    return process;
  }

  TempDir dir_;

 private:
  std::chrono::seconds command_timeout_;
};

}  // namespace ac::test
