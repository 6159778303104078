"""The real TensorBoard serves what vgsales logged, through its HTTP data API, with both of its loaders.

Two vgsales runs (different --layers and --learning-rate) go into one log directory. TensorFlow's own summary
iterator reads the event files here; `tensorboard --logdir` is started twice, with the Python loader
(--load_fast=false) and with the Rust data server (--load_fast=true), and for each every plugin must serve the
same: scalars (tags, steps, values, descriptions), histograms and distributions, the graph, images (the PNG
bytes), text (the model card rendered), HParams (both sessions, their hyperparameters and final metrics) and
custom scalars (the layout and the series each chart's regexes select).
"""
import collections
import glob
import math
import os
import re
import urllib.parse

import numpy as np
from google.protobuf import json_format, text_format

from engine_jobs import REFERENCE, Environment, Report, quiet_tensorflow
from tensorboard_server import RUNS, SPLITS, TensorBoard, session_groups_request, write_two_runs

quiet_tensorflow()
import tensorflow as tf  # noqa: E402
from tensorboard.compat.proto import graph_pb2  # noqa: E402
from tensorboard.plugins.custom_scalar import layout_pb2  # noqa: E402
from tensorboard.plugins.hparams import api_pb2, plugin_data_pb2  # noqa: E402

PLUGINS = ["scalars", "histograms", "distributions", "graphs", "images", "text", "hparams", "custom_scalars"]


class LoggedRun:
    """What one run folder's event file holds, read with TensorFlow's summary iterator."""

    def __init__(self, folder):
        files = glob.glob(os.path.join(folder, "*tfevents*"))
        assert len(files) == 1, f"expected one event file in {folder}, found {files}"
        self.scalars = collections.defaultdict(list)       # tag -> [(step, wall_time, float32 value)]
        self.descriptions = {}                               # tag -> summary_description
        self.histograms = collections.defaultdict(list)    # tag -> [(step, HistogramProto)]
        self.images = collections.defaultdict(list)        # tag -> [(step, png bytes)]
        self.texts = collections.defaultdict(list)         # tag -> [(step, markdown)]
        self.hparams = {}                                    # tag -> HParamsPluginData
        self.layouts = []
        self.graphs = []
        plugin_of = {}  # TensorBoard takes a tag's plugin from its first event only
        for event in tf.compat.v1.train.summary_iterator(files[0]):
            if event.HasField("graph_def"):
                self.graphs.append(event.graph_def)
            for value in event.summary.value:
                if value.tag not in plugin_of:
                    plugin_of[value.tag] = value.metadata.plugin_data.plugin_name
                    self.descriptions[value.tag] = value.metadata.summary_description
                self._add(plugin_of[value.tag], event, value)

    def _add(self, plugin, event, value):
        if value.HasField("simple_value"):
            self.scalars[value.tag].append((event.step, event.wall_time, np.float32(value.simple_value)))
        elif value.HasField("histo"):
            self.histograms[value.tag].append((event.step, value.histo))
        elif plugin == "scalars":
            self.scalars[value.tag].append((event.step, event.wall_time, np.float32(tf.make_ndarray(value.tensor))))
        elif plugin == "images":
            self.images[value.tag].append((event.step, tf.make_ndarray(value.tensor)[2]))
        elif plugin == "text":
            self.texts[value.tag].append((event.step, tf.make_ndarray(value.tensor).item().decode()))
        elif plugin == "hparams":
            self.hparams[value.tag] = plugin_data_pb2.HParamsPluginData.FromString(value.metadata.plugin_data.content)
        elif plugin == "custom_scalars":
            self.layouts.append(layout_pb2.Layout.FromString(tf.make_ndarray(value.tensor).item()))


def read_logdir(logdir):
    runs = {}
    for run in RUNS:
        runs[run] = LoggedRun(os.path.join(logdir, run))
        for split in SPLITS:
            runs[f"{run}/{split}"] = LoggedRun(os.path.join(logdir, run, split))
    return runs


def query(**arguments):
    return urllib.parse.urlencode(arguments)


