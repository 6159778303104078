// Every flag of a command declared once: FlagTable registers it with CLI11 (default, bounds, help) and keeps the row
// its flag table shows, so `vgsales --flag-table COMMAND` prints exactly what the parser takes: the command pages of
// the documentation site, the man pages and the shell completions are generated from it at build time.
#pragma once

#include <CLI/CLI.hpp>

#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

namespace vgsales::cli {

struct FlagRow {
  std::string flag;          // "--epochs"
  std::string value;         // "N" ("" for a switch)
  std::string default_text;  // "50", "required", "off", "none", ...
  std::string help;          // what it does, with its bounds
};

// Default text of a setting as people read it: 50, 0.001, 1,000,000.
std::string format_default(double value);
std::string format_default(long long value);
std::string with_digit_groups(long long value);
// A help text with its bounds appended: "rows per mini-batch (1 to 16,777,216)", "number of games (at least 1)" when
// there is no real maximum, and inside the help's own closing parenthesis ("(0 = off; 0 to 1,000,000)") rather than
// as a second pair.
std::string help_with_bounds(const std::string& help, const std::string& low, const std::string& high);

// A CLI11 check that a value lies in [low, high], whose message reads "0 is below the minimum 1" (CLI::Range's
// "Value 0 not in range 1 to 9223372036854775807" prints every digit of its bounds and rounds 1e-9 to 0.000000).
template <class T>
CLI::Validator within_bounds(T low, T high) {
  auto text = [](T value) {
    if constexpr (std::is_floating_point_v<T>) return format_default(static_cast<double>(value));
    else return format_default(static_cast<long long>(value));
  };
  return CLI::Validator(
      [=](std::string& input) -> std::string {
        T value{};
        if (!CLI::detail::lexical_cast(input, value))
          return fmt::format("'{}' is not a {}", input, std::is_floating_point_v<T> ? "number" : "whole number");
        if (value < low) return fmt::format("{} is below the minimum {}", input, text(low));
        if (value > high) return fmt::format("{} is above the maximum {}", input, text(high));
        if (!(value >= low && value <= high)) return fmt::format("'{}' is not a number", input);  // NaN
        return {};
      },
      "", "within_bounds");
}

class FlagTable {
 public:
  // `command` is the subcommand (its name keys the table).
  explicit FlagTable(CLI::App* command);

  // An option taking a value; the default shown is the storage's value now (the struct's own default).
  template <class T>
  CLI::Option* option(const std::string& flag, const std::string& value_name, T& storage, const std::string& help) {
    CLI::Option* option = command_->add_option(flag, storage, help);
    add_row({flag, value_name, default_text_of(storage), help});
    return option;
  }
  // The same with bounds, checked by the parser and shown in the help.
  template <class T>
  CLI::Option* bounded(const std::string& flag, const std::string& value_name, T& storage, T low, T high,
                       const std::string& help) {
    const std::string described = help_with_bounds(help, default_text_of(low), default_text_of(high));
    CLI::Option* option = command_->add_option(flag, storage, described)->check(within_bounds(low, high));
    add_row({flag, value_name, default_text_of(storage), described});
    return option;
  }
  // A required option (no default).
  template <class T>
  CLI::Option* required(const std::string& flag, const std::string& value_name, T& storage, const std::string& help) {
    CLI::Option* option = command_->add_option(flag, storage, help)->required();
    add_row({flag, value_name, "required", help});
    return option;
  }
  // An option whose default is described in words ("none", "all but the target", "a timestamp").
  template <class T>
  CLI::Option* described(const std::string& flag, const std::string& value_name, T& storage,
                         const std::string& default_text, const std::string& help) {
    CLI::Option* option = command_->add_option(flag, storage, help);
    add_row({flag, value_name, default_text, help});
    return option;
  }
  // A comma-separated list.
  CLI::Option* list(const std::string& flag, const std::string& value_name, std::vector<std::string>& storage,
                    const std::string& default_text, const std::string& help);
  // A switch that is off unless given.
  CLI::Option* flag(const std::string& flag, bool& storage, const std::string& help);

 private:
  template <class T>
  static std::string default_text_of(const T& value) {
    if constexpr (std::is_same_v<T, bool>) return value ? "on" : "off";
    else if constexpr (std::is_integral_v<T>) return format_default(static_cast<long long>(value));
    else if constexpr (std::is_floating_point_v<T>) return format_default(static_cast<double>(value));
    else if constexpr (std::is_convertible_v<T, std::string>)
      return std::string(value).empty() ? "none" : std::string(value);
    else return "";
  }
  void add_row(FlagRow row);

  CLI::App* command_;
};

// Every command's rows, in declaration order, by command name.
const std::map<std::string, std::vector<FlagRow>>& flag_tables();
// The Markdown table of one command's flags, as the README holds it.
std::string flag_table_markdown(const std::string& command);

}  // namespace vgsales::cli
