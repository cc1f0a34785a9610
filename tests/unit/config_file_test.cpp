// actorchain.conf: reading the file (apps/config_file.hpp) and how it joins the command line
// (apps/config_merge.hpp): the command line wins, the chain's section wins over the lines
// outside the sections, and every mistake names its file and line.
#include <gtest/gtest.h>

#include "apps/config_file.hpp"
#include "apps/config_merge.hpp"

namespace ac::app {
namespace {

TEST(ConfigFileText, ReadsSettingsSectionsAndComments) {
  auto file = parse_config_text(
      "# a comment\n\n  rpc-user = alice  \nconnect=a:1 # inline comment\n[regtest]\n"
      "dbcache=64\r\ntxindex=\n",
      "x.conf");
  ASSERT_TRUE(file) << file.error().message();
  ASSERT_EQ(file->entries.size(), 4u);
  EXPECT_EQ(file->entries[0].key, "rpc-user");
  EXPECT_EQ(file->entries[0].value, "alice");
  EXPECT_EQ(file->entries[0].line, 3);
  EXPECT_EQ(file->entries[1].value, "a:1");
  EXPECT_EQ(file->entries[2].section, "regtest");
  EXPECT_EQ(file->entries[2].value, "64");
  EXPECT_EQ(file->entries[3].value, "");
  EXPECT_EQ(file->entries[3].line, 7);
}

TEST(ConfigFileText, NamesTheFileAndLineOfAMistake) {
  auto expect_error = [](std::string_view text, std::string_view needle) {
    auto file = parse_config_text(text, "node.conf");
    ASSERT_FALSE(file) << text;
    EXPECT_EQ(file.reason(), "bad-config");
    EXPECT_NE(file.error().detail.find(needle), std::string::npos) << file.error().detail;
  };
  expect_error("rpc-user=a\nlonely\n", "node.conf line 2: 'lonely' is not key=value");
  expect_error("[main]\n", "node.conf line 1: unknown section [main]");
  expect_error("[regtest\n", "line 1: '[regtest' is not a section line");
  expect_error("--dbcache=4\n", "line 1: '--dbcache'");
  expect_error("=4\n", "line 1: a setting without a key");
  expect_error("rpc-password=ab#cd\n", "line 1: '#' in rpc-password");
}

// A command line shaped like main()'s: global options and a startnode subcommand.
struct CommandLine {
  CLI::App cli{"test"};
  CLI::App* startnode = nullptr;
  CLI::App* other = nullptr;
  std::string chain = "demo";
  std::string datadir = "./data";
  std::string rpc_user;
  int dbcache = 32;
  bool txindex = false;
  std::vector<std::string> connect;
  std::string miner;

  CommandLine() {
    cli.require_subcommand(1);
    cli.fallthrough();
    cli.add_option("--chain", chain)->check(CLI::IsMember({"demo", "quick", "regtest"}));
    cli.add_option("--datadir", datadir);
    cli.add_option("--rpc-user", rpc_user);
    startnode = cli.add_subcommand("startnode");
    startnode->add_option("--dbcache", dbcache)->check(CLI::Range(1, 1 << 20));
    startnode->add_flag("--txindex", txindex);
    startnode->add_option("--connect", connect);
    startnode->add_option("--miner", miner);
    other = cli.add_subcommand("rpc");
  }

