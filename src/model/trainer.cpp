// The training loop: the fused dense stack (flat parameters, hand-written backward, one Adam step over the
// buffer); LibTorch only initialises the weights and reads and writes checkpoints.
#include "model/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <random>

#include <fmt/format.h>

#include "model/fused_dense_network.h"
#include "model/metrics.h"
#include "model/torch_headers.h"

namespace vgsales {

namespace {

// Layers in a ModuleList so their names are stable in checkpoints: layers.0.weight, ...
struct DenseRegressorImpl : torch::nn::Module {
  torch::nn::ModuleList layers;
  explicit DenseRegressorImpl(std::int64_t inputs, const std::vector<int>& hidden) {
    layers = register_module("layers", torch::nn::ModuleList());
    std::int64_t width = inputs;
    for (int units : hidden) {
      layers->push_back(torch::nn::Linear(width, units));
      width = units;
    }
    layers->push_back(torch::nn::Linear(width, 1));
  }
  torch::Tensor forward(torch::Tensor x) {
    const size_t last = layers->size() - 1;
    for (size_t i = 0; i < layers->size(); ++i) {
      x = layers[i]->as<torch::nn::Linear>()->forward(x);
      if (i != last) x = torch::relu(x);
    }
    return x;
  }
};
TORCH_MODULE(DenseRegressor);

std::vector<float> to_vector(const torch::Tensor& tensor) {
  const torch::Tensor flat = tensor.detach().contiguous().to(torch::kFloat32).view(-1);
  return std::vector<float>(flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel());
}

void copy_weights_into(DenseRegressor& model, const PortableNetwork& network) {
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < network.layers.size(); ++i) {
    auto linear = model->layers[i]->as<torch::nn::Linear>();
    const auto& layer = network.layers[i];
    linear->weight.copy_(torch::from_blob(const_cast<float*>(layer.weight.data()),
                                          {layer.output_size, layer.input_size}));
    linear->bias.copy_(torch::from_blob(const_cast<float*>(layer.bias.data()), {layer.output_size}));
  }
}

PortableNetwork snapshot(DenseRegressor& model, const PortableNetwork& frame) {
  PortableNetwork network = frame;
  network.layers.clear();
  const size_t count = model->layers->size();
  for (size_t i = 0; i < count; ++i) {
    auto linear = model->layers[i]->as<torch::nn::Linear>();
    DenseLayer layer;
    layer.output_size = linear->weight.size(0);
    layer.input_size = linear->weight.size(1);
    layer.weight = to_vector(linear->weight);
    layer.bias = to_vector(linear->bias);
    layer.relu = i + 1 != count;
    network.layers.push_back(std::move(layer));
  }
  return network;
}

// One split as the fused loop reads it: features and target are scaled on the fly, so the trainer keeps no scaled
// copy of the data (at millions of rows that copy would be the largest allocation after the table itself).
struct PreparedSplit {
  std::string name;
  const float* features = nullptr;  // raw, [rows][width]
  const float* targets = nullptr;   // target units
  size_t rows = 0;
};

PreparedSplit prepare(const SplitData& split) { return PreparedSplit{split.name, split.features, split.targets, split.rows}; }

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

// Scales rows [first, first + count) of a split and runs the network on them.
void forward_rows(const DenseStackLayout& layout, const float* parameters, const PortableNetwork& frame,
                  const PreparedSplit& split, size_t first, std::int64_t count, std::vector<float>& scaled,
                  DenseStackWorkspace& workspace) {
  const size_t width = frame.input_offset.size();
  for (std::int64_t r = 0; r < count; ++r)
    scale_row(frame, split.features + (first + static_cast<size_t>(r)) * width, scaled.data() + r * width);
  dense_forward(layout, parameters, scaled.data(), count, workspace);
}

SplitMetrics evaluate_split(const DenseStackLayout& layout, const float* parameters, const PreparedSplit& split,
                            const PortableNetwork& frame, std::vector<float>& scaled, DenseStackWorkspace& workspace) {
  std::vector<float> predictions(split.rows);
  double squared_error = 0;
  for (size_t first = 0; first < split.rows; first += kEvaluationChunk) {
    const auto count = static_cast<std::int64_t>(std::min<size_t>(kEvaluationChunk, split.rows - first));
    forward_rows(layout, parameters, frame, split, first, count, scaled, workspace);
    const float* output = workspace.output();
    for (std::int64_t r = 0; r < count; ++r) {
      const double difference = static_cast<double>(output[r]) - scaled_target(split.targets[first + r], frame);
      squared_error += difference * difference;
      predictions[first + r] = to_target_units(output[r], frame);
    }
  }
  SplitMetrics metrics = compute_metrics(predictions, std::span<const float>(split.targets, split.rows));
  metrics.loss = split.rows ? squared_error / static_cast<double>(split.rows) : 0.0;
  return metrics;
}

EpochDetail gather_detail(const DenseStackLayout& layout, const float* parameters, const PreparedSplit& split,
                          const PortableNetwork& frame, std::vector<float>& scaled, DenseStackWorkspace& workspace) {
  // Every evaluation row, chunk by chunk: TensorBoard's histograms and plot count them all.
  EpochDetail detail;
  detail.network = unflatten_parameters(frame, layout, parameters);
  detail.evaluation_split = split.name;
  detail.activations.resize(layout.layer_count());
  for (size_t l = 0; l < layout.layer_count(); ++l) detail.activations[l].reserve(split.rows * layout.outputs(l));
  detail.predictions.reserve(split.rows);
  for (size_t first = 0; first < split.rows; first += kEvaluationChunk) {
    const auto rows = static_cast<std::int64_t>(std::min<size_t>(kEvaluationChunk, split.rows - first));
    forward_rows(layout, parameters, frame, split, first, rows, scaled, workspace);
    for (size_t l = 0; l < layout.layer_count(); ++l) {
      const float* activation = workspace.activations[l].data();
      detail.activations[l].insert(detail.activations[l].end(), activation, activation + rows * layout.outputs(l));
    }
    for (std::int64_t r = 0; r < rows; ++r) detail.predictions.push_back(to_target_units(workspace.output()[r], frame));
  }
  detail.actuals.assign(split.targets, split.targets + split.rows);
  return detail;
}

// Checkpoints keep LibTorch's format (the module's and torch::optim::Adam's archives), so checkpoints written
// before the fused loop resume, and the fused moments map one to one onto Adam's per-parameter state.
void write_checkpoint(const std::filesystem::path& path, const PortableNetwork& network, const TrainingSettings& settings,
                      const AdamMoments& moments, int epoch) {
  DenseRegressor model(network.input_width(), settings.hidden_layers);
  copy_weights_into(model, network);
  std::vector<torch::Tensor> parameters = model->parameters();
  torch::optim::Adam optimizer(parameters, torch::optim::AdamOptions(settings.learning_rate));
  if (moments.step > 0) {
    size_t offset = 0;
    for (const auto& parameter : parameters) {
      const auto count = static_cast<size_t>(parameter.numel());
      auto state = std::make_unique<torch::optim::AdamParamState>();
      state->step(moments.step);
      state->exp_avg(torch::from_blob(const_cast<float*>(moments.exp_avg.data() + offset), parameter.sizes()).clone());
      state->exp_avg_sq(
          torch::from_blob(const_cast<float*>(moments.exp_avg_sq.data() + offset), parameter.sizes()).clone());
      optimizer.state()[c10::guts::to_string(parameter.unsafeGetTensorImpl())] = std::move(state);
      offset += count;
    }
  }
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive weights;
  model->save(weights);
  archive.write("model", weights);
  torch::serialize::OutputArchive adam;
  optimizer.save(adam);
  archive.write("optimizer", adam);
  archive.write("epoch", torch::tensor(static_cast<std::int64_t>(epoch)));
  archive.save_to(path.string());
}

struct Checkpoint {
  PortableNetwork network;
  AdamMoments moments;
  int epoch = 0;
};

Checkpoint read_checkpoint(const std::filesystem::path& path, const PortableNetwork& frame,
                           const TrainingSettings& settings) {
  DenseRegressor model(frame.input_width(), settings.hidden_layers);
  std::vector<torch::Tensor> parameters = model->parameters();
  torch::optim::Adam optimizer(parameters, torch::optim::AdamOptions(settings.learning_rate));
  torch::serialize::InputArchive archive;
  archive.load_from(path.string());
  torch::serialize::InputArchive weights;
  archive.read("model", weights);
  model->load(weights);
  torch::serialize::InputArchive adam;
  archive.read("optimizer", adam);
  optimizer.load(adam);
  torch::Tensor epoch;
  archive.read("epoch", epoch);
  Checkpoint checkpoint;
  checkpoint.network = snapshot(model, frame);
  checkpoint.epoch = static_cast<int>(epoch.item<std::int64_t>());
  for (const auto& parameter : parameters) {
    auto found = optimizer.state().find(c10::guts::to_string(parameter.unsafeGetTensorImpl()));
    if (found == optimizer.state().end()) return Checkpoint{checkpoint.network, {}, checkpoint.epoch};  // no step yet
    const auto& state = static_cast<const torch::optim::AdamParamState&>(*found->second);
    checkpoint.moments.step = state.step();
    const std::vector<float> exp_avg = to_vector(state.exp_avg());
    const std::vector<float> exp_avg_sq = to_vector(state.exp_avg_sq());
    checkpoint.moments.exp_avg.insert(checkpoint.moments.exp_avg.end(), exp_avg.begin(), exp_avg.end());
    checkpoint.moments.exp_avg_sq.insert(checkpoint.moments.exp_avg_sq.end(), exp_avg_sq.begin(), exp_avg_sq.end());
  }
  return checkpoint;
}

}  // namespace

