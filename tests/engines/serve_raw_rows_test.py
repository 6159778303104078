"""`vgsales serve` answers named raw instances with the numbers of the exports.

For each model of engine_jobs (reference, real table, real table with an interval), the export folder is served by
`vgsales serve`; the table's rows and the edge rows are posted as TF Serving's row format with named instances
({"instances": [{"Platform": "Wii", "Year": 2006, ...}]}, a missing number as null) and as the columnar format
({"inputs": {"Platform": [...], ...}}), to serving_default, to `rows` and (with an interval) to `interval`; the rows'
encoded layout, from the independent encoder tests/export/encoded_rows.py, goes to `encoded` in both formats. The
answers must equal ONNX Runtime's on model.onnx fed the same raw columns, and `vgsales predict`, within 1e-5 relative.
The metadata route must list the SavedModel's signatures: the same keys, inputs (name, dtype, shape) and outputs as
saved_model.pb, read with TensorFlow's own SavedModel proto.
"""
import json
import math
import os
import re
import subprocess
import time
import urllib.request

import numpy as np

from engine_jobs import MODEL_JOBS, INTERVAL_FLOOR, Environment, ModelUnderTest, Report, compare_predictions

import onnxruntime  # noqa: E402

BATCH_ROWS = 2000  # rows per request: well under the server's default body limit


