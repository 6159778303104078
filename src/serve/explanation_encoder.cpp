// Writing the :explain answer with the REST answers' writer and number formatting.
#include "serve/explanation_encoder.h"

#include <rapidjson/stringbuffer.h>

#include "serve/json_writer.h"

namespace vgsales::serve {

namespace {

void write_columns(SpacedJsonWriter& writer, const std::vector<std::string>& columns,
                   const std::vector<double>& values) {
  writer.StartObject();
  for (size_t i = 0; i < columns.size(); ++i) {
    writer.Key(columns[i]);
    writer.Float(static_cast<float>(values[i]));
  }
  writer.EndObject();
}

void write_attribution(SpacedJsonWriter& writer, const std::vector<std::string>& columns,
                       const OutputAttribution& output, size_t index, AttributionMethod method) {
  writer.StartObject();
  writer.Key("baselineOutputValue");
  writer.Float(static_cast<float>(output.baseline));
  writer.Key("instanceOutputValue");
  writer.Float(static_cast<float>(output.estimate));
  writer.Key("featureAttributions");
  write_columns(writer, columns, output.attributions);
  writer.Key("outputIndex");
  writer.StartArray();
  writer.Int64(static_cast<std::int64_t>(index));
  writer.EndArray();
  writer.Key("outputName");
  writer.String(output.output_name);
  writer.Key("approximationError");
  writer.Float(static_cast<float>(output.approximation_error));
  // Not in Vertex AI's shape: how the values were found, and for sampled values each one's bound.
  writer.Key("method");
  writer.String(attribution_method_name(method));
  if (method == AttributionMethod::sampled) {
    writer.Key("errorBounds");
    write_columns(writer, columns, output.error_bounds);
  }
  writer.EndObject();
}

}  // namespace

std::string encode_explain_answer(const ExplainAnswer& answer) {
  rapidjson::StringBuffer buffer;
  SpacedJsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("explanations");
  writer.StartArray();
  for (const InstanceExplanation& explanation : answer.explanations) {
    writer.StartObject();
    writer.Key("attributions");
    writer.StartArray();
    for (size_t o = 0; o < explanation.outputs.size(); ++o)
      write_attribution(writer, answer.columns, explanation.outputs[o], o, explanation.method);
    writer.EndArray();
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

void write_global_importance(rapidjson::Writer<rapidjson::StringBuffer>& writer, const GlobalImportance* summary) {
  writer.Key("global_importance");
  if (summary == nullptr) {
    writer.Null();
    return;
  }
  writer.StartObject();
  writer.Key("rows");
  writer.Int64(static_cast<std::int64_t>(summary->rows));
  writer.Key("baseline");
  writer.Double(summary->baseline);
  writer.Key("columns");
  writer.StartArray();
  for (const ColumnImportance& column : summary->columns) {
    writer.StartObject();
    writer.Key("column");
    writer.String(column.column.c_str(), static_cast<rapidjson::SizeType>(column.column.size()));
    writer.Key("mean_absolute_attribution");
    writer.Double(column.mean_absolute_attribution);
    writer.Key("effects");
    writer.StartArray();
    for (const ValueEffect& effect : column.effects) {
      writer.StartObject();
      writer.Key("value");
      writer.String(effect.value.c_str(), static_cast<rapidjson::SizeType>(effect.value.size()));
      writer.Key("rows");
      writer.Int64(static_cast<std::int64_t>(effect.rows));
      writer.Key("mean_attribution");
      writer.Double(effect.mean_attribution);
      writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
}

}  // namespace vgsales::serve
