// Builders for the Summary.Value of every kind vgsales logs, in the forms both TensorBoard loaders accept
// (Python: tensorboard/data_compat.py; Rust: tensorboard/data/server/data_compat.rs), plus the matching readers.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "model/training_observer.h"
#include "tensorboard/plugins/custom_scalar_layout.pb.h"
#include "tensorboard/plugins/hparams.pb.h"
#include "tensorboard/summary.pb.h"

namespace vgsales::tensorboard {

// Plugin names (SummaryMetadata.plugin_data.plugin_name) and the tags fixed by TensorBoard.
inline constexpr const char* kScalarsPlugin = "scalars";
inline constexpr const char* kHistogramsPlugin = "histograms";
inline constexpr const char* kImagesPlugin = "images";
inline constexpr const char* kTextPlugin = "text";
inline constexpr const char* kHparamsPlugin = "hparams";
inline constexpr const char* kCustomScalarsPlugin = "custom_scalars";
inline constexpr const char* kCustomScalarsTag = "custom_scalars__config__";
inline constexpr const char* kHparamsExperimentTag = "_hparams_/experiment";
inline constexpr const char* kHparamsSessionStartTag = "_hparams_/session_start_info";
inline constexpr const char* kHparamsSessionEndTag = "_hparams_/session_end_info";

// A rank-0 DT_FLOAT tensor with the scalars plugin's metadata (what tf.summary.scalar writes in TF 2).
tensorflow::Summary::Value make_scalar_value(const std::string& tag, double value, const std::string& description = "");

// `bucket_count` equal-width buckets from min to max; bucket and bucket_limit have equal length.
tensorflow::HistogramProto make_histogram(std::span<const float> values, int bucket_count = 30);
// A legacy `histo` value: both loaders turn it into the histograms plugin's [k,3] tensor themselves.
tensorflow::Summary::Value make_histogram_value(const std::string& tag, std::span<const float> values,
                                                int bucket_count = 30);

// A rank-1 DT_STRING tensor [width, height, png] with the images plugin's metadata.
tensorflow::Summary::Value make_image_value(const std::string& tag, const std::string& png_bytes, int width, int height,
                                            const std::string& description = "");

// A rank-0 DT_STRING tensor; TensorBoard renders it as Markdown.
tensorflow::Summary::Value make_text_value(const std::string& tag, const std::string& markdown,
                                           const std::string& description = "");

// The custom scalars dashboard layout under the tag custom_scalars__config__.
tensorflow::Summary::Value make_custom_scalars_value(const ::tensorboard::Layout& layout);

// The hparams plugin's three summaries; the payload is the NULL_TENSOR (DT_FLOAT, shape [0]).
tensorflow::Summary::Value make_hparams_value(const std::string& tag,
                                              const ::tensorboard::hparams::HParamsPluginData& data);
::tensorboard::hparams::HParamsPluginData make_hparams_experiment(
    const std::vector<std::pair<std::string, HyperparameterValue>>& hyperparameters,
    const std::vector<::tensorboard::hparams::MetricInfo>& metrics, double time_created_secs);
::tensorboard::hparams::HParamsPluginData make_hparams_session_start(
    const std::vector<std::pair<std::string, HyperparameterValue>>& hyperparameters, double start_time_secs);
::tensorboard::hparams::HParamsPluginData make_hparams_session_end(::tensorboard::hparams::Status status,
                                                                   double end_time_secs);

// Reading back (used by `vgsales logs` and the tests).
// The value of a scalar, whether written as simple_value or as a rank-0 float/double tensor.
std::optional<double> read_scalar(const tensorflow::Summary::Value& value);
// The strings of a DT_STRING tensor (text, images, custom scalars).
std::vector<std::string> read_strings(const tensorflow::Summary::Value& value);
// The Python loader's view of a tensor value with a plugin; "" when the value has no metadata.
std::string plugin_name_of(const tensorflow::Summary::Value& value);

}  // namespace vgsales::tensorboard
