"""ONNX Runtime (the Python package) runs vgsales' model.onnx and agrees with `vgsales predict`.

For the reference model and the real-table model: every graph input is fed by its name (the encoded rows for
`input`, a raw CSV column for a feature's name) and the output named like the model's output is compared.
"""
import os

from engine_jobs import MODEL_JOBS, Environment, ModelUnderTest, Report

import onnxruntime  # noqa: E402

KINDS = {"tensor(float)": "float", "tensor(string)": "string"}


def check_model(report, model):
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(os.path.join(model.export_dir, "model.onnx"), options,
                                           providers=["CPUExecutionProvider"])
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
    model.compare_outputs(report, "ONNX Runtime on model.onnx", dict(zip(names, results)))


def main():
    environment = Environment()
    environment.require_data(*(job.train_csv for job in MODEL_JOBS))
    environment.fresh_work()
    report = Report()
    print(f"ONNX Runtime {onnxruntime.__version__}")
    for job in MODEL_JOBS:
        check_model(report, ModelUnderTest(environment, job))
    report.finish()


if __name__ == "__main__":
    main()
