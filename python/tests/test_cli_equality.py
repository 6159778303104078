"""The package and the CLI are one model: the same data, settings and seed give the same weights and the same
predictions bit for bit, and a model directory written by either is read by the other (predict and serve)."""
import json
import subprocess
import time
import urllib.request

import numpy as np
import pytest

import vgsales
from conftest import free_port, read_csv, run_cli

TARGET = "total_earnings"


def split(frame):
    return frame.drop(columns=TARGET), frame[TARGET]


def cli_predictions(binary, model_dir, input_csv, out_csv):
    run_cli(binary, "predict", "--model", model_dir, "--input", input_csv, "--output", out_csv)
    return read_csv(out_csv)


def test_same_data_settings_and_seed_give_the_clis_model_bit_for_bit(tmp_path, data_dir, vgsales_binary, reference):
    train, test = reference
    run_cli(vgsales_binary, "train", "--train", data_dir / "sales_data_training.csv", "--target", TARGET,
            "--out", tmp_path / "cli", "--seed", 7, "--members", 3, "--no-logs", "--quiet")
    X, y = split(train)
    model = vgsales.SalesRegressor(random_state=7, members=3).fit(X, y)
    assert model._model_files["model.safetensors"] == (tmp_path / "cli" / "model.safetensors").read_bytes()
    cli = cli_predictions(vgsales_binary, tmp_path / "cli", data_dir / "sales_data_test.csv", tmp_path / "p.csv")
    features = test[model.feature_names_in_]
    # The CLI prints each float shortest, so it reads back as the very float the package returns.
    np.testing.assert_array_equal(np.float32(cli[f"predicted_{TARGET}"]), np.float32(model.predict(features)))
    np.testing.assert_array_equal(np.float32(cli[f"predicted_{TARGET}_median"]),
                                  np.float32(model.predict_median(features)))
    lower, upper = model.predict_interval(features)
    np.testing.assert_array_equal(np.float32(cli[f"predicted_{TARGET}_lower"]), np.float32(lower))
    np.testing.assert_array_equal(np.float32(cli[f"predicted_{TARGET}_upper"]), np.float32(upper))


def test_the_real_table_with_categories_and_missing_years_trains_the_clis_model(tmp_path, data_dir, vgsales_binary):
    table = data_dir / "real" / "vgsales.csv"
    if not table.exists():
        pytest.skip(f"{table} is absent")
    drop = ["Rank", "Name", "NA_Sales", "EU_Sales", "JP_Sales", "Other_Sales"]
    run_cli(vgsales_binary, "train", "--train", table, "--target", "Global_Sales", "--drop", ",".join(drop),
            "--test-split", 0.2, "--epochs", 2, "--members", 2, "--out", tmp_path / "cli", "--no-logs", "--quiet")
    frame = read_csv(table)
    model = vgsales.SalesRegressor(drop=drop, test_split=0.2, epochs=2, members=2)
    model.fit(frame.drop(columns="Global_Sales"), frame["Global_Sales"])
    assert model._model_files["model.safetensors"] == (tmp_path / "cli" / "model.safetensors").read_bytes()
    cli_json = json.loads((tmp_path / "cli" / "model.json").read_text())
    ours = json.loads(model._model_files["model.json"])
    assert ours["pipeline"] == cli_json["pipeline"]  # the same categories, ranges and imputations


def test_a_model_saved_from_python_predicts_in_the_cli(tmp_path, data_dir, vgsales_binary, reference):
    train, test = reference
    model = vgsales.SalesRegressor(members=2, epochs=10).fit(*split(train))
    model.save(tmp_path / "py")
    run_cli(vgsales_binary, "info", "--model", tmp_path / "py")
    cli = cli_predictions(vgsales_binary, tmp_path / "py", data_dir / "sales_data_test.csv", tmp_path / "p.csv")
    np.testing.assert_array_equal(np.float32(cli[f"predicted_{TARGET}"]),
                                  np.float32(model.predict(test[model.feature_names_in_])))


def test_a_cli_model_predicts_in_python(tmp_path, data_dir, vgsales_binary, reference):
    _, test = reference
    run_cli(vgsales_binary, "train", "--train", data_dir / "sales_data_training.csv", "--target", TARGET,
            "--out", tmp_path / "cli", "--epochs", 10, "--members", 2, "--no-logs", "--quiet")
    model = vgsales.load(tmp_path / "cli")
    assert model.get_params()["epochs"] == 10 and model.get_params()["members"] == 2
    assert list(model.feature_names_in_) == [c for c in test.columns if c != TARGET]
    cli = cli_predictions(vgsales_binary, tmp_path / "cli", data_dir / "sales_data_test.csv", tmp_path / "p.csv")
    np.testing.assert_array_equal(np.float32(cli[f"predicted_{TARGET}"]),
                                  np.float32(model.predict(test[model.feature_names_in_])))


def test_a_model_saved_from_python_is_served_by_the_cli(tmp_path, vgsales_binary, reference):
    train, test = reference
    model = vgsales.SalesRegressor(members=2, epochs=10).fit(*split(train))
    model.save(tmp_path / "served" / "1")
    port = free_port()
    server = subprocess.Popen([vgsales_binary, "serve", "--model_base_path", tmp_path / "served", "--model_name",
                               "games", "--port", str(port), "--host", "127.0.0.1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        rows = test[model.feature_names_in_].head(20)
        body = json.dumps({"instances": rows.to_dict(orient="records")}).encode()
        url = f"http://127.0.0.1:{port}/v1/models/games:predict"
        for _ in range(100):
            try:
                with urllib.request.urlopen(urllib.request.Request(url, data=body)) as response:
                    served = json.load(response)["predictions"]
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                time.sleep(0.1)
        else:
            pytest.fail("vgsales serve did not answer within 10 s")
    finally:
        server.terminate()
        server.wait(timeout=30)
    np.testing.assert_array_equal(np.float32([p[0] for p in served]), np.float32(model.predict(rows)))
