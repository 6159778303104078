// Keeps README.md true: every flag of every subcommand, as `--help` lists it, is documented there.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "cli_fixtures.h"

namespace vgsales {
namespace {

TEST(Readme, DocumentsEveryFlagOfEveryCommand) {
  const std::string readme = testing::read_text_file(testing::source_dir() / "README.md");
  ASSERT_FALSE(readme.empty());
  const auto top = testing::run_vgsales("--help");
  ASSERT_EQ(top.exit_code, 0);
  const std::regex subcommand_line(R"(\n  ([a-z]+) {2,})");
  std::set<std::string> commands;
  const auto subcommands_at = top.out.find("Subcommands:");
  ASSERT_NE(subcommands_at, std::string::npos);
  const std::string listing = top.out.substr(subcommands_at);
  for (std::sregex_iterator it(listing.begin(), listing.end(), subcommand_line), end; it != end; ++it)
    commands.insert((*it)[1]);
  EXPECT_GE(commands.size(), 5u) << top.out;
  const std::regex flag(R"((--[a-z][a-z0-9_-]+))");
  for (const auto& command : commands) {
    EXPECT_NE(readme.find("vgsales " + command), std::string::npos) << "README does not mention `vgsales " << command << "`";
    const auto help = testing::run_vgsales(command + " --help");
    ASSERT_EQ(help.exit_code, 0) << command;
    for (std::sregex_iterator it(help.out.begin(), help.out.end(), flag), end; it != end; ++it) {
      const std::string name = (*it)[1];
      if (name == "--help") continue;
      EXPECT_NE(readme.find(name), std::string::npos) << "README does not document `vgsales " << command << " " << name << "`";
    }
  }
}

}  // namespace
}  // namespace vgsales
