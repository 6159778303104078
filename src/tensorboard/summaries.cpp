// Summary builders and readers; the payload forms follow TensorBoard's data_compat.py / data_compat.rs and
// tensor.proto.
#include "tensorboard/summaries.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace vgsales::tensorboard {
namespace {

void set_plugin(tensorflow::Summary::Value& value, const char* plugin, std::string content,
                tensorflow::DataClass data_class, const std::string& description = "") {
  auto* metadata = value.mutable_metadata();
  metadata->mutable_plugin_data()->set_plugin_name(plugin);
  metadata->mutable_plugin_data()->set_content(std::move(content));
  metadata->set_data_class(data_class);
  if (!description.empty()) metadata->set_summary_description(description);
}

tensorflow::TensorProto string_tensor(const std::vector<std::string>& strings, bool rank_one) {
  tensorflow::TensorProto tensor;
  tensor.set_dtype(tensorflow::DT_STRING);
  if (rank_one) tensor.mutable_tensor_shape()->add_dim()->set_size(static_cast<std::int64_t>(strings.size()));
  for (const auto& text : strings) tensor.add_string_val(text);
  return tensor;
}

::tensorboard::hparams::DataType hparam_type(const HyperparameterValue& value) {
  if (std::holds_alternative<double>(value)) return ::tensorboard::hparams::DATA_TYPE_FLOAT64;
  if (std::holds_alternative<bool>(value)) return ::tensorboard::hparams::DATA_TYPE_BOOL;
  return ::tensorboard::hparams::DATA_TYPE_STRING;
}

google::protobuf::Value to_protobuf_value(const HyperparameterValue& value) {
  google::protobuf::Value result;
  std::visit(
      [&result](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, double>) result.set_number_value(v);
        else if constexpr (std::is_same_v<T, bool>) result.set_bool_value(v);
        else result.set_string_value(v);
      },
      value);
  return result;
}

}  // namespace

tensorflow::Summary::Value make_scalar_value(const std::string& tag, double value, const std::string& description) {
  tensorflow::Summary::Value result;
  result.set_tag(tag);
  // ScalarPluginData{version = 0} serializes to no bytes.
  set_plugin(result, kScalarsPlugin, "", tensorflow::DATA_CLASS_SCALAR, description);
  auto* tensor = result.mutable_tensor();
  tensor->set_dtype(tensorflow::DT_FLOAT);
  tensor->mutable_tensor_shape();  // present and empty: rank 0
  tensor->add_float_val(static_cast<float>(value));
  return result;
}

tensorflow::HistogramProto make_histogram(std::span<const float> values, int bucket_count) {
  tensorflow::HistogramProto histogram;
  std::vector<double> finite;
  finite.reserve(values.size());
  for (const float v : values) {
    if (std::isfinite(v)) finite.push_back(v);
  }
  if (finite.empty()) return histogram;
  const auto [low, high] = std::minmax_element(finite.begin(), finite.end());
  const double min = *low;
  const double max = *high;
  double sum = 0;
  double sum_squares = 0;
  for (const double v : finite) {
    sum += v;
    sum_squares += v * v;
  }
  histogram.set_min(min);
  histogram.set_max(max);
  histogram.set_num(static_cast<double>(finite.size()));
  histogram.set_sum(sum);
  histogram.set_sum_squares(sum_squares);
  // All values equal (fresh biases are all zero): one bucket that ends at that value.
  const int buckets = max > min ? std::max(bucket_count, 1) : 1;
  std::vector<double> counts(static_cast<std::size_t>(buckets), 0.0);
  const double width = (max - min) / buckets;
  for (const double v : finite) {
    int index = width > 0 ? static_cast<int>((v - min) / width) : 0;
    counts[static_cast<std::size_t>(std::clamp(index, 0, buckets - 1))] += 1;
  }
  for (int index = 0; index < buckets; ++index) {
    // The last limit is exactly max, so rounding never leaves the largest value outside.
    histogram.add_bucket_limit(index == buckets - 1 ? max : min + width * (index + 1));
    histogram.add_bucket(counts[static_cast<std::size_t>(index)]);
  }
  return histogram;
}

tensorflow::Summary::Value make_histogram_value(const std::string& tag, std::span<const float> values,
                                                int bucket_count) {
  tensorflow::Summary::Value result;
  result.set_tag(tag);
  *result.mutable_histo() = make_histogram(values, bucket_count);
  return result;
}

tensorflow::Summary::Value make_image_value(const std::string& tag, const std::string& png_bytes, int width, int height,
                                            const std::string& description) {
  tensorflow::Summary::Value result;
  result.set_tag(tag);
  // ImagePluginData{version = 0, converted_to_tensor = false} serializes to no bytes.
  set_plugin(result, kImagesPlugin, "", tensorflow::DATA_CLASS_BLOB_SEQUENCE, description);
  *result.mutable_tensor() = string_tensor({std::to_string(width), std::to_string(height), png_bytes}, true);
  return result;
}

