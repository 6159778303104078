// How a subcommand plugs into the `vgsales` program: each *_command.cpp registers itself here.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "common/result.h"

namespace vgsales::cli {

// The action of the subcommand the user chose; set by the subcommand's parse callback.
using CommandAction = std::function<Result<void>()>;

void register_synth_command(CLI::App& app, CommandAction& chosen);
void register_train_command(CLI::App& app, CommandAction& chosen);
void register_evaluate_command(CLI::App& app, CommandAction& chosen);
void register_predict_command(CLI::App& app, CommandAction& chosen);
void register_explain_command(CLI::App& app, CommandAction& chosen);
void register_info_command(CLI::App& app, CommandAction& chosen);
void register_logs_command(CLI::App& app, CommandAction& chosen);
void register_export_command(CLI::App& app, CommandAction& chosen);
void register_serve_command(CLI::App& app, CommandAction& chosen);
void register_monitor_command(CLI::App& app, CommandAction& chosen);

}  // namespace vgsales::cli
