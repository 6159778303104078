// Mean |attribution| per column and the mean attribution per value or range.
#include "explain/global_importance.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <map>

#include "common/target_units.h"

namespace vgsales {

namespace {

// A cell's number for a numeric column, NaN when missing or not a number.
double cell_number(const RawCell& cell) {
  if (cell.kind == RawCell::Kind::number) return cell.number;
  if (cell.kind == RawCell::Kind::missing) return std::nan("");
  double value = std::nan("");
  const auto [end, error] = std::from_chars(cell.text.data(), cell.text.data() + cell.text.size(), value);
  return error == std::errc() && end == cell.text.data() + cell.text.size() ? value : std::nan("");
}

std::string cell_text(const RawCell& cell) {
  if (cell.kind == RawCell::Kind::missing) return "missing";
  if (cell.kind == RawCell::Kind::number && cell.text.empty()) return fmt::format("{:g}", cell.number);
  return std::string(cell.text);
}

// Categories and booleans: one effect per value, the most frequent first.
std::vector<ValueEffect> effects_by_value(std::span<const std::string> values, std::span<const double> attributions) {
  std::map<std::string, ValueEffect> groups;
  for (size_t r = 0; r < values.size(); ++r) {
    ValueEffect& effect = groups[values[r]];
    effect.value = values[r];
    effect.rows += 1;
    effect.mean_attribution += attributions[r];
  }
  std::vector<ValueEffect> effects;
  for (auto& [value, effect] : groups) {
    effect.mean_attribution /= static_cast<double>(effect.rows);
    effects.push_back(effect);
  }
  std::stable_sort(effects.begin(), effects.end(), [](const auto& a, const auto& b) { return a.rows > b.rows; });
  if (effects.size() > kMaximumEffects) effects.resize(kMaximumEffects);
  return effects;
}

// Numeric columns: ranges of equal row counts, low to high, then the missing cells.
std::vector<ValueEffect> effects_by_range(std::span<const double> numbers, std::span<const double> attributions) {
  std::vector<size_t> order;
  std::vector<ValueEffect> effects;
  ValueEffect missing{"missing", 0, 0};
  for (size_t r = 0; r < numbers.size(); ++r) {
    if (std::isnan(numbers[r])) {
      missing.rows += 1;
      missing.mean_attribution += attributions[r];
    } else {
      order.push_back(r);
    }
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return numbers[a] < numbers[b]; });
  const size_t ranges = std::min(kNumericRanges, order.size());
  for (size_t g = 0; g < ranges; ++g) {
    const size_t from = g * order.size() / ranges, to = (g + 1) * order.size() / ranges;
    ValueEffect effect;
    effect.value = fmt::format("{:g} to {:g}", numbers[order[from]], numbers[order[to - 1]]);
    for (size_t i = from; i < to; ++i) effect.mean_attribution += attributions[order[i]];
    effect.rows = to - from;
    effect.mean_attribution /= static_cast<double>(effect.rows);
    effects.push_back(effect);
  }
  if (missing.rows > 0) {
    missing.mean_attribution /= static_cast<double>(missing.rows);
    effects.push_back(missing);
  }
  return effects;
}

}  // namespace

GlobalImportance summarize_global_importance(const FeaturePipeline& pipeline, std::span<const RawCell> cells,
                                             std::span<const InstanceExplanation> explanations) {
  GlobalImportance summary;
  const size_t k = pipeline.features().size();
  summary.rows = explanations.size();
  if (explanations.empty() || k == 0) return summary;
  summary.baseline = explanations.front().outputs.front().baseline;
  for (size_t f = 0; f < k; ++f) {
    const FeatureSpec& feature = pipeline.features()[f];
    ColumnImportance column;
    column.column = feature.name;
    std::vector<double> attributions, numbers;
    std::vector<std::string> values;
    for (size_t r = 0; r < explanations.size(); ++r) {
      const double a = explanations[r].outputs.front().attributions[f];
      attributions.push_back(a);
      column.mean_absolute_attribution += std::abs(a) / static_cast<double>(explanations.size());
      if (feature.type == ColumnType::numeric) numbers.push_back(cell_number(cells[r * k + f]));
      else values.push_back(cell_text(cells[r * k + f]));
    }
    // A numeric column with few distinct values (a price list) reads better value by value than in ranges.
    std::vector<double> distinct;
    std::copy_if(numbers.begin(), numbers.end(), std::back_inserter(distinct), [](double v) { return !std::isnan(v); });
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    if (feature.type == ColumnType::numeric && distinct.size() <= kNumericRanges)
      for (size_t r = 0; r < explanations.size(); ++r) values.push_back(cell_text(cells[r * k + f]));
    column.effects = values.empty() ? effects_by_range(numbers, attributions) : effects_by_value(values, attributions);
    summary.columns.push_back(std::move(column));
  }
  std::stable_sort(summary.columns.begin(), summary.columns.end(), [](const auto& a, const auto& b) {
    return a.mean_absolute_attribution > b.mean_absolute_attribution;
  });
  return summary;
}

std::string global_importance_markdown(const GlobalImportance& summary, const TargetUnits& units) {
  std::string text = fmt::format(
      "## What moves the estimate\n\n**Global importance** over the model's {} background rows: each column's mean "
      "|attribution| of the {} "
      "estimate (Shapley values against the baseline {}).\n\n| column | mean \\|attribution\\| |\n|---|---|\n",
      summary.rows, summary.output_name, units.amount(summary.baseline));
  for (const ColumnImportance& column : summary.columns)
    text += fmt::format("| {} | {} |\n", column.column, units.amount(column.mean_absolute_attribution));
  return text;
}

void describe_global_importance(const std::filesystem::path& model_dir, TrainingOutcome& outcome) {
  auto predictor = load_predictor(model_dir);
  if (!predictor.ok()) return;
  auto background = read_background_rows(model_dir, (*predictor)->pipeline());
  if (!background.ok()) return;
  const BackgroundRows rows = *background;
  ExplainSettings settings;
  settings.sampled_coalition_rows = std::uint64_t{1} << 12;
  auto explainer = ShapleyExplainer::create(*predictor, std::move(background).value(), settings);
  if (!explainer.ok()) return;
  auto explained = explainer->explain(rows.cells(), [](size_t r) { return fmt::format("background row {}", r + 1); });
  if (!explained.ok()) return;
  const GlobalImportance summary = summarize_global_importance((*predictor)->pipeline(), rows.cells(), *explained);
  for (const ColumnImportance& column : summary.columns)
    outcome.global_importance.emplace_back(column.column, column.mean_absolute_attribution);
  outcome.global_importance_markdown = global_importance_markdown(summary, (*predictor)->metadata().target_units());
}

}  // namespace vgsales
