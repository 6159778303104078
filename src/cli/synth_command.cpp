// vgsales synth: write a synthetic sales table with the reference schema.
#include <fmt/format.h>

#include "cli/command.h"
#include "data/synthetic_sales.h"

namespace vgsales::cli {

void register_synth_command(CLI::App& app, CommandAction& chosen) {
  struct Options {
    SyntheticSalesOptions synth;
    std::string out;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("synth", "Write a synthetic sales table (reference schema, documented formula)");
  command->add_option("--rows", options->synth.rows, "number of games")->default_val(1000)->check(CLI::PositiveNumber);
  command->add_option("--seed", options->synth.seed, "random seed")->default_val(1);
  command->add_option("--out", options->out, "CSV file to write")->required();
  command->callback([options, &chosen] {
    chosen = [options]() -> Result<void> {
      VGSALES_TRY(write_synthetic_sales(options->out, options->synth));
      fmt::print("wrote {} synthetic rows to {}\n", options->synth.rows, options->out);
      return {};
    };
  });
}

}  // namespace vgsales::cli
