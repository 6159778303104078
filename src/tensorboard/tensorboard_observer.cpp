// What a training run writes for TensorBoard, and where (docs/tensorboard.md has the user's view).
#include "tensorboard/tensorboard_observer.h"

#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <system_error>

#include "common/target_units.h"
#include "tensorboard/importance_plot.h"
#include "tensorboard/model_card.h"
#include "tensorboard/png_plot.h"
#include "tensorboard/summaries.h"

#include "graph/graph_def_builder.h"

namespace vgsales::tensorboard {
namespace {

// What the Graphs tab and the weight histograms show of an ensemble: its first member, the mean's column only (the
// graph's cost trains the mean). One network reads better than the fused form, whose blocks are mostly zeros, and
// the graph's variables are then exactly what the histograms show.
PortableNetwork displayed_network(const PortableNetwork& network) {
  if (network.layers.empty()) return network;
  DenseStack member = *network.stacks().front();
  DenseLayer& last = member.back();
  if (last.output_size == 2) {
    last.weight.resize(static_cast<size_t>(last.input_size));
    last.bias.resize(1);
    last.output_size = 1;
  }
  PortableNetwork shown = network;
  shown.shifted_outputs.clear();
  set_members(shown, {std::move(member)});
  return shown;
}

namespace fs = std::filesystem;
namespace hp = ::tensorboard::hparams;

constexpr const char* kTrainSplit = "train";
constexpr const char* kSessionRun = "";  // the run's own folder: hparams session start and end

std::string timestamp_run_name() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buffer[32] = {};
  std::strftime(buffer, sizeof buffer, "%Y%m%d-%H%M%S", &local);
  return buffer;
}

Result<void> check_run_name(const std::string& name) {
  if (name.empty()) return {};
  if (name == "." || name == ".." || name.find_first_of("/\\") != std::string::npos) {
    return make_error(ErrorKind::usage,
                      fmt::format("--run-name '{}' must be a plain folder name (no '/', not '.' or '..')", name));
  }
  return {};
}

// Creates <logdir>/<name>, or <name>-2, <name>-3... when taken: earlier runs are never written into.
Result<fs::path> reserve_run_directory(const fs::path& logdir, const std::string& name) {
  for (int attempt = 1; attempt < 10000; ++attempt) {
    const fs::path candidate = logdir / (attempt == 1 ? name : fmt::format("{}-{}", name, attempt));
    std::error_code error;
    if (fs::create_directory(candidate, error)) return candidate;
    // Taken, by a folder or by anything else of that name: try the next suffix.
    if (error && !fs::exists(fs::symlink_status(candidate))) {
      return make_error(ErrorKind::io,
                        fmt::format("{}: cannot create the run folder: {}", candidate.string(), error.message()));
    }
  }
  return make_error(ErrorKind::already_exists, fmt::format("{}: too many runs named '{}'", logdir.string(), name));
}

std::vector<std::string> split_names(const TrainingRunInfo& info) {
  std::vector<std::string> splits = {kTrainSplit};
  if (info.validation_rows > 0) splits.emplace_back("validation");
  if (info.test_rows > 0) splits.emplace_back("test");
  return splits;
}

// One chart puts every split's loss side by side, one the errors in the target's units.
::tensorboard::Layout dashboard_layout(const TargetUnits& units) {
  ::tensorboard::Layout layout;
  auto* loss = layout.add_category();
  loss->set_title("vgsales: loss and error by split");
  auto* loss_chart = loss->add_chart();
  loss_chart->set_title("loss (scaled MSE): train vs validation vs test");
  loss_chart->mutable_multiline()->add_tag(fmt::format("^{}$", kLossTag));
  auto* error_chart = loss->add_chart();
  error_chart->set_title(fmt::format("{}: RMSE and MAE {}", units.name(), units.phrase()));
  error_chart->mutable_multiline()->add_tag(fmt::format("^{}$", kRmseTag));
  error_chart->mutable_multiline()->add_tag(fmt::format("^{}$", kMaeTag));
  auto* speed = layout.add_category();
  speed->set_title("vgsales: training speed");
  speed->set_closed(true);
  auto* throughput = speed->add_chart();
  throughput->set_title("samples per second and seconds per epoch");
  throughput->mutable_multiline()->add_tag(fmt::format("^{}$", kSamplesPerSecondTag));
  throughput->mutable_multiline()->add_tag(fmt::format("^{}$", kEpochSecondsTag));
  return layout;
}

// Final metrics the HParams tab compares, read from scalar tags in <run>/<split>. All three splits,
// whether or not this run has them: TensorBoard takes the columns from the first run's experiment,
// and a later run with a validation split must still find its column.
std::vector<hp::MetricInfo> session_metrics() {
  std::vector<hp::MetricInfo> metrics;
  for (const std::string split : {"train", "validation", "test"}) {
    for (const char* metric : {"final_loss", "final_rmse", "final_mae", "final_r2"}) {
      hp::MetricInfo info;
      info.mutable_name()->set_group(split);
      info.mutable_name()->set_tag(metric);
      info.set_display_name(fmt::format("{} {}", split, metric + 6));
      info.set_dataset_type(split == kTrainSplit ? hp::DATASET_TRAINING : hp::DATASET_VALIDATION);
      metrics.push_back(std::move(info));
    }
  }
  return metrics;
}

hp::Status session_status(RunStatus status) {
  switch (status) {
    case RunStatus::completed:
    case RunStatus::stopped_early: return hp::STATUS_SUCCESS;
    case RunStatus::failed:
    case RunStatus::interrupted: return hp::STATUS_FAILURE;
  }
  return hp::STATUS_UNKNOWN;
}

tensorflow::Summary summary_of(tensorflow::Summary::Value value) {
  tensorflow::Summary summary;
  *summary.add_value() = std::move(value);
  return summary;
}

// The names `vgsales info` and the model card use: layer_1, layer_2, ..., and output for the last layer.
std::string layer_scope(std::size_t index, std::size_t layer_count) {
  return index + 1 == layer_count ? std::string("output") : fmt::format("layer_{}", index + 1);
}

}  // namespace

