// A flag that takes one word of a closed list (`predict --format csv|json`, `explain --format table|csv|json`): the
// list is one constexpr table of {value, name}; the flag's check takes its names and the command reads the value.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vgsales::cli {

template <class Choice, size_t N>
using ChoiceNames = std::array<std::pair<Choice, std::string_view>, N>;

// The value named `name`; the first entry for a name the table lacks (unreachable behind the flag's check).
template <class Choice, size_t N>
Choice choice_named(const ChoiceNames<Choice, N>& table, std::string_view name) {
  for (const auto& [choice, choice_name] : table)
    if (choice_name == name) return choice;
  return table.front().first;
}

// The names, in table order, for the flag's check and its help.
template <class Choice, size_t N>
std::vector<std::string> choice_names_of(const ChoiceNames<Choice, N>& table) {
  std::vector<std::string> names;
  for (const auto& entry : table) names.emplace_back(entry.second);
  return names;
}

}  // namespace vgsales::cli
