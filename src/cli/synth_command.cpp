// vgsales synth: write a synthetic sales table with the reference schema.
#include <fmt/format.h>

#include <limits>

#include "cli/command.h"
#include "cli/flag_table.h"
#include "data/synthetic_sales.h"

namespace vgsales::cli {

void register_synth_command(CLI::App& app, CommandAction& chosen) {
  struct Options {
    SyntheticSalesOptions synth;
    std::string out;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command =
      app.add_subcommand("synth", "Write a synthetic sales table (reference schema, documented formula)");
  FlagTable flags(command);
  flags.bounded("--rows", "N", options->synth.rows, decltype(options->synth.rows){1},
                std::numeric_limits<decltype(options->synth.rows)>::max(), "number of games");
  flags.option("--seed", "S", options->synth.seed, "random seed");
  flags.required("--out", "FILE", options->out, "CSV file to write");
  command->callback([options, &chosen] {
    chosen = [options]() -> Result<void> {
      VGSALES_TRY(write_synthetic_sales(options->out, options->synth));
      fmt::print("wrote {} synthetic rows to {}\n", options->synth.rows, options->out);
      return {};
    };
  });
}

}  // namespace vgsales::cli
