"""The research protocol: a method (encoding, holdout design, ensemble, training, post-processing) run on the
five vgsales splits and the reference job's five seeds, scored as bench/accuracy scores vgsales.

Two protocols:
  dev   tune here. Each table's training part is split again (train_test_split(test_size=0.2, random_state=s)); the
        method trains on the inner 80 % and is scored on the inner 20 %. The test rows are never read.
  test  the bench's own rows: train on the training part, score on the test rows. Run only for a method chosen on dev.

Training (the expensive part) is cached under build/accuracy-research/ as the members' raw outputs (transformed space)
for every training and evaluation row, so post-processing variants (how the mean, median and interval are formed)
cost nothing.
"""
import hashlib
import json
import os
import sys
import time

import numpy as np
import torch
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import accuracy_data as data  # noqa: E402
import replica  # noqa: E402

CACHE = os.path.normpath(os.path.join(HERE, "..", "..", "..", "build", "accuracy-research"))
TRAINING_SEED = 42  # vgsales' default --seed, used on every vgsales split


# --- the tables under each protocol ---------------------------------------------------------------------------------

def cases(protocol, tables=("vgsales", "reference")):
    """[(table, index, train_frame, eval_frame, target, seed)]; index is the split (vgsales) or the seed (reference)."""
    out = []
    if "vgsales" in tables:
        target = data.VGSALES_TARGET
        for s in data.VGSALES_SPLITS:
            train_text, test_text = data.vgsales_split(s)
            if protocol == "dev":
                train_text, test_text = train_test_split(train_text, test_size=0.2, random_state=s)
            out.append(("vgsales", s, data.typed(train_text, target), data.typed(test_text, target), target,
                        TRAINING_SEED))
    if "reference" in tables:
        target = data.REFERENCE_TARGET
        train, test = data.reference_tables()
        for seed in data.REFERENCE_SEEDS:
            tr, te = (train_test_split(train, test_size=0.2, random_state=seed) if protocol == "dev" else (train, test))
            out.append(("reference", seed, tr.reset_index(drop=True), te.reset_index(drop=True), target, seed))
    return out


# --- a method's training part ---------------------------------------------------------------------------------------

DEFAULT_TRAINING = {
    "encoding": {},            # replica.Encoding keyword arguments
    "target_scaling": "minmax",
    "holdout": "auto",         # auto (vgsales today) | shared:F | kfold | none
    "members": 1,
    "train": {},               # replica.TrainConfig overrides
    "transform": "auto",
}


def training_key(method, case):
    table, index = case[0], case[1]
    relevant = {k: method.get(k, v) for k, v in DEFAULT_TRAINING.items()}
    text = json.dumps(relevant, sort_keys=True) + f"|{table}|{index}|{case[5]}|{len(case[2])}|{len(case[3])}"
    if method.get("seed_offset"):  # added later: only in the key when used, so earlier cache entries stay valid
        text += f"|seed_offset={method['seed_offset']}"
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def holdout_plans(method, n, seed, members):
    """Member plans over rows 0..n-1 of the training frame, and the rows the encoding is fitted on."""
    holdout = method.get("holdout", "auto")
    seeds = [seed + 1000 * k for k in range(members)]
    if holdout == "auto":
        fraction = 0.1 if n > replica.AUTO_VALIDATION_MINIMUM_ROWS else 0.0
        holdout = f"shared:{fraction}"
    if holdout == "rule":
        # 10 % of the rows, but at least 200 rows (at most a quarter of the table) to calibrate the interval on.
        holdout = f"shared:{min(0.25, max(0.1, 200 / n))}"
    if holdout == "none":
        holdout = "shared:0"
    if holdout.startswith("shared:"):
        fraction = float(holdout.split(":")[1])
        if fraction > 0:
            held, kept = replica.split_rows(n, fraction, seed + 1)
        else:
            held, kept = np.array([], dtype=np.int64), np.arange(n)
        plans = [replica.MemberPlan(s, kept, held if len(held) else None) for s in seeds]
        return plans, kept
    if holdout.startswith("kfold"):
        # kfold: member k validates on fold k of `members` folds; kfold:F: on a 1/F fold, folds distinct per member.
        folds = members if holdout == "kfold" else int(holdout.split(":")[1])
        order = np.random.default_rng(seed + 1).permutation(n)
        fold_of = np.empty(n, dtype=np.int64)
        fold_of[order] = np.arange(n) % folds
        plans = [replica.MemberPlan(s, np.nonzero(fold_of != (k % folds))[0], np.nonzero(fold_of == (k % folds))[0])
                 for k, s in enumerate(seeds)]
        return plans, np.arange(n)
    raise ValueError(holdout)


