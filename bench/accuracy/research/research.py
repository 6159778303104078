#!/usr/bin/python3
"""Runs one question of the research (a group of methods) and prints its table; every result is also appended
to results/<protocol>.jsonl. RESEARCH.md quotes these tables.
  research.py QUESTION [--protocol dev|test] [--tables vgsales,reference]
"""
import argparse
import json
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
warnings.filterwarnings("ignore")
import experiments as E  # noqa: E402
from questions import QUESTIONS  # noqa: E402


def row_text(name, summary, protocol):
    cells = [name]
    if "vgsales" in summary:
        s = summary["vgsales"]
        best_rmse, best_mae, _ = E.best_baseline(protocol, "vgsales")
        mae = s.get("mae", s["mae_mean"])
        cells += [f"{s['rmse']:.4f} ({100 * (s['rmse'] / best_rmse - 1):+.1f} %)",
                  f"{mae:.4f} ({100 * (mae / best_mae - 1):+.1f} %)",
                  f"{100 * s['coverage']:.1f} % / {s['width']:.3f}" if "coverage" in s else "",
                  f"{s['best_epoch']:.1f}", f"{s['seconds']:.0f}"]
    else:
        cells += [""] * 5
    if "reference" in summary:
        s = summary["reference"]
        cells += [f"${s['rmse']:,.0f} ± {s['rmse_sd']:,.0f}", f"${s.get('mae', s['mae_mean']):,.0f}",
                  f"{100 * s['coverage']:.1f} % / ${s['width']:,.0f}" if "coverage" in s else "",
                  f"{s['seconds']:.1f}"]
    else:
        cells += [""] * 4
    return "| " + " | ".join(cells) + " |"


HEADER = ("| method | vgsales RMSE of the mean (vs best baseline) | MAE of the median (vs best) | 80 % coverage / width | "
          "kept epoch | CPU s per model | reference RMSE ± sd | MAE of the median | 80 % coverage / width | CPU s |\n"
          "|---|---|---|---|---|---|---|---|---|---|")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("question", choices=sorted(QUESTIONS))
    parser.add_argument("--protocol", default="dev", choices=["dev", "test"])
    parser.add_argument("--tables", default="vgsales,reference")
    args = parser.parse_args()
    tables = tuple(args.tables.split(","))
    title, entries = QUESTIONS[args.question]
    print(f"\n#### {args.question}: {title} ({args.protocol} protocol)\n")
    _, _, baselines = E.best_baseline(args.protocol, "vgsales")
    print("Baselines on the same rows (vgsales, RMSE / MAE): " +
          ", ".join(f"{k} {v['rmse']:.4f} / {v['mae']:.4f}" for k, v in baselines.items()) + "\n")
    print(HEADER, flush=True)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    for name, method, post in entries:
        summary = E.evaluate(method, post, args.protocol, tables, verbose=False)
        print(row_text(name, summary, args.protocol), flush=True)
        with open(os.path.join(HERE, "results", f"{args.protocol}.jsonl"), "a") as log:
            log.write(json.dumps({"question": args.question, "name": name, "method": method, "post": post,
                                  "summary": summary}) + "\n")


if __name__ == "__main__":
    main()
