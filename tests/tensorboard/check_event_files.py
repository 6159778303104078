#!/usr/bin/python3
"""Independent checker for vgsales TensorBoard logs.

Frames TFRecords itself, checks both CRCs with its own CRC-32C, decodes every Event with message
classes that protoc builds from vgsales' .proto files at run time, and checks each value against what
TensorBoard's loaders accept (data_compat.py, data_compat.rs). Prints a JSON summary on stdout; exits 1 on any violation.

usage: check_event_files.py PROTO_DIR LOGDIR
"""
import glob
import importlib
import json
import os
import re
import struct
import subprocess
import sys
import tempfile


def make_crc_table():
    table = []
    for index in range(256):
        value = index
        for _ in range(8):
            value = (value >> 1) ^ 0x82F63B78 if value & 1 else value >> 1
        table.append(value)
    return table


CRC_TABLE = make_crc_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc = CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def self_test():
    assert crc32c(b"123456789") == 0xE3069283
    assert crc32c(bytes(32)) == 0x8A9136AA
    assert masked(crc32c(b"\x1a\x11CRC test, one two")) == 0x5794D08A


def compile_protos(proto_dir, out_dir):
    wanted = sorted(glob.glob(os.path.join(proto_dir, "tensorboard", "**", "*.proto"), recursive=True))
    wanted += [os.path.join(proto_dir, "tensorflow", "core", "framework", name)
               for name in ("types.proto", "tensor_shape.proto", "tensor.proto")]
    subprocess.run(["protoc", "-I", proto_dir, "--python_out", out_dir] + wanted, check=True)
    # The graph protos belong to another stage; use them to count nodes when they compile.
    graph = [os.path.join(proto_dir, "tensorflow", "core", "framework", name)
             for name in ("graph.proto", "node_def.proto", "attr_value.proto", "versions.proto")]
    if all(os.path.exists(path) for path in graph):
        subprocess.run(["protoc", "-I", proto_dir, "--python_out", out_dir] + graph,
                       check=False, stderr=subprocess.DEVNULL)
    sys.path.insert(0, out_dir)


def read_records(path, problems):
    with open(path, "rb") as handle:
        data = handle.read()
    offset = 0
    records = []
    while offset < len(data):
        if len(data) - offset < 12:
            problems.append("%s: truncated header at offset %d" % (path, offset))
            break
        length_bytes = data[offset:offset + 8]
        (length,) = struct.unpack("<Q", length_bytes)
        (length_crc,) = struct.unpack("<I", data[offset + 8:offset + 12])
        if masked(crc32c(length_bytes)) != length_crc:
            problems.append("%s: bad length CRC at offset %d" % (path, offset))
            break
        end = offset + 12 + length + 4
        if end > len(data):
            problems.append("%s: truncated record at offset %d" % (path, offset))
            break
        payload = data[offset + 12:offset + 12 + length]
        (data_crc,) = struct.unpack("<I", data[end - 4:end])
        if masked(crc32c(payload)) != data_crc:
            problems.append("%s: bad data CRC at offset %d" % (path, offset))
        else:
            records.append(payload)
        offset = end
    return records


def check_value(where, value, plugin, first, modules, problems):
    """Returns a JSON-friendly description of the value; appends violations to problems."""
    summary_pb2, hparams_pb2, layout_pb2, types_pb2 = modules
    kind = value.WhichOneof("value")
    if kind == "histo":
        histo = value.histo
        if len(histo.bucket) != len(histo.bucket_limit):
            problems.append("%s: bucket and bucket_limit differ in length" % where)
        if abs(sum(histo.bucket) - histo.num) > 1e-6:
            problems.append("%s: bucket counts do not add up to num" % where)
        if list(histo.bucket_limit) != sorted(histo.bucket_limit) or histo.min > histo.max:
            problems.append("%s: bucket limits out of order" % where)
        return {"num": histo.num, "buckets": len(histo.bucket)}
    if kind == "simple_value":
        return value.simple_value
    if kind != "tensor":
        problems.append("%s: unexpected value kind %s" % (where, kind))
        return None
    tensor = value.tensor
    shape = [dim.size for dim in tensor.tensor_shape.dim]
    if first and not value.HasField("metadata"):
        problems.append("%s: first event of a tensor tag has no metadata" % where)
    if plugin == "scalars":
        if tensor.dtype != types_pb2.DT_FLOAT or shape != []:
            problems.append("%s: scalar is not a rank-0 DT_FLOAT" % where)
        if len(tensor.float_val) == 1:
            return tensor.float_val[0]
        if len(tensor.tensor_content) == 4:
            return struct.unpack("<f", tensor.tensor_content)[0]
        problems.append("%s: scalar has no single float" % where)
        return None
    if plugin == "images":
        strings = list(tensor.string_val)
        if tensor.dtype != types_pb2.DT_STRING or shape != [len(strings)] or len(strings) < 3:
            problems.append("%s: image is not a rank-1 DT_STRING [w, h, png...]" % where)
            return None
        width, height = int(strings[0]), int(strings[1])
        import numpy
        import cv2
        image = cv2.imdecode(numpy.frombuffer(strings[2], dtype=numpy.uint8), cv2.IMREAD_COLOR)
        if image is None or image.shape[0] != height or image.shape[1] != width:
            problems.append("%s: PNG does not decode to %dx%d" % (where, width, height))
            return None
        return {"width": width, "height": height, "non_white_pixels": int((image < 250).any(axis=2).sum())}
    if plugin == "text":
        if tensor.dtype != types_pb2.DT_STRING or len(tensor.string_val) != 1:
            problems.append("%s: text is not a single DT_STRING" % where)
            return None
        return tensor.string_val[0].decode("utf-8")
    if plugin == "hparams":
        if tensor.dtype != types_pb2.DT_FLOAT or shape != [0]:
            problems.append("%s: hparams payload is not the NULL_TENSOR" % where)
        if not value.HasField("metadata"):
            return None
        data = hparams_pb2.HParamsPluginData.FromString(value.metadata.plugin_data.content)
        if data.version != 0:
            problems.append("%s: hparams plugin data version %d" % (where, data.version))
        which = data.WhichOneof("data")
        if which == "experiment":
            return {"experiment": {"hparams": [info.name for info in data.experiment.hparam_infos],
                                   "metrics": ["%s/%s" % (m.name.group, m.name.tag)
                                               for m in data.experiment.metric_infos]}}
        if which == "session_start_info":
            hparams = {}
            for name, item in data.session_start_info.hparams.items():
                hparams[name] = getattr(item, item.WhichOneof("kind"))
            return {"session_start": hparams}
        if which == "session_end_info":
            return {"session_end": hparams_pb2.Status.Name(data.session_end_info.status)}
        problems.append("%s: hparams plugin data without content" % where)
        return None
    if plugin == "custom_scalars":
        if value.tag != "custom_scalars__config__" or tensor.dtype != types_pb2.DT_STRING or shape != [] \
                or len(tensor.string_val) != 1:
            problems.append("%s: custom scalars layout is not a rank-0 DT_STRING under the config tag" % where)
            return None
        layout = layout_pb2.Layout.FromString(tensor.string_val[0])
        return {"charts": [[chart.title, list(chart.multiline.tag)]
                           for category in layout.category for chart in category.chart]}
    problems.append("%s: tensor with unknown plugin %r" % (where, plugin))
    return None


