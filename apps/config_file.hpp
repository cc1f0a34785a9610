// actorchain.conf: the node's settings in a file, as Bitcoin Core's bitcoin.conf. One setting a
// line, `key=value`, the key a long option of the command line without its dashes
// (`rpc-user=alice`, `connect=127.0.0.1:8000`); `#` starts a comment; blank lines are skipped.
// A `[demo]`, `[quick]` or `[regtest]` line opens a section whose settings apply only on that
// chain. This file is the reading alone: which keys exist and what their values may be is the
// command line's business (apps/config_merge.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "chain/result.hpp"

namespace ac::app {

// The file the node reads by default: <datadir>/<NODE_ID>/actorchain.conf.
inline constexpr std::string_view kConfigFileName = "actorchain.conf";

struct ConfigEntry {
  std::string section;  // "" before any section line, else the chain it applies to
  std::string key;      // "rpc-user"
  std::string value;    // "alice"; "" for `txindex=`
  int line = 0;         // 1-based, for error messages
};

struct ConfigFile {
  std::string name;  // the path as the user gave it, for error messages
  std::vector<ConfigEntry> entries;
};

// Reads `text` (the contents of the file called `name`). Errors, reason "bad-config", name the
// file and line: a line without '=', an empty key, a key with blanks or starting with '-', a
// section other than the chains', a '#' in rpc-password (as Core: the comment would cut it).
Result<ConfigFile> parse_config_text(std::string_view text, const std::string& name);

// Reads the file at `path`; reason "bad-config" also when it cannot be read.
Result<ConfigFile> read_config_file(const std::filesystem::path& path);

}  // namespace ac::app
