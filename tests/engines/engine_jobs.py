"""Shared by the engine tests: the vgsales jobs they check, and how a check reports.

Every test script takes the same arguments (tests/engines/CMakeLists.txt passes them):
  --vgsales BINARY   the vgsales program under test
  --data DIR         the reference data (../shared/data); absent -> the test is skipped
  --work DIR         a scratch folder of this test, emptied first
and trains, exports and predicts with the real `vgsales` binary, so the engines see what a user's files hold.
"""
import argparse
import csv
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "export"))
from encoded_rows import encode_csv  # noqa: E402  (the independent client-side encoder)

SKIPPED = 77  # CTest's SKIP_RETURN_CODE for these tests
RELATIVE_TOLERANCE = 1e-5  # engines vs `vgsales predict`: float32 all the way, different summation orders


class ModelJob:
    """One model the engines must agree on: how `vgsales train` makes it and which rows it predicts.

    interval: for a model trained without one, calibrated-interval offsets written into its model.json after
    training (add_interval), so the exports' interval outputs are checked before every trained model has them.
    """

    def __init__(self, name, train_csv, target, train_flags, rows_csv, interval=None):
        self.name, self.train_csv, self.target, self.train_flags, self.rows_csv = (
            name, train_csv, target, train_flags, rows_csv)
        self.interval = interval


# The reference job at its default settings, and the real-world table in a few epochs (the engines check the
# encoding and the arithmetic, not how well it learnt).
REFERENCE = ModelJob("reference", "sales_data_training.csv", "total_earnings", [], "sales_data_test.csv")
REAL_TABLE = ModelJob("real-table", "real/vgsales.csv", "Global_Sales",
                      ["--drop", "Rank,Name,NA_Sales,EU_Sales,JP_Sales,Other_Sales", "--epochs", "3"],
                      "real/vgsales.csv")
# The real table again with an interval (median and bounds as offsets of the log1p output, in the network's
# scaled units), so every raw-row export's interval outputs meet `vgsales predict`'s _median/_lower/_upper columns.
REAL_TABLE_INTERVAL = ModelJob("real-table-interval", "real/vgsales.csv", "Global_Sales",
                               ["--drop", "Rank,Name,NA_Sales,EU_Sales,JP_Sales,Other_Sales", "--epochs", "2"],
                               "real/vgsales.csv",
                               interval={"median_shift": 0.01, "level": 0.8, "lower_shift": -0.05,
                                         "upper_shift": 0.08})
MODEL_JOBS = [REFERENCE, REAL_TABLE, REAL_TABLE_INTERVAL]


def add_interval(model_dir, interval):
    """Writes an interval into model.json's network (model_metadata.cpp's keys) and re-seals SHA256SUMS; a model that
    already has one is left as it is."""
    path = os.path.join(model_dir, "model.json")
    with open(path) as handle:
        model = json.load(handle)
    network = model["network"]
    if "interval" in network:
        return
    network["median_shift"] = interval["median_shift"]
    network["interval"] = {"level": interval["level"], "lower_shift": interval["lower_shift"],
                           "upper_shift": interval["upper_shift"], "calibration_rows": 0,
                           "calibration": "set by tests/engines"}
    with open(path, "w") as handle:
        json.dump(model, handle, indent=2)
    sums_path = os.path.join(model_dir, "SHA256SUMS")
    lines = []
    with open(sums_path) as handle:
        for line in handle:
            digest, name = line.rstrip("\n").split("  ", 1)
            if name == "model.json":
                with open(path, "rb") as model_file:
                    digest = hashlib.sha256(model_file.read()).hexdigest()
            lines.append(f"{digest}  {name}\n")
    with open(sums_path, "w") as handle:
        handle.writelines(lines)


class Report:
    """Collects failures so one run shows every disagreement; prints measured margins as it goes."""

    def __init__(self):
        self.failures = []

    def check(self, condition, message):
        if not condition:
            self.fail(message)
        return condition

    def fail(self, message):
        self.failures.append(message)
        print(f"FAILED: {message}", flush=True)

    @staticmethod
    def measured(message):
        print(f"[ measured ] {message}", flush=True)

    @staticmethod
    def note(message):
        print(f"[ note ] {message}", flush=True)

    def finish(self):
        if self.failures:
            print(f"{len(self.failures)} check(s) failed", flush=True)
            sys.exit(1)
        print("all checks passed", flush=True)
        sys.exit(0)


