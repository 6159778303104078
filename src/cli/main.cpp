// The vgsales program: parse the command line, run one library call, turn its result into an exit code.
#include <cstdio>
#include <exception>
#include <string_view>

#include "cli/command.h"
#include "cli/exit_code.h"
#include "cli/flag_table.h"
#include "common/version.h"

int main(int argc, char** argv) {
  using namespace vgsales::cli;
  CLI::App app{"vgsales: estimate a new video game's sales with a neural network", "vgsales"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("vgsales ") + vgsales::kVgsalesVersion);
  CommandAction chosen;
  register_synth_command(app, chosen);
  register_train_command(app, chosen);
  register_evaluate_command(app, chosen);
  register_predict_command(app, chosen);
  register_info_command(app, chosen);
  register_export_command(app, chosen);
  register_serve_command(app, chosen);
  register_logs_command(app, chosen);
  // Not in --help: prints a command's flag table exactly as README.md holds it (the README test compares them).
  if (argc == 3 && std::string_view(argv[1]) == "--flag-table") {
    std::fputs(flag_table_markdown(argv[2]).c_str(), stdout);
    return flag_tables().count(argv[2]) ? kExitOk : kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  try {
    const vgsales::Result<void> result = chosen ? chosen() : vgsales::Result<void>{};
    if (!result.ok()) {
      std::fprintf(stderr, "vgsales: error: %s\n", result.error().message.c_str());
      return exit_code_for(result.error());
    }
  } catch (const std::exception& e) {
    // Library boundaries return errors; this is the last line against a bug, not a code path.
    std::fprintf(stderr, "vgsales: internal error: %s\n", e.what());
    return kExitFailure;
  }
  return kExitOk;
}
