#include "apps/config_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

namespace ac::app {

namespace {

constexpr std::array<std::string_view, 3> kChainSections{"demo", "quick", "regtest"};

std::string_view trim(std::string_view text) {
  const char* blanks = " \t\r";
  size_t first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  size_t last = text.find_last_not_of(blanks);
  return text.substr(first, last - first + 1);
}

Error line_error(const std::string& name, int line, const std::string& what) {
  return make_error("bad-config", fmt::format("{} line {}: {}", name, line, what));
}

}  // namespace

Result<ConfigFile> parse_config_text(std::string_view text, const std::string& name) {
  ConfigFile file;
  file.name = name;
  std::string section;
  int line_number = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    std::string_view line = trim(raw);
    size_t hash = line.find('#');
    std::string_view content = trim(line.substr(0, hash));
    if (content.empty()) continue;
    if (content.front() == '[') {
      if (content.back() != ']')
        return line_error(name, line_number, fmt::format("'{}' is not a section line", content));
      std::string_view chain = trim(content.substr(1, content.size() - 2));
      if (std::find(kChainSections.begin(), kChainSections.end(), chain) == kChainSections.end())
        return line_error(
            name, line_number,
            fmt::format("unknown section [{}] (sections are demo, quick, regtest)", chain));
      section = std::string(chain);
      continue;
    }
    size_t equals = content.find('=');
    if (equals == std::string_view::npos)
      return line_error(name, line_number,
                        fmt::format("'{}' is not key=value (a flag is key=1)", content));
    std::string_view key = trim(content.substr(0, equals));
    std::string_view value = trim(content.substr(equals + 1));
    if (key.empty()) return line_error(name, line_number, "a setting without a key");
    if (key.front() == '-')
      return line_error(name, line_number,
                        fmt::format("'{}': write the option's name without dashes", key));
    if (key.find_first_of(" \t") != std::string_view::npos)
      return line_error(name, line_number, fmt::format("'{}' is not an option name", key));
    if (key == "rpc-password" && hash != std::string_view::npos)
      return line_error(name, line_number,
                        "'#' in rpc-password starts a comment: it would cut the password short");
    file.entries.push_back(ConfigEntry{section, std::string(key), std::string(value), line_number});
  }
  return file;
}

Result<ConfigFile> read_config_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("bad-config", fmt::format("cannot read {}", path.string()));
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return make_error("bad-config", fmt::format("cannot read {}", path.string()));
  return parse_config_text(contents.str(), path.string());
}

}  // namespace ac::app