Result<std::unique_ptr<TrainingObserver>> open_tensorboard_observer(const TensorBoardOptions& options) {
  if (options.logdir.empty()) return make_error(ErrorKind::usage, "--logdir must not be empty");
  if (options.histogram_freq < 0) {
    return make_error(ErrorKind::usage,
                      fmt::format("--histogram-freq must be 0 or more, got {}", options.histogram_freq));
  }
  if (options.image_freq < 0) {
    return make_error(ErrorKind::usage, fmt::format("--image-freq must be 0 or more, got {}", options.image_freq));
  }
  VGSALES_TRY(check_run_name(options.run_name));
  std::error_code error;
  fs::create_directories(options.logdir, error);
  if (error) {
    return make_error(ErrorKind::io,
                      fmt::format("{}: cannot create the log directory: {}", options.logdir.string(), error.message()));
  }
  if (!fs::is_directory(options.logdir)) {
    return make_error(ErrorKind::io, fmt::format("{}: the log directory is not a directory", options.logdir.string()));
  }
  // access() can pass for root on a read-only mount; creating a file is the real test.
  const fs::path probe = options.logdir / fmt::format(".vgsales-write-test-{}", ::getpid());
  std::FILE* file = std::fopen(probe.c_str(), "wx");
  if (file == nullptr) {
    return make_error(ErrorKind::io, fmt::format("{}: the log directory is not writable: {}", options.logdir.string(),
                                                 std::strerror(errno)));
  }
  std::fclose(file);
  fs::remove(probe, error);
  return std::unique_ptr<TrainingObserver>(std::make_unique<TensorBoardObserver>(options));
}