tensorflow::Summary::Value make_text_value(const std::string& tag, const std::string& markdown,
                                           const std::string& description) {
  tensorflow::Summary::Value result;
  result.set_tag(tag);
  set_plugin(result, kTextPlugin, "", tensorflow::DATA_CLASS_TENSOR, description);
  *result.mutable_tensor() = string_tensor({markdown}, false);
  return result;
}

tensorflow::Summary::Value make_custom_scalars_value(const ::tensorboard::Layout& layout) {
  tensorflow::Summary::Value result;
  result.set_tag(kCustomScalarsTag);
  set_plugin(result, kCustomScalarsPlugin, "", tensorflow::DATA_CLASS_TENSOR);
  *result.mutable_tensor() = string_tensor({layout.SerializeAsString()}, false);
  return result;
}

tensorflow::Summary::Value make_hparams_value(const std::string& tag,
                                              const ::tensorboard::hparams::HParamsPluginData& data) {
  tensorflow::Summary::Value result;
  result.set_tag(tag);
  set_plugin(result, kHparamsPlugin, data.SerializeAsString(), tensorflow::DATA_CLASS_TENSOR);
  // NULL_TENSOR (tensorboard/plugins/hparams/metadata.py): the Rust loader drops a TENSOR value without a tensor.
  auto* tensor = result.mutable_tensor();
  tensor->set_dtype(tensorflow::DT_FLOAT);
  tensor->mutable_tensor_shape()->add_dim()->set_size(0);
  return result;
}

::tensorboard::hparams::HParamsPluginData make_hparams_experiment(
    const std::vector<std::pair<std::string, HyperparameterValue>>& hyperparameters,
    const std::vector<::tensorboard::hparams::MetricInfo>& metrics, double time_created_secs) {
  ::tensorboard::hparams::HParamsPluginData data;
  data.set_version(0);
  auto* experiment = data.mutable_experiment();
  experiment->set_time_created_secs(time_created_secs);
  // No domains: with runs of different settings in one logdir, a domain taken from one run would
  // hide the others' values; TensorBoard then shows free filters instead.
  for (const auto& [name, value] : hyperparameters) {
    auto* info = experiment->add_hparam_infos();
    info->set_name(name);
    info->set_type(hparam_type(value));
  }
  for (const auto& metric : metrics) *experiment->add_metric_infos() = metric;
  return data;
}

::tensorboard::hparams::HParamsPluginData make_hparams_session_start(
    const std::vector<std::pair<std::string, HyperparameterValue>>& hyperparameters, double start_time_secs) {
  ::tensorboard::hparams::HParamsPluginData data;
  data.set_version(0);
  auto* start = data.mutable_session_start_info();
  start->set_start_time_secs(start_time_secs);
  for (const auto& [name, value] : hyperparameters) (*start->mutable_hparams())[name] = to_protobuf_value(value);
  return data;
}

::tensorboard::hparams::HParamsPluginData make_hparams_session_end(::tensorboard::hparams::Status status,
                                                                   double end_time_secs) {
  ::tensorboard::hparams::HParamsPluginData data;
  data.set_version(0);
  data.mutable_session_end_info()->set_status(status);
  data.mutable_session_end_info()->set_end_time_secs(end_time_secs);
  return data;
}

std::optional<double> read_scalar(const tensorflow::Summary::Value& value) {
  if (value.value_case() == tensorflow::Summary::Value::kSimpleValue) return value.simple_value();
  if (!value.has_tensor()) return std::nullopt;
  const auto& tensor = value.tensor();
  if (tensor.tensor_shape().dim_size() != 0) return std::nullopt;
  if (tensor.dtype() == tensorflow::DT_FLOAT) {
    if (tensor.float_val_size() >= 1) return tensor.float_val(0);
    if (tensor.tensor_content().size() == sizeof(float)) {
      float v = 0;  // little-endian on every platform vgsales builds for
      std::memcpy(&v, tensor.tensor_content().data(), sizeof v);
      return v;
    }
  }
  if (tensor.dtype() == tensorflow::DT_DOUBLE && tensor.double_val_size() >= 1) return tensor.double_val(0);
  return std::nullopt;
}

std::vector<std::string> read_strings(const tensorflow::Summary::Value& value) {
  if (!value.has_tensor() || value.tensor().dtype() != tensorflow::DT_STRING) return {};
  return {value.tensor().string_val().begin(), value.tensor().string_val().end()};
}

std::string plugin_name_of(const tensorflow::Summary::Value& value) {
  return value.has_metadata() ? value.metadata().plugin_data().plugin_name() : std::string();
}

}  // namespace vgsales::tensorboard
