// How actorchain.conf (apps/config_file.hpp) joins the command line, as bitcoin.conf does in
// Bitcoin Core: the command line wins; a setting of the chain's section wins over the same key
// outside the sections; a repeatable option (connect) takes all its lines, and none of them
// when the command line gives it. Every key must be a long option of the global options or of
// startnode, and every value of the chain in use must be one its option accepts: each is
// checked by the command line's own parser, and an error names the file and line.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "apps/config_file.hpp"
#include "chain/result.hpp"

namespace ac::app {

// `cli` has just parsed `args` (the whole command line, program name first); `node_command`
// is its startnode subcommand. `file_chosen` says the file came from --conf (only such a file
// may set datadir: the default one lives inside the datadir). Returns the command line with
// the file's settings added (globals after the program name, startnode's at the end when the
// command is startnode), already parsed into `cli`. Reason "bad-config".
Result<std::vector<std::string>> merge_config(CLI::App& cli, CLI::App& node_command,
                                              const std::vector<std::string>& args,
                                              const ConfigFile& file, bool file_chosen);

// The file a command reads: `chosen` (--conf) when given, which must then exist; otherwise
// <node_dir>/actorchain.conf when it exists; otherwise none.
Result<std::optional<std::filesystem::path>> config_file_path(
    const std::string& chosen, const std::optional<std::filesystem::path>& node_dir);

// All of it for main(): finds the file (`chosen` is --conf's value, "" when not given; the
// default file is looked for under `datadir` when NODE_ID is set), reads it and merges it
// into `cli`, which has parsed `args`. Nothing happens without a file.
Status apply_config_file(CLI::App& cli, CLI::App& node_command,
                         const std::vector<std::string>& args, const std::string& chosen,
                         const std::string& datadir);

}  // namespace ac::app
