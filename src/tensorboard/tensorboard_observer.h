// Logs a training run for TensorBoard: scalars, histograms, images, text, hparams, custom scalars
// and the graph, one event file per split under <logdir>/<run>/<split>/.
#pragma once

#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/training_observer.h"
#include "tensorboard/event_file_writer.h"
#include "tensorboard/png_plot.h"

namespace vgsales::tensorboard {

struct TensorBoardOptions {
  std::filesystem::path logdir = "logs";  // --logdir: runs go to <logdir>/<run>/
  std::string run_name;                   // --run-name: empty = local time "YYYYMMDD-HHMMSS"; "-2", "-3"... if taken
  int histogram_freq = 5;                 // --histogram-freq: weights and activations every N epochs; 0 = never
  int image_freq = 10;                    // --image-freq: predicted-vs-actual plot every N epochs and at the
                                          // last planned epoch; 0 = never
  std::function<void(const std::string&)> notice;  // optional: told once where the run's logs go
};

// Checks the options; creates the log directory and proves it writable before any training starts.
Result<std::unique_ptr<TrainingObserver>> open_tensorboard_observer(const TensorBoardOptions& options);

// Scalar tags written per split (in <run>/<split>/) and per run (in <run>/train/).
inline constexpr const char* kLossTag = "epoch_loss";
inline constexpr const char* kRmseTag = "epoch_rmse";
inline constexpr const char* kMaeTag = "epoch_mae";
inline constexpr const char* kLearningRateTag = "epoch_learning_rate";
inline constexpr const char* kEpochSecondsTag = "epoch_seconds";
inline constexpr const char* kSamplesPerSecondTag = "epoch_samples_per_second";
inline constexpr const char* kPredictionPlotTag = "predicted_vs_actual";
// One image at the end: the plot of the kept epoch, whose weights the model directory holds.
inline constexpr const char* kKeptPredictionPlotTag = "predicted_vs_actual_kept_epoch";
inline constexpr const char* kModelCardTag = "model_card";
// At the end, with background.csv: each column's mean |attribution| as a Markdown table (Text) and bars (Images).
inline constexpr const char* kGlobalImportanceTag = "global_importance";
inline constexpr const char* kGlobalImportancePlotTag = "global_importance_plot";

class TensorBoardObserver final : public TrainingObserver {
 public:
  explicit TensorBoardObserver(TensorBoardOptions options) : options_(std::move(options)) {}

  Result<void> on_train_begin(const TrainingRunInfo& info) override;
  bool wants_detail(int epoch) const override;
  void on_epoch_end(const EpochSummary& summary, const EpochDetail* detail) override;
  void on_train_end(const TrainingOutcome& outcome) override;

  // <logdir>/<run>, known once on_train_begin succeeded.
  const std::filesystem::path& run_directory() const { return run_directory_; }

 private:
  Result<void> start_run(const TrainingRunInfo& info);
  bool histograms_due(int epoch) const;
  bool image_due(int epoch) const;
  // The writer of `split` ("" = the run's own folder, which holds the hparams session); opened on first use.
  EventFileWriter* writer_for(const std::string& split);
  void write(const std::string& split, tensorflow::Summary summary, long long step, bool keep_metadata = false);
  // One predicted-vs-actual image: the rows drawn, and the tag, split and step it is logged under.
  struct PlotImage {
    std::string tag;
    std::string split;
    std::span<const float> actuals;
    std::span<const float> predictions;
    IntervalBars bars;  // none unless given
    long long step = 0;
    std::string subtitle;
  };
  void write_plot(const PlotImage& image);
  void write_global_importance(const TrainingOutcome& outcome, long long step);
  std::string plot_description(const std::string& tag, const std::string& split, std::size_t rows,
                               const AxisScaleChoice& axis) const;
  // Keeps the predictions of the epoch the trainer will keep, as far as this epoch tells.
  void remember_kept_candidate(const EpochSummary& summary, const EpochDetail& detail);
  void write_weight_histograms(const PortableNetwork& network, long long step);
  void sync_now_and_then();
  // Logging trouble mid-training is reported once and ends logging; it never stops the training.
  void give_up(const Error& error);

  TensorBoardOptions options_;
  TrainingRunInfo info_;
  std::filesystem::path run_directory_;
  std::map<std::string, EventFileWriter> writers_;
  std::optional<Error> failure_;
  std::chrono::steady_clock::time_point last_sync_;
  bool ended_ = false;
  // The predictions of the best epoch so far, drawn once the run ends and the kept epoch is known.
  struct KeptCandidate {
    int epoch = 0;
    std::string split;
    std::vector<float> actuals;
    std::vector<float> predictions;
  };
  KeptCandidate kept_;
  double best_validation_loss_ = INFINITY;
};

}  // namespace vgsales::tensorboard

namespace vgsales {
// The entry points the CLI uses, also under the project namespace (src/cli/train_extensions.cpp).
using tensorboard::open_tensorboard_observer;
using tensorboard::TensorBoardOptions;
}  // namespace vgsales