class Environment:
    def __init__(self, extra_arguments=()):
        parser = argparse.ArgumentParser()
        parser.add_argument("--vgsales", required=True)
        parser.add_argument("--data", required=True)
        parser.add_argument("--work", required=True)
        for name, options in extra_arguments:
            parser.add_argument(name, **options)
        self.args = parser.parse_args()
        self.data = self.args.data
        self.work = self.args.work

    def require_data(self, *relative_paths):
        for relative in relative_paths:
            if not os.path.exists(os.path.join(self.data, relative)):
                print(f"SKIPPED: reference data {os.path.join(self.data, relative)} is absent")
                sys.exit(SKIPPED)

    def fresh_work(self):
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)

    def vgsales(self, *arguments):
        """Runs vgsales; a failure ends the test with its stderr."""
        command = [self.args.vgsales, *arguments]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
        return done.stdout


    def train(self, job, model_dir, flags):
        """`vgsales train` of `job` into model_dir, with extra flags (logging, layers, ...)."""
        self.vgsales("train", "--train", os.path.join(self.data, job.train_csv), "--target", job.target,
                     "--out", model_dir, "--quiet", *job.train_flags, *flags)


class ModelUnderTest:
    """A trained and exported model with the rows to run and what `vgsales predict` says about them."""

    def __init__(self, environment, job):
        self.job = job
        root = os.path.join(environment.work, job.name)
        self.model_dir = os.path.join(root, "model")
        self.export_base = os.path.join(root, "export")
        self.rows_csv = os.path.join(environment.data, job.rows_csv)
        environment.train(job, self.model_dir, ["--no-logs"])
        if job.interval:
            add_interval(self.model_dir, job.interval)
        environment.vgsales("export", "--model", self.model_dir, "--out", self.export_base, "--format", "all",
                            "--version", "1")
        self.export_dir = os.path.join(self.export_base, "1")
        with open(os.path.join(self.model_dir, "model.json")) as handle:
            self.model = json.load(handle)
        self.output_name = self.model["output_name"]
        self.rows_csv = write_rows_with_edge_cases(self.rows_csv, os.path.join(root, "rows.csv"), self.model)
        predictions_csv = os.path.join(root, "predictions.csv")
        environment.vgsales("predict", "--model", self.model_dir, "--input", self.rows_csv, "--output", predictions_csv)
        # The mean, and for a model with an interval its median and bounds: output name -> predict's column.
        self.expected_outputs = {}
        with open(predictions_csv, newline="") as handle:
            reader = csv.DictReader(handle)
            column = f"predicted_{self.model['pipeline']['target']['name']}"
            suffixes = [suffix for suffix in ("", "_median", "_lower", "_upper") if column + suffix in reader.fieldnames]
            values = {suffix: [] for suffix in suffixes}
            for row in reader:
                for suffix in suffixes:
                    values[suffix].append(float(row[column + suffix]))
        for suffix in suffixes:
            self.expected_outputs[self.output_name + suffix] = np.array(values[suffix], dtype=np.float64)
        self.expected = self.expected_outputs[self.output_name]
        # Every job's target is non-negative, so `--target-range auto` records a minimum of 0; predict keeps to it.
        if self.target_range()[0] != 0:
            raise SystemExit(f"{job.name}: model.json records the target range {self.target_range()}, not from 0")
        self.has_interval = len(suffixes) == 4
        with open(self.rows_csv, newline="") as handle:
            reader = csv.DictReader(handle)
            self.columns = {name: [] for name in reader.fieldnames}
            for row in reader:
                for name in reader.fieldnames:
                    self.columns[name].append(row[name])
        self.encoded = np.array(encode_csv(self.model, self.rows_csv), dtype=np.float32)
        self.feature_names = [feature["name"] for feature in self.model["pipeline"]["features"]]
        self.missing_spellings = {spelling.lower() for spelling in self.model["pipeline"]["missing_values"]}

    @property
    def label(self):
        return self.job.name

    def feed(self, input_name, kind, rank):
        """The value an engine's input gets, chosen by the input's name, so new signatures need no new code.

        `input` is the encoded layout [rows, F] (model.json encoded_inputs); a feature's name gets that raw CSV
        column: text for a string input, numbers for a float input with NaN for a missing cell. kind is "float"
        or "string"; rank 1 gives [rows], rank 2 [rows, 1]. Returns None for a name that is neither.
        """
        if input_name == "input":
            return self.encoded
        if input_name not in self.feature_names:
            return None
        cells = self.columns[input_name]
        if kind == "string":
            values = np.array(cells, dtype=object)  # Python str: TensorFlow encodes it as UTF-8
        else:
            values = np.array([math.nan if cell.strip().lower() in self.missing_spellings else float(cell)
                               for cell in cells],
                              dtype=np.float32)
        return values.reshape(-1, 1) if rank == 2 else values

    def compare_outputs(self, report, engine, outputs, floor=None):
        """Compares the mean and every interval output (<output>_median, _lower, _upper) an engine gives with
        `vgsales predict`'s columns (relative to max(|expected|, floor) with a floor); names any other output."""
        if not report.check(self.output_name in outputs,
                            f"{self.label}: {engine} has no output named '{self.output_name}' "
                            f"(outputs: {sorted(outputs)})"):
            return
        for name in sorted(outputs):
            value = np.asarray(outputs[name])
            self.check_target_range(report, f"{self.label}: {engine} output '{name}'", value)
            if name not in self.expected_outputs:
                report.note(f"{self.label}: {engine} output '{name}' shape {value.shape} reported, not compared")
                continue
            compare_predictions(report, f"{self.label}: {engine} output '{name}'", value, self.expected_outputs[name],
                                floor if name == self.output_name else INTERVAL_FLOOR)

    def target_range(self):
        """The range model.json records (format 4: pipeline.target.range; null for an open side)."""
        recorded = self.model["pipeline"]["target"].get("range", {})
        low, high = recorded.get("min"), recorded.get("max")
        return (-math.inf if low is None else low), (math.inf if high is None else high)

    def check_target_range(self, report, what, values):
        """No output of any engine, on any row (unseen and missing cells included), outside the recorded range."""
        low, high = self.target_range()
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        report.measured(f"{what}: lowest {values.min():.6g}, highest {values.max():.6g} (recorded range {low} to "
                        f"{high})")
        report.check(bool(np.all(values >= low)) and bool(np.all(values <= high)),
                     f"{what}: {int(np.sum(values < low))} values below {low} and {int(np.sum(values > high))} "
                     f"above {high}, the recorded target range")

    def interval_outputs(self):
        """The outputs an interval signature must have: the mean, the median and the bounds."""
        return sorted(self.expected_outputs)


