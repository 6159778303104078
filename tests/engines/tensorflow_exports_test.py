"""TensorFlow runs vgsales' TensorFlow exports and agrees with `vgsales predict`.

For the reference model and the real-table model, each exported with `vgsales export --format all`:
  - tf.saved_model.load(BASE/N): every signature it has (TF2 API);
  - tf.compat.v1.saved_model.loader.load(sess, ["serve"], dir), the TF1 loader whose C++ twin TF Serving uses:
    every signature, fed and fetched by tensor name in a Session;
  - saved_model_cli show --all: lists every signature with its inputs and outputs;
  - frozen_graph.pb through tf.graph_util.import_graph_def, fed at its Placeholders (the raw features), and
    frozen_graph.encoded.pb fed at `input`;
  - the signature set: encoded, rows, serving_default (rows for a model with a categorical feature, else encoded)
    and, for a model with an interval, interval with the mean, median and bounds;
  - every node of both graphs against TensorFlow's own op registry: the op exists, every attr without a default
    is set, and every type attr holds an allowed type.
The rows are the table's plus edge rows (engine_jobs.write_rows_with_edge_cases).
Inputs are fed by name and outputs compared by name (engine_jobs.ModelUnderTest), so a signature added later
is checked without changing this file.
"""
import os
import re
import subprocess
import sys

from engine_jobs import MODEL_JOBS, PACKED_VARIANT_FLOOR, Environment, ModelUnderTest, Report, quiet_tensorflow

quiet_tensorflow()
import tensorflow as tf  # noqa: E402

KINDS = {tf.float32: "float", tf.string: "string"}


def feeds_or_fail(report, model, engine, inputs):
    """inputs: {name: (tf.DType, rank)} -> {name: value}, or None after reporting an input we cannot feed."""
    feeds = {}
    for name, (dtype, rank) in sorted(inputs.items()):
        kind = KINDS.get(dtype)
        value = model.feed(name, kind, rank) if kind else None
        if value is None:
            report.fail(f"{model.label}: {engine} input '{name}' ({dtype.name}, rank {rank}) is neither 'input' "
                        f"nor a feature of model.json")
            return None
        feeds[name] = value
    return feeds


def check_tf2_signatures(report, model):
    loaded = tf.saved_model.load(model.export_dir)
    keys = sorted(loaded.signatures.keys())
    report.check("serving_default" in keys, f"{model.label}: no serving_default signature (found {keys})")
    for key in keys:
        function = loaded.signatures[key]
        specs = function.structured_input_signature[1]
        inputs = {name: (spec.dtype, spec.shape.rank) for name, spec in specs.items()}
        feeds = feeds_or_fail(report, model, f"tf.saved_model.load signature '{key}'", inputs)
        if feeds is None:
            continue
        outputs = function(**{name: tf.constant(value) for name, value in feeds.items()})
        model.compare_outputs(report, f"tf.saved_model.load signature '{key}'",
                              {name: tensor.numpy() for name, tensor in outputs.items()})
    return keys


def check_tf1_loader(report, model):
    with tf.Graph().as_default() as graph, tf.compat.v1.Session(graph=graph) as session:
        meta_graph = tf.compat.v1.saved_model.loader.load(session, ["serve"], model.export_dir)
        keys = sorted(meta_graph.signature_def.keys())
        for key in keys:
            signature = meta_graph.signature_def[key]
            inputs = {name: (tf.as_dtype(info.dtype), len(info.tensor_shape.dim))
                      for name, info in signature.inputs.items()}
            engine = f"TF1 loader signature '{key}'"
            feeds = feeds_or_fail(report, model, engine, inputs)
            if feeds is None:
                continue
            feed_dict = {signature.inputs[name].name: value for name, value in feeds.items()}
            fetches = {name: info.name for name, info in signature.outputs.items()}
            model.compare_outputs(report, engine, session.run(fetches, feed_dict))
    return keys


def check_saved_model_cli(report, model, keys):
    """saved_model_cli lists every signature the loaders found, with their input and output keys."""
    cli = os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
    done = subprocess.run([cli, "show", "--all", "--dir", model.export_dir], capture_output=True, text=True)
    if not report.check(done.returncode == 0, f"{model.label}: saved_model_cli show --all failed:\n{done.stderr}"):
        return
    listed = re.findall(r"signature_def\['([^']+)'\]:", done.stdout)
    report.check(sorted(listed) == keys, f"{model.label}: saved_model_cli lists {sorted(listed)}, loaders found {keys}")
    loaded = tf.saved_model.load(model.export_dir)
    for key in keys:
        block = done.stdout.split(f"signature_def['{key}']:", 1)[-1].split("signature_def[", 1)[0]
        function = loaded.signatures[key]
        expected = set(function.structured_input_signature[1]) | set(function.structured_outputs)
        shown = set(re.findall(r"(?:inputs|outputs)\['([^']+)'\] tensor_info:", block))
        report.check(shown == expected, f"{model.label}: saved_model_cli shows {sorted(shown)} for '{key}', "
                                        f"the signature has {sorted(expected)}")
        method = re.search(r"Method name is: (\S+)", block)
        report.check(method is not None, f"{model.label}: saved_model_cli shows no method name for '{key}'")
    report.measured(f"{model.label}: saved_model_cli show --all lists signatures {sorted(listed)}")


