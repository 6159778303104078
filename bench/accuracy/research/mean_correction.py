"""The mean's correction (RESEARCH.md, "Since: the mean's correction"): RMSE of the mean with
--mean-correction smearing and least-squares, with the vgsales binary.

  /usr/bin/python3 bench/accuracy/research/mean_correction.py dev|test SEEDS [--subsample N] [--build DIR]

dev: each bench split's training part is split 80/20 again (random_state=100+split) and scored on the inner 20 %;
test: the bench's own rows. --subsample N trains on N rows of the (inner) training part. Prints RMSE per run, the
means, and for each run the ratio of the estimates' total to the actual total.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import accuracy_data  # noqa: E402

CORRECTIONS = ["smearing", "least-squares"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("protocol", choices=["dev", "test"])
    parser.add_argument("seeds", help="training seeds, e.g. 42,43")
    parser.add_argument("--subsample", type=int)
    parser.add_argument("--build", default=os.path.join(accuracy_data.HERE, "..", "..", "build"))
    args = parser.parse_args()
    binary = os.path.join(args.build, "src", "cli", "vgsales")
    rmse = {c: [] for c in CORRECTIONS}
    with tempfile.TemporaryDirectory(prefix="vgsales-mean-correction-") as work:
        for split in accuracy_data.VGSALES_SPLITS:
            train, test = accuracy_data.vgsales_split(split)
            if args.protocol == "dev":
                train, test = train_test_split(train, test_size=0.2, random_state=100 + split)
            if args.subsample:
                train = train.sample(n=args.subsample, random_state=200 + split)
            train_csv, test_csv = os.path.join(work, "train.csv"), os.path.join(work, "test.csv")
            train.to_csv(train_csv, index=False)
            test.to_csv(test_csv, index=False)
            actual = pd.to_numeric(test[accuracy_data.VGSALES_TARGET]).to_numpy()
            for seed in args.seeds.split(","):
                line = [f"split {split} seed {seed}:"]
                for correction in CORRECTIONS:
                    model, predictions = os.path.join(work, "model"), os.path.join(work, "predictions.csv")
                    subprocess.run([binary, "train", "--train", train_csv, "--test", test_csv, "--target",
                                    accuracy_data.VGSALES_TARGET, "--out", model, "--no-logs", "--quiet", "--seed",
                                    seed, "--mean-correction", correction], check=True, stdout=subprocess.DEVNULL)
                    subprocess.run([binary, "predict", "--model", model, "--input", test_csv, "--format", "csv",
                                    "--output", predictions], check=True, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
                    estimate = pd.read_csv(predictions)["predicted_" + accuracy_data.VGSALES_TARGET].to_numpy()
                    metrics = accuracy_data.point_metrics(estimate, actual)
                    rmse[correction].append(metrics["rmse"])
                    line.append(f"{correction} RMSE {metrics['rmse']:.4f} MAE {metrics['mae']:.4f} "
                                f"total ratio {estimate.sum() / actual.sum():.3f}")
                print(line[0], " · ".join(line[1:]), flush=True)
    for correction in CORRECTIONS:
        print(f"{correction}: mean RMSE {np.mean(rmse[correction]):.4f}")
    better = sum(l < s for l, s in zip(rmse["least-squares"], rmse["smearing"]))
    print(f"least-squares better in {better} of {len(rmse['smearing'])} runs")


if __name__ == "__main__":
    main()
