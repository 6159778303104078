"""vgsales for notebooks: the native dense-network ensemble as a scikit-learn estimator (docs/python.md).

    from vgsales import SalesRegressor, load
    model = SalesRegressor(epochs=50).fit(X, y)      # pandas or numpy in, numpy out
    model.predict(X), model.predict_median(X), model.predict_interval(X)
    model.save("models/earnings"); load("models/earnings")   # the CLI's model directory
"""
from vgsales._core import version as __version__
from vgsales._regressor import SalesRegressor, load, setting_parameters

__all__ = ["SalesRegressor", "load", "setting_parameters", "__version__"]
