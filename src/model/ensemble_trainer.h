// The ensemble's training as named stages: restore or initialise the members, run an epoch, evaluate it, keep or
// stop each member, and finish with the kept weights. train_network (trainer.h) runs them in that order.
#pragma once

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <random>
#include <vector>

#include "common/result.h"
#include "model/fused_dense_network.h"
#include "model/trainer.h"

namespace vgsales {

// The ensemble on one split: its errors in target units and loss, and each member's own loss (column 0, scaled
// units), which picks that member's epoch.
struct EnsembleEvaluation {
  SplitMetrics metrics;
  std::vector<double> member_loss;
};

// Runs an ensemble over whole splits in chunks, with its buffers allocated once. Features and target are scaled on
// the fly, so no scaled copy of the data is kept (at millions of rows that copy would be the largest allocation after
// the table itself).
class EnsembleEvaluator {
 public:
  EnsembleEvaluator(const DenseStackLayout& layout, const PortableNetwork& frame);
  // `members` are flat parameter buffers of `layout`; `predictions` (optional) receives the ensemble's estimates.
  EnsembleEvaluation evaluate(const std::vector<const float*>& members, const SplitData& split,
                              std::vector<float>* predictions = nullptr);
  // TensorBoard's heavier data for one epoch: the first member's weights and activations (one network's histograms
  // read better than the fused form's zeros), and the ensemble's predictions on every row of `split`.
  EpochDetail detail(const std::vector<const float*>& members, const SplitData& split);

 private:
  // Scales rows [first, first + count) of a split into scaled_.
  void scale_rows(const SplitData& split, size_t first, std::int64_t count);

  const DenseStackLayout& layout_;
  const PortableNetwork& frame_;
  DenseStackWorkspace workspace_;
  std::vector<float> scaled_;
};

class EnsembleTrainer {
 public:
  explicit EnsembleTrainer(const TrainerInputs& inputs);
  EnsembleTrainer(const EnsembleTrainer&) = delete;
  EnsembleTrainer& operator=(const EnsembleTrainer&) = delete;

  // Each member from the checkpoint being resumed, or from its own seed; an error when the checkpoint does not fit.
  Result<void> restore_or_initialise();
  // Every epoch from the earliest member's next one up to --epochs, until every member has stopped or Ctrl-C.
  void train();
  // The kept weights of every member, the final metrics measured on them, and the checkpoint to resume from.
  TrainerResult finish();

 private:
  // One member's training state.
  struct Member {
    std::vector<float> parameters;
    AdamMoments moments;
    std::mt19937_64 shuffler;
    int first_epoch = 1;  // the first epoch it trains (after a resume, its kept epoch + 1)
    // The kept epoch: the lowest holdout loss so far (or the last completed epoch without a holdout).
    std::vector<float> kept;
    AdamMoments kept_moments;
    int kept_epoch = 0;
    double kept_loss = INFINITY;
    int epochs_without_improvement = 0;
    bool stopped = false;  // patience ran out
  };
  // Per worker, every buffer a member's epoch touches, allocated once.
  struct Scratch {
    DenseStackWorkspace workspace;
    std::vector<float> x, y, gradient;
    std::vector<std::int64_t> order;
  };
  // One epoch's running loss and batch count, shared by the workers, and whether Ctrl-C stopped it.
  struct EpochProgress {
    int epoch = 0;
    long long total_batches = 0;
    double loss_sum = 0;
    long long batches_done = 0;
    std::mutex lock;
    std::atomic<bool> stop{false};
  };
  struct EpochEvaluation {
    EpochSummary summary;
    std::vector<double> holdout_loss;  // each member's validation loss (empty without a validation split)
  };
  using Clock = std::chrono::steady_clock;

  void skip_shuffles_already_run();
  void allocate_workers();
  int earliest_first_epoch() const;
  std::vector<Member*> members_training(int epoch);
  struct EpochRun {
    bool cut_short = false;  // Ctrl-C stopped it before its last batch: nothing of it is kept
    bool stopped = false;    // Ctrl-C came during the epoch
  };
  // Runs one epoch of every member in `training`.
  EpochRun run_epoch(int epoch, const std::vector<Member*>& training);
  void train_member(Member& member, Scratch& own, EpochProgress& progress) const;
  // Gathers batch `b` of the member's order, scaled, into own.x and own.y; returns its row count.
  std::int64_t gather_batch(std::int64_t b, Scratch& own) const;
  void record_batch(EpochProgress& progress, double loss) const;
  EpochEvaluation evaluate_epoch(int epoch, const std::vector<const float*>& now, size_t members_training,
                                 Clock::time_point epoch_start);
  void keep_or_stop(int epoch, const std::vector<double>& holdout_loss, EpochSummary& summary);
  void report_epoch(const EpochSummary& summary, const std::vector<const float*>& now);
  bool all_stopped() const;
  bool stop_requested() const;
  // Fisher-Yates over the training rows with the member's own generator.
  void shuffle_order(std::mt19937_64& shuffler, std::vector<std::int64_t>& order) const;
  // Each member as the ensemble uses it this epoch: its current weights while it trains, its kept ones once stopped.
  std::vector<const float*> current_members() const;
  std::vector<const float*> kept_members() const;

  const TrainerInputs& in_;
  const TrainingSettings& settings_;
  std::int64_t output_columns_;
  DenseStackLayout layout_;
  // The learning rate may be changed on resume; the moments carry over.
  AdamHyperparameters adam_;
  const SplitData* validation_;
  const SplitData& detail_split_;
  std::int64_t rows_, batch_, batches_;
  size_t width_;
  std::vector<Member> members_;
  std::vector<Scratch> scratch_;
  EnsembleEvaluator evaluator_;
  TrainingOutcome outcome_;
};

}  // namespace vgsales
