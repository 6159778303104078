#!/usr/bin/python3
"""The reference job with scikit-learn's MLPRegressor: same layers, ReLU, Adam at 0.001, batches of 32, shuffled,
a fixed number of epochs (no L2 penalty, no early stop on tolerance). Prints one JSON line: train_seconds, rmse.

  sklearn_reference.py TRAIN.csv TEST.csv TARGET OUT_DIR [--seed S] [--epochs E]
Thread count: set OMP_NUM_THREADS / OPENBLAS_NUM_THREADS in the environment (bench/run.sh does).
"""
import os
import pickle
import time
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor

from common import load_reference_job, reference_job_arguments, report, rmse


def main():
    parser = reference_job_arguments()
    args = parser.parse_args()
    data, to_dollars = load_reference_job(args.train, args.test, args.target)
    model = MLPRegressor(hidden_layer_sizes=(50, 100, 50), activation="relu", solver="adam", alpha=0.0,
                         batch_size=args.batch_size, learning_rate_init=0.001, max_iter=args.epochs, shuffle=True,
                         tol=0.0, n_iter_no_change=args.epochs + 1, random_state=args.seed)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter reached is the point
        model.fit(data["x_train"], data["y_train"])
    train_seconds = time.perf_counter() - started
    predicted = to_dollars(model.predict(data["x_test"]))
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "model.pkl"), "wb") as out:
        pickle.dump(model, out)
    report(train_seconds=train_seconds, rmse=rmse(predicted, data["y_test"]))


if __name__ == "__main__":
    main()
