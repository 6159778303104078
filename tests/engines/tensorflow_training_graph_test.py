"""TensorFlow imports and runs the training graph vgsales logs for TensorBoard's Graphs tab.

For the reference job and the real-table job, the graph_def of the run's train/ event file (read with TensorFlow's
own summary iterator) must:
  - import with tf.compat.v1.import_graph_def (op registrations, attrs, ref-typed inputs of ApplyAdam/Assign);
  - initialise with `init` to the weights the step-0 histograms of the same run show;
  - compute, from those variables, the network's prediction (checked against numpy and model.json's scaling);
  - hold hand-written gradients equal to TensorFlow's own tf.gradients of `cost/Mean`;
  - take one Adam step with `optimizer/step` exactly as Adam's update rule says.
"""
import csv
import glob
import json
import math
import os

import numpy as np

from engine_jobs import MODEL_JOBS, Environment, Report, quiet_tensorflow
from encoded_rows import encode_csv

quiet_tensorflow()
import tensorflow as tf  # noqa: E402

LEARNING_RATE, BETA1, BETA2, EPSILON = 0.001, 0.9, 0.999, 1e-8  # what the graph's optimizer/* constants hold


def read_run(train_folder):
    """The graph_def and the step-0 weight histograms of a run's train/ event file."""
    files = glob.glob(os.path.join(train_folder, "*tfevents*"))
    assert len(files) == 1, f"expected one event file in {train_folder}, found {files}"
    graphs, histograms = [], {}
    for event in tf.compat.v1.train.summary_iterator(files[0]):
        if event.HasField("graph_def"):
            graphs.append(event.graph_def)
        for value in event.summary.value:
            if event.step == 0 and value.HasField("histo"):
                histograms[value.tag] = value.histo
    return graphs, histograms


def close(actual, expected, relative):
    """Within `relative` of the largest magnitude expected (gradients mix tiny and large entries)."""
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    scale = max(float(np.max(np.abs(expected))), 1e-30)
    difference = float(np.max(np.abs(actual - expected))) / scale
    return difference <= relative, difference


def check_job(report, environment, job):
    model_dir = os.path.join(environment.work, job.name, "model")
    logdir = os.path.join(environment.work, job.name, "logs")
    environment.train(job, model_dir, ["--logdir", logdir, "--run-name", "run"])
    graphs, histograms = read_run(os.path.join(logdir, "run", "train"))
    if not report.check(len(graphs) == 1, f"{job.name}: {len(graphs)} graph events in train/, expected 1"):
        return
    graph_def = tf.compat.v1.GraphDef.FromString(graphs[0])
    with open(os.path.join(model_dir, "model.json")) as handle:
        model = json.load(handle)
    rows_csv = os.path.join(environment.data, job.rows_csv)
    x = np.array(encode_csv(model, rows_csv), dtype=np.float32)
    with open(rows_csv, newline="") as handle:
        y = np.array([float(row[model["pipeline"]["target"]["name"]]) for row in csv.DictReader(handle)],
                     dtype=np.float64)
    target_scaling = model["pipeline"]["target"]
    transformed = np.log1p(y) if target_scaling["transform"] == "log1p" else y
    target = ((transformed - target_scaling["offset"]) / target_scaling["scale"]).astype(np.float32).reshape(-1, 1)
    feed = {"input:0": x, "target:0": target}

    with tf.Graph().as_default() as graph:
        try:
            tf.compat.v1.import_graph_def(graph_def, name="")
        except (ValueError, tf.errors.OpError) as error:
            report.fail(f"{job.name}: tf.compat.v1.import_graph_def rejects the training graph: {error}")
            return
        report.measured(f"{job.name}: training graph of {len(graph_def.node)} nodes imported")
        operations = {op.name: op for op in graph.get_operations()}
        variables = [op for op in graph.get_operations() if op.type == "VariableV2"]
        updates = [op for op in graph.get_operations() if op.type == "ApplyAdam"]
        layers = len(model["network"]["hidden_layers"]) + 1
        report.check(len(updates) == 2 * layers and all(op.inputs[0].op.type == "VariableV2" for op in updates),
                     f"{job.name}: expected one ApplyAdam on a VariableV2 per kernel and bias of {layers} layers")
        # TensorFlow's own gradients of the cost, next to the graph's hand-written ones.
        autodiff = tf.gradients(graph.get_tensor_by_name("cost/Mean:0"),
                                [operations[op.inputs[0].op.name + "/read"].outputs[0] for op in updates])
        with tf.compat.v1.Session(graph=graph) as session:
            session.run("init")
            before = session.run({op.name: op.outputs[0] for op in variables})
            check_initial_weights(report, job, before, histograms)
            # The output's unscaling is the initial network's: a log1p model's final offset adds a correction
            # fitted after training (model.json), so the graph's own constants are the reference there.
            output_scale, output_offset = session.run(["unscaling/scale:0", "unscaling/offset:0"])
            check_forward(report, job, model, before, (output_scale, output_offset), x,
                          session.run(model["output_name"] + ":0", feed))
            ours, theirs = session.run([[op.inputs[9] for op in updates], autodiff], feed)
            worst = 0.0
            for op, gradient, reference in zip(updates, ours, theirs):
                ok, difference = close(gradient, reference, 1e-4)
                worst = max(worst, difference)
                report.check(ok, f"{job.name}: {op.inputs[9].op.name} differs from tf.gradients by {difference:.3g} "
                                 f"of its largest entry")
            report.measured(f"{job.name}: hand-written gradients vs tf.gradients: max difference {worst:.3g} "
                            f"of the largest entry, over {len(updates)} parameters")
            session.run("optimizer/step", feed)
            after = session.run({op.name: op.outputs[0] for op in variables})
        check_adam_step(report, job, updates, before, after, ours)


