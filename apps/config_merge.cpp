#include "apps/config_merge.hpp"

#include <fmt/format.h>

#include "apps/cli_args.hpp"

#include <algorithm>
#include <map>

namespace ac::app {

namespace {

Error entry_error(const ConfigFile& file, const ConfigEntry& entry, const std::string& what) {
  return make_error("bad-config", fmt::format("{} line {}: {}", file.name, entry.line, what));
}

// A setting found in the file, with the option it sets.
struct Setting {
  const ConfigEntry* entry = nullptr;
  CLI::Option* option = nullptr;
  bool global = false;  // an option of the whole command line, else of startnode
};

bool repeatable(const CLI::Option* option) {
  return option->get_items_expected_max() > 1;
}

// `--key=value`, a flag's empty value read as Core reads `txindex=`: on.
std::string token(const Setting& setting) {
  std::string value = setting.entry->value;
  if (setting.option->get_expected_min() == 0 && value.empty()) value = "1";
  return "--" + setting.entry->key + "=" + value;
}

// Runs the command line's parser on one setting alone, so that a bad value is reported with
// its line. Any variable it sets is set again by the final parse (the setting is in it, or
// the command line's own value for that option is).
Status check_value(CLI::App& cli, const CLI::App& node_command, const ConfigFile& file,
                   const Setting& setting) {
  // CLI11 takes the arguments reversed, without the program name.
  std::vector<std::string> trial;
  if (setting.global) {
    trial = {node_command.get_name(), token(setting)};
  } else {
    trial = {token(setting), node_command.get_name()};
  }
  try {
    cli.parse(trial);
  } catch (const CLI::ParseError& e) {
    return entry_error(
        file, *setting.entry,
        fmt::format("{}={}: {}", setting.entry->key, setting.entry->value, e.what()));
  }
  return {};
}

}  // namespace

Result<std::vector<std::string>> merge_config(CLI::App& cli, CLI::App& node_command,
                                              const std::vector<std::string>& args,
                                              const ConfigFile& file, bool file_chosen) {
  // Which option each line sets; unknown keys fail whatever their section.
  std::vector<Setting> settings;
  for (const ConfigEntry& entry : file.entries) {
    if (entry.key == "conf")
      return entry_error(file, entry, "conf= cannot be set in a config file (use --conf)");
    if (entry.key == "datadir" && !file_chosen)
      return entry_error(file, entry,
                         "datadir= only in a file chosen with --conf (this one is inside the "
                         "datadir)");
    if (entry.key == "chain" && !entry.section.empty())
      return entry_error(file, entry, "chain= belongs before the first [section]");
    Setting setting{&entry, nullptr, true};
    if (entry.key != "help") {
      setting.option = cli.get_option_no_throw("--" + entry.key);
      if (setting.option == nullptr) {
        setting.option = node_command.get_option_no_throw("--" + entry.key);
        setting.global = false;
      }
    }
    if (setting.option == nullptr)
      return entry_error(file, entry,
                         fmt::format("unknown option '{}' (keys are the long options of the "
                                     "global options and of startnode)",
                                     entry.key));
    settings.push_back(setting);
  }

  // The chain whose section applies: the command line's, else the file's, else the default.
  std::string chain = "demo";
  CLI::Option* chain_option = cli.get_option_no_throw("--chain");
  if (chain_option != nullptr && chain_option->count() > 0) {
    chain = chain_option->results().back();
  } else {
    for (const Setting& setting : settings)
      if (setting.entry->key == "chain") chain = setting.entry->value;
  }

  // What the command line gave, before the trial parses forget it.
  std::map<const CLI::Option*, bool> given;
  for (const Setting& setting : settings) given[setting.option] = setting.option->count() > 0;

  // Per option, the lines that apply: the chain's section when it sets the option, else the
  // lines outside the sections.
  std::map<const CLI::Option*, std::vector<const Setting*>> chosen;
  for (const Setting& setting : settings) {
    const std::string& section = setting.entry->section;
    if (!section.empty() && section != chain) continue;
    auto& lines = chosen[setting.option];
    bool sectioned = !lines.empty() && !lines.front()->entry->section.empty();
    if (section.empty() && sectioned) continue;
    if (!section.empty() && !sectioned) lines.clear();
    if (!lines.empty() && !repeatable(setting.option))
      return entry_error(file, *setting.entry,
                         fmt::format("{} is set twice (line {} too); it takes one value",
                                     setting.entry->key, lines.front()->entry->line));
    lines.push_back(&setting);
  }

  const std::string& program = args.front();
  std::vector<std::string> global_tokens, node_tokens;
  for (const Setting& setting : settings) {
    auto lines = chosen.find(setting.option);
    if (lines == chosen.end() ||
        std::find(lines->second.begin(), lines->second.end(), &setting) == lines->second.end())
      continue;
    if (Status checked = check_value(cli, node_command, file, setting); !checked)
      return checked.error();
    if (given[setting.option]) continue;  // the command line wins
    (setting.global ? global_tokens : node_tokens).push_back(token(setting));
  }

  std::vector<std::string> merged{program};
  merged.insert(merged.end(), global_tokens.begin(), global_tokens.end());
  merged.insert(merged.end(), args.begin() + 1, args.end());
  bool node_command_used = false;
  try {
    cli.parse(std::vector<std::string>(merged.rbegin(), merged.rend() - 1));
    node_command_used = node_command.parsed();
    if (node_command_used && !node_tokens.empty()) {
      merged.insert(merged.end(), node_tokens.begin(), node_tokens.end());
      cli.parse(std::vector<std::string>(merged.rbegin(), merged.rend() - 1));
    }
  } catch (const CLI::ParseError& e) {
    return make_error("bad-config", fmt::format("{}: {}", file.name, e.what()));
  }
  return merged;
}

Result<std::optional<std::filesystem::path>> config_file_path(
    const std::string& chosen, const std::optional<std::filesystem::path>& node_dir) {
  if (!chosen.empty()) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(chosen, error))
      return make_error("bad-config", fmt::format("--conf {}: no such file", chosen));
    return std::optional<std::filesystem::path>(chosen);
  }
  if (!node_dir) return std::optional<std::filesystem::path>();
  std::filesystem::path path = *node_dir / kConfigFileName;
  std::error_code error;
  if (std::filesystem::exists(path, error)) return std::optional<std::filesystem::path>(path);
  return std::optional<std::filesystem::path>();
}

Status apply_config_file(CLI::App& cli, CLI::App& node_command,
                         const std::vector<std::string>& args, const std::string& chosen,
                         const std::string& datadir) {
  std::optional<std::filesystem::path> node_dir;
  if (auto env = node_environment(datadir)) node_dir = env->node_dir;
  auto path = config_file_path(chosen, node_dir);
  if (!path) return path.error();
  if (!*path) return {};
  auto file = read_config_file(**path);
  if (!file) return file.error();
  auto merged = merge_config(cli, node_command, args, *file, !chosen.empty());
  if (!merged) return merged.error();
  return {};
}

}  // namespace ac::app
