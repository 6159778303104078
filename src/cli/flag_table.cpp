// The flag registry behind `vgsales --flag-table`, from which the command pages, man pages and completions are made.
#include "cli/flag_table.h"

#include <cmath>

#include "common/number_format.h"

namespace vgsales::cli {

namespace {

std::map<std::string, std::vector<FlagRow>>& registry() {
  static std::map<std::string, std::vector<FlagRow>> tables;
  return tables;
}

}  // namespace

std::string with_digit_groups(long long value) { return group_thousands(value); }

std::string format_default(long long value) {
  // Bounds like INT64_MAX read better as what they mean.
  if (value >= (1LL << 53)) return "any";
  return with_digit_groups(value);
}

std::string format_default(double value) {
  if (std::floor(value) == value && std::fabs(value) < 1e15) return with_digit_groups(static_cast<long long>(value));
  // {:g} pads the exponent to two digits (1e-09); a person writes 1e-9, and so does the flag's own value.
  std::string text = fmt::format("{:g}", value);
  const size_t exponent = text.find_first_of("eE");
  if (exponent != std::string::npos) {
    size_t digits = exponent + 1;
    if (digits < text.size() && (text[digits] == '-' || text[digits] == '+')) ++digits;
    while (digits + 1 < text.size() && text[digits] == '0') text.erase(digits, 1);
  }
  return text;
}

std::string help_with_bounds(const std::string& help, const std::string& low, const std::string& high) {
  const std::string range = high == "any" ? "at least " + low : low + " to " + high;
  if (!help.empty() && help.back() == ')') return help.substr(0, help.size() - 1) + "; " + range + ")";
  return help + " (" + range + ")";
}

FlagTable::FlagTable(CLI::App* command) : command_(command) { registry()[command_->get_name()]; }

void FlagTable::add_row(FlagRow row) { registry()[command_->get_name()].push_back(std::move(row)); }

CLI::Option* FlagTable::list(const std::string& flag, const std::string& value_name, std::vector<std::string>& storage,
                             const std::string& default_text, const std::string& help) {
  CLI::Option* option = command_->add_option(flag, storage, help)->delimiter(',');
  add_row({flag, value_name, default_text, help});
  return option;
}

CLI::Option* FlagTable::flag(const std::string& flag, bool& storage, const std::string& help) {
  CLI::Option* option = command_->add_flag(flag, storage, help);
  add_row({flag, "", "off", help});
  return option;
}

const std::map<std::string, std::vector<FlagRow>>& flag_tables() { return registry(); }

std::string flag_table_markdown(const std::string& command) {
  std::string out = "| flag | default | meaning |\n|---|---|---|\n";
  const auto found = registry().find(command);
  if (found == registry().end()) return out;
  // A '|' inside a cell would end it, even in a code span: Markdown tables want it escaped.
  auto cell = [](std::string text) {
    for (size_t at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2)) text.replace(at, 1, "\\|");
    return text;
  };
  for (const FlagRow& row : found->second) {
    const std::string flag = row.value.empty() ? row.flag : row.flag + " " + row.value;
    out += fmt::format("| `{}` | {} | {} |\n", cell(flag), cell(row.default_text), cell(row.help));
  }
  return out;
}

}  // namespace vgsales::cli