class DataApiChecks:
    def __init__(self, report, board, logged, loader):
        self.report, self.board, self.logged, self.loader = report, board, logged, loader

    def check(self, condition, message):
        return self.report.check(condition, f"[{self.loader} loader] {message}")

    def tags_of(self, kind):
        return {run: set(getattr(logged, kind)) for run, logged in self.logged.items() if getattr(logged, kind)}

    def run_all(self):
        runs = self.board.get("/data/runs")
        self.check(sorted(runs) == sorted(self.logged), f"/data/runs lists {sorted(runs)}, logged {sorted(self.logged)}")
        listing = self.board.get("/data/plugins_listing")
        for plugin in PLUGINS:
            self.check(listing.get(plugin, {}).get("enabled"), f"plugin {plugin} is not enabled: {listing.get(plugin)}")
        for check in (self.scalars, self.histograms, self.distributions, self.graphs, self.images, self.text,
                      self.hparams, self.custom_scalars):
            check()

    def same_series(self, what, served, logged):
        """served: [[wall_time, step, value], ...] from the API; logged: [(step, wall_time, value), ...]."""
        steps_ok = [point[1] for point in served] == [step for step, _, _ in logged]
        values_ok = steps_ok and all(np.float32(point[2]) == value and abs(point[0] - wall) < 1e-6
                                     for point, (_, wall, value) in zip(served, logged))
        return self.check(values_ok, f"{what}: served {[(p[1], p[2]) for p in served][:5]}..., "
                                     f"logged {[(s, float(v)) for s, _, v in logged][:5]}...")

    def scalars(self):
        served_tags = self.board.get("/data/plugin/scalars/tags")
        expected = self.tags_of("scalars")
        self.check({run: set(tags) for run, tags in served_tags.items()} == expected,
                   f"scalar tags: served {served_tags.keys()}, logged {expected}")
        points = 0
        for run, tags in expected.items():
            for tag in sorted(tags):
                served = self.board.get(f"/data/plugin/scalars/scalars?{query(run=run, tag=tag)}")
                self.same_series(f"scalars {run} {tag}", served, self.logged[run].scalars[tag])
                points += len(served)
                description = self.logged[run].descriptions[tag]
                if description:
                    self.check(description in served_tags.get(run, {}).get(tag, {}).get("description", ""),
                               f"scalar {run} {tag}: description '{description}' not served")
        self.report.measured(f"[{self.loader} loader] scalars: {points} points of "
                             f"{sum(len(t) for t in expected.values())} run/tag series equal the event files")

    def histograms(self):
        expected = self.tags_of("histograms")
        served_tags = self.board.get("/data/plugin/histograms/tags")
        self.check({run: set(tags) for run, tags in served_tags.items()} == expected,
                   f"histogram tags: served { {r: sorted(t) for r, t in served_tags.items()} }, logged {expected}")
        for run, tags in expected.items():
            for tag in sorted(tags):
                served = self.board.get(f"/data/plugin/histograms/histograms?{query(run=run, tag=tag)}")
                logged = self.logged[run].histograms[tag]
                if not self.check([point[1] for point in served] == [step for step, _ in logged],
                                  f"histogram {run} {tag}: steps {[p[1] for p in served]}"):
                    continue
                for (_, step, buckets), (_, histogram) in zip(served, logged):
                    count = sum(bucket[2] for bucket in buckets)
                    self.check(math.isclose(count, histogram.num, rel_tol=1e-6)
                               and math.isclose(buckets[0][0], histogram.min, rel_tol=1e-9, abs_tol=1e-12)
                               and math.isclose(buckets[-1][1], histogram.max, rel_tol=1e-9, abs_tol=1e-12),
                               f"histogram {run} {tag} step {step}: served {count} values in "
                               f"[{buckets[0][0]}, {buckets[-1][1]}], logged {histogram.num} in "
                               f"[{histogram.min}, {histogram.max}]")
        self.report.measured(f"[{self.loader} loader] histograms: {sum(len(t) for t in expected.values())} "
                             f"run/tag series, counts and ranges as logged")

    def distributions(self):
        expected = self.tags_of("histograms")
        served_tags = self.board.get("/data/plugin/distributions/tags")
        self.check({run: set(tags) for run, tags in served_tags.items()} == expected,
                   f"distribution tags: served {served_tags.keys()}, logged {expected}")
        for run, tags in expected.items():
            for tag in sorted(tags):
                served = self.board.get(f"/data/plugin/distributions/distributions?{query(run=run, tag=tag)}")
                logged = self.logged[run].histograms[tag]
                for (_, step, percentiles), (logged_step, histogram) in zip(served, logged):
                    values = [value for _, value in percentiles]
                    # Basis points 0 and 10000 are the minimum and maximum; the bands in between are ordered.
                    self.check(step == logged_step and percentiles[0][0] == 0 and percentiles[-1][0] == 10000
                               and math.isclose(values[0], histogram.min, rel_tol=1e-9, abs_tol=1e-12)
                               and math.isclose(values[-1], histogram.max, rel_tol=1e-9, abs_tol=1e-12)
                               and values == sorted(values),
                               f"distribution {run} {tag} step {step}: {percentiles}, logged range "
                               f"[{histogram.min}, {histogram.max}]")
                self.check(len(served) == len(logged), f"distribution {run} {tag}: {len(served)} steps served")

    def graphs(self):
        info = self.board.get("/data/plugin/graphs/info")
        with_graph = sorted(run for run, logged in self.logged.items() if logged.graphs)
        self.check(sorted(run for run, entry in info.items() if entry.get("run_graph")) == with_graph,
                   f"graphs: served runs {sorted(info)}, logged graphs in {with_graph}")
        for run in with_graph:
            text = self.board.get(f"/data/plugin/graphs/graph?{query(run=run, conceptual='false')}", raw=True)
            served = text_format.Parse(text.decode(), graph_pb2.GraphDef())
            logged = graph_pb2.GraphDef.FromString(self.logged[run].graphs[0])
            served_nodes = [(node.name, node.op, list(node.input)) for node in served.node]
            logged_nodes = [(node.name, node.op, list(node.input)) for node in logged.node]
            self.check(served_nodes == logged_nodes, f"graph {run}: served {len(served_nodes)} nodes differ from "
                                                     f"the {len(logged_nodes)} logged")
            self.check(any(name == "layer_1/MatMul" for name, _, _ in served_nodes), f"graph {run}: no layer_1/MatMul")
        self.report.measured(f"[{self.loader} loader] graphs: {with_graph} served node for node")

    def images(self):
        expected = self.tags_of("images")
        served_tags = self.board.get("/data/plugin/images/tags")
        self.check({run: set(tags) for run, tags in served_tags.items()} == expected,
                   f"image tags: served {served_tags.keys()}, logged {expected}")
        count = 0
        for run, tags in expected.items():
            for tag in sorted(tags):
                served = self.board.get(f"/data/plugin/images/images?{query(run=run, tag=tag, sample=0)}")
                logged = self.logged[run].images[tag]
                self.check([entry["step"] for entry in served] == [step for step, _ in logged],
                           f"images {run} {tag}: steps {[entry['step'] for entry in served]}")
                for entry, (step, png) in zip(served, logged):
                    body = self.board.get(f"/data/plugin/images/individualImage?{entry['query']}", raw=True)
                    self.check(body == png and body.startswith(b"\x89PNG\r\n\x1a\n"),
                               f"image {run} {tag} step {step}: served {len(body)} bytes, logged {len(png)}")
                    count += 1
        self.report.measured(f"[{self.loader} loader] images: {count} PNGs served byte for byte")

    def text(self):
        expected = self.tags_of("texts")
        served_tags = self.board.get("/data/plugin/text/tags")
        self.check({run: set(tags) for run, tags in served_tags.items()} == expected,
                   f"text tags: served {served_tags}, logged {expected}")
        for run, tags in expected.items():
            for tag in sorted(tags):
                served = self.board.get(f"/data/plugin/text/text?{query(run=run, tag=tag)}")
                logged = self.logged[run].texts[tag]
                self.check([entry["step"] for entry in served] == [step for step, _ in logged],
                           f"text {run} {tag}: steps {[entry['step'] for entry in served]}")
                for entry, (step, markdown) in zip(served, logged):
                    # Rendered Markdown: every heading becomes an <hN> with its words.
                    headings = re.findall(r"^(#+) (.+)$", markdown, re.MULTILINE)
                    missing = [title for level, title in headings
                               if f"<h{len(level)}>{title.strip()}</h{len(level)}>" not in entry["text"]]
                    self.check(headings and not missing, f"text {run} {tag} step {step}: headings {missing} not "
                                                         f"rendered in {entry['text'][:200]}")

    def hparams(self):
        experiment = self.board.post("/data/plugin/hparams/experiment", {"experimentName": ""})
        logged_experiments = [run.hparams["_hparams_/experiment"].experiment for run in self.logged.values()
                              if "_hparams_/experiment" in run.hparams]
        if not self.check(logged_experiments, "no run logged an hparams experiment"):
            return
        logged = logged_experiments[0]
        # Names and types; TensorBoard lists the hyperparameters by name, vgsales in its own order.
        served_infos = {info["name"]: info["type"] for info in experiment.get("hparamInfos", [])}
        logged_infos = {info.name: api_pb2.DataType.Name(info.type) for info in logged.hparam_infos}
        self.check(served_infos == logged_infos, f"hparams experiment: served {served_infos}, logged {logged_infos}")
        self.check([(m["name"].get("group", ""), m["name"]["tag"]) for m in experiment.get("metricInfos", [])] ==
                   [(m.name.group, m.name.tag) for m in logged.metric_infos], "hparams experiment: metrics differ")
        groups = self.board.post("/data/plugin/hparams/session_groups", session_groups_request())["sessionGroups"]
        self.check(sorted(group["name"] for group in groups) == sorted(RUNS),
                   f"hparams sessions: served {[g['name'] for g in groups]}, runs {sorted(RUNS)}")
        for group in groups:
            run = group["name"]
            if run not in RUNS:
                continue
            start = self.logged[run].hparams["_hparams_/session_start_info"].session_start_info
            logged_hparams = json_format.MessageToDict(start)["hparams"]
            self.check(group["hparams"] == logged_hparams,
                       f"hparams {run}: served {group['hparams']}, logged {logged_hparams}")
            end = self.logged[run].hparams["_hparams_/session_end_info"].session_end_info
            self.check(group["sessions"][0]["status"] == api_pb2.Status.Name(end.status),
                       f"hparams {run}: status {group['sessions'][0]['status']}")
            served_metrics = {(m["name"]["group"], m["name"]["tag"]): m["value"] for m in group["metricValues"]}
            expected = {}
            for split in SPLITS:
                for tag, series in self.logged[f"{run}/{split}"].scalars.items():
                    if tag.startswith("final_"):
                        expected[(split, tag)] = float(series[-1][2])
            self.check(served_metrics == expected, f"hparams {run}: metrics served {served_metrics}, "
                                                   f"the runs' final scalars {expected}")
        self.report.measured(f"[{self.loader} loader] hparams: sessions {sorted(g['name'] for g in groups)} with "
                             f"{len(logged.hparam_infos)} hyperparameters and their final metrics")

    def custom_scalars(self):
        layout = self.board.get("/data/plugin/custom_scalars/layout")
        logged_layouts = [run.layouts[0] for name, run in sorted(self.logged.items()) if run.layouts]
        if not self.check(logged_layouts, "no custom scalars layout logged"):
            return
        # Both runs log the same layout, so TensorBoard's merge of them is that layout.
        expected = json_format.MessageToDict(logged_layouts[0])
        served = json_format.MessageToDict(json_format.ParseDict(layout, layout_pb2.Layout()))
        self.check(served == expected, f"custom scalars layout: served {served}, logged {expected}")
        series = 0
        for category in logged_layouts[0].category:
            for chart in category.chart:
                for regex in chart.multiline.tag:
                    for run, logged in self.logged.items():
                        answer = self.board.get(f"/data/plugin/custom_scalars/scalars?{query(run=run, tag=regex)}")
                        matching = sorted(tag for tag in logged.scalars if re.match(regex, tag))
                        self.check(answer.get("regex_valid") and sorted(answer["tag_to_events"]) == matching,
                                   f"custom scalars {run} '{regex}': served {sorted(answer.get('tag_to_events', {}))},"
                                   f" logged {matching}")
                        for tag in matching:
                            self.same_series(f"custom scalars {run} {tag}", answer["tag_to_events"].get(tag, []),
                                             logged.scalars[tag])
                            series += 1
        self.report.measured(f"[{self.loader} loader] custom scalars: layout as logged, {series} chart series equal "
                             f"the event files")


def main():
    environment = Environment()
    environment.require_data(REFERENCE.train_csv, REFERENCE.rows_csv)
    environment.fresh_work()
    report = Report()
    logdir = write_two_runs(environment)
    logged = read_logdir(logdir)
    for loader, load_fast in (("Python", "false"), ("Rust", "true")):
        with TensorBoard(logdir, load_fast, os.path.join(environment.work, f"tensorboard-{loader}.log")) as board:
            board.wait_until_loaded()
            DataApiChecks(report, board, logged, loader).run_all()
    report.finish()


if __name__ == "__main__":
    main()
