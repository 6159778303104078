"""ONNX Runtime (the Python package) runs vgsales' ONNX exports and agrees with `vgsales predict`.

For the reference model and the real-table model, on the rows of the table plus edge rows (unseen categories, empty
and NaN numbers, missing spellings in another case; engine_jobs.write_rows_with_edge_cases):
  - model.onnx takes the raw columns: one input per feature, named as the feature, string for a categorical one and
    float (NaN = missing) for the others; its outputs are the mean and, for a model with an interval, the median and
    the bounds, each compared with `vgsales predict`;
  - model.encoded.onnx takes the packed layout `input` [batch, F] and gives the same numbers (within ~1e-7 absolute
    near zero for a log1p target: it spells expm1 as Exp - 1 for OpenCV).
"""
import os

from engine_jobs import MODEL_JOBS, PACKED_VARIANT_FLOOR, Environment, ModelUnderTest, Report

import onnxruntime  # noqa: E402

KINDS = {"tensor(float)": "float", "tensor(string)": "string"}


def check_raw_inputs(report, model, session):
    """model.onnx's inputs are exactly the model's features, typed by kind."""
    expected = {feature["name"]: "tensor(string)" if feature["type"] == "categorical" else "tensor(float)"
                for feature in model.model["pipeline"]["features"]}
    found = {graph_input.name: graph_input.type for graph_input in session.get_inputs()}
    report.check(found == expected, f"{model.label}: model.onnx inputs {found}, expected the raw features {expected}")
    outputs = sorted(output.name for output in session.get_outputs())
    report.check(outputs == model.interval_outputs(),
                 f"{model.label}: model.onnx outputs {outputs}, expected {model.interval_outputs()}")


def check_model(report, model, file_name):
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(os.path.join(model.export_dir, file_name), options,
                                           providers=["CPUExecutionProvider"])
    if file_name == "model.onnx":
        check_raw_inputs(report, model, session)
    feeds = {}
    for graph_input in session.get_inputs():
        kind = KINDS.get(graph_input.type)
        value = model.feed(graph_input.name, kind, len(graph_input.shape)) if kind else None
        if value is None:
            report.fail(f"{model.label}: model.onnx input '{graph_input.name}' ({graph_input.type}) is neither "
                        f"'input' nor a feature of model.json")
            return
        feeds[graph_input.name] = value
    names = [output.name for output in session.get_outputs()]
    results = session.run(names, feeds)
    floor = PACKED_VARIANT_FLOOR if file_name == "model.encoded.onnx" else None
    model.compare_outputs(report, f"ONNX Runtime on {file_name}", dict(zip(names, results)), floor)


def main():
    environment = Environment()
    environment.require_data(*(job.train_csv for job in MODEL_JOBS))
    environment.fresh_work()
    report = Report()
    print(f"ONNX Runtime {onnxruntime.__version__}")
    for job in MODEL_JOBS:
        model = ModelUnderTest(environment, job)
        for file_name in ("model.onnx", "model.encoded.onnx"):
            check_model(report, model, file_name)
    report.finish()


if __name__ == "__main__":
    main()
