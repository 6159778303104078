"""scikit-learn's own estimator checks. A check may be listed here as expected to fail only if docs/python.md names
it with its reason too (test_expected_failures_are_documented)."""
import pathlib

from sklearn.utils.estimator_checks import parametrize_with_checks

from vgsales import SalesRegressor

# check name -> why it cannot pass (each also in docs/python.md).
EXPECTED_FAILED_CHECKS = {}


@parametrize_with_checks([SalesRegressor()], expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_expected_failures_are_documented():
    page = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "python.md").read_text()
    for name in EXPECTED_FAILED_CHECKS:
        assert f"`{name}`" in page, f"{name} is skipped but not named in docs/python.md"