Result<void> TensorBoardObserver::on_train_begin(const TrainingRunInfo& info) {
  Result<void> started = start_run(info);
  // A run that did not start writes nothing more; on_train_end still comes and must find nothing to do.
  if (!started.ok()) failure_ = started.error();
  return started;
}

Result<void> TensorBoardObserver::start_run(const TrainingRunInfo& info) {
  info_ = info;
  const std::string name = options_.run_name.empty() ? timestamp_run_name() : options_.run_name;
  VGSALES_ASSIGN_OR_RETURN(run_directory_, reserve_run_directory(options_.logdir, name));
  const std::vector<std::string> splits = split_names(info);
  // Open every file now, so an unwritable folder stops the run before the first epoch.
  for (const auto& split : splits) {
    std::error_code error;
    fs::create_directory(run_directory_ / split, error);
    if (error) {
      return make_error(ErrorKind::io, fmt::format("{}: cannot create the split folder: {}",
                                                   (run_directory_ / split).string(), error.message()));
    }
    VGSALES_ASSIGN_OR_RETURN(EventFileWriter writer, EventFileWriter::create(run_directory_ / split));
    writers_.emplace(split, std::move(writer));
  }
  VGSALES_ASSIGN_OR_RETURN(EventFileWriter session, EventFileWriter::create(run_directory_));
  writers_.emplace(kSessionRun, std::move(session));

  const double now = wall_time_now();
  tensorflow::Summary hparams;
  *hparams.add_value() =
      make_hparams_value(kHparamsExperimentTag, make_hparams_experiment(info.hyperparameters, session_metrics(), now));
  *hparams.add_value() =
      make_hparams_value(kHparamsSessionStartTag, make_hparams_session_start(info.hyperparameters, now));
  VGSALES_TRY(writers_.at(kSessionRun).write_summary(std::move(hparams), 0, now));

  EventFileWriter& train = writers_.at(kTrainSplit);
  // The graph is for display only: a network the builder rejects costs the Graphs tab, not the run. Its cost trains
  // the mean, so a median head's column is left out of it; the raw inputs enter through the preprocessing scope.
  if (Result<std::string> graph_bytes =
          serialize_graph_def(displayed_network(info.initial_network), GraphPurpose::training,
                              info.pipeline.features().empty() ? nullptr : &info.pipeline);
      graph_bytes.ok()) {
    tensorflow::Event graph;
    graph.set_wall_time(now);
    graph.set_graph_def(std::move(graph_bytes).value());
    VGSALES_TRY(train.write_event(graph));
  } else {
    std::fprintf(stderr, "vgsales: warning: no graph for TensorBoard: %s\n", graph_bytes.error().message.c_str());
  }
  VGSALES_TRY(train.write_summary(summary_of(make_custom_scalars_value(dashboard_layout(info.target_units))), 0, now));
  VGSALES_TRY(train.write_summary(
      summary_of(make_text_value(kModelCardTag, model_card_markdown(run_directory_.filename().string(), info, nullptr),
                                 "data, schema, architecture, settings and final metrics of this run")),
      0, now));
  if (options_.histogram_freq > 0) write_weight_histograms(displayed_network(info.initial_network), 0);
  if (failure_) return *failure_;
  for (auto& [split, writer] : writers_) VGSALES_TRY(writer.flush());
  last_sync_ = std::chrono::steady_clock::now();
  if (options_.notice) {
    options_.notice(fmt::format("TensorBoard logs: {} (view with: tensorboard --logdir {})", run_directory_.string(),
                                options_.logdir.string()));
  }
  return {};
}

bool TensorBoardObserver::histograms_due(int epoch) const {
  return options_.histogram_freq > 0 && epoch % options_.histogram_freq == 0;
}

bool TensorBoardObserver::image_due(int epoch) const {
  return options_.image_freq > 0 && (epoch % options_.image_freq == 0 || epoch == info_.epochs);
}

