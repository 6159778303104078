// Helpers shared by the export tests: run an exported file in a third-party engine (via the system Python)
// and compare its predictions with the network's own.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "graph/synthetic_network.h"
#include "model/model_directory.h"
#include "support/test_support.h"

namespace vgsales::testing {

// A complete model directory (model.json, model.safetensors, SHA256SUMS) holding `network`: numeric features named as
// its inputs, its scaling, its layers. What `vgsales export` reads.
// With `pipeline`, the model takes its raw features (its encoded width must be the network's); with `shifts`, the
// model has an interval (median and bounds as offsets of the network's output).
inline std::filesystem::path write_synthetic_model_directory(const std::filesystem::path& dir,
                                                             const PortableNetwork& network,
                                                             const FeaturePipeline* pipeline = nullptr,
                                                             const OutputShifts& shifts = {}) {
  std::vector<FeatureSpec> features;
  for (size_t i = 0; i < network.input_names.size(); ++i)
    features.push_back(FeatureSpec{.name = network.input_names[i],
                                   .type = ColumnType::numeric,
                                   .min = network.input_offset[i],
                                   .max = network.input_offset[i] + 1.0 / network.input_scale[i],
                                   .fill_value = network.input_offset[i]});
  ModelMetadata metadata;
  metadata.created = "2026-11-30T00:00:00Z";
  metadata.pipeline = pipeline ? *pipeline
                               : FeaturePipeline(std::move(features), network.target_name, MissingValueSet());
  metadata.shifts = shifts;
  if (shifts.has_interval) metadata.interval_level = 0.8;
  metadata.pipeline.set_target_transform(network.target_transform);
  metadata.pipeline.set_scaling(PipelineScaling{network.input_offset, network.input_scale, network.output_offset,
                                                network.output_scale});
  metadata.output_name = network.output_name;
  metadata.settings.hidden_layers.clear();
  for (size_t i = 0; i + 1 < network.layers.size(); ++i)
    metadata.settings.hidden_layers.push_back(static_cast<int>(network.layers[i].output_size));
  metadata.settings.target_transform = target_transform_setting(network.target_transform);
  metadata.settings.validation_split = 0.0;
  metadata.versions["vgsales"] = "test";
  std::filesystem::create_directories(dir);
  EXPECT_TRUE(write_model_files(dir, metadata, network).ok());
  EXPECT_TRUE(seal_model_directory(dir).ok());
  return dir;
}

// Tells `vgsales export`'s library where the TorchScript plugin is: tests run from their own folders, not beside the
// vgsales binary where it looks first.
// A sanitizer build has no plugin (it links LibTorch); its tests write no model.pt.
#ifdef VGSALES_TORCHSCRIPT_PLUGIN_PATH
inline void point_at_torchscript_plugin() {
  ::setenv("VGSALES_TORCHSCRIPT_PLUGIN", VGSALES_TORCHSCRIPT_PLUGIN_PATH, 1);
}
#endif

// Relative agreement required between engines (float32 everywhere; the reference is double).
inline constexpr double kEngineRelativeTolerance = 1e-4;

inline void write_rows(const std::filesystem::path& path, const std::vector<std::vector<float>>& rows) {
  std::ostringstream text;
  text.precision(9);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) text << (i ? " " : "") << row[i];
    text << "\n";
  }
  write_text_file(path, text.str());
}

// Runs tests/export/run_exported_model.py; fails the test (and returns nothing) if the engine refuses.
inline std::vector<double> run_engine(const std::string& engine, const std::filesystem::path& model_file,
                                      const std::vector<std::vector<float>>& rows) {
  TemporaryDirectory scratch;
  write_rows(scratch / "rows.txt", rows);
  const std::string script = (source_dir() / "tests" / "export" / "run_exported_model.py").string();
  const CommandOutput output = run_command(std::string(VGSALES_SYSTEM_PYTHON) + " " + shell_quote(script) + " " +
                                           engine + " " + shell_quote(model_file.string()) + " " +
                                           shell_quote((scratch / "rows.txt").string()));
  EXPECT_EQ(output.exit_code, 0) << engine << " rejected " << model_file << ":\n" << output.err;
  std::vector<double> values;
  std::istringstream lines(output.out);
  double value = 0.0;
  while (lines >> value) values.push_back(value);
  return values;
}

// Runs an engine of tests/export/run_exported_model.py that reads a CSV's raw columns itself (torchscript-rows).
inline std::vector<double> run_engine_on_csv(const std::string& engine, const std::filesystem::path& model_file,
                                             const std::filesystem::path& csv) {
  const std::string script = (source_dir() / "tests" / "export" / "run_exported_model.py").string();
  const CommandOutput output = run_command(std::string(VGSALES_SYSTEM_PYTHON) + " " + shell_quote(script) + " " +
                                           engine + " " + shell_quote(model_file.string()) + " " +
                                           shell_quote(csv.string()));
  EXPECT_EQ(output.exit_code, 0) << engine << " rejected " << model_file << ":\n" << output.err;
  std::vector<double> values;
  std::istringstream lines(output.out);
  double value = 0.0;
  while (lines >> value) values.push_back(value);
  return values;
}

// Every value within kEngineRelativeTolerance of the expected one (relative to max(|expected|, floor)).
inline void expect_close(const std::vector<double>& actual, const std::vector<double>& expected, double floor,
                         const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  double worst = 0.0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const double scale = std::max(std::abs(expected[i]), floor);
    EXPECT_NEAR(actual[i], expected[i], kEngineRelativeTolerance * scale) << what << " row " << i;
    worst = std::max(worst, std::abs(actual[i] - expected[i]) / scale);
  }
  // Printed so a CTest log shows the margin, not just a pass.
  std::cout << "[ measured ] " << what << ": max relative difference " << worst << " over " << expected.size()
            << " rows\n";
}

// Runs `row_count` synthetic rows through `model_file` in `engine` and expects the network's own predictions.
inline void expect_engine_matches_network(const std::string& engine, const std::filesystem::path& model_file,
                                          const PortableNetwork& network, int row_count, const std::string& what) {
  const auto rows = make_feature_rows(network, row_count);
  std::vector<double> expected;
  for (const auto& row : rows) expected.push_back(reference_predict(network, row));
  expect_close(run_engine(engine, model_file, rows), expected, 1e-2, what);
}

}  // namespace vgsales::testing
