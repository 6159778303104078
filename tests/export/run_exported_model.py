"""Independent checker for the export tests: runs an exported file in a third-party engine.

usage: run_exported_model.py ENGINE MODEL_FILE ROWS_FILE
  ENGINE     onnx-check  (onnx.checker full check, then OpenCV's ONNX importer)
             opencv-tf   (OpenCV's TensorFlow importer on frozen_graph.pb)
             torchscript (torch.jit.load on model.pt)
  ROWS_FILE  whitespace-separated float rows, one per line
Prints one prediction per line; exits non-zero with the reason on stderr.
"""
import sys

import numpy as np


def main():
    engine, model_file, rows_file = sys.argv[1:4]
    rows = np.loadtxt(rows_file, dtype=np.float32, ndmin=2)
    if engine == "onnx-check":
        import onnx
        import cv2
        model = onnx.load(model_file)
        onnx.checker.check_model(model, full_check=True)
        net = cv2.dnn.readNetFromONNX(model_file)
        net.setInput(rows)
        out = net.forward()
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