bool TensorBoardObserver::wants_detail(int epoch) const {
  // With a validation split any epoch may turn out to be the kept one, so its predictions are needed.
  const bool kept_candidate = options_.image_freq > 0 && info_.validation_rows > 0;
  return !failure_ && !run_directory_.empty() && (histograms_due(epoch) || image_due(epoch) || kept_candidate);
}

EventFileWriter* TensorBoardObserver::writer_for(const std::string& split) {
  if (failure_ || run_directory_.empty()) return nullptr;
  if (const auto found = writers_.find(split); found != writers_.end()) return &found->second;
  // A split the run did not announce (none today): give it its own folder too.
  std::error_code error;
  fs::create_directory(run_directory_ / split, error);
  if (error) {
    give_up(make_error(ErrorKind::io, fmt::format("{}: cannot create the split folder: {}",
                                                  (run_directory_ / split).string(), error.message())));
    return nullptr;
  }
  Result<EventFileWriter> writer = EventFileWriter::create(run_directory_ / split);
  if (!writer.ok()) {
    give_up(writer.error());
    return nullptr;
  }
  return &writers_.emplace(split, std::move(writer).value()).first->second;
}

void TensorBoardObserver::write(const std::string& split, tensorflow::Summary summary, long long step,
                                bool keep_metadata) {
  EventFileWriter* writer = writer_for(split);
  if (writer == nullptr) return;
  Result<void> written = keep_metadata
                             ? writer->write_summary_keeping_metadata(std::move(summary), step, wall_time_now())
                             : writer->write_summary(std::move(summary), step, wall_time_now());
  if (!written.ok()) give_up(written.error());
}

std::string TensorBoardObserver::plot_description(const std::string& tag, const std::string& split, std::size_t rows,
                                                  const AxisScaleChoice& axis) const {
  const TargetUnits& units = info_.target_units;
  // Nothing here may change from one step to the next: TensorBoard shows the first image's description
  // beside every step. What does change (the epoch, the axes' range) is drawn in the image itself.
  const std::string what =
      tag == kKeptPredictionPlotTag
          ? fmt::format(
                "by the weights of the kept epoch, the ones saved in the model directory (the epoch of the "
                "lowest validation loss, or the last epoch when there is no validation split; for a log1p "
                "model, before the retransformation-bias correction)")
          : fmt::format("every {} epochs and at the last epoch (the image {} shows the kept epoch)",
                        options_.image_freq, kKeptPredictionPlotTag);
  return fmt::format(
      "Predicted (y) against actual (x) {} {}, on the {} {} rows, {}. One dot per row ({} and more rows are drawn as "
      "a density, darker where more rows fall); the red line y = x is where a perfect prediction lies, and dots "
      "below it are under-estimates. {} The title of each image names its epoch.",
      units.name(), units.phrase(), rows, split, what, kDensityAbovePoints + 1, axis.reason);
}

void TensorBoardObserver::write_plot(const PlotImage& image) {
  const TargetUnits& units = info_.target_units;
  const PlotLabels labels{.title = fmt::format("Predicted vs actual {}", units.name()),
                          .subtitle = image.subtitle,
                          .target = units.name(),
                          .unit_label = units.unit_label(),
                          .value_prefix = units.prefix(),
                          .rows_label = image.split + " rows"};
  const ScatterPlot plot = plot_predicted_vs_actual(image.actuals, image.predictions, labels, 640, 640, image.bars);
  Result<std::string> png = encode_png(plot.image);
  if (!png.ok()) {
    give_up(png.error());
    return;
  }
  const std::string description = plot_description(image.tag, image.split, image.actuals.size(), plot.axis);
  // The description goes with every image, not only the first (TensorFlow 2's writers do the same).
  write(image.split, summary_of(make_image_value(image.tag, *png, plot.image.width, plot.image.height, description)),
        image.step,
        /*keep_metadata=*/true);
}