  // Parses `args` (after the program name), then merges `text` as a config file.
  Result<std::vector<std::string>> run(std::vector<std::string> args, std::string_view text,
                                       bool chosen = false) {
    args.insert(args.begin(), "actorchain");
    cli.parse(std::vector<std::string>(args.rbegin(), args.rend() - 1));
    auto file = parse_config_text(text, "node.conf");
    if (!file) return file.error();
    return merge_config(cli, *startnode, args, *file, chosen);
  }
};

TEST(ConfigMerge, TheFileSetsWhatTheCommandLineLeavesAlone) {
  CommandLine line;
  auto merged =
      line.run({"startnode"}, "rpc-user=alice\ndbcache=64\ntxindex=1\nconnect=a:1\nconnect=b:2\n");
  ASSERT_TRUE(merged) << merged.error().message();
  EXPECT_EQ(line.rpc_user, "alice");
  EXPECT_EQ(line.dbcache, 64);
  EXPECT_TRUE(line.txindex);
  EXPECT_EQ(line.connect, (std::vector<std::string>{"a:1", "b:2"}));
  EXPECT_TRUE(line.startnode->parsed());
}

TEST(ConfigMerge, TheCommandLineWins) {
  CommandLine line;
  auto merged = line.run({"--rpc-user", "bob", "startnode", "--connect", "c:3", "--dbcache=8"},
                         "rpc-user=alice\ndbcache=64\nconnect=a:1\nconnect=b:2\nminer=M\n");
  ASSERT_TRUE(merged) << merged.error().message();
  EXPECT_EQ(line.rpc_user, "bob");
  EXPECT_EQ(line.dbcache, 8);
  EXPECT_EQ(line.connect, (std::vector<std::string>{"c:3"}));  // none of the file's
  EXPECT_EQ(line.miner, "M");
}

TEST(ConfigMerge, TheChainsSectionWinsOverTheLinesOutsideSections) {
  const char* text = "dbcache=64\n[regtest]\ndbcache=128\nconnect=r:1\n[quick]\ndbcache=0\n";
  CommandLine regtest;
  ASSERT_TRUE(regtest.run({"--chain", "regtest", "startnode"}, text));
  EXPECT_EQ(regtest.dbcache, 128);
  EXPECT_EQ(regtest.connect, (std::vector<std::string>{"r:1"}));
  CommandLine demo;  // [quick]'s bad value is not read on demo
  ASSERT_TRUE(demo.run({"startnode"}, text));
  EXPECT_EQ(demo.dbcache, 64);
  EXPECT_TRUE(demo.connect.empty());
  CommandLine quick;
  auto merged = quick.run({"--chain=quick", "startnode"}, text);
  ASSERT_FALSE(merged);
  EXPECT_NE(merged.error().detail.find("node.conf line 6: dbcache=0"), std::string::npos)
      << merged.error().detail;
}

TEST(ConfigMerge, TheFilesChainPicksTheSection) {
  CommandLine line;
  ASSERT_TRUE(line.run({"startnode"}, "chain=regtest\n[regtest]\ndbcache=128\n"));
  EXPECT_EQ(line.chain, "regtest");
  EXPECT_EQ(line.dbcache, 128);
}

TEST(ConfigMerge, StartnodeSettingsWaitForStartnode) {
  CommandLine line;
  auto merged = line.run({"rpc"}, "rpc-user=alice\ndbcache=64\n");
  ASSERT_TRUE(merged) << merged.error().message();
  EXPECT_EQ(line.rpc_user, "alice");
  EXPECT_TRUE(line.other->parsed());
  EXPECT_FALSE(line.startnode->parsed());
  EXPECT_EQ(*merged, (std::vector<std::string>{"actorchain", "--rpc-user=alice", "rpc"}));
}

TEST(ConfigMerge, MistakesNameTheLineAndAreNeverSkipped) {
  auto expect_error = [](std::string_view text, std::string_view needle, bool chosen = false) {
    CommandLine line;
    auto merged = line.run({"startnode"}, text, chosen);
    ASSERT_FALSE(merged) << text;
    EXPECT_EQ(merged.reason(), "bad-config");
    EXPECT_NE(merged.error().detail.find(needle), std::string::npos) << merged.error().detail;
  };
  expect_error("dbcache=1\nfoo=2\n", "node.conf line 2: unknown option 'foo'");
  expect_error("[regtest]\nbar=2\n", "node.conf line 2: unknown option 'bar'");  // any section
  expect_error("dbcache=lots\n", "node.conf line 1: dbcache=lots: --dbcache");
  expect_error("txindex=maybe\n", "node.conf line 1: txindex=maybe");
  expect_error("chain=mainnet\n", "node.conf line 1: chain=mainnet");
  expect_error("dbcache=1\ndbcache=2\n", "node.conf line 2: dbcache is set twice (line 1 too)");
  expect_error("conf=other.conf\n", "line 1: conf= cannot be set");
  expect_error("datadir=/tmp\n", "line 1: datadir= only in a file chosen with --conf");
  expect_error("[quick]\nchain=quick\n", "line 2: chain= belongs before the first [section]");
  expect_error("help=1\n", "line 1: unknown option 'help'");
  CommandLine chosen;  // a file chosen with --conf may move the datadir
  ASSERT_TRUE(chosen.run({"startnode"}, "datadir=/elsewhere\n", true));
  EXPECT_EQ(chosen.datadir, "/elsewhere");
}

TEST(ConfigFilePath, TheChosenFileMustExistTheDefaultOneMayNot) {
  auto missing = config_file_path("/nonexistent/actorchain.conf", std::nullopt);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.reason(), "bad-config");
  auto none = config_file_path("", std::filesystem::path("/nonexistent"));
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

}  // namespace
}  // namespace ac::app