def train_case(method, case, verbose=True):
    """Trains (or loads from the cache) one case; returns a dict of arrays (transformed space)."""
    key = training_key(method, case)
    path = os.path.join(CACHE, key + ".npz")
    if os.path.exists(path):
        loaded = np.load(path, allow_pickle=True)
        return {k: loaded[k] for k in loaded.files}
    table, index, train, evaluation, target, seed = case
    features = [c for c in train.columns if c != target]
    y = train[target].to_numpy(dtype=np.float32)
    members = method.get("members", 1)
    plans, fit_rows = holdout_plans(method, len(train), seed + method.get("seed_offset", 0), members)
    encoding = replica.Encoding(**method.get("encoding", {}))
    transform = method.get("transform", "auto")
    if transform == "auto":
        transform = replica.automatic_target_transform(y[fit_rows])
    scaling = replica.TargetScaling(transform, method.get("target_scaling", "minmax")).fit(y[fit_rows])
    encoding.fit(train.iloc[fit_rows], features, scaling.to_scaled(y[fit_rows]))
    x = torch.tensor(encoding.transform(train))
    y_scaled = torch.tensor(scaling.to_scaled(y))
    overrides = dict(method.get("train", {}))
    overrides.setdefault("exact_shuffle", members == 1)
    config = replica.TrainConfig(**overrides)
    started = time.process_time()
    network, info = replica.train_members(x, y_scaled, plans, config, x.shape[1])
    seconds = time.process_time() - started
    x_eval = torch.tensor(encoding.transform(evaluation))
    # Outputs back in the transformed space (log1p units for log1p), every member and head.
    to_t = lambda out: out.numpy() * scaling.scale + scaling.offset  # noqa: E731
    result = {
        "train_out": to_t(network.predict(x)), "eval_out": to_t(network.predict(x_eval)),
        "train_y": y.astype(np.float64), "eval_y": evaluation[target].to_numpy(dtype=np.float64),
        "transform": np.array(transform), "best_epoch": np.array(info["best_epoch"]),
        "epochs_run": np.array(info["epochs_run"]), "seconds": np.array(seconds), "width": np.array(x.shape[1]),
        "scaling_scale": np.array(scaling.scale),
    }
    validation = np.full((members, len(train)), False)
    training = np.full((members, len(train)), False)
    for k, plan in enumerate(plans):
        training[k, plan.train_rows] = True
        if plan.validation_rows is not None:
            validation[k, plan.validation_rows] = True
    result["validation_mask"], result["training_mask"] = validation, training
    os.makedirs(CACHE, exist_ok=True)
    np.savez_compressed(path + ".tmp.npz", **result)
    os.replace(path + ".tmp.npz", path)
    if verbose:
        print(f"    trained {table} {index}: {seconds:.1f} s CPU, width {x.shape[1]}, kept epochs {info['best_epoch']}",
              file=sys.stderr, flush=True)
    return result


# --- post-processing: the three numbers per row ----------------------------------------------------------------------

def quantile_higher(values, level):
    """The ceil((n+1) * level)-th smallest value (split conformal's finite-sample quantile), capped at the largest."""
    values = np.sort(np.asarray(values, dtype=np.float64))
    n = len(values)
    rank = int(np.ceil((n + 1) * level))
    return values[min(max(rank, 1), n) - 1]


def quantile_lower(values, level):
    """The floor((n+1) * level)-th smallest value (the lower bound's finite-sample quantile), at least the smallest."""
    values = np.sort(np.asarray(values, dtype=np.float64))
    n = len(values)
    rank = int(np.floor((n + 1) * level))
    return values[min(max(rank, 1), n) - 1]


DEFAULT_POST = {
    "combine": "transformed",  # average members in the transformed space ("transformed") or in target units
    "mean": "duan_train",      # duan_train | duan_holdout | none
    "median": "mean_head",     # mean_head | offset | head
    "interval": "residual",    # residual | cqr | none
    "level": 0.8,
}


