// CLI11's parse errors as one line each. CLI11 (2.1) says what failed in its own words ("A subcommand is required",
// "Value 0 not in range 1 to 9223372036854775807"); the error's type tells which kind it was, the parsed App tells
// which command and flags were involved, and common/closest_name.h finds what was probably meant.
#include "cli/command_line_errors.h"

#include <fmt/format.h>

#include <cmath>
#include <regex>
#include <vector>

#include "cli/flag_table.h"
#include "common/closest_name.h"

namespace vgsales::cli {

namespace {

// The subcommand the user chose, if any (vgsales has one level of them).
const CLI::App* chosen_command(const CLI::App& app) {
  const std::vector<CLI::App*> parsed = app.get_subcommands();
  return parsed.empty() ? nullptr : parsed.front();
}

std::string program_of(const CLI::App& app, const CLI::App* command) {
  return command ? "vgsales " + command->get_name() : "vgsales";
}

std::string see_help(const CLI::App& app, const CLI::App* command) {
  return fmt::format("see '{} --help'", program_of(app, command));
}

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* command : const_cast<CLI::App&>(app).get_subcommands([](CLI::App*) { return true; }))
    names.push_back(command->get_name());
  return names;
}

std::vector<std::string> flag_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options())
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
  return names;
}

// "--epoch=5" is the flag "--epoch".
std::string flag_part(const std::string& argument) { return argument.substr(0, argument.find('=')); }

// An argument neither the command nor vgsales itself took: a mistyped command, flag, or a stray value.
std::optional<std::string> describe_unknown_argument(const CLI::App& app, const CLI::App* command) {
  if (command) {
    const std::vector<std::string> extra = command->remaining();
    if (!extra.empty()) {
      const std::string& first = extra.front();
      if (first.rfind("-", 0) == 0) {
        const std::string flag = flag_part(first);
        const std::vector<std::string> known = flag_names(*command);
        const std::string hint = did_you_mean(flag, known);
        return fmt::format("unknown flag '{}' for '{}'{}", flag, program_of(app, command),
                           hint.empty() ? "; " + see_help(app, command) : hint);
      }
      return fmt::format("unexpected argument '{}' for '{}' (its settings are flags such as --name value; {})", first,
                         program_of(app, command), see_help(app, command));
    }
  }
  const std::vector<std::string> extra = app.remaining();
  if (extra.empty()) return std::nullopt;
  const std::string& first = extra.front();
  const std::vector<std::string> commands = command_names(app);
  if (first.rfind("-", 0) == 0) {
    const std::string flag = flag_part(first);
    const std::string hint = did_you_mean(flag, flag_names(app));
    return fmt::format("unknown flag '{}'{}", flag,
                       hint.empty() ? fmt::format("; flags go after a command ({}; see 'vgsales --help')",
                                                  fmt::join(commands, ", "))
                                    : hint);
  }
  if (first == "help") return "unknown command 'help'; the help is 'vgsales --help', or 'vgsales COMMAND --help'";
  const std::string hint = did_you_mean(first, commands);
  return fmt::format("unknown command '{}'{}", first,
                     hint.empty()
                         ? fmt::format("; the commands are {} (see 'vgsales --help')", fmt::join(commands, ", "))
                         : hint);
}

// A required flag the command line lacks, named with its value and meaning.
std::string describe_missing(const CLI::App& app, const CLI::App* command, const std::string& fallback) {
  if (!command)
    return fmt::format("no command given; the commands are {} (see 'vgsales --help')",
                       fmt::join(command_names(app), ", "));
  for (const CLI::Option* option : command->get_options()) {
    if (!option->get_required() || option->count() > 0 || option->get_lnames().empty()) continue;
    const std::string flag = "--" + option->get_lnames().front();
    std::string value;
    const auto table = flag_tables().find(command->get_name());
    if (table != flag_tables().end())
      for (const FlagRow& row : table->second)
        if (row.flag == flag) value = row.value;
    return fmt::format("'{}' needs {}{}: {}; {}", program_of(app, command), flag, value.empty() ? "" : " " + value,
                       option->get_description(), see_help(app, command));
  }
  return fallback + "; " + see_help(app, command);
}

// A bound as CLI11 printed it ("65535", "0.900000", DBL_MAX's 309 digits), shortest.
std::string number_text(double value) { return std::fabs(value) >= 9e15 ? "any" : fmt::format("{:g}", value); }

// CLI11's validators and converters, in plain words.
std::string describe_bad_value(const CLI::App& app, const CLI::App* command, const std::string& message) {
  std::smatch match;
  // CLI::Range (and NonNegativeNumber / PositiveNumber, whose bounds are 0 or DBL_MIN and DBL_MAX).
  static const std::regex range(R"(^(\S+): Value (.*) not in range (\S+) to (\S+)$)");
  if (std::regex_match(message, match, range)) {
    const std::string flag = match[1], input = match[2];
    char* end = nullptr;
    const double value = std::strtod(input.c_str(), &end);
    const double low = std::strtod(match[3].str().c_str(), nullptr);
    const double high = std::strtod(match[4].str().c_str(), nullptr);
    if (input.empty() || *end != '\0' || std::isnan(value))
      return fmt::format("{}: '{}' is not a number; {}", flag, input, see_help(app, command));
    if (value > high) return fmt::format("{}: {} is above the maximum {}", flag, input, number_text(high));
    // PositiveNumber's minimum is DBL_MIN, which CLI11 prints as 0.000000.
    if (value <= low && low == 0 && value == 0) return fmt::format("{}: {} is not above 0", flag, input);
    return fmt::format("{}: {} is below the minimum {}", flag, input, number_text(low));
  }
  // CLI::IsMember.
  static const std::regex member(R"(^(\S+): (.*) not in \{(.*)\}$)");
  if (std::regex_match(message, match, member)) {
    std::string choices = match[3];
    for (size_t at = choices.find(','); at != std::string::npos; at = choices.find(',', at + 2))
      choices.replace(at, 1, ", ");
    return fmt::format("{}: '{}' is not one of {}", match[1].str(), match[2].str(), choices);
  }
  return message + "; " + see_help(app, command);
}

}  // namespace

std::string describe_parse_error(const CLI::App& app, const CLI::ParseError& error) {
  const CLI::App* command = chosen_command(app);
  if (auto unknown = describe_unknown_argument(app, command)) return *unknown;
  const std::string message = error.what();
  if (dynamic_cast<const CLI::RequiredError*>(&error)) return describe_missing(app, command, message);
  if (dynamic_cast<const CLI::ValidationError*>(&error) || dynamic_cast<const CLI::ConversionError*>(&error))
    return describe_bad_value(app, command, message);
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error)) {
    // "--train: 1 required TEXT missing": the flag came last, or right before another flag.
    static const std::regex value_missing(R"(^(\S+): \d+ required .* missing$)");
    std::smatch match;
    if (std::regex_match(message, match, value_missing))
      return fmt::format("{} needs a value; {}", match[1].str(), see_help(app, command));
  }
  if (dynamic_cast<const CLI::ExcludesError*>(&error)) {
    static const std::regex excludes(R"(^(\S+) excludes (\S+)$)");
    std::smatch match;
    if (std::regex_match(message, match, excludes))
      return fmt::format("give {} or {}, not both", match[1].str(), match[2].str());
  }
  return message + "; " + see_help(app, command);
}

}  // namespace vgsales::cli
