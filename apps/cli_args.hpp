// Command-line plumbing shared by every command: tutorial-style single-dash flags, the node
// selected by NODE_ID, and one-line errors.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "chain/result.hpp"

namespace ac::app {

// Rewrites the tutorial's single-dash long flags (`-address A`, `-mine`) as `--address A`.
// Single-letter flags (`-h`) and negative-looking values are left alone.
std::vector<std::string> normalize_flags(int argc, char** argv);

// The options among `leftover` (what the parser could not place) in the order of `args`, a
// value given with '=' cut off: `--adress=X` -> `--adress`. Negative numbers are not options.
std::vector<std::string> unknown_options(const std::vector<std::string>& args,
                                         const std::vector<std::string>& leftover);

// The node this invocation acts for: NODE_ID (a port number) picks its port and data folder.
struct NodeEnvironment {
  uint16_t node_id = 0;
  std::filesystem::path node_dir;  // <datadir>/<NODE_ID>/
  std::filesystem::path store_dir() const { return node_dir / "chainstate"; }
  std::filesystem::path wallet_path() const { return node_dir / "wallet.dat"; }
};

// Reads NODE_ID from the environment. Reason "node-id-missing" / "node-id-invalid".
Result<NodeEnvironment> node_environment(const std::filesystem::path& datadir);

// The one-line error a user sees: "error: <reason>: <detail>".
void print_error(const Error& error);

}  // namespace ac::app
