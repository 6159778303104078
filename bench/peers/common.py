"""Shared by the peer scripts: the reference job's data preparation, done the way vgsales does it.

Min-max scaling fitted on the training file only, for the features and the target; RMSE in dollars on the test file.
"""
import argparse
import json
import sys

import numpy as np
import pandas as pd


def reference_job_arguments():
    """The command line every peer takes: TRAIN.csv TEST.csv TARGET OUT_DIR [--seed S] [--epochs E] [--batch-size B]."""
    parser = argparse.ArgumentParser()
    parser.add_argument("train"), parser.add_argument("test"), parser.add_argument("target"), parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=32)
    return parser


def load_reference_job(train_csv, test_csv, target):
    train = pd.read_csv(train_csv, dtype=np.float32)
    test = pd.read_csv(test_csv, dtype=np.float32)
    features = [c for c in train.columns if c != target]
    x_train, y_train = train[features].to_numpy(), train[target].to_numpy()
    x_test, y_test = test[features].to_numpy(), test[target].to_numpy()
    low, high = x_train.min(axis=0), x_train.max(axis=0)
    scale = np.where(high > low, 1.0 / np.maximum(high - low, 1e-30), 1.0).astype(np.float32)
    y_low, y_range = float(y_train.min()), float(y_train.max() - y_train.min())
    prepared = {
        "x_train": ((x_train - low) * scale).astype(np.float32),
        "y_train": ((y_train - y_low) / y_range).astype(np.float32),
        "x_test": ((x_test - low) * scale).astype(np.float32),
        "y_test": y_test.astype(np.float64),
        "y_test_scaled": ((y_test - y_low) / y_range).astype(np.float32),  # for a per-epoch test loss
    }
    return prepared, (lambda scaled: np.asarray(scaled, dtype=np.float64) * y_range + y_low)


def rmse(predicted, actual):
    return float(np.sqrt(np.mean((np.asarray(predicted, dtype=np.float64).ravel() - actual) ** 2)))


def report(**figures):
    json.dump(figures, sys.stdout)
    sys.stdout.write("\n")
