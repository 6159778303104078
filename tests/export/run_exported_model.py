"""Independent checker for the export tests: runs an exported file in a third-party engine.

usage: run_exported_model.py ENGINE MODEL_FILE ROWS_FILE
  ENGINE     onnx-check       (onnx.checker full check, then OpenCV's ONNX importer on model.encoded.onnx)
             opencv-tf        (OpenCV's TensorFlow importer on frozen_graph.encoded.pb)
             torchscript      (torch.jit.load on model.pt, forward on the encoded rows)
             torchscript-rows (torch.jit.load on model.pt, forward_rows on a CSV's raw columns; ROWS_FILE is the CSV
                               and the features come from the model.json inside model.pt)
             torchscript-interval (as torchscript-rows, through interval_rows: prints the mean, the median, the
                               lower and the upper bound of each row, one row per line)
  ROWS_FILE  whitespace-separated float rows, one per line (a CSV file for torchscript-rows)
Prints one prediction per line; exits non-zero with the reason on stderr.
"""
import csv
import json
import math
import sys

import numpy as np


def raw_columns(model_json, csv_file):
    """forward_rows' arguments from a CSV: categorical features' cells as text, the others as floats (NaN for a
    missing spelling, compared ignoring case as model.json's missing_values are)."""
    pipeline = model_json["pipeline"]
    missing = {spelling.lower() for spelling in pipeline["missing_values"]}
    with open(csv_file, newline="") as handle:
        rows = list(csv.DictReader(handle))
    text, numbers = {}, {}
    for feature in pipeline["features"]:
        cells = [row[feature["name"]] for row in rows]
        if feature["type"] == "categorical":
            text[feature["name"]] = cells
        else:
            numbers[feature["name"]] = [math.nan if cell.strip().lower() in missing else float(cell) for cell in cells]
    return text, numbers


def main():
    engine, model_file, rows_file = sys.argv[1:4]
    if engine in ("torchscript-rows", "torchscript-interval"):
        import torch
        extra = {"model.json": ""}
        module = torch.jit.load(model_file, _extra_files=extra)
        module.eval()
        model_json = json.loads(extra["model.json"])
        text, numbers = raw_columns(model_json, rows_file)
        with torch.no_grad():
            if engine == "torchscript-rows":
                columns = [module.forward_rows(text, numbers).numpy()]
            else:
                out = module.interval_rows(text, numbers)
                name = model_json["output_name"]
                columns = [out[name + suffix].numpy() for suffix in ("", "_median", "_lower", "_upper")]
        for row in np.hstack([np.asarray(c, dtype=np.float64).reshape(-1, 1) for c in columns]):
            print(" ".join(repr(float(value)) for value in row))
        return
    rows = np.loadtxt(rows_file, dtype=np.float32, ndmin=2)
    if engine == "onnx-check":
        import onnx
        import cv2
        model = onnx.load(model_file)
        onnx.checker.check_model(model, full_check=True)
        net = cv2.dnn.readNetFromONNX(model_file)
        net.setInput(rows)
        # The first graph output is the mean; a model with an interval has three more, and forward() without a name
        # answers the last layer OpenCV builds.
        out = net.forward(model.graph.output[0].name)
    elif engine == "opencv-tf":
        import cv2
        net = cv2.dnn.readNetFromTensorflow(model_file)
        net.setInput(rows)
        out = net.forward()
    elif engine == "torchscript":
        import torch
        module = torch.jit.load(model_file)
        module.eval()
        with torch.no_grad():
            out = module(torch.from_numpy(rows)).numpy()
    else:
        sys.exit(f"unknown engine {engine}")
    out = np.asarray(out, dtype=np.float64).reshape(len(rows), -1)
    if out.shape[1] != 1:
        sys.exit(f"expected one output per row, got shape {out.shape}")
    for value in out[:, 0]:
        print(repr(float(value)))


if __name__ == "__main__":
    main()