def check_initial_weights(report, job, values, histograms):
    """The variables start at the weights whose step-0 histograms the same run logged."""
    checked = 0
    for tag, histogram in histograms.items():
        if not (tag.endswith("/kernel") or tag.endswith("/bias")):
            continue
        value = values.get(tag)
        if not report.check(value is not None, f"{job.name}: histogram {tag} has no variable of that name"):
            continue
        value = value.astype(np.float64)
        report.check(value.size == histogram.num and value.min() == histogram.min and value.max() == histogram.max
                     and math.isclose(value.sum(), histogram.sum, rel_tol=1e-5, abs_tol=1e-6),
                     f"{job.name}: variable {tag} (n {value.size}, min {value.min()}, max {value.max()}, sum "
                     f"{value.sum()}) is not what histogram {tag} shows (n {histogram.num}, min {histogram.min}, "
                     f"max {histogram.max}, sum {histogram.sum})")
        checked += 1
    report.check(checked > 0, f"{job.name}: no step-0 weight histograms to compare the variables with")
    report.measured(f"{job.name}: {checked} initial variables equal the step-0 histograms")


def check_forward(report, job, model, values, output_scaling, x, predicted):
    """numpy's forward pass over the graph's own variables, inputs scaled as model.json says, gives the graph's
    output."""
    scaling = model["pipeline"]["input_scaling"]
    activation = (x.astype(np.float64) - scaling["offset"]) * scaling["scale"]
    # layer_1, layer_2, ... with ReLU, then the linear output layer.
    scopes = []
    while f"layer_{len(scopes) + 1}/kernel" in values:
        scopes.append(f"layer_{len(scopes) + 1}")
    for scope in scopes + ["output"]:
        activation = activation @ values[f"{scope}/kernel"] + values[f"{scope}/bias"]
        if scope != "output":
            activation = np.maximum(activation, 0.0)
    expected = activation * output_scaling[0] + output_scaling[1]
    if model["pipeline"]["target"]["transform"] == "log1p":
        expected = np.expm1(expected)
    ok, difference = close(predicted, expected, 1e-5)
    report.check(ok, f"{job.name}: the training graph's '{model['output_name']}' differs from numpy's forward pass "
                     f"by {difference:.3g}")
    report.measured(f"{job.name}: training graph output vs numpy forward pass over its variables: {difference:.3g}")


def check_adam_step(report, job, updates, before, after, gradients):
    """One step of ApplyAdam from zero moments: var -= lr * sqrt(1 - b2) / (1 - b1) * m / (sqrt(v) + eps)."""
    corrected_rate = LEARNING_RATE * math.sqrt(1 - BETA2) / (1 - BETA1)
    worst = 0.0
    for op, gradient in zip(updates, gradients):
        name = op.inputs[0].op.name
        g = gradient.astype(np.float64)
        m, v = (1 - BETA1) * g, (1 - BETA2) * g * g
        expected = before[name] - corrected_rate * m / (np.sqrt(v) + EPSILON)
        ok, difference = close(after[name] - before[name], expected - before[name], 1e-3)
        worst = max(worst, difference)
        report.check(ok, f"{job.name}: Adam's first step on {name} is off by {difference:.3g} of the step")
        report.check(np.allclose(after[f"optimizer/{name}/m"], m, rtol=1e-5, atol=1e-12),
                     f"{job.name}: optimizer/{name}/m after one step is not (1 - beta1) * gradient")
    report.check(math.isclose(after["optimizer/beta1_power"], BETA1 * BETA1, rel_tol=1e-6)
                 and math.isclose(after["optimizer/beta2_power"], BETA2 * BETA2, rel_tol=1e-6),
                 f"{job.name}: beta powers after one step are {after['optimizer/beta1_power']}, "
                 f"{after['optimizer/beta2_power']}")
    report.measured(f"{job.name}: one optimizer/step vs Adam's rule: max difference {worst:.3g} of the step")


def main():
    environment = Environment()
    environment.require_data(*(job.train_csv for job in MODEL_JOBS))
    environment.fresh_work()
    report = Report()
    print(f"TensorFlow {tf.__version__}")
    for job in MODEL_JOBS:
        check_job(report, environment, job)
    report.finish()


if __name__ == "__main__":
    main()