PortableNetwork initialise_network(const PortableNetwork& frame, const TrainingSettings& settings) {
  torch::manual_seed(static_cast<std::uint64_t>(settings.seed));
  // torch::nn::Linear's own initialisation (Kaiming-uniform weights with a = sqrt(5), biases uniform in
  // +-1/sqrt(fan_in)). Measured on the reference job over seeds 1-5 (PyTorch, same loop): test RMSE
  // $1,928 mean against $2,782 with Keras' Glorot-uniform weights and zero biases.
  DenseRegressor model(frame.input_width(), settings.hidden_layers);
  return snapshot(model, frame);
}

Result<TrainerResult> train_network(const TrainerInputs& in) {
  try {
    const TrainingSettings& settings = in.settings;
    // One setting for both thread pools: LibTorch's (checkpoints) and the BLAS's own (every GEMM here).
    at::set_num_threads(settings.threads);
    set_blas_threads(settings.threads);
    PortableNetwork start;
    AdamMoments moments;
    int first_epoch = 1;
    if (!in.resume_checkpoint.empty()) {
      Checkpoint checkpoint = read_checkpoint(in.resume_checkpoint, in.frame, settings);
      start = std::move(checkpoint.network);
      moments = std::move(checkpoint.moments);
      first_epoch = checkpoint.epoch + 1;
    } else {
      start = initialise_network(in.frame, settings);
    }
    const DenseStackLayout layout = layout_of(start);
    std::vector<float> parameters = flatten_parameters(start);
    std::vector<float> gradient(parameters.size());
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
    std::mt19937_64 shuffler(static_cast<std::uint64_t>(settings.seed) ^ 0x9E3779B97F4A7C15ULL);
    // Skip the shuffles of the epochs already run, so a resumed run sees the same order as an unbroken one.
    std::vector<std::int64_t> order(rows);
    auto shuffle_order = [&] {
      for (std::int64_t i = 0; i < rows; ++i) order[i] = i;
      for (std::int64_t i = rows; i > 1; --i) std::swap(order[i - 1], order[shuffler() % static_cast<std::uint64_t>(i)]);
    };
    for (int e = 1; e < first_epoch; ++e) shuffle_order();

    // Every buffer the loop touches, allocated once: a batch is gathered (and scaled) straight from the raw rows.
    DenseStackWorkspace batch_workspace(layout, batch);
    std::vector<float> batch_x(static_cast<size_t>(batch) * width), batch_y(static_cast<size_t>(batch));
    DenseStackWorkspace evaluation_workspace(layout, kEvaluationChunk);
    std::vector<float> evaluation_x(static_cast<size_t>(kEvaluationChunk) * width);

    TrainerResult result;
    TrainingOutcome& outcome = result.outcome;
    outcome.status = "completed";
    double best_validation = INFINITY;
    int epochs_without_improvement = 0;
    std::vector<float> best = parameters;
    outcome.best_epoch = first_epoch - 1;
    const auto started = std::chrono::steady_clock::now();
    bool stopped = false;

    for (int epoch = first_epoch; epoch <= settings.epochs && !stopped; ++epoch) {
      const auto epoch_start = std::chrono::steady_clock::now();
      shuffle_order();
      double loss_sum = 0;
      std::int64_t batches_done = 0;
      for (std::int64_t b = 0; b < batches; ++b) {
        const std::int64_t first = b * batch;
        const std::int64_t size = std::min(batch, rows - first);
        for (std::int64_t r = 0; r < size; ++r) {
          const auto row = static_cast<size_t>(order[first + r]);
          scale_row(in.frame, train.features + row * width, batch_x.data() + r * width);
          batch_y[r] = scaled_target(train.targets[row], in.frame);
        }
        loss_sum += dense_mse_gradient(layout, parameters.data(), batch_x.data(), batch_y.data(), size,
                                       batch_workspace, gradient.data());
        fused_adam_step(parameters.data(), gradient.data(), parameters.size(), moments, adam);
        ++batches_done;
        for (auto* observer : in.observers) observer->on_batch_end(epoch, b + 1, batches, loss_sum / batches_done);
        if (in.stop_requested && in.stop_requested->load()) {
          stopped = true;
          break;
        }
      }
      if (stopped && batches_done < batches) {
        // An epoch cut short is not reported as finished; the weights so far are still kept below.
        outcome.status = "interrupted";
      }
      EpochSummary summary;
      summary.epoch = epoch;
      summary.learning_rate = settings.learning_rate;
      summary.splits["train"] =
          evaluate_split(layout, parameters.data(), train, in.frame, evaluation_x, evaluation_workspace);
      for (const auto& split : evaluations)
        summary.splits[split.name] =
            evaluate_split(layout, parameters.data(), split, in.frame, evaluation_x, evaluation_workspace);
      summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
      summary.samples_per_second = summary.seconds > 0 ? static_cast<double>(rows) / summary.seconds : 0;
      outcome.epochs_run = epoch;
      if (validation) {
        const double loss = summary.splits["validation"].loss;
        if (loss < best_validation) {
          best_validation = loss;
          best = parameters;
          outcome.best_epoch = epoch;
          epochs_without_improvement = 0;
        } else if (settings.early_stopping > 0 && ++epochs_without_improvement >= settings.early_stopping) {
          outcome.status = "stopped_early";
          stopped = true;
        }
      } else {
        best = parameters;
        outcome.best_epoch = epoch;
      }
      std::optional<EpochDetail> detail;
      for (auto* observer : in.observers) {
        if (observer->wants_detail(epoch) && !detail)
          detail = gather_detail(layout, parameters.data(), *detail_split, in.frame, evaluation_x, evaluation_workspace);
        observer->on_epoch_end(summary, observer->wants_detail(epoch) ? &*detail : nullptr);
      }
      if (in.stop_requested && in.stop_requested->load() && !stopped) {
        stopped = true;
        outcome.status = "interrupted";
      }
    }
    outcome.training_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    // The kept weights: best validation epoch, else the last. Final metrics are measured on them.
    outcome.final_metrics["train"] = evaluate_split(layout, best.data(), train, in.frame, evaluation_x, evaluation_workspace);
    for (const auto& split : evaluations)
      outcome.final_metrics[split.name] =
          evaluate_split(layout, best.data(), split, in.frame, evaluation_x, evaluation_workspace);
    result.network = unflatten_parameters(in.frame, layout, best.data());
    if (!in.checkpoint_out.empty()) write_checkpoint(in.checkpoint_out, result.network, settings, moments, outcome.best_epoch);
    return result;
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    return make_error(ErrorKind::internal, "training failed in LibTorch: " + what.substr(0, what.find('\n')));
  }
}

}  // namespace vgsales
