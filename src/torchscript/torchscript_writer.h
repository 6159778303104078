// Writing a trained vgsales model as a TorchScript module, for Python users (`torch.jit.load`) and TorchServe.
#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"
#include "data/feature_pipeline.h"
#include "model/portable_network.h"

namespace vgsales {

// Writes `network` as a TorchScript module (model.json rides along inside the archive as an extra file):
//   forward(x)                     the encoded inputs [N, F] float32 -> the target in its own units [N, 1]
//   forward_rows(text, numbers)    raw columns -> [N, 1]: `text` maps each categorical feature to its cells
//                                  (Dict[str, List[str]]), `numbers` each numeric or 0/1 feature to floats
//                                  (Dict[str, List[float]], NaN = missing); encoded as FeaturePipeline::encode_row does
//   encode_rows(text, numbers)     the encoded [N, F] rows forward_rows runs
//   interval_rows(text, numbers)   {<output>, <output>_median, _lower, _upper} -> [N, 1] each (models with an
//                                  interval only)
Result<void> write_torchscript_model(const PortableNetwork& network, const FeaturePipeline& pipeline,
                                     const std::string& metadata_json, const std::filesystem::path& path);

}  // namespace vgsales