def write_rows_with_edge_cases(rows_csv, out_csv, model):
    """rows_csv's rows, then rows that exercise the raw-row encoding: per categorical feature an unseen text, an
    empty cell, a missing spelling in another case and a category in another case (unseen: categories are exact
    text); per numeric feature an empty cell and "NaN". Each edge row is the first row with one cell changed."""
    with open(rows_csv, newline="") as handle:
        reader = csv.DictReader(handle)
        fieldnames = reader.fieldnames
        rows = list(reader)
    base = rows[0]
    spellings = [spelling for spelling in model["pipeline"]["missing_values"] if spelling]
    edge_rows = []
    for feature in model["pipeline"]["features"]:
        name = feature["name"]
        if feature["type"] == "categorical":
            changed = [f"never seen {name} 9", ""]
            if spellings:  # e.g. "nA": the pipeline reads missing spellings ignoring ASCII case
                changed.append("".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(spellings[0])))
            other_case = [category.swapcase() for category in feature["categories"]
                          if category.swapcase() != category and category.swapcase() not in feature["categories"]]
            changed += other_case[:1]
        else:
            changed = ["", "NaN"]
        for cell in changed:
            row = dict(base)
            row[name] = cell
            edge_rows.append(row)
    with open(out_csv, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows + edge_rows)
    return out_csv


# Below this many target units, values are compared by absolute difference (1e-5 x 0.01 = 1e-7) rather than
# relative, for two outputs whose float32 rounding near zero is not the encoding's doing:
#  - the packed variants OpenCV reads (model.encoded.onnx, frozen_graph.encoded.pb) spell expm1 as Exp - 1, ~1e-7
#    off in absolute terms near zero;
#  - an interval bound or median near zero is y * scale + offset with the offset cancelling most of y * scale, so
#    a float32 difference of 1e-7 relative in the network's output (summation order) becomes 1e-4 relative there.
SMALL_VALUE_FLOOR = 0.01
PACKED_VARIANT_FLOOR = SMALL_VALUE_FLOOR
# A bound of a log1p model is expm1(z * scale + offset) with z * scale up to about 5 (log1p of 80 million units): one
# float32 step there is 4.8e-7, so near zero two engines' bounds differ by about 1e-7 absolute whatever they do.
# Compared relative to max(|y|, 0.1): 1e-6 absolute near zero, 1e-5 relative above 0.1.
INTERVAL_FLOOR = 0.1


def compare_predictions(report, what, actual, expected, floor=None, reference="vgsales predict"):
    actual = np.asarray(actual, dtype=np.float64)
    if not report.check(actual.size == expected.size and (actual.ndim == 1 or actual.shape[-1] == 1),
                        f"{what}: shape {actual.shape}, expected {expected.size} rows of one value"):
        return
    actual = actual.reshape(-1)
    relative = np.abs(actual - expected) / np.maximum(np.abs(expected), floor or np.finfo(np.float32).tiny)
    worst = int(np.argmax(relative))
    report.measured(f"{what} vs {reference}: max relative difference {relative[worst]:.3g} "
                    f"over {expected.size} rows")
    report.check(bool(np.all(np.isfinite(actual))), f"{what}: non-finite predictions")
    report.check(relative[worst] <= RELATIVE_TOLERANCE,
                 f"{what}: row {worst} gives {actual[worst]!r}, {reference} {expected[worst]!r} "
                 f"(relative difference {relative[worst]:.3g} > {RELATIVE_TOLERANCE})")


def quiet_tensorflow():
    """TensorFlow's C++ info lines (oneDNN, CPU features) would bury the test's own output."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