def check_frozen_graph(report, model):
    graph_def = tf.compat.v1.GraphDef()
    with open(os.path.join(model.export_dir, "frozen_graph.pb"), "rb") as handle:
        graph_def.ParseFromString(handle.read())
    with tf.Graph().as_default() as graph:
        tf.graph_util.import_graph_def(graph_def, name="")
        placeholders = [op for op in graph.get_operations() if op.type == "Placeholder"]
        inputs = {op.name: (op.outputs[0].dtype, op.outputs[0].shape.rank) for op in placeholders}
        feeds = feeds_or_fail(report, model, "frozen_graph.pb", inputs)
        if feeds is None:
            return
        # The graph's results are the ops nobody consumes; the one named like the model's output is compared.
        consumed = {tensor.op.name for op in graph.get_operations() for tensor in op.inputs}
        sinks = [op for op in graph.get_operations() if op.name not in consumed and op.outputs]
        with tf.compat.v1.Session(graph=graph) as session:
            results = session.run({op.name: op.outputs[0] for op in sinks},
                                  {graph.get_tensor_by_name(name + ":0"): value for name, value in feeds.items()})
        model.compare_outputs(report, "frozen_graph.pb (tf.graph_util.import_graph_def)", results)


def check_signature_set(report, model, keys):
    expected = ["encoded", "rows", "serving_default"] + (["interval"] if model.has_interval else [])
    report.check(keys == sorted(expected), f"{model.label}: signatures {keys}, expected {sorted(expected)}")
    loaded = tf.saved_model.load(model.export_dir)
    default_inputs = sorted(loaded.signatures["serving_default"].structured_input_signature[1])
    categorical = any(feature["type"] == "categorical" for feature in model.model["pipeline"]["features"])
    expected_inputs = sorted(model.feature_names) if categorical else ["input"]
    report.check(default_inputs == expected_inputs,
                 f"{model.label}: serving_default takes {default_inputs}, expected {expected_inputs}")
    if "interval" in keys:
        outputs = sorted(loaded.signatures["interval"].structured_outputs)
        report.check(outputs == model.interval_outputs(),
                     f"{model.label}: interval gives {outputs}, expected {model.interval_outputs()}")


def check_op_registry(report, model, file_name):
    """Each node's op is registered and carries every attr its registration requires, with an allowed type."""
    from tensorflow.python.framework import op_def_registry
    graph_def = tf.compat.v1.GraphDef()
    with open(os.path.join(model.export_dir, file_name), "rb") as handle:
        graph_def.ParseFromString(handle.read())
    ops = set()
    for node in graph_def.node:
        op_def = op_def_registry.get(node.op)
        if not report.check(op_def is not None, f"{model.label}: {file_name} node {node.name}: op {node.op} unknown"):
            continue
        ops.add(node.op)
        for attr in op_def.attr:
            if not attr.HasField("default_value"):
                report.check(attr.name in node.attr, f"{model.label}: {file_name} node {node.name} ({node.op}) lacks "
                                                     f"required attr {attr.name}")
            if attr.type == "type" and attr.name in node.attr and attr.allowed_values.list.type:
                report.check(node.attr[attr.name].type in attr.allowed_values.list.type,
                             f"{model.label}: {file_name} node {node.name} ({node.op}) attr {attr.name} has a type "
                             f"its registration does not allow")
    report.measured(f"{model.label}: {file_name}: {len(graph_def.node)} nodes checked against TensorFlow's op "
                    f"registry ({', '.join(sorted(ops))})")


def check_encoded_frozen_graph(report, model):
    graph_def = tf.compat.v1.GraphDef()
    with open(os.path.join(model.export_dir, "frozen_graph.encoded.pb"), "rb") as handle:
        graph_def.ParseFromString(handle.read())
    with tf.Graph().as_default() as graph:
        tf.graph_util.import_graph_def(graph_def, name="")
        placeholders = sorted(op.name for op in graph.get_operations() if op.type == "Placeholder")
        report.check(placeholders == ["input"], f"{model.label}: frozen_graph.encoded.pb placeholders {placeholders}")
        fetches = {name: graph.get_tensor_by_name(name + ":0") for name in model.interval_outputs()}
        with tf.compat.v1.Session(graph=graph) as session:
            results = session.run(fetches, {graph.get_tensor_by_name("input:0"): model.encoded})
        model.compare_outputs(report, "frozen_graph.encoded.pb", results, PACKED_VARIANT_FLOOR)


def main():
    environment = Environment()
    environment.require_data(*(job.train_csv for job in MODEL_JOBS))
    environment.fresh_work()
    report = Report()
    print(f"TensorFlow {tf.__version__}")
    for job in MODEL_JOBS:
        model = ModelUnderTest(environment, job)
        tf2_keys = check_tf2_signatures(report, model)
        tf1_keys = check_tf1_loader(report, model)
        report.check(tf1_keys == tf2_keys, f"{model.label}: TF1 loader signatures {tf1_keys}, TF2 {tf2_keys}")
        check_saved_model_cli(report, model, tf2_keys)
        check_frozen_graph(report, model)
        check_encoded_frozen_graph(report, model)
        check_signature_set(report, model, tf2_keys)
        for file_name in ("frozen_graph.pb", "frozen_graph.encoded.pb"):
            check_op_registry(report, model, file_name)
    report.finish()


if __name__ == "__main__":
    main()
