"""The two accuracy tables of bench/accuracy, and their metrics, shared by the benchmark and the research scripts.

vgsales: five 80/20 splits of real/vgsales.csv, made with scikit-learn's train_test_split(test_size=0.2,
random_state=s) for s = 1..5 after dropping Rank, Name and the regional sales (they add up to the target).
The reference job: sales_data_training.csv / sales_data_test.csv, target total_earnings, seeds 42-46.
"""
import os

import numpy as np
import pandas as pd
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "data"))

VGSALES_TARGET = "Global_Sales"
VGSALES_DROPPED = ["Rank", "Name", "NA_Sales", "EU_Sales", "JP_Sales", "Other_Sales"]
VGSALES_SPLITS = [1, 2, 3, 4, 5]
REFERENCE_TARGET = "total_earnings"
REFERENCE_SEEDS = [42, 43, 44, 45, 46]
# The spellings vgsales treats as missing by default (--na-values), so both sides read the same cells.
MISSING_SPELLINGS = ["", "NA", "N/A", "NaN", "null", "tbd"]


def data_dir(path=None):
    return os.path.abspath(path or os.environ.get("VGSALES_DATA", DEFAULT_DATA))


def vgsales_text(data=None):
    """The real table as text cells, exactly as in the file, without the dropped columns."""
    frame = pd.read_csv(os.path.join(data_dir(data), "real", "vgsales.csv"), dtype=str, keep_default_na=False)
    return frame.drop(columns=VGSALES_DROPPED)


def typed(text_frame, target):
    """Text cells to values: missing spellings become NaN, numeric-looking columns become floats."""
    frame = text_frame.replace({s: np.nan for s in MISSING_SPELLINGS})
    for column in frame.columns:
        converted = pd.to_numeric(frame[column], errors="coerce")
        present = frame[column].notna()
        if converted[present].notna().mean() > 0.5:  # mostly numbers: numeric, as vgsales infers it
            frame[column] = converted
    frame[target] = frame[target].astype(np.float64)
    return frame


def vgsales_split(split_seed, data=None):
    """(train_text, test_text) for one of the five splits: text frames with the target column."""
    text = vgsales_text(data)
    train, test = train_test_split(text, test_size=0.2, random_state=split_seed)
    return train, test


def reference_tables(data=None):
    root = data_dir(data)
    return (pd.read_csv(os.path.join(root, "sales_data_training.csv")),
            pd.read_csv(os.path.join(root, "sales_data_test.csv")))


def point_metrics(predicted, actual):
    predicted = np.asarray(predicted, dtype=np.float64).ravel()
    actual = np.asarray(actual, dtype=np.float64).ravel()
    error = predicted - actual
    return {"rmse": float(np.sqrt(np.mean(error ** 2))), "mae": float(np.mean(np.abs(error))),
            "r2": float(r2_score(actual, predicted))}


def interval_metrics(lower, upper, actual):
    lower, upper = np.asarray(lower, dtype=np.float64).ravel(), np.asarray(upper, dtype=np.float64).ravel()
    actual = np.asarray(actual, dtype=np.float64).ravel()
    return {"coverage": float(np.mean((actual >= lower) & (actual <= upper))), "width": float(np.mean(upper - lower))}