class Server:
    def __init__(self, environment, base, log_path):
        self.log_path = log_path
        with open(log_path, "w") as log:
            self.process = subprocess.Popen([environment.args.vgsales, "serve", "--model_base_path", base,
                                             "--model_name", "vgsales", "--host", "127.0.0.1", "--port", "0"],
                                            stdout=subprocess.DEVNULL, stderr=log)
        self.port = None
        for _ in range(200):
            with open(log_path) as log:
                found = re.search(r"listening on 127\.0\.0\.1:(\d+)", log.read())
            if found:
                self.port = int(found.group(1))
                break
            time.sleep(0.05)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path):
        with urllib.request.urlopen(self.url(path), timeout=60) as response:
            return json.loads(response.read())

    def post(self, path, body):
        request = urllib.request.Request(self.url(path), data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            return {"error": f"HTTP {error.code}: {error.read().decode()}"}

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def raw_columns(model):
    """Each feature's cells as JSON values: text for a categorical feature, a number (null when missing) otherwise."""
    columns = {}
    for feature in model.model["pipeline"]["features"]:
        values = model.feed(feature["name"], "string" if feature["type"] == "categorical" else "float", 1)
        if feature["type"] == "categorical":
            columns[feature["name"]] = [str(value) for value in values]
        else:
            columns[feature["name"]] = [None if math.isnan(value) else float(value) for value in values]
    return columns


def onnx_outputs(model):
    session = onnxruntime.InferenceSession(os.path.join(model.export_dir, "model.onnx"),
                                           providers=["CPUExecutionProvider"])
    feeds = {graph_input.name: model.feed(graph_input.name, "string" if graph_input.type == "tensor(string)"
                                          else "float", 1) for graph_input in session.get_inputs()}
    names = [output.name for output in session.get_outputs()]
    return dict(zip(names, (np.asarray(value).reshape(-1) for value in session.run(names, feeds))))


def predict_all(report, server, model, columns, signature, columnar):
    """Every row through :predict in batches; returns {output name: values}, or None after reporting an error."""
    rows = len(next(iter(columns.values())))
    names = list(columns)
    outputs = {}
    for start in range(0, rows, BATCH_ROWS):
        stop = min(rows, start + BATCH_ROWS)
        if columnar:
            body = {"inputs": {name: columns[name][start:stop] for name in names}}
        else:
            body = {"instances": [{name: columns[name][r] for name in names} for r in range(start, stop)]}
        if signature:
            body["signature_name"] = signature
        answer = server.post("/v1/models/vgsales:predict", body)
        if not report.check("error" not in answer, f"{model.label}: {signature or 'default'} "
                                                   f"{'columnar' if columnar else 'row'} request failed: "
                                                   f"{answer.get('error', '')[:300]}"):
            return None
        if signature == "interval":
            if columnar:
                for name, values in answer["outputs"].items():
                    outputs.setdefault(name, []).extend(values)
            else:
                for prediction in answer["predictions"]:
                    for name, value in prediction.items():
                        outputs.setdefault(name, []).append(value)
        else:
            values = answer["outputs" if columnar else "predictions"]
            outputs.setdefault(model.output_name, []).extend(value[0] for value in values)
    return {name: np.array(values, dtype=np.float64) for name, values in outputs.items()}


def predict_encoded_all(report, server, model, columnar):
    """Every row's encoded layout (from tests/export/encoded_rows.py, the independent encoder) through the `encoded`
    signature in batches; returns the estimates, or None after reporting an error."""
    estimates = []
    for start in range(0, len(model.encoded), BATCH_ROWS):
        rows = [[float(value) for value in row] for row in model.encoded[start:start + BATCH_ROWS]]
        body = {"inputs": {"input": rows}} if columnar else {"instances": rows}
        body["signature_name"] = "encoded"
        answer = server.post("/v1/models/vgsales:predict", body)
        if not report.check("error" not in answer, f"{model.label}: encoded {'columnar' if columnar else 'row'} "
                                                   f"request failed: {answer.get('error', '')[:300]}"):
            return None
        estimates.extend(value[0] for value in answer["outputs" if columnar else "predictions"])
    return np.array(estimates, dtype=np.float64)


def check_metadata(report, server, model):
    """The metadata route's signatures are saved_model.pb's: keys, input and output names, dtypes and shapes."""
    from tensorflow.core.protobuf import saved_model_pb2
    from tensorflow.core.framework import types_pb2
    saved_model = saved_model_pb2.SavedModel()
    with open(os.path.join(model.export_dir, "saved_model.pb"), "rb") as handle:
        saved_model.ParseFromString(handle.read())

    def describe(info):
        return {"dtype": types_pb2.DataType.Name(info.dtype),
                "shape": [str(dim.size) for dim in info.tensor_shape.dim], "name": info.name}

    exported = {key: {"inputs": {name: describe(info) for name, info in signature.inputs.items()},
                      "outputs": {name: describe(info) for name, info in signature.outputs.items()},
                      "method_name": signature.method_name}
                for key, signature in saved_model.meta_graphs[0].signature_def.items()}
    served = {key: {"inputs": {name: {"dtype": info["dtype"], "shape": [dim["size"] for dim in info["tensor_shape"]["dim"]],
                                      "name": info["name"]} for name, info in signature["inputs"].items()},
                    "outputs": {name: {"dtype": info["dtype"], "shape": [dim["size"] for dim in info["tensor_shape"]["dim"]],
                                       "name": info["name"]} for name, info in signature["outputs"].items()},
                    "method_name": signature["method_name"]}
              for key, signature in server.get("/v1/models/vgsales/metadata")["metadata"]["signature_def"]
              ["signature_def"].items()}
    report.check(served == exported, f"{model.label}: the metadata route's signatures differ from saved_model.pb's:\n"
                                     f"  served   {json.dumps(served, sort_keys=True)[:1500]}\n"
                                     f"  exported {json.dumps(exported, sort_keys=True)[:1500]}")
    report.measured(f"{model.label}: metadata route lists the SavedModel's signatures {sorted(exported)}")


def check_model(report, environment, model):
    server = Server(environment, model.export_base, os.path.join(environment.work, model.label + "-serve.log"))
    try:
        if not report.check(server.port is not None, f"{model.label}: vgsales serve did not start"):
            return
        check_metadata(report, server, model)
        columns = raw_columns(model)
        exported = onnx_outputs(model)
        signatures = ["", "rows"] + (["interval"] if model.has_interval else [])
        for signature in signatures:
            for columnar in (False, True):
                answers = predict_all(report, server, model, columns, signature, columnar)
                if answers is None:
                    continue
                what = f"{model.label}: serve {signature or 'serving_default'} {'columnar' if columnar else 'rows'}"
                expected_names = model.interval_outputs() if signature == "interval" else [model.output_name]
                report.check(sorted(answers) == expected_names, f"{what}: outputs {sorted(answers)}, "
                                                                f"expected {expected_names}")
                for name in sorted(set(answers) & set(expected_names)):
                    floor = None if name == model.output_name else INTERVAL_FLOOR
                    compare_predictions(report, f"{what} '{name}'", answers[name], exported[name], floor,
                                        "ONNX Runtime on model.onnx")
                    compare_predictions(report, f"{what} '{name}'", answers[name],
                                        model.expected_outputs[name], floor)
        for columnar in (False, True):
            estimates = predict_encoded_all(report, server, model, columnar)
            if estimates is None:
                continue
            what = f"{model.label}: serve encoded {'columnar' if columnar else 'rows'}"
            compare_predictions(report, what, estimates, exported[model.output_name], None,
                                "ONNX Runtime on model.onnx")
            compare_predictions(report, what, estimates, model.expected_outputs[model.output_name], None)
    finally:
        server.stop()


def main():
    environment = Environment()
    environment.require_data(*(job.train_csv for job in MODEL_JOBS))
    environment.fresh_work()
    report = Report()
    for job in MODEL_JOBS:
        check_model(report, environment, ModelUnderTest(environment, job))
    report.finish()


if __name__ == "__main__":
    main()
