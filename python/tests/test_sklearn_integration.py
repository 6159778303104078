"""The estimator where notebooks use it: model selection, pipelines, pickling, DataFrames with categories and
missing cells, errors, TensorBoard logs, the GIL released while training, saving and exporting."""
import os
import pickle
import signal
import threading
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import vgsales
from conftest import games

FAST = dict(epochs=40, members=2, layers=(16, 8), learning_rate=0.01)


def test_cross_val_score_in_two_processes_matches_one():
    X, y = games(150)
    folds = KFold(3, shuffle=True, random_state=0)
    parallel = cross_val_score(vgsales.SalesRegressor(**FAST), X, y, cv=folds, n_jobs=2)
    serial = cross_val_score(vgsales.SalesRegressor(**FAST), X, y, cv=folds, n_jobs=1)
    np.testing.assert_array_equal(parallel, serial)  # a seed gives the same model in any process
    assert np.all(np.isfinite(parallel)) and parallel.mean() > 0.5


def test_grid_search_picks_among_settings_and_refits():
    X, y = games(150)
    search = GridSearchCV(vgsales.SalesRegressor(**FAST), {"learning_rate": [1e-4, 1e-2], "layers": [(8,), (16, 8)]},
                          cv=3)
    search.fit(X, y)
    assert set(search.best_params_) == {"learning_rate", "layers"}
    assert search.best_estimator_.get_params()["learning_rate"] == search.best_params_["learning_rate"]
    assert search.predict(X).shape == (len(X),)


def test_a_pipeline_with_a_column_transformer():
    X, y = games(150)
    X = X.fillna({"genre": "unknown"})
    encode = ColumnTransformer([("categories", OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                                 ["platform", "genre"]), ("numbers", StandardScaler(), ["year", "price"])])
    pipeline = Pipeline([("encode", encode), ("model", vgsales.SalesRegressor(**FAST))]).fit(X, y)
    assert pipeline.score(X, y) > 0.5
    assert pipeline.named_steps["model"].n_features_in_ == encode.transform(X).shape[1]


def test_pickle_round_trip_keeps_the_model_bit_for_bit():
    X, y = games()
    model = vgsales.SalesRegressor(**FAST).fit(X, y)
    copy = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(copy.predict(X), model.predict(X))
    np.testing.assert_array_equal(copy.predict_interval(X)[1], model.predict_interval(X)[1])
    assert copy.get_params() == model.get_params()
    with pytest.raises(Exception, match="not fitted"):
        pickle.loads(pickle.dumps(vgsales.SalesRegressor())).predict(X)


def test_dataframes_keep_categories_and_missing_cells():
    X, y = games()
    model = vgsales.SalesRegressor(**FAST).fit(X, y)
    assert list(model.feature_names_in_) == ["platform", "genre", "year", "price"]
    assert model.n_features_in_ == 4
    types = dict(model._model.features)
    assert types["platform"] == "categorical" and types["year"] == "numeric"
    unseen = X.head(3).assign(platform="Dreamcast", year=np.nan)
    assert np.all(np.isfinite(model.predict(unseen)))
    lower, upper = model.predict_interval(X)
    median = model.predict_median(X)
    assert np.all(lower <= median) and np.all(median <= upper)


def test_an_array_predicts_by_position_with_a_model_fitted_on_a_dataframe():
    X = games()[0][["year", "price"]]
    y = games()[1]
    model = vgsales.SalesRegressor(**FAST).fit(X, y)
    with pytest.warns(UserWarning, match="feature names"):
        by_position = model.predict(X.to_numpy())
    np.testing.assert_array_equal(by_position, model.predict(X))


def test_bad_data_is_a_value_error_naming_column_and_row():
    X, y = games()
    X.loc[3, "price"] = np.inf
    with pytest.raises(ValueError, match=r"X:3: column 'price': value 'inf' is not a finite number"):
        vgsales.SalesRegressor(**FAST).fit(X, y)
    X, y = games()
    model = vgsales.SalesRegressor(**FAST, numeric=["year"]).fit(X, y)
    bad = X.head(5).astype({"year": object})
    bad.loc[4, "year"] = "soon"
    with pytest.raises(ValueError, match=r"X:4: column 'year': value 'soon' is not a number"):
        model.predict(bad)


def test_logdir_writes_tensorboard_event_files(tmp_path):
    X, y = games()
    vgsales.SalesRegressor(**FAST, logdir=tmp_path / "logs", run_name="python").fit(X, y)
    events = [name for _, _, files in os.walk(tmp_path / "logs" / "python") for name in files
              if name.startswith("events.out.tfevents.")]
    assert events, "no event files"


def test_training_releases_the_gil():
    """Another thread keeps running Python while a fit trains: its longest pause is a small part of the fit's time
    (were the GIL held through training, it would pause for about all of it)."""
    X, y = games(2000)
    ticks = []
    done = threading.Event()

    def train():
        vgsales.SalesRegressor(epochs=30, members=3, early_stopping=0).fit(X, y)
        done.set()

    worker = threading.Thread(target=train)
    started = time.perf_counter()
    worker.start()
    while not done.is_set():
        ticks.append(time.perf_counter())
    worker.join()
    training = time.perf_counter() - started
    longest_pause = max(np.diff([started] + ticks + [time.perf_counter()]))
    assert training > 0.3, f"the fit took {training:.2f} s: too short to tell"
    assert longest_pause < training / 2, f"Python paused {longest_pause:.2f} s of a {training:.2f} s fit"


def test_ctrl_c_stops_training_with_keyboard_interrupt():
    """SIGINT during fit (a notebook's interrupt) stops training after the batch, as `vgsales train` does, and fit
    raises KeyboardInterrupt; Python's own handler is back afterwards."""
    X, y = games(2000)
    model = vgsales.SalesRegressor(epochs=1000, members=2, early_stopping=0)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt, match="training interrupted after") as interrupted:
        model.fit(X, y)
    assert int(str(interrupted.value).split("after ")[1].split()[0]) < 1000
    assert not hasattr(model, "n_features_in_")  # left unfitted, as it was
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_save_and_load_round_trip(tmp_path):
    X, y = games()
    model = vgsales.SalesRegressor(**FAST, random_state=3).fit(X, y)
    model.save(tmp_path / "model")
    assert {"model.json", "model.safetensors", "SHA256SUMS"} <= set(os.listdir(tmp_path / "model"))
    loaded = vgsales.load(tmp_path / "model")
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.get_params()["random_state"] == 3 and loaded.get_params()["layers"] == (16, 8)
    (tmp_path / "model" / "model.safetensors").write_bytes(b"damaged")
    with pytest.raises(ValueError, match="SHA256SUMS|checksum"):
        vgsales.load(tmp_path / "model")


def test_export_writes_a_savedmodel_and_onnx_version(tmp_path):
    X, y = games()
    model = vgsales.SalesRegressor(**FAST).fit(X, y)
    first = model.export(tmp_path / "exports")
    second = model.export(tmp_path / "exports", formats="onnx")
    assert (first["version"], second["version"]) == (1, 2)
    assert {"saved_model.pb", "model.onnx", "model.json", "SHA256SUMS"} <= set(first["files"])
    np.testing.assert_array_equal(vgsales.load(first["folder"]).predict(X), model.predict(X))
    with pytest.raises(ValueError, match="unknown export format 'tflite'"):
        model.export(tmp_path / "exports", formats="tflite")
