// The vgsales program: parse the command line, run one library call, turn its result into an exit code.
#include <cstdio>
#include <exception>
#include <string_view>

#include "cli/command.h"
#include "cli/command_line_errors.h"
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
  register_explain_command(app, chosen);
  register_info_command(app, chosen);
  register_export_command(app, chosen);
  register_serve_command(app, chosen);
  register_monitor_command(app, chosen);
  register_logs_command(app, chosen);
  // Not in --help: prints a command's flag table, the source of the generated command pages, man pages and completions.
  if (argc == 3 && std::string_view(argv[1]) == "--flag-table") {
    std::fputs(flag_table_markdown(argv[2]).c_str(), stdout);
    return flag_tables().count(argv[2]) ? kExitOk : kExitUsage;
  }
  // `vgsales` alone is a question ("what can it do?"): answer with the help on stdout and exit 0, as docker,
  // kubectl and gh do. A script that forgot its command still fails at its next step, and the help is pageable.
  if (argc == 1) {
    std::fputs(app.help().c_str(), stdout);
    return kExitOk;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;  // --help and --version print their text themselves
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "vgsales: error: %s\n", describe_parse_error(app, e).c_str());
    return kExitUsage;
  }
  try {
    const vgsales::Result<void> result = chosen ? chosen() : vgsales::Result<void>{};
    if (!result.ok()) {
      // A finding (monitor's drift) is reported, not an error.
      const bool finding = result.error().kind == vgsales::ErrorKind::drift_detected;
      std::fprintf(stderr, "vgsales: %s%s\n", finding ? "" : "error: ", result.error().message.c_str());
      return exit_code_for(result.error());
    }
  } catch (const std::exception& e) {
    // Library boundaries return errors; this is the last line against a bug, not a code path.
    std::fprintf(stderr, "vgsales: internal error: %s\n", e.what());
    return kExitFailure;
  }
  return kExitOk;
}
