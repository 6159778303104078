// The ensemble's training stages and its evaluation: the fused dense stack (flat parameters, hand-written backward,
// one Adam step over the buffer), per-epoch evaluation and the choice of the epoch each member keeps.
#include "model/ensemble_trainer.h"

#include <algorithm>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "model/metrics.h"

namespace vgsales {

namespace {

// Evaluation runs in chunks of this many rows: big enough for efficient GEMMs, small enough to stay in cache.
constexpr std::int64_t kEvaluationChunk = 2048;

// log1p when the network fits it, then (y - offset) / scale, in float as the network trains.
float scaled_target(float y, const PortableNetwork& frame) {
  if (frame.target_transform == TargetTransform::log1p) y = std::log1p(y);
  return (y - frame.output_offset) / frame.output_scale;
}

void scale_row(const PortableNetwork& frame, const float* raw, float* out) {
  const size_t width = frame.input_offset.size();
  for (size_t i = 0; i < width; ++i) out[i] = (raw[i] - frame.input_offset[i]) * frame.input_scale[i];
}

// NativeForward's mapping, clip to the target's range included, so each epoch's errors are the saved model's kind.
float to_target_units(float scaled, const PortableNetwork& frame) {
  const float y = scaled * frame.output_scale + frame.output_offset;
  const float target = frame.target_transform == TargetTransform::log1p ? std::expm1(y) : y;
  return std::min(std::max(target, frame.output_min), frame.output_max);
}

}  // namespace

EnsembleEvaluator::EnsembleEvaluator(const DenseStackLayout& layout, const PortableNetwork& frame)
    : layout_(layout),
      frame_(frame),
      workspace_(layout, kEvaluationChunk),
      scaled_(static_cast<size_t>(kEvaluationChunk) * static_cast<size_t>(frame.input_width())) {}

void EnsembleEvaluator::scale_rows(const SplitData& split, size_t first, std::int64_t count) {
  const size_t width = frame_.input_offset.size();
  for (std::int64_t r = 0; r < count; ++r)
    scale_row(frame_, split.features + (first + static_cast<size_t>(r)) * width, scaled_.data() + r * width);
}

EnsembleEvaluation EnsembleEvaluator::evaluate(const std::vector<const float*>& members, const SplitData& split,
                                               std::vector<float>* predictions_out) {
  const std::int64_t columns = layout_.outputs(layout_.layer_count() - 1);
  const float share = 1.0f / static_cast<float>(members.size());
  std::vector<float> predictions(split.rows), sum(static_cast<size_t>(kEvaluationChunk));
  std::vector<double> member_squared(members.size(), 0.0);
  double squared_error = 0;
  for (size_t first = 0; first < split.rows; first += kEvaluationChunk) {
    const auto count = static_cast<std::int64_t>(std::min<size_t>(kEvaluationChunk, split.rows - first));
    scale_rows(split, first, count);
    std::fill(sum.begin(), sum.begin() + count, 0.0f);
    for (size_t k = 0; k < members.size(); ++k) {
      dense_forward(layout_, members[k], scaled_.data(), count, workspace_);
      const float* output = workspace_.output();
      for (std::int64_t r = 0; r < count; ++r) {
        const float z = output[r * columns];
        const double difference = static_cast<double>(z) - scaled_target(split.targets[first + r], frame_);
        member_squared[k] += difference * difference;
        sum[r] += share * z;
      }
    }
    for (std::int64_t r = 0; r < count; ++r) {
      const double difference = static_cast<double>(sum[r]) - scaled_target(split.targets[first + r], frame_);
      squared_error += difference * difference;
      predictions[first + r] = to_target_units(sum[r], frame_);
    }
  }
  EnsembleEvaluation evaluation;
  evaluation.metrics = compute_metrics(predictions, std::span<const float>(split.targets, split.rows));
  const double rows = split.rows ? static_cast<double>(split.rows) : 1.0;
  evaluation.metrics.loss = squared_error / rows;
  for (double squared : member_squared) evaluation.member_loss.push_back(squared / rows);
  if (predictions_out) *predictions_out = std::move(predictions);
  return evaluation;
}

EpochDetail EnsembleEvaluator::detail(const std::vector<const float*>& members, const SplitData& split) {
  EpochDetail detail;
  detail.network = unflatten_parameters(frame_, layout_, members.front());
  detail.evaluation_split = split_role_name(split.role);
  detail.activations.resize(layout_.layer_count());
  for (size_t l = 0; l < layout_.layer_count(); ++l) detail.activations[l].reserve(split.rows * layout_.outputs(l));
  for (size_t first = 0; first < split.rows; first += kEvaluationChunk) {
    const auto rows = static_cast<std::int64_t>(std::min<size_t>(kEvaluationChunk, split.rows - first));
    scale_rows(split, first, rows);
    dense_forward(layout_, members.front(), scaled_.data(), rows, workspace_);
    for (size_t l = 0; l < layout_.layer_count(); ++l) {
      const float* activation = workspace_.activations[l].data();
      detail.activations[l].insert(detail.activations[l].end(), activation, activation + rows * layout_.outputs(l));
    }
  }
  evaluate(members, split, &detail.predictions);
  detail.actuals.assign(split.targets, split.targets + split.rows);
  return detail;
}

namespace {

std::int64_t output_columns_of(const TrainerInputs& in) {
  return in.resume ? in.resume->output_columns : (in.median_head ? 2 : 1);
}

// Every member shares the layout of member 0's initial network.
DenseStackLayout layout_for(const TrainerInputs& in) {
  PortableNetwork single = in.frame;
  single.layers =
      initialise_stack(in.frame.input_width(), in.settings.hidden_layers, in.settings.seed, output_columns_of(in));
  return layout_of(single);
}

}  // namespace

EnsembleTrainer::EnsembleTrainer(const TrainerInputs& inputs)
    : in_(inputs),
      settings_(inputs.settings),
      output_columns_(output_columns_of(inputs)),
      layout_(layout_for(inputs)),
      adam_{inputs.settings.learning_rate},
      validation_(find_split(inputs.evaluations, SplitRole::validation)),
      detail_split_(displayed_split(inputs.train, inputs.evaluations)),
      rows_(static_cast<std::int64_t>(inputs.train.rows)),
      batch_(std::min<std::int64_t>(inputs.settings.batch_size, rows_)),
      batches_((rows_ + batch_ - 1) / batch_),
      width_(static_cast<size_t>(inputs.frame.input_width())),
      evaluator_(layout_, inputs.frame) {}

Result<void> EnsembleTrainer::restore_or_initialise() {
  const size_t member_count = in_.resume ? in_.resume->members.size()
                                         : static_cast<size_t>(std::max(settings_.members, 1));
  members_.resize(member_count);
  for (size_t k = 0; k < member_count; ++k) {
    Member& member = members_[k];
    const std::int64_t seed = member_seed(settings_.seed, k);
    member.shuffler.seed(static_cast<std::uint64_t>(seed) ^ 0x9E3779B97F4A7C15ULL);
    if (in_.resume) {
      const MemberCheckpoint& saved = in_.resume->members[k];
      if (saved.parameters.size() != layout_.parameter_count())
        return make_error(ErrorKind::invalid_data,
                          fmt::format("the checkpoint's member {} holds {} parameters, the network has {}", k + 1,
                                      saved.parameters.size(), layout_.parameter_count()));
      member.parameters = saved.parameters;
      member.moments = saved.moments;
      member.first_epoch = saved.epoch + 1;
    } else {
      PortableNetwork start = in_.frame;
      start.layers = initialise_stack(in_.frame.input_width(), settings_.hidden_layers, seed, output_columns_);
      member.parameters = flatten_parameters(start);
    }
    member.kept = member.parameters;
    member.kept_moments = member.moments;
    member.kept_epoch = member.first_epoch - 1;
  }
  return {};
}

void EnsembleTrainer::shuffle_order(std::mt19937_64& shuffler, std::vector<std::int64_t>& order) const {
  for (std::int64_t i = 0; i < rows_; ++i) order[i] = i;
  for (std::int64_t i = rows_; i > 1; --i) std::swap(order[i - 1], order[shuffler() % static_cast<std::uint64_t>(i)]);
}

// A resumed member skips the shuffles of the epochs it already ran, so it sees the same order as an unbroken run.
void EnsembleTrainer::skip_shuffles_already_run() {
  std::vector<std::int64_t> skipped(static_cast<size_t>(rows_));
  for (Member& member : members_)
    for (int e = 1; e < member.first_epoch; ++e) shuffle_order(member.shuffler, skipped);
}

// A batch is gathered (and scaled) straight from the raw rows. Members are independent, so with --threads above 1
// they train side by side, one thread each (every GEMM then on one thread): the same arithmetic, so the same
// weights, as one after the other.
void EnsembleTrainer::allocate_workers() {
  const size_t workers = std::min<size_t>(static_cast<size_t>(std::max(settings_.threads, 1)), members_.size());
  if (workers > 1) set_blas_threads(1);
  for (size_t w = 0; w < workers; ++w)
    scratch_.push_back(Scratch{DenseStackWorkspace(layout_, batch_),
                               std::vector<float>(static_cast<size_t>(batch_) * width_),
                               std::vector<float>(static_cast<size_t>(batch_)),
                               std::vector<float>(layout_.parameter_count()),
                               std::vector<std::int64_t>(static_cast<size_t>(rows_))});
}

int EnsembleTrainer::earliest_first_epoch() const {
  int first_epoch = members_.front().first_epoch;
  for (const Member& member : members_) first_epoch = std::min(first_epoch, member.first_epoch);
  return first_epoch;
}

std::vector<EnsembleTrainer::Member*> EnsembleTrainer::members_training(int epoch) {
  std::vector<Member*> training;
  for (Member& member : members_)
    if (!member.stopped && member.first_epoch <= epoch) training.push_back(&member);
  return training;
}

std::int64_t EnsembleTrainer::gather_batch(std::int64_t b, Scratch& own) const {
  const std::int64_t first = b * batch_;
  const std::int64_t size = std::min(batch_, rows_ - first);
  for (std::int64_t r = 0; r < size; ++r) {
    const auto row = static_cast<size_t>(own.order[first + r]);
    scale_row(in_.frame, in_.train.features + row * width_, own.x.data() + r * width_);
    own.y[r] = scaled_target(in_.train.targets[row], in_.frame);
  }
  return size;
}

void EnsembleTrainer::record_batch(EpochProgress& progress, double loss) const {
  const std::lock_guard<std::mutex> lock(progress.lock);
  progress.loss_sum += loss;
  ++progress.batches_done;
  for (auto* observer : in_.observers)
    observer->on_batch_end(progress.epoch, progress.batches_done, progress.total_batches,
                           progress.loss_sum / progress.batches_done);
  if (stop_requested()) progress.stop = true;
}

void EnsembleTrainer::train_member(Member& member, Scratch& own, EpochProgress& progress) const {
  shuffle_order(member.shuffler, own.order);
  for (std::int64_t b = 0; b < batches_ && !progress.stop.load(); ++b) {
    const std::int64_t size = gather_batch(b, own);
    const double loss = dense_mse_gradient(layout_, member.parameters.data(), {own.x.data(), own.y.data(), size},
                                           own.workspace, own.gradient.data());
    fused_adam_step(member.parameters.data(), own.gradient.data(), own.gradient.size(), member.moments, adam_);
    record_batch(progress, loss);
  }
}

EnsembleTrainer::EpochRun EnsembleTrainer::run_epoch(int epoch, const std::vector<Member*>& training) {
  EpochProgress progress;
  progress.epoch = epoch;
  progress.total_batches = static_cast<long long>(batches_) * static_cast<long long>(training.size());
  if (scratch_.size() == 1) {
    for (Member* member : training) train_member(*member, scratch_.front(), progress);
  } else {
    std::atomic<size_t> next{0};
    std::vector<std::thread> threads;
    for (size_t w = 0; w < std::min(scratch_.size(), training.size()); ++w)
      threads.emplace_back([&, w] {
        for (size_t i; (i = next.fetch_add(1)) < training.size();) train_member(*training[i], scratch_[w], progress);
      });
    for (auto& thread : threads) thread.join();
  }
  if (progress.stop.load() && progress.batches_done < progress.total_batches) {
    // An epoch cut short is discarded for every member: it is neither reported nor kept, and each member stays at
    // its kept epoch.
    outcome_.status = RunStatus::interrupted;
    outcome_.discarded_batches = progress.batches_done;
    outcome_.discarded_epoch = epoch;
    return EpochRun{true, true};
  }
  return EpochRun{false, progress.stop.load()};
}

EnsembleTrainer::EpochEvaluation EnsembleTrainer::evaluate_epoch(int epoch, const std::vector<const float*>& now,
                                                                 size_t members_training,
                                                                 Clock::time_point epoch_start) {
  EpochEvaluation result;
  EpochSummary& summary = result.summary;
  summary.epoch = epoch;
  summary.learning_rate = settings_.learning_rate;
  summary.splits[split_role_name(SplitRole::train)] = evaluator_.evaluate(now, in_.train).metrics;
  for (const auto& split : in_.evaluations) {
    EnsembleEvaluation evaluation = evaluator_.evaluate(now, split);
    if (&split == validation_) result.holdout_loss = evaluation.member_loss;
    summary.splits[split_role_name(split.role)] = evaluation.metrics;
  }
  summary.seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
  summary.samples_per_second =
      summary.seconds > 0 ? static_cast<double>(rows_ * static_cast<std::int64_t>(members_training)) / summary.seconds
                          : 0;
  summary.members_training = static_cast<int>(members_training);
  return result;
}

// A member keeps this epoch when it lowered its own holdout loss (every epoch without a holdout), and stops once
// --early-stopping epochs in a row did not.
void EnsembleTrainer::keep_or_stop(int epoch, const std::vector<double>& holdout_loss, EpochSummary& summary) {
  for (size_t k = 0; k < members_.size(); ++k) {
    Member& member = members_[k];
    if (member.stopped || member.first_epoch > epoch) continue;
    if (validation_ && holdout_loss[k] >= member.kept_loss) {
      if (settings_.early_stopping > 0 && ++member.epochs_without_improvement >= settings_.early_stopping)
        member.stopped = true;
      continue;
    }
    if (validation_) member.kept_loss = holdout_loss[k];
    ++summary.members_improved;
    member.kept = member.parameters;
    member.kept_moments = member.moments;
    member.kept_epoch = epoch;
    member.epochs_without_improvement = 0;
  }
}

void EnsembleTrainer::report_epoch(const EpochSummary& summary, const std::vector<const float*>& now) {
  std::optional<EpochDetail> detail;
  for (auto* observer : in_.observers) {
    if (observer->wants_detail(summary.epoch) && !detail) detail = evaluator_.detail(now, detail_split_);
    observer->on_epoch_end(summary, observer->wants_detail(summary.epoch) ? &*detail : nullptr);
  }
}

bool EnsembleTrainer::all_stopped() const {
  return std::all_of(members_.begin(), members_.end(), [](const Member& m) { return m.stopped; });
}

bool EnsembleTrainer::stop_requested() const { return in_.stop_requested && in_.stop_requested->load(); }

std::vector<const float*> EnsembleTrainer::current_members() const {
  std::vector<const float*> out;
  for (const Member& member : members_) out.push_back(member.stopped ? member.kept.data() : member.parameters.data());
  return out;
}

std::vector<const float*> EnsembleTrainer::kept_members() const {
  std::vector<const float*> out;
  for (const Member& member : members_) out.push_back(member.kept.data());
  return out;
}

void EnsembleTrainer::train() {
  skip_shuffles_already_run();
  allocate_workers();
  outcome_.status = RunStatus::completed;
  const int first_epoch = earliest_first_epoch();
  outcome_.epochs_run = first_epoch - 1;
  const auto started = Clock::now();
  bool interrupted = false;
  for (int epoch = first_epoch; epoch <= settings_.epochs && !interrupted; ++epoch) {
    const std::vector<Member*> training = members_training(epoch);
    if (training.empty()) break;
    const auto epoch_start = Clock::now();
    const EpochRun run = run_epoch(epoch, training);
    if (run.cut_short) break;
    interrupted = run.stopped;  // Ctrl-C during the epoch's last batch: the epoch counts, and is the last
    const std::vector<const float*> now = current_members();
    EpochEvaluation evaluation = evaluate_epoch(epoch, now, training.size(), epoch_start);
    outcome_.epochs_run = epoch;
    keep_or_stop(epoch, evaluation.holdout_loss, evaluation.summary);
    report_epoch(evaluation.summary, now);
    if (all_stopped()) {
      if (epoch < settings_.epochs) outcome_.status = RunStatus::stopped_early;
      break;
    }
    if (stop_requested()) {
      interrupted = true;
      outcome_.status = RunStatus::interrupted;
    }
  }
  outcome_.training_seconds = std::chrono::duration<double>(Clock::now() - started).count();
}

TrainerResult EnsembleTrainer::finish() {
  TrainerResult result;
  result.outcome = std::move(outcome_);
  TrainingOutcome& outcome = result.outcome;
  const std::vector<const float*> kept = kept_members();
  outcome.final_metrics[split_role_name(SplitRole::train)] = evaluator_.evaluate(kept, in_.train).metrics;
  for (const auto& split : in_.evaluations)
    outcome.final_metrics[split_role_name(split.role)] = evaluator_.evaluate(kept, split).metrics;
  std::vector<DenseStack> stacks;
  result.checkpoint.output_columns = output_columns_;
  for (Member& member : members_) {
    stacks.push_back(unflatten_parameters(in_.frame, layout_, member.kept.data()).layers);
    result.member_epochs.push_back(member.kept_epoch);
    result.checkpoint.members.push_back(MemberCheckpoint{member.kept, member.kept_moments, member.kept_epoch});
  }
  outcome.kept_epoch = *std::max_element(result.member_epochs.begin(), result.member_epochs.end());
  outcome.member_epochs = result.member_epochs;
  result.network = in_.frame;
  set_members(result.network, std::move(stacks));
  return result;
}

}  // namespace vgsales