def main():
    proto_dir, logdir = sys.argv[1], sys.argv[2]
    self_test()
    with tempfile.TemporaryDirectory(prefix="vgsales-tb-check-") as out_dir:
        compile_protos(proto_dir, out_dir)
        return check_logdir(logdir)


def check_logdir(logdir):
    event_pb2 = importlib.import_module("tensorboard.event_pb2")
    modules = (importlib.import_module("tensorboard.summary_pb2"),
               importlib.import_module("tensorboard.plugins.hparams_pb2"),
               importlib.import_module("tensorboard.plugins.custom_scalar_layout_pb2"),
               importlib.import_module("tensorflow.core.framework.types_pb2"))
    try:
        graph_pb2 = importlib.import_module("tensorflow.core.framework.graph_pb2")
    except ImportError:
        graph_pb2 = None

    problems = []
    runs = {}
    name_pattern = re.compile(r"^events\.out\.tfevents\.\d{10}\.[^/]+$")
    for directory, _, names in sorted(os.walk(logdir)):
        for name in sorted(names):
            if "tfevents" not in name:
                continue
            path = os.path.join(directory, name)
            run_name = os.path.relpath(directory, logdir)
            run = runs.setdefault(run_name, {"files": 0, "tags": {}, "graph_nodes": None, "graph_bytes": 0})
            run["files"] += 1
            if not name_pattern.match(name):
                problems.append("%s: name does not follow events.out.tfevents.<10 digits>.<host>" % path)
            records = read_records(path, problems)
            metadata_seen = {}
            first_metadata = {}
            for index, record in enumerate(records):
                event = event_pb2.Event.FromString(record)
                if index == 0:
                    if event.file_version != "brain.Event:2":
                        problems.append("%s: first record is not file_version brain.Event:2" % path)
                    continue
                what = event.WhichOneof("what")
                if what == "graph_def":
                    run["graph_bytes"] = len(event.graph_def)
                    if graph_pb2 is not None:
                        graph = graph_pb2.GraphDef.FromString(event.graph_def)
                        run["graph_nodes"] = len(graph.node)
                    continue
                if what != "summary":
                    problems.append("%s: unexpected event kind %s" % (path, what))
                    continue
                for value in event.summary.value:
                    first = value.tag not in metadata_seen
                    if first:
                        metadata_seen[value.tag] = value.metadata.plugin_data.plugin_name
                        first_metadata[value.tag] = value.metadata.SerializeToString()
                    elif value.HasField("metadata") and value.metadata.SerializeToString() != first_metadata[value.tag]:
                        # TensorBoard keeps the first event's metadata of a tag and ignores the rest, so a
                        # later event may repeat it (as TensorFlow 2 writes) but must not change it.
                        problems.append("%s: tag %s changes its metadata at step %d" % (path, value.tag, event.step))
                    where = "%s step %d tag %s" % (path, event.step, value.tag)
                    described = check_value(where, value, metadata_seen[value.tag], first, modules, problems)
                    tag = run["tags"].setdefault(value.tag, {"plugin": metadata_seen[value.tag] or value.WhichOneof(
                        "value"), "steps": []})
                    tag["steps"].append(event.step)
                    tag["last"] = described
    print(json.dumps({"runs": runs, "problems": problems}, indent=1, sort_keys=True))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
