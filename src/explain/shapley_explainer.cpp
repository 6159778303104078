// Exact and sampled interventional Shapley values over the background rows, batched through Predictor::predict.
#include "explain/shapley_explainer.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <map>
#include <numeric>
#include <random>
#include <unordered_map>

namespace vgsales {

namespace {

// Rows per call to the predictor: large enough for the forward pass's batching, small enough that the raw cells of
// one batch stay a few megabytes.
constexpr size_t kBatchRows = 4096;

// Feature sets are bit masks: a model with more columns than this is explained by sampling, whose rows need none.
constexpr size_t kMaximumMaskedFeatures = 63;

// The standard normal's upper quantile: z with P(Z > z) = tail, by bisection on erfc (tail in (0, 0.5)).
double normal_upper_quantile(double tail) {
  double low = 0, high = 40;
  for (int i = 0; i < 200; ++i) {
    const double middle = (low + high) / 2;
    (0.5 * std::erfc(middle / std::sqrt(2.0)) > tail ? low : high) = middle;
  }
  return (low + high) / 2;
}

// Shapley weights |S|! (d - |S| - 1)! / d! for a game of d players, by |S|.
std::vector<double> shapley_weights(size_t players) {
  std::vector<double> weights(players);
  for (size_t s = 0; s < players; ++s) {
    double w = 1.0 / static_cast<double>(players);  // 1 / (d * C(d-1, s))
    for (size_t i = 1; i <= s; ++i) w *= static_cast<double>(i) / static_cast<double>(players - s - 1 + i);
    weights[s] = w;
  }
  return weights;
}

// One background row's game over the columns where it differs from the instance: values[T] for each subset T of
// those columns (bit j of T is the j-th differing column). Adds its Shapley values, divided by `rows`, to `phi`.
void add_game_shapley_values(std::span<const double> values, std::span<const size_t> players, double rows,
                             std::span<double> phi) {
  const size_t d = players.size();
  const std::vector<double> weights = shapley_weights(d);
  for (size_t j = 0; j < d; ++j) {
    const std::uint64_t bit = std::uint64_t{1} << j;
    double sum = 0;
    for (std::uint64_t t = 0; t < values.size(); ++t)
      if (!(t & bit)) sum += weights[static_cast<size_t>(std::popcount(t))] * (values[t | bit] - values[t]);
    phi[players[j]] += sum / rows;
  }
}

// A running mean and variance (Welford).
struct RunningMoments {
  double count = 0, mean = 0, squares = 0;
  void add(double x) {
    count += 1;
    const double delta = x - mean;
    mean += delta / count;
    squares += delta * (x - mean);
  }
  double variance() const { return count > 1 ? squares / (count - 1) : 0; }
};

// Sampled marginal contributions of the features, per output: the pairs of rows (with and without the feature) and
// which feature each pair measures.
struct SampledPairs {
  std::vector<RawCell> cells;  // [2 * pairs][features]: with, without, with, without, ...
  std::vector<size_t> feature;
};

// One sampled contribution of `feature` (Štrumbelj and Kononenko 2014, algorithm 1): a random order of the columns
// and a random background row; the row with the instance's cells on the columns before `feature` in that order, with
// and without `feature`'s own.
void add_sampled_pair(std::span<const RawCell> instance, const BackgroundRows& background, size_t feature,
                      std::mt19937_64& random, std::vector<size_t>& order, SampledPairs& pairs) {
  const size_t k = instance.size();
  std::shuffle(order.begin(), order.end(), random);
  const size_t b = std::uniform_int_distribution<size_t>(0, background.rows() - 1)(random);
  const std::span<const RawCell> base = background.row(b);
  const size_t start = pairs.cells.size();
  pairs.cells.insert(pairs.cells.end(), base.begin(), base.end());
  for (size_t position = 0; position < k && order[position] != feature; ++position)
    pairs.cells[start + order[position]] = instance[order[position]];
  pairs.cells[start + feature] = instance[feature];
  pairs.cells.insert(pairs.cells.end(), pairs.cells.begin() + static_cast<std::ptrdiff_t>(start),
                     pairs.cells.begin() + static_cast<std::ptrdiff_t>(start + k));
  pairs.cells[start + k + feature] = base[feature];
  pairs.feature.push_back(feature);
}

// The attributions' sum must equal estimate - baseline; the sampled values are moved by the shortfall in proportion
// to their variances (the least-variance correction, as the shap package's sampling explainer does), which shrinks
// each value's error rather than growing it.
void adjust_to_sum(OutputAttribution& output) {
  const double target = output.estimate - output.baseline;
  const double sum = std::accumulate(output.attributions.begin(), output.attributions.end(), 0.0);
  double total_variance = 0;
  for (double e : output.standard_errors) total_variance += e * e;
  const size_t k = output.attributions.size();
  for (size_t i = 0; i < k; ++i) {
    const double share = total_variance > 0 ? output.standard_errors[i] * output.standard_errors[i] / total_variance
                                            : 1.0 / static_cast<double>(k);
    output.attributions[i] += share * (target - sum);
  }
}

}  // namespace

const char* attribution_method_name(AttributionMethod method) {
  return method == AttributionMethod::exact ? "exact" : "sampled";
}

struct ShapleyExplainer::Values {
  std::vector<std::vector<double>> outputs;  // per output, per row
};

Result<ShapleyExplainer> ShapleyExplainer::create(std::shared_ptr<const Predictor> predictor, BackgroundRows background,
                                                  ExplainSettings settings) {
  const FeaturePipeline& pipeline = predictor->pipeline();
  const size_t k = pipeline.features().size();
  if (background.rows() == 0 || background.features() != k)
    return make_error(ErrorKind::invalid_data, "the background rows do not match the model's features");
  ShapleyExplainer explainer;
  explainer.predictor_ = std::move(predictor);
  explainer.background_ = std::move(background);
  explainer.settings_ = settings;
  const double exact_rows = std::ldexp(static_cast<double>(explainer.background_.rows()), static_cast<int>(k));
  explainer.method_ = k <= kMaximumMaskedFeatures &&
                              exact_rows <= static_cast<double>(settings.max_exact_coalition_rows)
                          ? AttributionMethod::exact
                          : AttributionMethod::sampled;
  explainer.output_names_ = {"mean"};
  if (explainer.predictor_->has_interval()) explainer.output_names_.emplace_back("median");
  const auto label = [](size_t row) { return fmt::format("{} row {}", kBackgroundFileName, row + 1); };
  VGSALES_ASSIGN_OR_RETURN(Values values, explainer.evaluate(explainer.background_.cells(), label));
  explainer.background_values_ = std::move(values.outputs);
  for (const auto& column : explainer.background_values_)
    explainer.baselines_.push_back(std::accumulate(column.begin(), column.end(), 0.0) /
                                   static_cast<double>(column.size()));
  const size_t width = pipeline.encoded_width();
  explainer.background_encoded_.resize(explainer.background_.rows() * width);
  long long unseen = 0;
  for (size_t r = 0; r < explainer.background_.rows(); ++r)
    VGSALES_TRY(pipeline.encode_row(explainer.background_.row(r),
                                    std::span<float>(explainer.background_encoded_).subspan(r * width, width), unseen));
  explainer.number_background_values();
  return explainer;
}

// Each background cell's value id within its column: 1 + the index of its encoding among the column's distinct ones.
void ShapleyExplainer::number_background_values() {
  const FeaturePipeline& pipeline = predictor_->pipeline();
  const size_t k = pipeline.features().size(), width = pipeline.encoded_width(), n = background_.rows();
  value_ids_.assign(n * k, 0);
  for (size_t f = 0; f < k; ++f) {
    const size_t from = pipeline.encoded_offset(f), to = f + 1 < k ? pipeline.encoded_offset(f + 1) : width;
    std::map<std::vector<float>, std::uint32_t> ids;
    for (size_t b = 0; b < n; ++b) {
      const auto block = background_encoded_.begin() + static_cast<std::ptrdiff_t>(b * width);
      std::vector<float> value(block + static_cast<std::ptrdiff_t>(from), block + static_cast<std::ptrdiff_t>(to));
      value_ids_[b * k + f] =
          ids.try_emplace(std::move(value), static_cast<std::uint32_t>(ids.size() + 1)).first->second;
    }
  }
}

std::uint64_t ShapleyExplainer::coalition_rows_per_instance() const {
  if (method_ == AttributionMethod::sampled) return settings_.sampled_coalition_rows;
  return static_cast<std::uint64_t>(background_.rows()) << predictor_->pipeline().features().size();
}

Result<ShapleyExplainer::Values> ShapleyExplainer::evaluate(std::span<const RawCell> cells,
                                                            const RowLabel& label) const {
  const size_t k = predictor_->pipeline().features().size();
  const size_t rows = cells.size() / k;
  Values values;
  values.outputs.assign(output_names_.size(), std::vector<double>(rows));
  const bool median = output_names_.size() > 1;
  for (size_t start = 0; start < rows; start += kBatchRows) {
    const size_t count = std::min(kBatchRows, rows - start);
    VGSALES_ASSIGN_OR_RETURN(const Predictions predicted, predictor_->predict(
                                                              cells.subspan(start * k, count * k),
                                                              [&](size_t row) { return label(start + row); }, median));
    for (size_t r = 0; r < count; ++r) {
      values.outputs[0][start + r] = predicted.values[r];
      if (median) values.outputs[1][start + r] = predicted.median[r];
    }
  }
  return values;
}

InstanceExplanation ShapleyExplainer::blank_explanation(AttributionMethod method) const {
  const size_t k = predictor_->pipeline().features().size();
  InstanceExplanation explanation;
  explanation.method = method;
  for (size_t o = 0; o < output_names_.size(); ++o) {
    OutputAttribution output;
    output.output_name = output_names_[o];
    output.baseline = baselines_[o];
    output.attributions.assign(k, 0.0);
    output.standard_errors.assign(k, 0.0);
    output.error_bounds.assign(k, 0.0);
    explanation.outputs.push_back(std::move(output));
  }
  return explanation;
}

Result<std::vector<InstanceExplanation>> ShapleyExplainer::explain(std::span<const RawCell> cells,
                                                                   const RowLabel& label) const {
  const size_t k = predictor_->pipeline().features().size();
  if (k == 0 || cells.size() % k != 0)
    return make_error(ErrorKind::invalid_data,
                      fmt::format("expected rows of {} features, got {} values", k, cells.size()));
  std::vector<InstanceExplanation> explanations;
  for (size_t r = 0; r < cells.size() / k; ++r) {
    const auto row_label = [&](size_t) { return label(r); };
    const std::span<const RawCell> row = cells.subspan(r * k, k);
    VGSALES_ASSIGN_OR_RETURN(InstanceExplanation explanation, method_ == AttributionMethod::exact
                                                                  ? explain_exactly(row, row_label)
                                                                  : explain_by_sampling(row, r, row_label));
    explanations.push_back(std::move(explanation));
  }
  return explanations;
}

// Each background row's columns whose encoding differs from the instance's `encoded` row.
std::vector<std::vector<size_t>> ShapleyExplainer::differing_columns(std::span<const float> encoded) const {
  const FeaturePipeline& pipeline = predictor_->pipeline();
  const size_t k = pipeline.features().size(), width = pipeline.encoded_width();
  std::vector<std::vector<size_t>> players(background_.rows());
  for (size_t b = 0; b < players.size(); ++b)
    for (size_t f = 0; f < k; ++f) {
      const size_t from = pipeline.encoded_offset(f), to = f + 1 < k ? pipeline.encoded_offset(f + 1) : width;
      if (!std::equal(encoded.begin() + static_cast<std::ptrdiff_t>(from),
                      encoded.begin() + static_cast<std::ptrdiff_t>(to),
                      background_encoded_.begin() + static_cast<std::ptrdiff_t>(b * width + from)))
        players[b].push_back(f);
    }
  return players;
}

// The model's outputs on every game's proper non-empty subsets, game after game, subset after subset. Coalition rows
// of different background rows are often the same row (the background rows agree outside the instance's columns):
// each distinct row is evaluated once, named by its cells' value ids (0 the instance's, else the background value's
// id), and the rows are made and evaluated a batch at a time.
Result<ShapleyExplainer::Values> ShapleyExplainer::evaluate_games(std::span<const RawCell> row,
                                                                  const std::vector<std::vector<size_t>>& players,
                                                                  const RowLabel& label) const {
  const size_t k = row.size();
  Values distinct;
  distinct.outputs.resize(output_names_.size());
  std::vector<RawCell> cells;
  const auto flush = [&]() -> Result<void> {
    VGSALES_ASSIGN_OR_RETURN(const Values values, evaluate(cells, label));
    for (size_t o = 0; o < distinct.outputs.size(); ++o)
      distinct.outputs[o].insert(distinct.outputs[o].end(), values.outputs[o].begin(), values.outputs[o].end());
    cells.clear();
    return {};
  };
  std::unordered_map<std::string, std::uint32_t> index_of;
  std::vector<std::uint32_t> order;
  std::string key(k * sizeof(std::uint32_t), '\0');
  for (size_t b = 0; b < players.size(); ++b)
    for (std::uint64_t t = 1; t + 1 < (std::uint64_t{1} << players[b].size()); ++t) {
      std::fill(key.begin(), key.end(), '\0');
      for (size_t j = 0; j < players[b].size(); ++j)
        if (!(t >> j & 1))
          std::memcpy(&key[players[b][j] * sizeof(std::uint32_t)], &value_ids_[b * k + players[b][j]],
                      sizeof(std::uint32_t));
      const auto [found, added] = index_of.try_emplace(key, static_cast<std::uint32_t>(index_of.size()));
      order.push_back(found->second);
      if (!added) continue;
      const size_t at = cells.size();
      cells.insert(cells.end(), background_.row(b).begin(), background_.row(b).end());
      for (size_t j = 0; j < players[b].size(); ++j)
        if (t >> j & 1) cells[at + players[b][j]] = row[players[b][j]];
      if (cells.size() >= kBatchRows * k) VGSALES_TRY(flush());
    }
  if (!cells.empty()) VGSALES_TRY(flush());
  Values all;
  for (const std::vector<double>& values : distinct.outputs) {
    std::vector<double>& column = all.outputs.emplace_back(order.size());
    for (size_t i = 0; i < order.size(); ++i) column[i] = values[order[i]];
  }
  return all;
}

// Interventional Shapley values are the average over the background rows of each row's game, v_b(S) = f(x on S, b
// elsewhere). Columns where b's encoding equals x's are null players of b's game, so each game is solved over the
// columns where they differ only: 2^d rows instead of 2^k, exactly the same values.
Result<InstanceExplanation> ShapleyExplainer::explain_exactly(std::span<const RawCell> row,
                                                              const RowLabel& label) const {
  const FeaturePipeline& pipeline = predictor_->pipeline();
  std::vector<float> encoded(pipeline.encoded_width());
  long long unseen = 0;
  if (auto encoded_row = pipeline.encode_row(row, encoded, unseen); !encoded_row.ok())
    return make_error(encoded_row.error().kind, label(0) + ": " + encoded_row.error().message);
  const std::vector<std::vector<size_t>> players = differing_columns(encoded);
  VGSALES_ASSIGN_OR_RETURN(const Values instance, evaluate(row, label));
  VGSALES_ASSIGN_OR_RETURN(const Values subsets, evaluate_games(row, players, label));
  InstanceExplanation explanation = blank_explanation(AttributionMethod::exact);
  const auto rows = static_cast<double>(background_.rows());
  for (size_t o = 0; o < output_names_.size(); ++o) {
    OutputAttribution& output = explanation.outputs[o];
    output.estimate = instance.outputs[o][0];
    std::vector<double> game;
    size_t next = 0;
    for (size_t b = 0; b < players.size(); ++b) {
      game.assign(size_t{1} << players[b].size(), 0.0);
      game.front() = background_values_[o][b];
      game.back() = output.estimate;
      for (size_t t = 1; t + 1 < game.size(); ++t) game[t] = subsets.outputs[o][next++];
      add_game_shapley_values(game, players[b], rows, output.attributions);
    }
  }
  return explanation;
}

// Sampled Shapley: a first round of equal samples per column estimates each column's variance, the rest of the budget
// goes to the columns in proportion to their standard deviations (Neyman allocation, as Štrumbelj and Kononenko
// propose). Each value's standard error comes from its samples; the bound is that error times the normal quantile
// that holds for every column at once (Bonferroni over the columns) with probability bound_confidence.
Result<InstanceExplanation> ShapleyExplainer::explain_by_sampling(std::span<const RawCell> row, size_t index,
                                                                  const RowLabel& label) const {
  const size_t k = row.size();
  const size_t outputs = output_names_.size();
  const size_t samples = std::max<size_t>(4 * k, settings_.sampled_coalition_rows / 2);
  std::mt19937_64 random(settings_.seed * 0x9E3779B97F4A7C15ULL + index);
  std::vector<size_t> order(k);
  std::iota(order.begin(), order.end(), 0);
  std::vector<std::vector<RunningMoments>> moments(outputs, std::vector<RunningMoments>(k));
  const auto run_round = [&](const std::vector<size_t>& per_feature) -> Result<void> {
    SampledPairs pairs;
    for (size_t f = 0; f < k; ++f)
      for (size_t s = 0; s < per_feature[f]; ++s) add_sampled_pair(row, background_, f, random, order, pairs);
    VGSALES_ASSIGN_OR_RETURN(const Values values, evaluate(pairs.cells, label));
    for (size_t o = 0; o < outputs; ++o)
      for (size_t p = 0; p < pairs.feature.size(); ++p)
        moments[o][pairs.feature[p]].add(values.outputs[o][2 * p] - values.outputs[o][2 * p + 1]);
    return {};
  };
  const size_t first = std::max<size_t>(2, samples / (4 * k));
  VGSALES_TRY(run_round(std::vector<size_t>(k, first)));
  std::vector<double> deviation(k);
  for (size_t f = 0; f < k; ++f) deviation[f] = std::sqrt(moments[0][f].variance());
  const double total = std::accumulate(deviation.begin(), deviation.end(), 0.0);
  const double rest = static_cast<double>(samples - std::min(samples, first * k));
  std::vector<size_t> second(k);
  for (size_t f = 0; f < k; ++f)
    second[f] = static_cast<size_t>(total > 0 ? rest * deviation[f] / total : rest / static_cast<double>(k));
  VGSALES_TRY(run_round(second));
  VGSALES_ASSIGN_OR_RETURN(const Values instance, evaluate(row, label));
  const double z = normal_upper_quantile((1 - settings_.bound_confidence) / (2 * static_cast<double>(k)));
  InstanceExplanation explanation = blank_explanation(AttributionMethod::sampled);
  for (size_t o = 0; o < outputs; ++o) {
    OutputAttribution& output = explanation.outputs[o];
    output.estimate = instance.outputs[o][0];
    double squares = 0;
    for (size_t f = 0; f < k; ++f) {
      output.attributions[f] = moments[o][f].mean;
      output.standard_errors[f] = std::sqrt(moments[o][f].variance() / moments[o][f].count);
      output.error_bounds[f] = z * output.standard_errors[f];
      squares += output.standard_errors[f] * output.standard_errors[f];
    }
    output.approximation_error = std::sqrt(squares);
    adjust_to_sum(output);
  }
  return explanation;
}

}  // namespace vgsales
