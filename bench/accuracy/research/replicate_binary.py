#!/usr/bin/python3
"""Checks the replica against the binary: today's defaults (seed 42) on the five vgsales splits and on the
reference job (seeds 42-46), same rows, same seeds, same shuffles.
  replicate_binary.py BUILD/src/cli/vgsales
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import replica  # noqa: E402
import accuracy_data as data  # noqa: E402


def replica_today(train, test, target, seed):
    """vgsales train's defaults, step by step (training_job.cpp)."""
    features = [c for c in train.columns if c != target]
    y_all = train[target].to_numpy(dtype=np.float32)
    if len(train) > replica.AUTO_VALIDATION_MINIMUM_ROWS:
        held, kept = replica.split_rows(len(train), 0.1, seed + 1)
    else:
        held, kept = np.array([], dtype=np.int64), np.arange(len(train))
    fit_rows = train.iloc[kept]
    encoding = replica.Encoding().fit(fit_rows, features)
    transform = replica.automatic_target_transform(y_all[kept])
    scaling = replica.TargetScaling(transform).fit(y_all[kept])
    x = torch.tensor(encoding.transform(train))
    y = torch.tensor(scaling.to_scaled(y_all))
    plan = replica.MemberPlan(seed, kept, held if len(held) else None)
    network, info = replica.train_members(x, y, [plan], replica.TrainConfig(), x.shape[1])
    offset = scaling.offset
    if transform == "log1p":
        fitted = network.predict(x[kept])[0, :, 0].numpy()
        predicted = np.expm1(fitted * scaling.scale + scaling.offset)  # float32, as NativeForward
        smearing = np.mean((1.0 + y_all[kept].astype(np.float64)) / (1.0 + predicted.astype(np.float64)))
        offset = np.float32(offset + np.float32(np.log(smearing)))
    out = network.predict(torch.tensor(encoding.transform(test)))[0, :, 0].numpy()
    transformed = out * scaling.scale + offset
    return scaling.to_target(transformed), info


def binary_predictions(binary, train, test, target, seed, work):
    train_csv, test_csv = os.path.join(work, "train.csv"), os.path.join(work, "test.csv")
    train.to_csv(train_csv, index=False)
    test.to_csv(test_csv, index=False)
    subprocess.run([binary, "train", "--train", train_csv, "--test", test_csv, "--target", target, "--out",
                    os.path.join(work, "m"), "--no-logs", "--quiet", "--seed", str(seed)], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([binary, "predict", "--model", os.path.join(work, "m"), "--input", test_csv, "--output",
                    os.path.join(work, "p.csv")], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import json
    best = json.load(open(os.path.join(work, "m", "model.json")))["training"]
    return pd.read_csv(os.path.join(work, "p.csv"))[f"predicted_{target}"].to_numpy(), best


def main():
    binary = sys.argv[1]
    cases = [("vgsales", s, 42) for s in data.VGSALES_SPLITS] + [("reference", None, s) for s in data.REFERENCE_SEEDS]
    print("| table | split | seed | binary RMSE / MAE | replica RMSE / MAE | max relative difference of predictions | kept epoch (binary / replica) |")
    print("|---|---|---|---|---|---|---|")
    for table, split, seed in cases:
        if table == "vgsales":
            train_text, test_text = data.vgsales_split(split)
            target = data.VGSALES_TARGET
            train, test = data.typed(train_text, target), data.typed(test_text, target)
        else:
            train_text, test_text = data.reference_tables()
            train, test = train_text, test_text
            target = data.REFERENCE_TARGET
        with tempfile.TemporaryDirectory() as work:
            ours, meta = binary_predictions(binary, train_text, test_text, target, seed, work)
        theirs, info = replica_today(train, test, target, seed)
        actual = test[target].to_numpy()
        a, b = data.point_metrics(ours, actual), data.point_metrics(theirs, actual)
        difference = np.max(np.abs(ours - theirs) / np.maximum(np.abs(ours), 1e-6))
        print(f"| {table} | {split or '-'} | {seed} | {a['rmse']:.4f} / {a['mae']:.4f} | {b['rmse']:.4f} / {b['mae']:.4f} "
              f"| {difference:.2e} | {meta.get('best_epoch', meta.get('kept_epoch', '?'))} / {info['best_epoch'][0]} |",
              flush=True)


if __name__ == "__main__":
    main()
