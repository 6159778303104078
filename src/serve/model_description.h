// What the metadata route says about a model beyond TF Serving's signature: each raw feature as a form needs it,
// and the model card (data, metrics beside the baselines, training). vgsales additions inside "metadata", which
// TF Serving clients ignore (docs/serving.md).
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "data/feature_pipeline.h"
#include "model/model_metadata.h"

namespace vgsales::serve {

using MetadataWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// "features": [{name, kind, ...}] in the model's input order (numeric and boolean: min, max, fill_value,
// missing_indicator; categorical: categories most frequent first, rare_categories as a count), then
// "missing_values": the spellings read as a missing value. Writes two keys into the open object.
void write_feature_descriptions(MetadataWriter& writer, const FeaturePipeline& pipeline);

// "signature_def": {"signature_def": {...}} as TF Serving prints the SavedModel `vgsales export` writes
// (saved_model_export.h): encoded, rows, serving_default (rows for a model with a categorical feature, else
// encoded) and, for a model with an interval, interval. Tensor names are the SavedModel's for a feature whose name is
// a plain graph node name (the export renames others). Writes one key into the open object.
void write_signature_defs(MetadataWriter& writer, const ModelMetadata& metadata);

// "model_card": {target_name, output_name, target_unit, created, version, train_file, test_file, rows, metrics,
// baselines, training, interval}. `version` is the version served. Writes one key into the open object.
void write_model_card(MetadataWriter& writer, const ModelMetadata& metadata, long long version);

}  // namespace vgsales::serve
