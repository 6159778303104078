// Keeps the command reference complete: every option and positional `vgsales COMMAND --help` lists is a row of
// `vgsales --flag-table COMMAND`, so a flag registered with CLI11 directly, past the flag table, cannot go
// undocumented; and the command pages generated from those tables at build time (scripts/generate_cli_docs.py,
// cmake/cli_docs.cmake: the site's pages, beside the man pages and completions) hold every one of them.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "cli_fixtures.h"

namespace vgsales {
namespace {

// The subcommands the top-level help lists ("  train    Train a network ...").
std::vector<std::string> listed_commands() {
  const auto top = testing::run_vgsales("--help");
  EXPECT_EQ(top.exit_code, 0) << top.err;
  std::vector<std::string> commands;
  const auto listing_at = top.out.find("Subcommands:");
  if (listing_at == std::string::npos) return commands;
  const std::string listing = top.out.substr(listing_at);
  const std::regex subcommand_line(R"(\n  ([a-z][a-z0-9_-]*) {2,})");
  for (std::sregex_iterator it(listing.begin(), listing.end(), subcommand_line), end; it != end; ++it)
    commands.push_back((*it)[1]);
  return commands;
}

// What a command's help lists: each option's long name (`--epochs`) and each positional's name (`DIR`).
std::set<std::string> parameters_in_help(const std::string& help) {
  std::set<std::string> names;
  const std::regex option_line(R"((?:^|\n)  (?:-[a-zA-Z],)?(--[a-z][a-z0-9_-]*))");
  for (std::sregex_iterator it(help.begin(), help.end(), option_line), end; it != end; ++it)
    if ((*it)[1] != "--help") names.insert((*it)[1]);
  const auto positionals_at = help.find("Positionals:");
  if (positionals_at != std::string::npos) {
    const std::string section = help.substr(positionals_at, help.find("\n\n", positionals_at) - positionals_at);
    const std::regex positional_line(R"(\n  ([A-Za-z_][A-Za-z0-9_]*) )");
    for (std::sregex_iterator it(section.begin(), section.end(), positional_line), end; it != end; ++it)
      names.insert((*it)[1]);
  }
  return names;
}

// The flag of each row of a Markdown flag table ("| `--epochs N` | 50 | ..." gives --epochs).
std::set<std::string> flags_in_table(const std::string& table) {
  std::set<std::string> names;
  const std::regex row(R"((?:^|\n)\| `([^` ]+))");
  for (std::sregex_iterator it(table.begin(), table.end(), row), end; it != end; ++it) names.insert((*it)[1]);
  return names;
}

TEST(Readme, HelpListsTheSubcommands) {
  const auto commands = listed_commands();
  const std::set<std::string> listed(commands.begin(), commands.end());
  for (const char* expected : {"synth", "train", "evaluate", "predict", "info", "export", "serve", "monitor", "logs"})
    EXPECT_TRUE(listed.count(expected)) << "`vgsales --help` does not list " << expected;
}

TEST(Readme, EveryFlagInHelpIsARowOfTheFlagTable) {
  for (const auto& command : listed_commands()) {
    const auto help = testing::run_vgsales(command + " --help");
    ASSERT_EQ(help.exit_code, 0) << command << ": " << help.err;
    const auto table = testing::run_vgsales("--flag-table " + command);
    ASSERT_EQ(table.exit_code, 0) << "`vgsales --flag-table " << command << "` failed: " << table.err;
    const std::set<std::string> rows = flags_in_table(table.out);
    const std::set<std::string> in_help = parameters_in_help(help.out);
    EXPECT_FALSE(in_help.empty()) << command << " --help lists nothing:\n" << help.out;
    for (const auto& name : in_help)
      EXPECT_TRUE(rows.count(name)) << "`vgsales " << command << " " << name
                                    << "` is in --help but not in its flag table: declare it through FlagTable "
                                       "(src/cli/flag_table.h)\n"
                                    << table.out;
  }
}

TEST(Readme, FlagTableOfAnUnknownCommandIsAUsageError) {
  const auto table = testing::run_vgsales("--flag-table no-such-command");
  EXPECT_EQ(table.exit_code, 2);
  EXPECT_EQ(flags_in_table(table.out).size(), 0u) << table.out;
}

TEST(Readme, EveryFlagInHelpIsOnTheGeneratedCommandPage) {
  const std::filesystem::path pages = std::filesystem::path(VGSALES_CLI_DOCS_DIR) / "commands";
  const auto commands = listed_commands();
  ASSERT_FALSE(commands.empty());
  for (const auto& command : commands) {
    const std::string page = testing::read_text_file(pages / (command + ".md"));
    ASSERT_FALSE(page.empty()) << "no generated page " << (pages / (command + ".md")) << " for `vgsales " << command
                               << "` (built by the target vgsales_cli_docs)";
    EXPECT_NE(page.find("# vgsales " + command + "\n"), std::string::npos) << page;
    const auto help = testing::run_vgsales(command + " --help");
    ASSERT_EQ(help.exit_code, 0) << command << ": " << help.err;
    const std::set<std::string> rows = flags_in_table(page);
    for (const auto& name : parameters_in_help(help.out))
      EXPECT_TRUE(rows.count(name)) << "`vgsales " << command << " " << name << "` is in --help but not on its page "
                                    << (pages / (command + ".md")) << ":\n"
                                    << page;
  }
  const std::string index = testing::read_text_file(pages / "index.md");
  for (const auto& command : commands)
    EXPECT_NE(index.find("(" + command + ".md)"), std::string::npos) << "the commands index does not link " << command;
}

TEST(Readme, ReadmeTourRunsTheFiveSteps) {
  const std::string readme = testing::read_text_file(testing::source_dir() / "README.md");
  ASSERT_FALSE(readme.empty());
  for (const char* step :
       {"vgsales train ", "tensorboard --logdir", "vgsales predict ", "vgsales serve ", "vgsales export "})
    EXPECT_NE(readme.find(std::string("\n") + step), std::string::npos) << "README.md's tour has no `" << step << "`";
}

}  // namespace
}  // namespace vgsales
