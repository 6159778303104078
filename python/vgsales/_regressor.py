"""SalesRegressor: scikit-learn's estimator API over the C++ core that `vgsales train` and `vgsales predict` run."""
import os
import tempfile

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import check_array, column_or_1d
from sklearn.utils.validation import check_consistent_length, check_is_fitted, validate_data

from vgsales import _core

# The training settings are declared once, in C++ (training_setting_declarations()); each is a keyword of
# SalesRegressor named as its flag with underscores (--batch-size is batch_size), but --seed, which scikit-learn
# calls random_state. tests/test_settings.py fails when a declared setting has no keyword or another default.
_RENAMED = {"--seed": "random_state"}


def _parameter_of(flag):
    return _RENAMED.get(flag, flag.lstrip("-").replace("-", "_"))


def setting_parameters():
    """Every training setting as {keyword: its declaration}, in the CLI's order."""
    return {_parameter_of(d["flag"]): d for d in _core.setting_declarations()}


def _flag_text(name, value):
    """A keyword's value as the CLI flag's text (the C++ side parses and checks it with the CLI's messages)."""
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise ValueError(f"{name}={value!r}: expected a number or a word")
    if isinstance(value, (tuple, list, np.ndarray)):
        return ",".join(str(int(v)) for v in value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(value)


def _cell_text(value):
    """A cell of a text column: None where missing, else its text (a number as its shortest text, 3.0 as "3")."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return None
        return str(int(value)) if float(value).is_integer() and abs(value) < 2**53 else repr(float(value))
    return str(value)


def _frame_columns(frame):
    """A DataFrame as (name, cells): numeric and boolean columns as float64 arrays (NaN missing), the rest as text."""
    columns = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
            cells = np.ascontiguousarray(series.to_numpy(dtype=np.float64, na_value=np.nan))
        else:
            cells = [_cell_text(v) for v in series.to_numpy(dtype=object)]
        columns.append((str(name), cells))
    return columns


def _array_columns(X):
    """A 2-D float array as columns x0, x1, ...: the names a model fitted on an array knows its features by."""
    return [(f"x{i}", np.ascontiguousarray(X[:, i], dtype=np.float64)) for i in range(X.shape[1])]


class SalesRegressor(RegressorMixin, BaseEstimator):
    """An ensemble of dense networks, trained and run by vgsales' C++ core: `vgsales train` as an estimator.

    Every training setting is a keyword named as its CLI flag (docs/commands/train.md) with underscores, with the
    CLI's default; `random_state` is --seed. The column keywords (categorical, numeric, drop, na_values,
    output_name) are the CLI's flags of those names; logdir writes TensorBoard logs as --logdir does.
    """

    def __init__(
        self,
        *,
        epochs=50,
        batch_size=32,
        learning_rate=0.001,
        random_state=42,
        threads=1,
        early_stopping=10,
        test_split=0.0,
        members=5,
        interval=0.8,
        min_category_rows=10,
        max_categories=1000,
        background_rows=64,
        layers=(50, 100, 50),
        validation_split="auto",
        target_transform="auto",
        input_scaling="standard",
        median="auto",
        mean_correction="least-squares",
        target_range="auto",
        target_units="auto",
        target_label="",
        categorical=None,
        numeric=None,
        drop=None,
        na_values=None,
        output_name=None,
        logdir=None,
        run_name=None,
        histogram_freq=5,
        image_freq=10,
    ):
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.random_state = random_state
        self.threads = threads
        self.early_stopping = early_stopping
        self.test_split = test_split
        self.members = members
        self.interval = interval
        self.min_category_rows = min_category_rows
        self.max_categories = max_categories
        self.background_rows = background_rows
        self.layers = layers
        self.validation_split = validation_split
        self.target_transform = target_transform
        self.input_scaling = input_scaling
        self.median = median
        self.mean_correction = mean_correction
        self.target_range = target_range
        self.target_units = target_units
        self.target_label = target_label
        self.categorical = categorical
        self.numeric = numeric
        self.drop = drop
        self.na_values = na_values
        self.output_name = output_name
        self.logdir = logdir
        self.run_name = run_name
        self.histogram_freq = histogram_freq
        self.image_freq = image_freq

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # a missing cell is imputed, with a missing indicator (the feature contract)
        tags.non_deterministic = False  # a seed gives bit-identical models (threads=1)
        return tags

    # --- training ------------------------------------------------------------------------------------------------

    def _training_request(self, target, source):
        settings = {}
        for name, declaration in setting_parameters().items():
            settings[declaration["flag"]] = _flag_text(name, getattr(self, name))
        lists = {key: list(getattr(self, key) or []) for key in ("categorical", "numeric", "drop", "na_values")}
        return dict(
            source=source,
            target=target,
            settings=settings,
            output_name=self.output_name or "",
            logdir=None if self.logdir is None else os.fspath(self.logdir),
            run_name=self.run_name or "",
            histogram_freq=int(self.histogram_freq),
            image_freq=int(self.image_freq),
            **lists,
        )

    def _training_columns(self, X, y):
        """X and y validated as scikit-learn expects, as the columns the training job reads (the target last)."""
        if isinstance(X, pd.DataFrame):
            validate_data(self, X, skip_check_array=True, reset=True)
            y_values = column_or_1d(check_array(y, ensure_2d=False, dtype=np.float64, input_name="y"), warn=True)
            check_consistent_length(X, y_values)
            if X.shape[0] < 2:
                raise ValueError(f"Found array with {X.shape[0]} sample(s) while a minimum of 2 is required.")
            columns = (_frame_columns(X) if hasattr(self, "feature_names_in_")
                       else _array_columns(check_array(X, dtype=np.float64, ensure_all_finite="allow-nan")))
        else:
            X, y_values = validate_data(self, X, y, dtype=np.float64, ensure_all_finite="allow-nan", y_numeric=True,
                                        ensure_min_samples=2)
            columns = _array_columns(X)
        target = y.name if isinstance(y, pd.Series) and isinstance(y.name, str) and y.name else "y"
        if target in {name for name, _ in columns}:
            raise ValueError(f"the target's name '{target}' is also a column of X; rename y")
        return columns + [(target, np.ascontiguousarray(y_values, dtype=np.float64))], target

    def fit(self, X, y):
        """Trains the ensemble on X (a DataFrame: text columns as categories, NaN missing; or a 2-D array) and y, as
        `vgsales train` does on the same table; the GIL is released while it trains."""
        before = dict(self.__dict__)
        try:
            columns, target = self._training_columns(X, y)
            with tempfile.TemporaryDirectory(prefix="vgsales-fit-") as scratch:
                model_dir = os.path.join(scratch, "model")
                report = _core.train(columns, self._training_request(target, "X") | {"out_dir": model_dir})
                self._adopt(model_dir)
        except BaseException:  # bad data, bad settings, Ctrl-C: the estimator stays as it was
            self.__dict__.clear()
            self.__dict__.update(before)
            raise
        self.training_notices_ = list(report["notices"])
        return self

    def _adopt(self, model_dir):
        """Keeps a model directory's bytes (what save and pickle write) and its loaded predictor."""
        files = {}
        for name in sorted(os.listdir(model_dir)):
            path = os.path.join(model_dir, name)
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    files[name] = f.read()
        self._model = _core.Model.load(model_dir)
        self._model_files = files
        self.features_ = [name for name, _ in self._model.features]
        self.target_ = self._model.target
        self.has_interval_ = self._model.has_interval

    # --- prediction ----------------------------------------------------------------------------------------------

    def _feature_columns(self, X):
        check_is_fitted(self)
        if isinstance(X, pd.DataFrame) and hasattr(self, "feature_names_in_"):
            validate_data(self, X, skip_check_array=True, reset=False)
            by_name = dict(_frame_columns(X[[c for c in X.columns if str(c) in set(self.features_)]]))
        else:  # by position: the names fit saw (an array fitted on a DataFrame's columns), or x0, x1, ...
            X = validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan", reset=False)
            names = getattr(self, "feature_names_in_", None)
            by_name = {str(names[i]) if names is not None else name: cells
                       for i, (name, cells) in enumerate(_array_columns(X))}
        missing = [name for name in self.features_ if name not in by_name]
        if missing:
            raise ValueError(f"X lacks the model's feature(s) {', '.join(missing)}")
        return [by_name[name] for name in self.features_]

    def _estimates(self, X, with_interval):
        columns = self._feature_columns(X)  # checks that the model is fitted first
        return self._model.predict(columns, with_interval)

    def predict(self, X):
        """The estimate of the mean for each row, in the target's units (`vgsales predict`'s predicted_ column)."""
        return self._estimates(X, False)[0]

    def predict_median(self, X):
        """The median estimate for each row (a model with an interval: --interval above 0 and a validation split)."""
        return self._estimates(X, True)[2]

    def predict_interval(self, X):
        """(lower, upper): the calibrated prediction interval's bounds for each row, at the model's `interval`."""
        estimates = self._estimates(X, True)
        return estimates[3], estimates[4]

    # --- files ---------------------------------------------------------------------------------------------------

    def save(self, path):
        """Writes the model directory (model.json, model.safetensors, SHA256SUMS, ...) that `vgsales predict`,
        `serve` and `export` read, atomically: an existing directory is replaced in one step."""
        check_is_fitted(self)
        _core.write_model_directory(os.fspath(path), self._model_files)
        return path

    def export(self, base, formats=("savedmodel", "onnx"), version=None, overwrite=False):
        """`vgsales export`: writes BASE/<version> with the chosen formats (savedmodel, onnx, torchscript or all; the
        TorchScript plugin is not part of the package: set VGSALES_TORCHSCRIPT_PLUGIN to the CLI's). Returns
        {"version", "folder", "files"}."""
        check_is_fitted(self)
        formats = [formats] if isinstance(formats, str) else list(formats)
        with tempfile.TemporaryDirectory(prefix="vgsales-export-") as scratch:
            model_dir = os.path.join(scratch, "model")
            _core.write_model_directory(model_dir, self._model_files)
            return _core.export_model(model_dir, os.fspath(base), formats, version, overwrite)

    def __getstate__(self):
        state = dict(super().__getstate__())  # a copy: object.__getstate__ gives __dict__ itself
        state.pop("_model", None)  # rebuilt from the model directory's bytes
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "_model_files" in state:
            with tempfile.TemporaryDirectory(prefix="vgsales-unpickle-") as scratch:
                model_dir = os.path.join(scratch, "model")
                _core.write_model_directory(model_dir, state["_model_files"])
                self._model = _core.Model.load(model_dir)


def _parameters_from_settings(settings):
    """A model's recorded settings (by flag) as SalesRegressor keywords."""
    parameters = {}
    for name, declaration in setting_parameters().items():
        value = settings[declaration["flag"]]
        if name == "layers":
            value = tuple(int(width) for width in value.split(","))
        elif name == "validation_split" and value != "auto":
            value = float(value)
        parameters[name] = value
    return parameters


def load(path):
    """A fitted SalesRegressor from a model directory written by `vgsales train`, `vgsales export` or save()."""
    path = os.fspath(path)
    loaded = _core.Model.load(path)
    estimator = SalesRegressor(**_parameters_from_settings(loaded.settings))
    estimator._adopt(path)
    estimator.n_features_in_ = len(estimator.features_)
    estimator.feature_names_in_ = np.asarray(estimator.features_, dtype=object)
    return estimator
