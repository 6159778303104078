// Command-line mistakes in the project's one-line form: what CLI11 threw, rewritten to name the command, the flag
// and the cause, with a hint (the closest command or flag, or where the help is).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace vgsales::cli {

// The message for `error`, thrown while `app` parsed a command line (without the "vgsales: error: " prefix, which
// main adds). Unknown commands, flags and arguments are reported first, whatever CLI11 threw, since a mistyped flag
// also makes a required one look missing.
std::string describe_parse_error(const CLI::App& app, const CLI::ParseError& error);

}  // namespace vgsales::cli
