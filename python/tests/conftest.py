"""Shared fixtures: the reference data, the CLI built beside the package, small tables, scratch folders."""
import os
import pathlib
import shutil
import socket
import subprocess

import numpy as np
import pandas as pd
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def data_dir():
    """The reference data (../shared/data beside the repository); the tests that need it skip without it."""
    path = pathlib.Path(os.environ.get("VGSALES_DATA", ROOT.parent / "shared" / "data"))
    if not (path / "sales_data_training.csv").exists():
        pytest.skip(f"the reference data {path} is absent")
    return path


@pytest.fixture(scope="session")
def vgsales_binary():
    """The CLI of the same checkout (CTest passes it in VGSALES_BINARY), else the one on the PATH."""
    binary = os.environ.get("VGSALES_BINARY") or shutil.which("vgsales")
    if not binary:
        pytest.skip("no vgsales binary: set VGSALES_BINARY (CTest does) or put vgsales on the PATH")
    return binary


def read_csv(path):
    """As the CLI reads numbers: round_trip parses each decimal to the nearest double (pandas' default parser may
    land one bit off), which both sides then round to the same float."""
    return pd.read_csv(path, float_precision="round_trip")


@pytest.fixture(scope="session")
def reference(data_dir):
    train = read_csv(data_dir / "sales_data_training.csv")
    test = read_csv(data_dir / "sales_data_test.csv")
    return train, test


def run_cli(binary, *args):
    result = subprocess.run([binary, *map(str, args)], capture_output=True, text=True)
    assert result.returncode == 0, f"vgsales {' '.join(map(str, args))}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def games(rows=120, seed=0):
    """A small table with categories, missing cells and a skewed target, made here (no data needed)."""
    rng = np.random.default_rng(seed)
    platform = rng.choice(["Wii", "PS4", "DS", "X360"], rows)
    genre = rng.choice(["Action", "Sports", "Puzzle"], rows).astype(object)
    genre[::11] = None
    year = rng.integers(1990, 2016, rows).astype(float)
    year[::7] = np.nan
    price = rng.choice([19.99, 39.99, 59.99], rows)
    sales = 0.5 + (platform == "Wii") * 1.5 + price / 40 + rng.normal(0, 0.1, rows)
    X = pd.DataFrame({"platform": platform, "genre": genre, "year": year, "price": price})
    return X, pd.Series(sales, name="sales")
