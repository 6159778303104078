// The training loop on LibTorch.
#include "model/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <random>

#include <fmt/format.h>

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
  // Activations after each layer (ReLU applied for hidden layers), for histograms.
  std::vector<torch::Tensor> activations(torch::Tensor x) {
    std::vector<torch::Tensor> out;
    const size_t last = layers->size() - 1;
    for (size_t i = 0; i < layers->size(); ++i) {
      x = layers[i]->as<torch::nn::Linear>()->forward(x);
      if (i != last) x = torch::relu(x);
      out.push_back(x);
    }
    return out;
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

// Scaled tensors of one split, plus its target in its own units for metrics.
struct PreparedSplit {
  std::string name;
  torch::Tensor x;  // [rows, width] scaled
  torch::Tensor y;  // [rows, 1] scaled (transformed) target
  const float* targets = nullptr;
  size_t rows = 0;
};

PreparedSplit prepare(const SplitData& split, const PortableNetwork& frame) {
  const auto width = frame.input_width();
  const auto rows = static_cast<std::int64_t>(split.rows);
  PreparedSplit prepared{split.name, {}, {}, split.targets, split.rows};
  auto offset = torch::from_blob(const_cast<float*>(frame.input_offset.data()), {width});
  auto scale = torch::from_blob(const_cast<float*>(frame.input_scale.data()), {width});
  prepared.x = (torch::from_blob(const_cast<float*>(split.features), {rows, width}) - offset) * scale;
  auto y = torch::from_blob(const_cast<float*>(split.targets), {rows, 1}).clone();
  if (frame.target_transform == TargetTransform::log1p) y = torch::log1p(y);
  prepared.y = (y - frame.output_offset) / frame.output_scale;
  return prepared;
}

// Scaled network outputs -> target units.
torch::Tensor to_target_units(const torch::Tensor& scaled, const PortableNetwork& frame) {
  auto y = scaled * frame.output_scale + frame.output_offset;
  if (frame.target_transform == TargetTransform::log1p) y = torch::expm1(y);
  return y;
}

torch::Tensor predict_scaled(DenseRegressor& model, const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  constexpr std::int64_t kChunk = 65536;  // bounds the activations' memory on large splits
  if (x.size(0) <= kChunk) return model->forward(x);
  std::vector<torch::Tensor> parts;
  for (std::int64_t start = 0; start < x.size(0); start += kChunk)
    parts.push_back(model->forward(x.narrow(0, start, std::min(kChunk, x.size(0) - start))));
  return torch::cat(parts);
}

SplitMetrics evaluate_split(DenseRegressor& model, const PreparedSplit& split, const PortableNetwork& frame) {
  const torch::Tensor scaled = predict_scaled(model, split.x);
  const double loss = torch::mse_loss(scaled, split.y).item<double>();
  const std::vector<float> predictions = to_vector(to_target_units(scaled, frame));
  SplitMetrics metrics = compute_metrics(predictions, std::span<const float>(split.targets, split.rows));
  metrics.loss = loss;
  return metrics;
}

EpochDetail gather_detail(DenseRegressor& model, const PreparedSplit& split, const PortableNetwork& frame) {
  torch::NoGradGuard no_grad;
  constexpr std::int64_t kMaxRows = 2000;  // histograms and plots need a sample, not millions of rows
  const std::int64_t rows = std::min<std::int64_t>(kMaxRows, split.x.size(0));
  const torch::Tensor x = split.x.narrow(0, 0, rows);
  EpochDetail detail;
  detail.network = snapshot(model, frame);
  detail.evaluation_split = split.name;
  auto activations = model->activations(x);
  for (const auto& a : activations) detail.activations.push_back(to_vector(a));
  detail.predictions = to_vector(to_target_units(activations.back(), frame));
  detail.actuals.assign(split.targets, split.targets + rows);
  return detail;
}

}  // namespace

PortableNetwork initialise_network(const PortableNetwork& frame, const TrainingSettings& settings) {
  torch::manual_seed(static_cast<std::uint64_t>(settings.seed));
  DenseRegressor model(frame.input_width(), settings.hidden_layers);
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < model->layers->size(); ++i) {
    auto linear = model->layers[i]->as<torch::nn::Linear>();
    torch::nn::init::xavier_uniform_(linear->weight);
    torch::nn::init::zeros_(linear->bias);
  }
  return snapshot(model, frame);
}