def _heads(result, post):
    """Per-member outputs split into the mean head and the quantile heads."""
    return result["train_out"], result["eval_out"]


def holdout_predictions(result, head):
    """Predictions for the rows some member held out, from the members that held them out (averaged)."""
    mask = result["validation_mask"]
    rows = mask.any(axis=0)
    out = result["train_out"][:, :, head]
    counts = mask.sum(axis=0)
    averaged = (out * mask).sum(axis=0)[rows] / counts[rows]
    return rows, averaged


def post_process(result, post, quantile_heads=()):
    """Mean, median, lower, upper in target units for the evaluation rows."""
    post = {**DEFAULT_POST, **post}
    log1p = str(result["transform"]) == "log1p"
    inverse = np.expm1 if log1p else (lambda v: v)
    members_eval = result["eval_out"]          # [K, N, O]
    members_train = result["train_out"]
    head = 0
    mu_eval = members_eval[:, :, head].mean(axis=0)
    mu_train = members_train[:, :, head].mean(axis=0)
    training_rows = result["training_mask"].any(axis=0) & ~result["validation_mask"].any(axis=0)
    if not training_rows.any():  # kfold: every row is someone's validation row; use every row in sample
        training_rows = np.ones_like(training_rows)
    y_train = result["train_y"]
    out = {}
    # The mean.
    if post["combine"] == "units" and log1p:
        mean_eval = np.expm1(members_eval[:, :, head]).mean(axis=0)
    else:
        mean_eval = inverse(mu_eval)
    if log1p and post["mean"] == "duan_train":
        smear = np.mean((1 + y_train[training_rows]) / (1 + np.expm1(mu_train[training_rows])))
        out["smearing"] = smear
        mean_eval = (1 + mean_eval) * smear - 1
    elif log1p and post["mean"] == "duan_holdout":
        rows, held = holdout_predictions(result, head)
        smear = np.mean((1 + y_train[rows]) / (1 + np.expm1(held)))
        out["smearing"] = smear
        mean_eval = (1 + mean_eval) * smear - 1
    out["mean"] = mean_eval
    # Residuals on held-out rows, in the transformed space, around the mean head.
    rows, held = holdout_predictions(result, head)
    t = np.log1p(y_train) if log1p else y_train
    residuals = t[rows] - held if rows.any() else None
    out["holdout_rows"] = int(rows.sum())
    if post["median"] == "mean_head":
        out["median"] = inverse(mu_eval)
    elif post["median"] == "offset":
        out["median"] = inverse(mu_eval + np.median(residuals))
    elif post["median"] == "head":
        q = quantile_heads.index(0.5)
        out["median"] = inverse(members_eval[:, :, 1 + q].mean(axis=0))
    elif post["median"] == "best":
        # Whichever candidate has the lower absolute error on the held-out rows, in target units.
        q = 1 + quantile_heads.index(0.5)
        _, held_head = holdout_predictions(result, q)
        offset = np.median(residuals)
        candidates = {"head": (inverse(held_head), inverse(members_eval[:, :, q].mean(axis=0))),
                      "offset": (inverse(held + offset), inverse(mu_eval + offset))}
        errors = {k: np.mean(np.abs(v[0] - y_train[rows])) for k, v in candidates.items()}
        out["median_choice"] = min(errors, key=errors.get)
        out["median"] = candidates[out["median_choice"]][1]
    alpha = 1 - post["level"]
    if post["interval"] == "residual" and residuals is not None:
        low, high = quantile_lower(residuals, alpha / 2), quantile_higher(residuals, 1 - alpha / 2)
        out["lower"], out["upper"] = inverse(mu_eval + low), inverse(mu_eval + high)
    elif post["interval"] == "cqr" and residuals is not None:
        lo_head = 1 + quantile_heads.index(round(alpha / 2, 6))
        hi_head = 1 + quantile_heads.index(round(1 - alpha / 2, 6))
        _, held_lo = holdout_predictions(result, lo_head)
        _, held_hi = holdout_predictions(result, hi_head)
        # Asymmetric CQR: each bound corrected on its own at alpha/2.
        e_lo = held_lo - t[rows]
        e_hi = t[rows] - held_hi
        c_lo, c_hi = quantile_higher(e_lo, 1 - alpha / 2), quantile_higher(e_hi, 1 - alpha / 2)
        out["lower"] = inverse(members_eval[:, :, lo_head].mean(axis=0) - c_lo)
        out["upper"] = inverse(members_eval[:, :, hi_head].mean(axis=0) + c_hi)
    return out


