"""Shared by the TensorBoard tests: a log directory of two vgsales runs, and the real `tensorboard` serving it.

The two runs differ in --layers and --learning-rate, so the HParams tab has something to compare; both log a
test split, histograms every 5 epochs and the predicted-vs-actual image every 10.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from engine_jobs import REFERENCE

RUNS = {  # run name -> the flags that make it differ from the other
    "run-a": ["--layers", "50,100,50", "--learning-rate", "0.001"],
    "run-b": ["--layers", "32,16", "--learning-rate", "0.005"],
}
EPOCHS = 20
SPLITS = ["train", "validation", "test"]  # the default holdout logs its own run


def write_two_runs(environment):
    """Trains the two runs into <work>/logs and returns the log directory."""
    logdir = os.path.join(environment.work, "logs")
    for run, flags in RUNS.items():
        environment.train(REFERENCE, os.path.join(environment.work, "models", run),
                          ["--test", os.path.join(environment.data, REFERENCE.rows_csv), "--logdir", logdir,
                           "--run-name", run, "--epochs", str(EPOCHS), "--histogram-freq", "5", "--image-freq", "10",
                           *flags])
    return logdir


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TensorBoard:
    """`tensorboard --logdir DIR --host 127.0.0.1 --port P` from the checker environment, stopped on exit."""

    def __init__(self, logdir, load_fast, log_path):
        self.logdir, self.load_fast, self.log_path = logdir, load_fast, log_path
        self.process = None
        self.url = None

    def __enter__(self):
        binary = os.path.join(os.path.dirname(sys.executable), "tensorboard")
        environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
        for _ in range(3):  # another process may take the port between the probe and TensorBoard's bind
            port = free_port()
            self.url = f"http://127.0.0.1:{port}"
            with open(self.log_path, "w") as log:
                # Its own session, so stopping it also stops the data server it starts (--load_fast=true).
                self.process = subprocess.Popen(
                    [binary, "--logdir", self.logdir, "--host", "127.0.0.1", "--port", str(port),
                     f"--load_fast={self.load_fast}"],
                    stdout=log, stderr=subprocess.STDOUT, env=environment, start_new_session=True)
            if self._wait_until_answering(timeout=180):
                return self
            self.stop()
        raise RuntimeError(f"tensorboard did not start; its log:\n{open(self.log_path).read()}")

    def __exit__(self, *_):
        self.stop()

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def _wait_until_answering(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                self.get("/data/runs")
                return True
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        return False

    def get(self, path, raw=False):
        with urllib.request.urlopen(self.url + path, timeout=60) as response:
            body = response.read()
        return body if raw else json.loads(body)

    def post(self, path, message):
        request = urllib.request.Request(self.url + path, data=json.dumps(message).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def wait_until_loaded(self, timeout=180):
        """Until every file is read to its end: each split's final_r2, the finished model card (the train file's
        last record) and each session's end are served. TensorBoard loads in the background after it starts
        answering."""
        split_runs = {f"{run}/{split}" for run in RUNS for split in SPLITS}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            tags = self.get("/data/plugin/scalars/tags")
            cards = [self.get(f"/data/plugin/text/text?run={run}/train&tag=model_card") if run + "/train" in
                     self.get("/data/plugin/text/tags") else [] for run in RUNS]
            if all("final_r2" in tags.get(run, {}) for run in split_runs) and \
                    all(card and card[-1]["step"] == EPOCHS for card in cards):
                groups = self.post("/data/plugin/hparams/session_groups", session_groups_request())
                ended = [session for group in groups.get("sessionGroups", []) for session in group["sessions"]
                         if session.get("status") == "STATUS_SUCCESS"]
                if len(ended) == len(RUNS):
                    return
            time.sleep(1)
        raise RuntimeError(f"tensorboard ({self.load_fast=}) did not load both runs within {timeout} s")


def session_groups_request():
    """The ListSessionGroupsRequest the HParams dashboard sends for 'every session, any status'."""
    return {"experimentName": "", "startIndex": 0, "sliceSize": 100, "colParams": [],
            "allowedStatuses": ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"]}
