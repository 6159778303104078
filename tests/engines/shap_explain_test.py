"""`vgsales explain` against the shap package: exact interventional Shapley values of the exported raw-row ONNX model.

For the reference model (50 rows of its test file) and the real-table model (200 rows of the table), shap's exact
explainer (shap.explainers.Exact) with the model's own background.csv as its masker (shap.maskers.Independent,
max_samples = every background row, so nothing is subsampled) explains model.onnx run by ONNX Runtime; its values
must equal `vgsales explain --format csv` within 1e-4 x max(|estimate|, 1), for the mean and, where the model has
one, the median. shap sees each column as integer codes that the wrapped model turns back into the raw cells (text
for a categorical input, a float with NaN for a missing cell): Shapley values per column do not depend on how a
column's values are spelled, and shap's maskers then handle text columns like any other.
"""
import csv
import math
import os

import numpy as np

from engine_jobs import REAL_TABLE, REFERENCE, Environment, Report

import onnxruntime  # noqa: E402
import shap  # noqa: E402

TOLERANCE = 1e-4  # x max(|estimate|, 1), the bound
ROWS = {REFERENCE.name: 50, REAL_TABLE.name: 200}


def read_csv(path):
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


class CodedOnnxModel:
    """model.onnx as a function of integer codes per column, for shap."""

    def __init__(self, export_dir, model_json, vocabulary):
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(os.path.join(export_dir, "model.onnx"), options,
                                                    providers=["CPUExecutionProvider"])
        self.features = [feature["name"] for feature in model_json["pipeline"]["features"]]
        self.inputs = {graph_input.name: graph_input for graph_input in self.session.get_inputs()}
        self.missing = {spelling.lower() for spelling in model_json["pipeline"]["missing_values"]}
        self.vocabulary = vocabulary  # per column, code -> raw cell text

    def feeds(self, codes):
        feeds = {}
        for column, name in enumerate(self.features):
            cells = [self.vocabulary[column][int(code)] for code in codes[:, column]]
            graph_input = self.inputs[name]
            if graph_input.type == "tensor(string)":
                values = np.array(cells, dtype=object)
            else:
                values = np.array([math.nan if cell.strip().lower() in self.missing else float(cell) for cell in cells],
                                  dtype=np.float32)
            feeds[name] = values.reshape(-1, 1) if len(graph_input.shape) == 2 else values
        return feeds

    def output(self, name):
        def predict(codes):
            return np.asarray(self.session.run([name], self.feeds(np.asarray(codes)))[0], dtype=np.float64).reshape(-1)
        return predict


def encode(rows, features, vocabulary_index):
    coded = np.zeros((len(rows), len(features)), dtype=np.float64)
    for r, row in enumerate(rows):
        for column, name in enumerate(features):
            index = vocabulary_index[column]
            coded[r, column] = index.setdefault(row[name].strip(), len(index))
    return coded


def check_job(report, environment, job):
    root = os.path.join(environment.work, job.name)
    model_dir, export_base = os.path.join(root, "model"), os.path.join(root, "export")
    environment.train(job, model_dir, ["--no-logs"])
    environment.vgsales("export", "--model", model_dir, "--out", export_base, "--format", "onnx", "--version", "1")
    export_dir = os.path.join(export_base, "1")
    report.check(os.path.exists(os.path.join(export_dir, "background.csv")), f"{job.name}: the export lacks background.csv")
    import json
    with open(os.path.join(model_dir, "model.json")) as handle:
        model_json = json.load(handle)
    features = [feature["name"] for feature in model_json["pipeline"]["features"]]
    names, table = read_csv(os.path.join(environment.data, job.rows_csv))
    rows = table[:ROWS[job.name]]
    rows_csv = os.path.join(root, "rows.csv")
    with open(rows_csv, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=names)
        writer.writeheader()
        writer.writerows(rows)
    _, background = read_csv(os.path.join(model_dir, "background.csv"))
    index = [dict() for _ in features]
    background_codes = encode(background, features, index)
    row_codes = encode(rows, features, index)
    vocabulary = [{code: text for text, code in column.items()} for column in index]
    model = CodedOnnxModel(export_dir, model_json, vocabulary)

    explained_csv = os.path.join(root, "explained.csv")
    environment.vgsales("explain", "--model", model_dir, "--input", rows_csv, "--format", "csv", "--output", explained_csv)
    _, explained = read_csv(explained_csv)
    outputs = {"mean": model_json["output_name"], "median": model_json["output_name"] + "_median"}
    masker = shap.maskers.Independent(background_codes, max_samples=len(background_codes))
    for output_name in sorted({row["output"] for row in explained}):
        ours = [row for row in explained if row["output"] == output_name]
        report.check(len(ours) == len(rows), f"{job.name}: explain gave {len(ours)} {output_name} rows for {len(rows)}")
        explainer = shap.explainers.Exact(model.output(outputs[output_name]), masker)
        theirs = explainer(row_codes)
        worst = 0.0
        for r, row in enumerate(ours):
            estimate = float(row["estimate"])
            scale = max(abs(estimate), 1.0)
            report.check(abs(theirs.base_values[r] - float(row["baseline"])) <= TOLERANCE * scale,
                         f"{job.name} {output_name} row {r}: baseline {row['baseline']}, shap {theirs.base_values[r]}")
            total = float(row["baseline"])
            for column, name in enumerate(features):
                difference = abs(float(row[name]) - theirs.values[r, column])
                worst = max(worst, difference / scale)
                report.check(difference <= TOLERANCE * scale,
                             f"{job.name} {output_name} row {r} column {name}: vgsales {row[name]}, shap "
                             f"{theirs.values[r, column]}")
                total += float(row[name])
            report.check(abs(total - estimate) <= 1e-5 * scale,
                         f"{job.name} {output_name} row {r}: baseline + attributions {total} != estimate {estimate}")
        report.measured(f"{job.name} {output_name}: {len(ours)} rows x {len(features)} columns, largest difference "
                        f"from shap {worst:.2e} x max(|estimate|, 1)")


def main():
    environment = Environment()
    environment.require_data(REFERENCE.train_csv, REAL_TABLE.train_csv)
    environment.fresh_work()
    report = Report()
    print(f"shap {shap.__version__}, ONNX Runtime {onnxruntime.__version__}")
    for job in (REFERENCE, REAL_TABLE):
        check_job(report, environment, job)
    report.finish()


if __name__ == "__main__":
    main()