def score(result, processed):
    actual = result["eval_y"]
    row = {"rmse": data.point_metrics(processed["mean"], actual)["rmse"],
           "mae_mean": data.point_metrics(processed["mean"], actual)["mae"],
           "r2": data.point_metrics(processed["mean"], actual)["r2"]}
    if "median" in processed:
        row["mae"] = data.point_metrics(processed["median"], actual)["mae"]
    if "lower" in processed:
        row.update(data.interval_metrics(processed["lower"], processed["upper"], actual))
    return row


# --- baselines under the same protocol -------------------------------------------------------------------------------

def baseline_scores(protocol, tables=("vgsales", "reference")):
    """The bench's baselines on the protocol's rows, cached as JSON."""
    path = os.path.join(CACHE, f"baselines-{protocol}.json")
    cached = json.load(open(path)) if os.path.exists(path) else {}
    import accuracy_benchmark as bench
    changed = False
    for table, index, train, evaluation, target, seed in cases(protocol, tables):
        for name in ("mlp", "hgb", "ridge", "xgboost"):
            key = f"{table}|{index}|{name}"
            if key in cached:
                continue
            result = bench.run_baseline(name, 1 if table == "vgsales" else seed, train, evaluation, target)
            cached[key] = data.point_metrics(result["mean"], evaluation[target].to_numpy())
            changed = True
    if changed:
        os.makedirs(CACHE, exist_ok=True)
        json.dump(cached, open(path, "w"))
    return cached


def best_baseline(protocol, table):
    scores = baseline_scores(protocol)
    summary = {}
    for name in ("mlp", "hgb", "ridge", "xgboost"):
        runs = [v for k, v in scores.items() if k.startswith(table + "|") and k.endswith("|" + name)]
        summary[name] = {m: float(np.mean([r[m] for r in runs])) for m in ("rmse", "mae")}
    return (min(v["rmse"] for v in summary.values()), min(v["mae"] for v in summary.values()), summary)


# --- one experiment ---------------------------------------------------------------------------------------------------

def evaluate(method, post=None, protocol="dev", tables=("vgsales", "reference"), verbose=True):
    """Mean over the cases of each table; returns {table: {metric: value, ...}}."""
    post = post or {}
    summary = {}
    per_case = {}
    for case in cases(protocol, tables):
        result = train_case(method, case, verbose)
        heads = tuple(method.get("train", {}).get("quantiles", ()))
        processed = post_process(result, post, heads)
        row = score(result, processed)
        row["seconds"] = float(result["seconds"])
        row["best_epoch"] = float(np.mean(result["best_epoch"]))
        per_case.setdefault(case[0], []).append(row)
    for table, rows in per_case.items():
        keys = rows[0].keys()
        summary[table] = {k: float(np.mean([r[k] for r in rows])) for k in keys}
        summary[table]["rmse_sd"] = float(np.std([r["rmse"] for r in rows], ddof=1))
        summary[table]["runs"] = rows
    return summary


def describe(summary, protocol="dev"):
    """One line per table, relative to the best baseline of the same protocol."""
    parts = []
    for table, s in summary.items():
        if table == "vgsales":
            best_rmse, best_mae, _ = best_baseline(protocol, table)
            text = (f"vgsales RMSE {s['rmse']:.4f} ({100 * (s['rmse'] / best_rmse - 1):+.1f}%) "
                    f"MAE {s.get('mae', s['mae_mean']):.4f} ({100 * (s.get('mae', s['mae_mean']) / best_mae - 1):+.1f}%)")
        else:
            text = f"reference RMSE ${s['rmse']:,.0f} ± {s['rmse_sd']:,.0f} MAE ${s.get('mae', s['mae_mean']):,.0f}"
        if "coverage" in s:
            text += f" cover {100 * s['coverage']:.1f}% width {s['width']:.3g}"
        text += f" [{s['seconds']:.1f}s, ep {s['best_epoch']:.1f}]"
        parts.append(text)
    return " | ".join(parts)
