// TF Serving's JSON answers on RapidJSON's Writer; every float through SpacedJsonWriter::Float (format_float).
#include "serve/rest_response_encoder.h"

#include "serve/explanation_encoder.h"

#include <rapidjson/writer.h>

#include <array>
#include <utility>
#include <vector>

#include "serve/model_description.h"

namespace vgsales::serve {

namespace {

// The interval signature's four outputs, in the order they are written.
struct NamedOutput {
  std::string name;
  const std::vector<float>* values;
};

std::array<NamedOutput, 4> interval_outputs(const PredictAnswer& answer) {
  const Predictions& p = answer.predictions;
  const std::string& output = answer.output_name;
  return {NamedOutput{output, &p.values}, NamedOutput{output + "_median", &p.median},
          NamedOutput{output + "_lower", &p.lower}, NamedOutput{output + "_upper", &p.upper}};
}

// Columns: {"outputs": {"<out>": [v, ...], "<out>_median": [...], ...}}.
void write_interval_columns(SpacedJsonWriter& writer, const PredictAnswer& answer) {
  writer.Key("outputs");
  writer.StartObject();
  for (const NamedOutput& output : interval_outputs(answer)) {
    writer.Key(output.name);
    writer.StartArray();
    for (const float value : *output.values) writer.Float(value);
    writer.EndArray();
  }
  writer.EndObject();
}

// Rows: {"predictions": [{"<out>": mean, "<out>_median": ..., ...}, ...]}.
void write_interval_rows(SpacedJsonWriter& writer, const PredictAnswer& answer) {
  const auto outputs = interval_outputs(answer);
  writer.Key("predictions");
  writer.StartArray();
  for (std::size_t row = 0; row < answer.predictions.values.size(); ++row) {
    writer.StartObject();
    for (const NamedOutput& output : outputs) {
      writer.Key(output.name);
      writer.Float((*output.values)[row]);
    }
    writer.EndObject();
  }
  writer.EndArray();
}

std::string encode_interval(const PredictAnswer& answer) {
  rapidjson::StringBuffer buffer;
  SpacedJsonWriter writer(buffer);
  writer.StartObject();
  if (answer.layout == RowLayout::columns) {
    write_interval_columns(writer, answer);
  } else {
    write_interval_rows(writer, answer);
  }
  writer.EndObject();
  return buffer.GetString();
}

}  // namespace

std::string encode_error(std::string_view message) {
  rapidjson::StringBuffer buffer;
  SpacedJsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("error");
  writer.String(message);
  writer.EndObject();
  return buffer.GetString();
}

std::string encode_model_status(long long version) {
  rapidjson::StringBuffer buffer;
  SpacedJsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("model_version_status");
  writer.StartArray();
  writer.StartObject();
  writer.Key("version");
  writer.String(std::to_string(version));
  writer.Key("state");
  writer.String("AVAILABLE");
  writer.Key("status");
  writer.StartObject();
  writer.Key("error_code");
  writer.String("OK");
  writer.Key("error_message");
  writer.String("");
  writer.EndObject();
  writer.EndObject();
  writer.EndArray();
  writer.EndObject();
  return buffer.GetString();
}

std::string encode_model_metadata(const std::string& model_name, const ServedModel& model) {
  const FeaturePipeline& pipeline = model.predictor->pipeline();
  const ModelMetadata& metadata = model.predictor->metadata();
  rapidjson::StringBuffer buffer;
  MetadataWriter writer(buffer);
  writer.StartObject();
  writer.Key("model_spec");
  writer.StartObject();
  writer.Key("name");
  writer.String(model_name.c_str());
  writer.Key("signature_name");
  writer.String("");
  writer.Key("version");
  writer.String(std::to_string(model.version).c_str());
  writer.EndObject();
  writer.Key("metadata");
  writer.StartObject();
  // The signatures of the SavedModel `vgsales export` writes for this model (model_description.h).
  write_signature_defs(writer, metadata);
  // Not in TF Serving: the raw feature columns, so a client can send rows by name.
  writer.Key("feature_names");
  writer.StartArray();
  for (const auto& feature : pipeline.features()) writer.String(feature.name.c_str());
  writer.EndArray();
  // Also vgsales's: each feature as a form needs it, and the model card (model_description.h).
  write_feature_descriptions(writer, pipeline);
  write_model_card(writer, metadata, model.version);
  // Also vgsales's: each column's mean |attribution| over the background rows (the web page's About).
  write_global_importance(writer, served_global_importance(model));
  writer.Key("target_name");
  writer.String(pipeline.target().c_str());
  writer.EndObject();
  writer.EndObject();
  return buffer.GetString();
}

std::string encode_ui_config(std::string_view model_name) {
  rapidjson::StringBuffer buffer;
  SpacedJsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("model_name");
  writer.String(model_name);
  writer.EndObject();
  return buffer.GetString();
}

std::string encode_predict_answer(const PredictAnswer& answer) {
  if (answer.interval) return encode_interval(answer);
  PredictionListEncoder list(answer.layout == RowLayout::columns ? "outputs" : "predictions");
  std::string text = list.begin();
  text += list.add(answer.predictions.values);
  text += list.finish();
  return text;
}

PredictionListEncoder::PredictionListEncoder(std::string_view key) : key_(key), writer_(buffer_) {}

std::string PredictionListEncoder::begin() {
  writer_.StartObject();
  writer_.Key(key_);
  writer_.StartArray();
  return take();
}

std::string PredictionListEncoder::add(std::span<const float> values) {
  for (const float value : values) {
    writer_.StartArray();
    writer_.Float(value);
    writer_.EndArray();
  }
  return take();
}

std::string PredictionListEncoder::finish() {
  writer_.EndArray();
  writer_.EndObject();
  return take();
}

std::string PredictionListEncoder::take() {
  std::string text(buffer_.GetString(), buffer_.GetSize());
  buffer_.Clear();
  return text;
}

}  // namespace vgsales::serve
