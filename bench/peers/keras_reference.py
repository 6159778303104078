"""The reference job in Keras on TensorFlow, the stack the seed itself used: Sequential Dense 50 -> 100 -> 50 -> 1
with ReLU, Adam at 0.001, MSE, batches of 32, shuffled every epoch, the test rows evaluated after every epoch
(validation_data, as a Keras user watches test loss). Prints one JSON line: train_seconds, rmse.

  keras_reference.py TRAIN.csv TEST.csv TARGET OUT_DIR [--seed S] [--epochs E] [--batch-size B] [--threads T]
Runs with the checker environment's Python (scripts/install-checkers.sh: build/checkers-venv/bin/python), which
holds the pinned tensorflow-cpu and keras; Debian has no TensorFlow package.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ info lines would mix into the JSON output

import time  # noqa: E402

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from common import load_reference_job, reference_job_arguments, report, rmse  # noqa: E402


def main():
    parser = reference_job_arguments()
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    # Before any op runs: TensorFlow fixes its thread pools at first use.
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    keras.utils.set_random_seed(args.seed)
    data, to_dollars = load_reference_job(args.train, args.test, args.target)
    # Glorot-uniform kernels and zero biases are Keras's defaults, as in the PyTorch peer.
    model = keras.Sequential([
        keras.Input(shape=(data["x_train"].shape[1],)),
        keras.layers.Dense(50, activation="relu"),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(50, activation="relu"),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="mean_squared_error")
    started = time.perf_counter()
    model.fit(data["x_train"], data["y_train"], epochs=args.epochs, batch_size=args.batch_size, shuffle=True,
              validation_data=(data["x_test"], data["y_test_scaled"]), verbose=0)
    train_seconds = time.perf_counter() - started
    predicted = to_dollars(model.predict(data["x_test"], verbose=0))
    os.makedirs(args.out, exist_ok=True)
    model.save(os.path.join(args.out, "model.keras"))
    report(train_seconds=train_seconds, rmse=rmse(predicted, data["y_test"]))


if __name__ == "__main__":
    main()
