// The feature descriptions and the model card of the metadata route, written from model.json's contents.
#include "serve/model_description.h"

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "common/target_units.h"

namespace vgsales::serve {

namespace {

void write_string(MetadataWriter& writer, const std::string& text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void write_key(MetadataWriter& writer, const std::string& key) {
  writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

void write_key_string(MetadataWriter& writer, const char* key, const std::string& text) {
  writer.Key(key);
  write_string(writer, text);
}

// JSON has no NaN or infinity: a metric that is not a number (MAPE of an all-zero split) is null.
void write_number(MetadataWriter& writer, double value) {
  if (std::isfinite(value)) {
    writer.Double(value);
  } else {
    writer.Null();
  }
}

void write_key_number(MetadataWriter& writer, const char* key, double value) {
  writer.Key(key);
  write_number(writer, value);
}

// The errors a reader compares, in the target's units; loss (scaled) and MSE (squared units) are left out.
void write_metrics(MetadataWriter& writer, const SplitMetrics& metrics) {
  writer.StartObject();
  write_key_number(writer, "rmse", metrics.rmse);
  write_key_number(writer, "mae", metrics.mae);
  write_key_number(writer, "r2", metrics.r2);
  write_key_number(writer, "mape", metrics.mape);
  writer.Key("rows");
  writer.Int64(metrics.rows);
  writer.EndObject();
}

void write_metrics_group(MetadataWriter& writer, const char* key, const std::map<std::string, SplitMetrics>& group) {
  writer.Key(key);
  writer.StartObject();
  for (const auto& [name, metrics] : group) {
    write_key(writer, name);
    write_metrics(writer, metrics);
  }
  writer.EndObject();
}

void write_training(MetadataWriter& writer, const ModelMetadata& metadata) {
  writer.Key("training");
  writer.StartObject();
  writer.Key("epochs_run");
  writer.Int(metadata.epochs_run);
  writer.Key("kept_epoch");
  writer.Int(metadata.kept_epoch);
  write_key_string(writer, "status", metadata.status);
  write_key_number(writer, "seconds", metadata.training_seconds);
  writer.Key("layers");
  writer.StartArray();
  for (int width : metadata.settings.hidden_layers) writer.Int(width);
  writer.EndArray();
  // Every other setting from its one declaration (training_settings.h), as model.json's "training" has them.
  for (const SettingDeclaration& setting : training_setting_declarations()) {
    if (!setting.in_training_section) continue;
    write_key(writer, setting.key);
    const SettingValue value = setting.value(metadata.settings);
    if (const auto* word = std::get_if<std::string>(&value)) write_string(writer, *word);
    else if (const auto* whole = std::get_if<std::int64_t>(&value)) writer.Int64(*whole);
    else write_number(writer, std::get<double>(value));
  }
  writer.EndObject();
}

// {"dtype": ..., "tensor_shape": {"dim": [{"size": "-1", "name": ""}, ...], "unknown_rank": false}, "name": ...}
void write_tensor_info(MetadataWriter& writer, const std::string& key, const char* dtype,
                       std::initializer_list<long long> dims, const std::string& tensor_name) {
  write_key(writer, key);
  writer.StartObject();
  writer.Key("dtype");
  writer.String(dtype);
  writer.Key("tensor_shape");
  writer.StartObject();
  writer.Key("dim");
  writer.StartArray();
  for (long long size : dims) {
    writer.StartObject();
    writer.Key("size");
    write_string(writer, std::to_string(size));  // int64 prints as a string in proto3 JSON
    writer.Key("name");
    writer.String("");
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("unknown_rank");
  writer.Bool(false);
  writer.EndObject();
  writer.Key("name");
  write_string(writer, tensor_name);
  writer.EndObject();
}

enum class SignatureInputs { encoded, rows };

void write_signature(MetadataWriter& writer, const char* key, const ModelMetadata& metadata, SignatureInputs inputs,
                     bool interval) {
  const FeaturePipeline& pipeline = metadata.pipeline;
  const std::string output = metadata.output_name.empty() ? "output" : metadata.output_name;
  writer.Key(key);
  writer.StartObject();
  writer.Key("inputs");
  writer.StartObject();
  if (inputs == SignatureInputs::encoded) {
    write_tensor_info(writer, "input", "DT_FLOAT", {-1, static_cast<long long>(pipeline.encoded_width())}, "input:0");
  } else {
    for (const FeatureSpec& feature : pipeline.features())
      write_tensor_info(writer, feature.name, feature.type == ColumnType::categorical ? "DT_STRING" : "DT_FLOAT", {-1},
                        feature.name + ":0");
  }
  writer.EndObject();
  writer.Key("outputs");
  writer.StartObject();
  write_tensor_info(writer, output, "DT_FLOAT", {-1, 1}, output + ":0");
  if (interval)
    for (const char* suffix : {"median", "lower", "upper"}) {
      const std::string name = output + "_" + suffix;
      write_tensor_info(writer, name, "DT_FLOAT", {-1, 1}, name + ":0");
    }
  writer.EndObject();
  writer.Key("method_name");
  writer.String("tensorflow/serving/predict");
  writer.EndObject();
}

}  // namespace

void write_signature_defs(MetadataWriter& writer, const ModelMetadata& metadata) {
  writer.Key("signature_def");
  writer.StartObject();
  writer.Key("signature_def");
  writer.StartObject();
  // Sorted by key, as TF Serving's JSON of the proto map prints them.
  write_signature(writer, "encoded", metadata, SignatureInputs::encoded, false);
  if (metadata.has_interval()) write_signature(writer, "interval", metadata, SignatureInputs::rows, true);
  write_signature(writer, "rows", metadata, SignatureInputs::rows, false);
  write_signature(writer, "serving_default", metadata,
                  metadata.pipeline.all_numeric() ? SignatureInputs::encoded : SignatureInputs::rows, false);
  writer.EndObject();
  writer.EndObject();
}

void write_feature_descriptions(MetadataWriter& writer, const FeaturePipeline& pipeline) {
  writer.Key("features");
  writer.StartArray();
  for (const FeatureSpec& feature : pipeline.features()) {
    writer.StartObject();
    write_key_string(writer, "name", feature.name);
    writer.Key("kind");
    writer.String(column_type_name(feature.type));
    if (feature.type == ColumnType::categorical) {
      writer.Key("categories");
      writer.StartArray();
      for (const auto& category : feature.categories) write_string(writer, category);
      writer.EndArray();
      writer.Key("rare_categories");
      writer.Uint64(feature.rare_categories.size());
    } else {
      write_key_number(writer, "min", feature.min);
      write_key_number(writer, "max", feature.max);
      write_key_number(writer, "fill_value", feature.fill_value);
      writer.Key("missing_indicator");
      writer.Bool(feature.missing_indicator);
    }
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("missing_values");
  writer.StartArray();
  for (const auto& spelling : pipeline.missing_values().spellings()) write_string(writer, spelling);
  writer.EndArray();
}

// "target_range": {"min": 0, "max": null}, null for an open side, as model.json writes it.
void write_target_range(MetadataWriter& writer, const TargetRange& range) {
  writer.Key("target_range");
  writer.StartObject();
  writer.Key("min");
  if (range.has_min()) write_number(writer, range.min);
  else writer.Null();
  writer.Key("max");
  if (range.has_max()) write_number(writer, range.max);
  else writer.Null();
  writer.EndObject();
}

void write_model_card(MetadataWriter& writer, const ModelMetadata& metadata, long long version) {
  const std::string& target = metadata.target();
  writer.Key("model_card");
  writer.StartObject();
  write_key_string(writer, "target_name", target);
  write_key_string(writer, "output_name", metadata.output_name.empty() ? "output" : metadata.output_name);
  const TargetUnits units = metadata.target_units();
  // target_unit is the amounts' prefix ("$" or ""), as before target_units existed; target_units their words.
  write_key_string(writer, "target_unit", units.prefix());
  write_key_string(writer, "target_units", units.units);
  write_key_string(writer, "target_label", units.name());
  write_target_range(writer, metadata.pipeline.target_range());
  write_key_string(writer, "created", metadata.created);
  writer.Key("version");
  writer.Int64(version);
  write_key_string(writer, "train_file", metadata.train_file);
  write_key_string(writer, "test_file", metadata.test_file);
  writer.Key("rows");
  writer.StartObject();
  for (const auto& [split, count] : metadata.rows) {
    write_key(writer, split);
    writer.Int64(count);
  }
  writer.EndObject();
  write_metrics_group(writer, "metrics", metadata.metrics);
  write_metrics_group(writer, "baselines", metadata.baselines);
  write_training(writer, metadata);
  // The calibrated prediction interval: its level, the share of held-out targets inside (test rows, else the
  // validation rows it was calibrated on), how it was calibrated and where the median comes from; null without one.
  writer.Key("interval");
  if (!metadata.has_interval()) {
    writer.Null();
  } else {
    writer.StartObject();
    writer.Key("level");
    writer.Double(metadata.interval_level);
    const auto held_out = metadata.metrics.count("test") ? metadata.metrics.find("test")
                                                         : metadata.metrics.find("validation");
    writer.Key("coverage");
    if (held_out != metadata.metrics.end() && held_out->second.has_interval_metrics()) {
      writer.Double(held_out->second.coverage);
      write_key_string(writer, "coverage_split", held_out->first);
    } else {
      writer.Null();
    }
    writer.Key("calibration_rows");
    writer.Int64(metadata.interval_calibration_rows);
    write_key_string(writer, "calibration", metadata.interval_calibration);
    write_key_string(writer, "median", metadata.shifts.median_from_head ? "head" : "offset");
    writer.EndObject();
  }
  writer.EndObject();
}

}  // namespace vgsales::serve
