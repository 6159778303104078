// vgsales logs: what a TensorBoard log directory holds (runs, tags, steps, last values), every CRC checked.
#include <fmt/format.h>
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "cli/flag_table.h"
#include "tensorboard/log_inventory.h"

namespace vgsales::cli {

void register_logs_command(CLI::App& app, CommandAction& chosen) {
  auto logdir = std::make_shared<std::string>();
  CLI::App* command =
      app.add_subcommand("logs",
                         "List the runs, tags, steps, last values, images and graphs of a TensorBoard log directory, "
                         "checking every record's CRC (exit 1 if a file is damaged)");
  FlagTable flags(command);
  flags.required("DIR", "", *logdir, "log directory, as given to `train --logdir`");
  command->callback([logdir, &chosen] {
    chosen = [logdir]() -> Result<void> {
      VGSALES_ASSIGN_OR_RETURN(const tensorboard::LogInventory inventory,
                               tensorboard::inventory_log_directory(*logdir));
      fmt::print("{}", tensorboard::format_log_inventory(inventory));
      std::fflush(stdout);
      if (!inventory.has_problems()) return {};
      // Each damaged file by name and offset on stderr too, so scripts see them apart from the listing.
      for (const std::string& problem : inventory.problems) std::fprintf(stderr, "vgsales logs: %s\n", problem.c_str());
      return make_error(ErrorKind::invalid_data, fmt::format("{}: {} problem(s) in the event files (listed above)",
                                                             *logdir, inventory.problems.size()));
    };
  });
}

}  // namespace vgsales::cli
