"""Every training setting the C++ core declares is a SalesRegressor keyword with the CLI's default: a setting added
to training_setting_declarations() without its keyword fails here."""
import inspect

from vgsales import SalesRegressor, _core, setting_parameters
from vgsales._regressor import _flag_text


def test_every_declared_setting_is_a_keyword_with_the_clis_default():
    keywords = inspect.signature(SalesRegressor.__init__).parameters
    declarations = _core.setting_declarations()
    assert len(setting_parameters()) == len(declarations) > 10
    for name, declaration in setting_parameters().items():
        assert name in keywords, f"{declaration['flag']} has no SalesRegressor keyword {name}"
        default = keywords[name].default
        if declaration["numeric"]:
            assert default == declaration["default"] and type(default) is type(declaration["default"]), name
        else:
            assert _flag_text(name, default) == declaration["default"], name


def test_keywords_are_the_flags_with_underscores_and_random_state_is_the_seed():
    flags = {d["flag"] for d in _core.setting_declarations()}
    assert "--seed" in flags and "random_state" in setting_parameters()
    assert setting_parameters()["batch_size"]["flag"] == "--batch-size"
    assert set(SalesRegressor().get_params()) >= set(setting_parameters())


def test_a_bad_setting_is_a_value_error_with_the_clis_message():
    import pytest
    from conftest import games

    X, y = games(40)
    for keyword, message in [
        ({"epochs": 0}, "--epochs: 0 is below the minimum 1"),
        ({"batch_size": 2.5}, "--batch-size: '2.5' is not a whole number"),
        ({"median": "middle"}, "--median"),
        ({"layers": "8,x"}, "--layers"),
    ]:
        with pytest.raises(ValueError, match=message.replace(".", r"\.")):
            SalesRegressor(**keyword).fit(X, y)