void TensorBoardObserver::write_global_importance(const TrainingOutcome& outcome, long long step) {
  if (outcome.global_importance.empty()) return;
  write(kTrainSplit, summary_of(make_text_value(kGlobalImportanceTag, outcome.global_importance_markdown)), step);
  const RgbImage image = plot_global_importance(outcome.global_importance, info_.target_units);
  Result<std::string> png = encode_png(image);
  if (!png.ok()) {
    give_up(png.error());
    return;
  }
  write(kTrainSplit,
        summary_of(make_image_value(kGlobalImportancePlotTag, *png, image.width, image.height,
                                    "Each column's mean |attribution| of the saved model's mean estimate over its "
                                    "background rows (exact or sampled Shapley values; vgsales explain --global)")),
        step);
}

void TensorBoardObserver::remember_kept_candidate(const EpochSummary& summary, const EpochDetail& detail) {
  if (options_.image_freq <= 0 || detail.actuals.empty()) return;
  // The trainer's rule: the first epoch of the lowest validation loss, else the last epoch.
  if (const auto validation = summary.splits.find("validation"); validation != summary.splits.end()) {
    if (!(validation->second.loss < best_validation_loss_)) return;
    best_validation_loss_ = validation->second.loss;
  }
  kept_.epoch = summary.epoch;
  kept_.split = detail.evaluation_split.empty() ? std::string(kTrainSplit) : detail.evaluation_split;
  kept_.actuals = detail.actuals;
  kept_.predictions = detail.predictions;
}

void TensorBoardObserver::write_weight_histograms(const PortableNetwork& network, long long step) {
  tensorflow::Summary summary;
  for (std::size_t index = 0; index < network.layers.size(); ++index) {
    const std::string scope = layer_scope(index, network.layers.size());
    *summary.add_value() = make_histogram_value(scope + "/kernel", network.layers[index].weight);
    *summary.add_value() = make_histogram_value(scope + "/bias", network.layers[index].bias);
  }
  write(kTrainSplit, std::move(summary), step);
}

void TensorBoardObserver::on_epoch_end(const EpochSummary& summary, const EpochDetail* detail) {
  if (failure_ || run_directory_.empty()) return;
  const long long step = summary.epoch;
  for (const auto& [split, metrics] : summary.splits) {
    tensorflow::Summary scalars;
    *scalars.add_value() = make_scalar_value(kLossTag, metrics.loss, "mean squared error on the scaled target");
    const std::string units = info_.target_units.phrase();
    *scalars.add_value() = make_scalar_value(kRmseTag, metrics.rmse, "root mean squared error " + units);
    *scalars.add_value() = make_scalar_value(kMaeTag, metrics.mae, "mean absolute error " + units);
    write(split, std::move(scalars), step);
  }
  tensorflow::Summary run_scalars;
  *run_scalars.add_value() = make_scalar_value(kLearningRateTag, summary.learning_rate);
  *run_scalars.add_value() = make_scalar_value(kEpochSecondsTag, summary.seconds, "wall-clock seconds of this epoch");
  *run_scalars.add_value() =
      make_scalar_value(kSamplesPerSecondTag, summary.samples_per_second, "training rows per second in this epoch");
  write(kTrainSplit, std::move(run_scalars), step);

  if (detail != nullptr) {
    const std::string& evaluation = detail->evaluation_split.empty() ? std::string(kTrainSplit)
                                                                     : detail->evaluation_split;
    if (histograms_due(summary.epoch)) {
      write_weight_histograms(displayed_network(detail->network), step);
      tensorflow::Summary activations;
      for (std::size_t index = 0; index < detail->activations.size(); ++index) {
        *activations.add_value() = make_histogram_value(layer_scope(index, detail->activations.size()) + "/activations",
                                                        detail->activations[index]);
      }
      if (activations.value_size() > 0) write(evaluation, std::move(activations), step);
    }
    if (image_due(summary.epoch) && !detail->actuals.empty()) {
      write_plot({.tag = kPredictionPlotTag,
                  .split = evaluation,
                  .actuals = detail->actuals,
                  .predictions = detail->predictions,
                  .step = summary.epoch,
                  .subtitle = fmt::format("{} split · epoch {} of {}", evaluation, summary.epoch, info_.epochs)});
    }
    remember_kept_candidate(summary, *detail);
  }
  sync_now_and_then();
}

