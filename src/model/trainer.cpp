// The training loop: the fused dense stack (flat parameters, hand-written backward, one Adam step over the
// buffer), seeded initialisation, per-epoch evaluation and the choice of the epoch to keep.
#include "model/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "model/fused_dense_network.h"
#include "model/metrics.h"

namespace vgsales {

namespace {

// One split as the fused loop reads it: features and target are scaled on the fly, so the trainer keeps no scaled
// copy of the data (at millions of rows that copy would be the largest allocation after the table itself).
struct PreparedSplit {
  std::string name;
  const float* features = nullptr;  // raw, [rows][width]
  const float* targets = nullptr;   // target units
  size_t rows = 0;
};

PreparedSplit prepare(const SplitData& split) {
  return PreparedSplit{split.name, split.features, split.targets, split.rows};
}

// The same float operations as the LibTorch version: log1p, then (y - offset) / scale.
float scaled_target(float y, const PortableNetwork& frame) {
  if (frame.target_transform == TargetTransform::log1p) y = std::log1p(y);
  return (y - frame.output_offset) / frame.output_scale;
}

void scale_row(const PortableNetwork& frame, const float* raw, float* out) {
  const size_t width = frame.input_offset.size();
  for (size_t i = 0; i < width; ++i) out[i] = (raw[i] - frame.input_offset[i]) * frame.input_scale[i];
}

float to_target_units(float scaled, const PortableNetwork& frame) {
  const float y = scaled * frame.output_scale + frame.output_offset;
  return frame.target_transform == TargetTransform::log1p ? std::expm1(y) : y;
}

// Evaluation runs in chunks of this many rows: big enough for efficient GEMMs, small enough to stay in cache.
constexpr std::int64_t kEvaluationChunk = 2048;

// Scales rows [first, first + count) of a split into `scaled`.
void scale_rows(const PortableNetwork& frame, const PreparedSplit& split, size_t first, std::int64_t count,
                std::vector<float>& scaled) {
  const size_t width = frame.input_offset.size();
  for (std::int64_t r = 0; r < count; ++r)
    scale_row(frame, split.features + (first + static_cast<size_t>(r)) * width, scaled.data() + r * width);
}

// The ensemble on one split: its errors in target units and loss, and each member's own loss (column 0, scaled
// units), which picks that member's epoch. `predictions` (optional) receives the ensemble's estimates.
struct EnsembleEvaluation {
  SplitMetrics metrics;
  std::vector<double> member_loss;
};

EnsembleEvaluation evaluate_ensemble(const DenseStackLayout& layout, const std::vector<const float*>& members,
                                     const PreparedSplit& split, const PortableNetwork& frame,
                                     std::vector<float>& scaled, DenseStackWorkspace& workspace,
                                     std::vector<float>* predictions_out = nullptr) {
  const std::int64_t columns = layout.outputs(layout.layer_count() - 1);
  const float share = 1.0f / static_cast<float>(members.size());
  std::vector<float> predictions(split.rows), sum(static_cast<size_t>(kEvaluationChunk));
  std::vector<double> member_squared(members.size(), 0.0);
  double squared_error = 0;
  for (size_t first = 0; first < split.rows; first += kEvaluationChunk) {
    const auto count = static_cast<std::int64_t>(std::min<size_t>(kEvaluationChunk, split.rows - first));
    scale_rows(frame, split, first, count, scaled);
    std::fill(sum.begin(), sum.begin() + count, 0.0f);
    for (size_t k = 0; k < members.size(); ++k) {
      dense_forward(layout, members[k], scaled.data(), count, workspace);
      const float* output = workspace.output();
      for (std::int64_t r = 0; r < count; ++r) {
        const float z = output[r * columns];
        const double difference = static_cast<double>(z) - scaled_target(split.targets[first + r], frame);
        member_squared[k] += difference * difference;
        sum[r] += share * z;
      }
    }
    for (std::int64_t r = 0; r < count; ++r) {
      const double difference = static_cast<double>(sum[r]) - scaled_target(split.targets[first + r], frame);
      squared_error += difference * difference;
      predictions[first + r] = to_target_units(sum[r], frame);
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

// TensorBoard's heavier data for one epoch: the first member's weights and activations (one network's histograms
// read better than the fused form's zeros), and the ensemble's predictions on every evaluation row.
EpochDetail gather_detail(const DenseStackLayout& layout, const std::vector<const float*>& members,
                          const PreparedSplit& split, const PortableNetwork& frame, std::vector<float>& scaled,
                          DenseStackWorkspace& workspace) {
  EpochDetail detail;
  detail.network = unflatten_parameters(frame, layout, members.front());
  detail.evaluation_split = split.name;
  detail.activations.resize(layout.layer_count());
  for (size_t l = 0; l < layout.layer_count(); ++l) detail.activations[l].reserve(split.rows * layout.outputs(l));
  for (size_t first = 0; first < split.rows; first += kEvaluationChunk) {
    const auto rows = static_cast<std::int64_t>(std::min<size_t>(kEvaluationChunk, split.rows - first));
    scale_rows(frame, split, first, rows, scaled);
    dense_forward(layout, members.front(), scaled.data(), rows, workspace);
    for (size_t l = 0; l < layout.layer_count(); ++l) {
      const float* activation = workspace.activations[l].data();
      detail.activations[l].insert(detail.activations[l].end(), activation, activation + rows * layout.outputs(l));
    }
  }
  evaluate_ensemble(layout, members, split, frame, scaled, workspace, &detail.predictions);
  detail.actuals.assign(split.targets, split.targets + split.rows);
  return detail;
}

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

}  // namespace

DenseStack initialise_stack(std::int64_t input_width, const std::vector<int>& hidden_layers, std::int64_t seed,
                            std::int64_t output_columns) {
  // torch::nn::Linear's scheme: Kaiming-uniform weights with a = sqrt(5), which is uniform in +-1/sqrt(fan_in), and
  // biases uniform in the same range. Measured on the reference job over seeds 1-5 (PyTorch, same loop): test RMSE
  // $1,928 mean against $2,782 with Keras' Glorot-uniform weights and zero biases.
  std::mt19937_64 generator(static_cast<std::uint64_t>(seed));
  auto uniform = [&generator](float bound) {
    // 24 random bits: every float in [0, 1) that a float can step through evenly.
    const float unit = static_cast<float>(generator() >> 40) * 0x1p-24f;
    return (2.0f * unit - 1.0f) * bound;
  };
  DenseStack layers;
  std::int64_t inputs = input_width;
  std::vector<std::int64_t> widths(hidden_layers.begin(), hidden_layers.end());
  widths.push_back(1);
  for (size_t i = 0; i < widths.size(); ++i) {
    DenseLayer layer;
    layer.input_size = inputs;
    layer.output_size = widths[i];
    layer.relu = i + 1 != widths.size();
    const float bound = 1.0f / std::sqrt(static_cast<float>(std::max<std::int64_t>(inputs, 1)));
    layer.weight.resize(static_cast<size_t>(layer.input_size * layer.output_size));
    for (float& w : layer.weight) w = uniform(bound);
    layer.bias.resize(static_cast<size_t>(layer.output_size));
    for (float& b : layer.bias) b = uniform(bound);
    layers.push_back(std::move(layer));
    inputs = widths[i];
  }
  if (output_columns == 2) {
    // The median head's row is drawn last, so the mean's network starts exactly as it would without the head.
    DenseLayer& last = layers.back();
    const float bound = 1.0f / std::sqrt(static_cast<float>(std::max<std::int64_t>(last.input_size, 1)));
    for (std::int64_t i = 0; i < last.input_size; ++i) last.weight.push_back(uniform(bound));
    last.bias.push_back(uniform(bound));
    last.output_size = 2;
  }
  return layers;
}

PortableNetwork initialise_network(const PortableNetwork& frame, const TrainingSettings& settings,
                                   std::int64_t output_columns) {
  PortableNetwork network = frame;
  std::vector<DenseStack> members;
  for (size_t k = 0; k < static_cast<size_t>(std::max(settings.members, 1)); ++k)
    members.push_back(initialise_stack(frame.input_width(), settings.hidden_layers, member_seed(settings.seed, k),
                                       output_columns));
  set_members(network, std::move(members));
  return network;
}

Result<TrainerResult> train_network(const TrainerInputs& in) {
  const TrainingSettings& settings = in.settings;
  set_blas_threads(settings.threads);
  const std::int64_t output_columns = in.resume ? in.resume->output_columns : (in.median_head ? 2 : 1);
  const size_t member_count = in.resume ? in.resume->members.size()
                                        : static_cast<size_t>(std::max(settings.members, 1));
  PortableNetwork single = in.frame;
  single.layers = initialise_stack(in.frame.input_width(), settings.hidden_layers, settings.seed, output_columns);
  const DenseStackLayout layout = layout_of(single);

  std::vector<Member> members(member_count);
  for (size_t k = 0; k < member_count; ++k) {
    Member& member = members[k];
    const std::int64_t seed = member_seed(settings.seed, k);
    member.shuffler.seed(static_cast<std::uint64_t>(seed) ^ 0x9E3779B97F4A7C15ULL);
    if (in.resume) {
      const MemberCheckpoint& saved = in.resume->members[k];
      if (saved.parameters.size() != layout.parameter_count())
        return make_error(ErrorKind::invalid_data,
                          fmt::format("the checkpoint's member {} holds {} parameters, the network has {}", k + 1,
                                      saved.parameters.size(), layout.parameter_count()));
      member.parameters = saved.parameters;
      member.moments = saved.moments;
      member.first_epoch = saved.epoch + 1;
    } else {
      PortableNetwork start = in.frame;
      start.layers = initialise_stack(in.frame.input_width(), settings.hidden_layers, seed, output_columns);
      member.parameters = flatten_parameters(start);
    }
    member.kept = member.parameters;
    member.kept_moments = member.moments;
    member.kept_epoch = member.first_epoch - 1;
  }
  // The learning rate may be changed on resume; the moments carry over.
  const AdamHyperparameters adam{settings.learning_rate};

  PreparedSplit train = prepare(in.train);
  std::vector<PreparedSplit> evaluations;
  for (const auto& split : in.evaluations) evaluations.push_back(prepare(split));
  const PreparedSplit* validation = nullptr;
  for (const auto& split : evaluations)
    if (split.name == "validation") validation = &split;
  const PreparedSplit* detail_split = &train;
  for (const auto& split : evaluations)
    if (split.name == "test" || (split.name == "validation" && detail_split == &train)) detail_split = &split;

  const auto rows = static_cast<std::int64_t>(in.train.rows);
  const std::int64_t batch = std::min<std::int64_t>(settings.batch_size, rows);
  const std::int64_t batches = (rows + batch - 1) / batch;
  const auto width = static_cast<size_t>(in.frame.input_width());
  // Fisher-Yates over the training rows with the member's own generator. A resumed member skips the shuffles of
  // the epochs it already ran, so it sees the same order as an unbroken run.
  auto shuffle_order = [rows](std::mt19937_64& shuffler, std::vector<std::int64_t>& order) {
    for (std::int64_t i = 0; i < rows; ++i) order[i] = i;
    for (std::int64_t i = rows; i > 1; --i) std::swap(order[i - 1], order[shuffler() % static_cast<std::uint64_t>(i)]);
  };
  {
    std::vector<std::int64_t> skipped(static_cast<size_t>(rows));
    for (Member& member : members)
      for (int e = 1; e < member.first_epoch; ++e) shuffle_order(member.shuffler, skipped);
  }

  // Per worker, every buffer a member's epoch touches, allocated once: a batch is gathered (and scaled) straight
  // from the raw rows. Members are independent, so with --threads above 1 they train side by side, one thread each
  // (every GEMM then on one thread): the same arithmetic, so the same weights, as one after the other.
  struct Scratch {
    DenseStackWorkspace workspace;
    std::vector<float> x, y, gradient;
    std::vector<std::int64_t> order;
  };
  const size_t workers = std::min<size_t>(static_cast<size_t>(std::max(settings.threads, 1)), member_count);
  if (workers > 1) set_blas_threads(1);
  std::vector<Scratch> scratch;
  for (size_t w = 0; w < workers; ++w)
    scratch.push_back(Scratch{DenseStackWorkspace(layout, batch),
                              std::vector<float>(static_cast<size_t>(batch) * width),
                              std::vector<float>(static_cast<size_t>(batch)),
                              std::vector<float>(layout.parameter_count()),
                              std::vector<std::int64_t>(static_cast<size_t>(rows))});
  DenseStackWorkspace evaluation_workspace(layout, kEvaluationChunk);
  std::vector<float> evaluation_x(static_cast<size_t>(kEvaluationChunk) * width);
  // Each member as the ensemble uses it this epoch: its current weights while it trains, its kept ones once stopped.
  auto current_members = [&members] {
    std::vector<const float*> out;
    for (const Member& member : members) out.push_back(member.stopped ? member.kept.data() : member.parameters.data());
    return out;
  };
  auto kept_members = [&members] {
    std::vector<const float*> out;
    for (const Member& member : members) out.push_back(member.kept.data());
    return out;
  };

  TrainerResult result;
  TrainingOutcome& outcome = result.outcome;
  outcome.status = "completed";
  int first_epoch = members.front().first_epoch;
  for (const Member& member : members) first_epoch = std::min(first_epoch, member.first_epoch);
  outcome.epochs_run = first_epoch - 1;
  const auto started = std::chrono::steady_clock::now();
  bool interrupted = false;

  for (int epoch = first_epoch; epoch <= settings.epochs && !interrupted; ++epoch) {
    std::vector<Member*> training;
    for (Member& member : members)
      if (!member.stopped && member.first_epoch <= epoch) training.push_back(&member);
    if (training.empty()) break;
    const auto epoch_start = std::chrono::steady_clock::now();
    const auto total_batches = static_cast<long long>(batches) * static_cast<long long>(training.size());
    double loss_sum = 0;
    long long batches_done = 0;
    std::mutex progress;  // the observers and the epoch's running loss, shared by the workers
    std::atomic<bool> stop{false};
    auto train_member = [&](Member& member, Scratch& own) {
      shuffle_order(member.shuffler, own.order);
      for (std::int64_t b = 0; b < batches && !stop.load(); ++b) {
        const std::int64_t first = b * batch;
        const std::int64_t size = std::min(batch, rows - first);
        for (std::int64_t r = 0; r < size; ++r) {
          const auto row = static_cast<size_t>(own.order[first + r]);
          scale_row(in.frame, train.features + row * width, own.x.data() + r * width);
          own.y[r] = scaled_target(train.targets[row], in.frame);
        }
        const double loss = dense_mse_gradient(layout, member.parameters.data(), own.x.data(), own.y.data(), size,
                                               own.workspace, own.gradient.data());
        fused_adam_step(member.parameters.data(), own.gradient.data(), own.gradient.size(), member.moments, adam);
        const std::lock_guard<std::mutex> lock(progress);
        loss_sum += loss;
        ++batches_done;
        for (auto* observer : in.observers)
          observer->on_batch_end(epoch, batches_done, total_batches, loss_sum / batches_done);
        if (in.stop_requested && in.stop_requested->load()) stop = true;
      }
    };
    if (workers == 1) {
      for (Member* member : training) train_member(*member, scratch.front());
    } else {
      std::atomic<size_t> next{0};
      std::vector<std::thread> threads;
      for (size_t w = 0; w < std::min(workers, training.size()); ++w)
        threads.emplace_back([&, w] {
          for (size_t i; (i = next.fetch_add(1)) < training.size();) train_member(*training[i], scratch[w]);
        });
      for (auto& thread : threads) thread.join();
    }
    interrupted = stop.load();
    if (interrupted && batches_done < total_batches) {
      // An epoch cut short is discarded for every member: it is neither reported nor kept, and each member stays at
      // its kept epoch.
      outcome.status = "interrupted";
      outcome.discarded_batches = batches_done;
      outcome.discarded_epoch = epoch;
      break;
    }
    EpochSummary summary;
    summary.epoch = epoch;
    summary.learning_rate = settings.learning_rate;
    const std::vector<const float*> now = current_members();
    summary.splits["train"] =
        evaluate_ensemble(layout, now, train, in.frame, evaluation_x, evaluation_workspace).metrics;
    std::vector<double> holdout_loss;
    for (const auto& split : evaluations) {
      EnsembleEvaluation evaluation =
          evaluate_ensemble(layout, now, split, in.frame, evaluation_x, evaluation_workspace);
      if (&split == validation) holdout_loss = evaluation.member_loss;
      summary.splits[split.name] = evaluation.metrics;
    }
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
    summary.samples_per_second =
        summary.seconds > 0 ? static_cast<double>(rows * static_cast<std::int64_t>(training.size())) / summary.seconds
                            : 0;
    outcome.epochs_run = epoch;
    summary.members_training = static_cast<int>(training.size());
    for (size_t k = 0; k < members.size(); ++k) {
      Member& member = members[k];
      if (member.stopped || member.first_epoch > epoch) continue;
      if (validation && holdout_loss[k] >= member.kept_loss) {
        if (settings.early_stopping > 0 && ++member.epochs_without_improvement >= settings.early_stopping)
          member.stopped = true;
        continue;
      }
      if (validation) member.kept_loss = holdout_loss[k];
      ++summary.members_improved;
      member.kept = member.parameters;
      member.kept_moments = member.moments;
      member.kept_epoch = epoch;
      member.epochs_without_improvement = 0;
    }
    std::optional<EpochDetail> detail;
    for (auto* observer : in.observers) {
      if (observer->wants_detail(epoch) && !detail)
        detail = gather_detail(layout, now, *detail_split, in.frame, evaluation_x, evaluation_workspace);
      observer->on_epoch_end(summary, observer->wants_detail(epoch) ? &*detail : nullptr);
    }
    if (std::all_of(members.begin(), members.end(), [](const Member& m) { return m.stopped; })) {
      if (epoch < settings.epochs) outcome.status = "stopped_early";
      break;
    }
    if (in.stop_requested && in.stop_requested->load()) {
      interrupted = true;
      outcome.status = "interrupted";
    }
  }
  outcome.training_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // The kept weights of every member; final metrics are measured on them.
  const std::vector<const float*> kept = kept_members();
  outcome.final_metrics["train"] =
      evaluate_ensemble(layout, kept, train, in.frame, evaluation_x, evaluation_workspace).metrics;
  for (const auto& split : evaluations)
    outcome.final_metrics[split.name] =
        evaluate_ensemble(layout, kept, split, in.frame, evaluation_x, evaluation_workspace).metrics;
  std::vector<DenseStack> stacks;
  result.checkpoint.output_columns = output_columns;
  for (Member& member : members) {
    stacks.push_back(unflatten_parameters(in.frame, layout, member.kept.data()).layers);
    result.member_epochs.push_back(member.kept_epoch);
    result.checkpoint.members.push_back(MemberCheckpoint{member.kept, member.kept_moments, member.kept_epoch});
  }
  outcome.kept_epoch = *std::max_element(result.member_epochs.begin(), result.member_epochs.end());
  outcome.member_epochs = result.member_epochs;
  result.network = in.frame;
  set_members(result.network, std::move(stacks));
  return result;
}

}  // namespace vgsales