Result<TrainerResult> train_network(const TrainerInputs& in) {
  try {
    const TrainingSettings& settings = in.settings;
    at::set_num_threads(settings.threads);
    torch::manual_seed(static_cast<std::uint64_t>(settings.seed));
    DenseRegressor model(in.frame.input_width(), settings.hidden_layers);
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(settings.learning_rate));
    int first_epoch = 1;
    if (!in.resume_checkpoint.empty()) {
      torch::serialize::InputArchive archive;
      archive.load_from(in.resume_checkpoint.string());
      torch::serialize::InputArchive weights;
      archive.read("model", weights);
      model->load(weights);
      torch::serialize::InputArchive adam;
      archive.read("optimizer", adam);
      optimizer.load(adam);
      torch::Tensor epoch;
      archive.read("epoch", epoch);
      first_epoch = static_cast<int>(epoch.item<std::int64_t>()) + 1;
      // The learning rate may be changed on resume.
      for (auto& group : optimizer.param_groups())
        static_cast<torch::optim::AdamOptions&>(group.options()).lr(settings.learning_rate);
    } else {
      copy_weights_into(model, initialise_network(in.frame, settings));
    }

    PreparedSplit train = prepare(in.train, in.frame);
    std::vector<PreparedSplit> evaluations;
    for (const auto& split : in.evaluations) evaluations.push_back(prepare(split, in.frame));
    const PreparedSplit* validation = nullptr;
    for (const auto& split : evaluations)
      if (split.name == "validation") validation = &split;
    const PreparedSplit* detail_split = &train;
    for (const auto& split : evaluations)
      if (split.name == "test" || (split.name == "validation" && detail_split == &train)) detail_split = &split;

    const auto rows = static_cast<std::int64_t>(in.train.rows);
    const std::int64_t batch = std::min<std::int64_t>(settings.batch_size, rows);
    const std::int64_t batches = (rows + batch - 1) / batch;
    std::mt19937_64 shuffler(static_cast<std::uint64_t>(settings.seed) ^ 0x9E3779B97F4A7C15ULL);
    // Skip the shuffles of the epochs already run, so a resumed run sees the same order as an unbroken one.
    std::vector<std::int64_t> order(rows);
    auto shuffle_order = [&] {
      for (std::int64_t i = 0; i < rows; ++i) order[i] = i;
      for (std::int64_t i = rows; i > 1; --i) std::swap(order[i - 1], order[shuffler() % static_cast<std::uint64_t>(i)]);
    };
    for (int e = 1; e < first_epoch; ++e) shuffle_order();

    TrainerResult result;
    TrainingOutcome& outcome = result.outcome;
    outcome.status = "completed";
    double best_validation = INFINITY;
    int epochs_without_improvement = 0;
    PortableNetwork best = snapshot(model, in.frame);
    outcome.best_epoch = first_epoch - 1;
    const auto started = std::chrono::steady_clock::now();
    bool stopped = false;

    for (int epoch = first_epoch; epoch <= settings.epochs && !stopped; ++epoch) {
      const auto epoch_start = std::chrono::steady_clock::now();
      shuffle_order();
      // One gather per epoch; batches are views into the shuffled copy.
      const torch::Tensor index = torch::from_blob(order.data(), {rows}, torch::kInt64);
      const torch::Tensor x_shuffled = train.x.index_select(0, index);
      const torch::Tensor y_shuffled = train.y.index_select(0, index);
      model->train();
      double loss_sum = 0;
      std::int64_t batches_done = 0;
      for (std::int64_t b = 0; b < batches; ++b) {
        const std::int64_t start = b * batch;
        const std::int64_t size = std::min(batch, rows - start);
        optimizer.zero_grad();
        const torch::Tensor loss = torch::mse_loss(model->forward(x_shuffled.narrow(0, start, size)),
                                                   y_shuffled.narrow(0, start, size));
        loss.backward();
        optimizer.step();
        loss_sum += loss.item<double>();
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
      model->eval();
      EpochSummary summary;
      summary.epoch = epoch;
      summary.learning_rate = settings.learning_rate;
      summary.splits["train"] = evaluate_split(model, train, in.frame);
      for (const auto& split : evaluations) summary.splits[split.name] = evaluate_split(model, split, in.frame);
      summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
      summary.samples_per_second = summary.seconds > 0 ? static_cast<double>(rows) / summary.seconds : 0;
      outcome.epochs_run = epoch;
      if (validation) {
        const double loss = summary.splits["validation"].loss;
        if (loss < best_validation) {
          best_validation = loss;
          best = snapshot(model, in.frame);
          outcome.best_epoch = epoch;
          epochs_without_improvement = 0;
        } else if (settings.early_stopping > 0 && ++epochs_without_improvement >= settings.early_stopping) {
          outcome.status = "stopped_early";
          stopped = true;
        }
      } else {
        best = snapshot(model, in.frame);
        outcome.best_epoch = epoch;
      }
      std::optional<EpochDetail> detail;
      for (auto* observer : in.observers) {
        if (observer->wants_detail(epoch) && !detail) detail = gather_detail(model, *detail_split, in.frame);
        observer->on_epoch_end(summary, observer->wants_detail(epoch) ? &*detail : nullptr);
      }
      if (in.stop_requested && in.stop_requested->load() && !stopped) {
        stopped = true;
        outcome.status = "interrupted";
      }
    }
    outcome.training_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    // The kept weights: best validation epoch, else the last. Final metrics are measured on them.
    copy_weights_into(model, best);
    model->eval();
    outcome.final_metrics["train"] = evaluate_split(model, train, in.frame);
    for (const auto& split : evaluations) outcome.final_metrics[split.name] = evaluate_split(model, split, in.frame);

    if (!in.checkpoint_out.empty()) {
      torch::serialize::OutputArchive archive;
      torch::serialize::OutputArchive weights;
      model->save(weights);
      archive.write("model", weights);
      torch::serialize::OutputArchive adam;
      optimizer.save(adam);
      archive.write("optimizer", adam);
      archive.write("epoch", torch::tensor(static_cast<std::int64_t>(outcome.best_epoch)));
      archive.save_to(in.checkpoint_out.string());
    }
    result.network = std::move(best);
    return result;
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    return make_error(ErrorKind::internal, "training failed in LibTorch: " + what.substr(0, what.find('\n')));
  }
}

}  // namespace vgsales