void TensorBoardObserver::on_train_end(const TrainingOutcome& outcome) {
  if (ended_ || run_directory_.empty() || failure_) {
    ended_ = true;
    for (auto& [split, writer] : writers_) (void)writer.close();
    return;
  }
  ended_ = true;
  const TrainingOutcome::SavedEstimates& saved = outcome.saved_estimates;
  if (options_.image_freq > 0 && !saved.actuals.empty() && saved.mean.size() == saved.actuals.size()) {
    // The model as saved (every member at its kept epoch, calibrated), with its interval as a bar per row.
    const std::string interval =
        saved.lower.empty() ? "" : fmt::format(" with its {:g} % interval", 100 * saved.interval_level);
    write_plot({.tag = kKeptPredictionPlotTag,
                .split = saved.split,
                .actuals = saved.actuals,
                .predictions = saved.mean,
                .bars = IntervalBars{saved.lower, saved.upper, saved.interval_level},
                .step = outcome.epochs_run,
                .subtitle = fmt::format("{} split · the saved model after {} epochs{}", saved.split, outcome.epochs_run,
                                        interval)});
    kept_ = {};
  } else if (kept_.epoch > 0 && kept_.epoch == outcome.kept_epoch) {
    const bool by_validation = info_.validation_rows > 0;
    write_plot({.tag = kKeptPredictionPlotTag,
                .split = kept_.split,
                .actuals = kept_.actuals,
                .predictions = kept_.predictions,
                .step = kept_.epoch,
                .subtitle = fmt::format("{} split · kept epoch {} of {} run ({}): the saved model", kept_.split,
                                        kept_.epoch, outcome.epochs_run,
                                        by_validation ? "lowest validation loss" : "the last epoch")});
    kept_ = {};
  }
  const long long step = outcome.epochs_run;
  for (const auto& [split, metrics] : outcome.final_metrics) {
    tensorflow::Summary finals;
    *finals.add_value() = make_scalar_value("final_loss", metrics.loss);
    *finals.add_value() = make_scalar_value("final_rmse", metrics.rmse);
    *finals.add_value() = make_scalar_value("final_mae", metrics.mae);
    *finals.add_value() = make_scalar_value("final_r2", metrics.r2);
    write(split, std::move(finals), step);
  }
  write(kTrainSplit,
        summary_of(make_text_value(kModelCardTag,
                                   model_card_markdown(run_directory_.filename().string(), info_, &outcome))),
        step);
  write_global_importance(outcome, step);
  write(kSessionRun,
        summary_of(make_hparams_value(kHparamsSessionEndTag,
                                      make_hparams_session_end(session_status(outcome.status), wall_time_now()))),
        step);
  for (auto& [split, writer] : writers_) {
    if (Result<void> closed = writer.close(); !closed.ok()) give_up(closed.error());
  }
}

void TensorBoardObserver::sync_now_and_then() {
  // Every record already reached the kernel in its own write call, so TensorBoard sees it at once;
  // fdatasync only guards against a machine crash, and costs milliseconds per file on a busy disk,
  // which is a lot next to a small network's epoch. Hence at most every kSyncInterval.
  constexpr std::chrono::seconds kSyncInterval{10};
  const auto now = std::chrono::steady_clock::now();
  if (now - last_sync_ < kSyncInterval) return;
  last_sync_ = now;
  for (auto& [split, writer] : writers_) {
    if (Result<void> flushed = writer.flush(); !flushed.ok()) {
      give_up(flushed.error());
      return;
    }
  }
}

void TensorBoardObserver::give_up(const Error& error) {
  if (failure_) return;
  failure_ = error;
  std::fprintf(stderr, "vgsales: warning: TensorBoard logging stopped: %s\n", error.message.c_str());
}

}  // namespace vgsales::tensorboard
