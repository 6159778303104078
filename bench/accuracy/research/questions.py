"""The research questions: each a title and a list of (name, method, post-processing) run by research.py.
A method's keys are experiments.DEFAULT_TRAINING's; post-processing keys are experiments.DEFAULT_POST's."""

TODAY = {}
POINT = {"interval": "residual"}

QUESTIONS = {
    "q1": ("Ensemble size and holdout design (everything else as today)", [
        ("today: 1 network, auto holdout", TODAY, POINT),
        ("K=5, auto holdout", {"members": 5}, POINT),
        ("K=5, shared 10 % holdout", {"members": 5, "holdout": "shared:0.1"}, POINT),
        ("K=5, shared 20 % holdout", {"members": 5, "holdout": "shared:0.2"}, POINT),
        ("K=5, 5-fold cross-fit (member k validates on fold k)", {"members": 5, "holdout": "kfold"}, POINT),
        ("K=5, 10 % fold per member (folds of 10-fold)", {"members": 5, "holdout": "kfold:10"}, POINT),
        ("K=3, 3-fold cross-fit", {"members": 3, "holdout": "kfold"}, POINT),
    ]),
}

K5F = {"members": 5, "holdout": "kfold"}
K5S = {"members": 5, "holdout": "shared:0.1"}
Q3 = {"quantiles": (0.1, 0.5, 0.9)}
Q1 = {"quantiles": (0.5,)}
QUESTIONS["q2"] = ("The estimand: a median head (pinball 0.5) and quantile heads (0.1, 0.9) beside the mean head", [
    ("K=5 5-fold, mean head only; median = expm1(mean head)", K5F, POINT),
    ("K=5 5-fold, mean head only; median = mean head + median of held-out residuals", K5F, {"median": "offset"}),
    ("K=5 5-fold, mean + median heads; median head", {**K5F, "train": Q1}, {"median": "head"}),
    ("K=5 5-fold, mean + 0.1/0.5/0.9 heads; median head, residual interval", {**K5F, "train": Q3}, {"median": "head"}),
    ("K=5 5-fold, mean + 0.1/0.5/0.9 heads; median head, CQR interval", {**K5F, "train": Q3},
     {"median": "head", "interval": "cqr"}),
    ("K=5 shared 10 %, mean + 0.1/0.5/0.9 heads; median head, CQR interval", {**K5S, "train": Q3},
     {"median": "head", "interval": "cqr"}),
    ("K=5 shared 10 %, mean + 0.1/0.5/0.9 heads; median head, residual interval", {**K5S, "train": Q3},
     {"median": "head"}),
])

QUESTIONS["q3"] = ("The mean: Duan's smearing factor on training rows or held-out rows; members averaged in log or units", [
    ("K=5 5-fold, Duan on training rows (today's rule)", K5F, {"median": "offset"}),
    ("K=5 5-fold, Duan on held-out (out-of-fold) rows", K5F, {"median": "offset", "mean": "duan_holdout"}),
    ("K=5 5-fold, Duan on training rows, members averaged in units", K5F, {"median": "offset", "combine": "units"}),
    ("K=5 5-fold, no smearing (expm1 of the mean head)", K5F, {"median": "offset", "mean": "none"}),
    ("K=5 5-fold + 3 quantile heads, Duan on held-out rows", {**K5F, "train": Q3}, {"median": "head", "mean": "duan_holdout"}),
    ("K=5 shared 10 %, Duan on training rows", K5S, {"median": "offset"}),
    ("K=5 shared 10 %, Duan on held-out rows", K5S, {"median": "offset", "mean": "duan_holdout"}),
])

MO = {"median": "offset", "mean": "duan_holdout"}


def k5f(**train):
    return {**K5F, "train": train}


QUESTIONS["q4"] = ("Training knobs, one at a time, on the K=5 5-fold ensemble (median by offset, Duan on held-out rows)", [
    ("K=5 5-fold as above (reference point)", K5F, MO),
    ("inputs standardised (z-scores; one-hot left 0/1)", {**K5F, "encoding": {"scaling": "standard", "scale_one_hot": False}}, MO),
    ("target standardised instead of min-max", {**K5F, "target_scaling": "standard"}, MO),
    ("vocabulary: values seen >= 10 times (scikit-learn's min_frequency=10), no cap",
     {**K5F, "encoding": {"vocabulary": "min_frequency", "min_frequency": 10, "max_categories": None}}, MO),
    ("vocabulary: top 200", {**K5F, "encoding": {"max_categories": 200}}, MO),
    ("vocabulary: every value seen >= 2 times", {**K5F, "encoding": {"vocabulary": "min_frequency", "min_frequency": 2, "max_categories": None}}, MO),
    ("AdamW weight decay 0.01", k5f(weight_decay=0.01), MO),
    ("AdamW weight decay 0.1", k5f(weight_decay=0.1), MO),
    ("AdamW weight decay 1.0", k5f(weight_decay=1.0), MO),
    ("dropout 0.1", k5f(dropout=0.1), MO),
    ("dropout 0.3", k5f(dropout=0.3), MO),
    ("learning rate 0.0003", k5f(lr=0.0003), MO),
    ("batch 128", k5f(batch=128), MO),
    ("batch 256, learning rate 0.002", k5f(batch=256, lr=0.002), MO),
    ("cosine schedule", k5f(schedule="cosine"), MO),
    ("reduce on plateau (halve after 5 epochs)", k5f(schedule="plateau"), MO),
    ("early stopping, patience 10", k5f(patience=10), MO),
])

P10 = {"patience": 10}
K5FP = {**K5F, "train": P10}
STD = {"scaling": "standard", "scale_one_hot": False}
STDB = {"scaling": "standard", "scale_one_hot": False, "booleans_as_one_hot": True}
QUESTIONS["q5"] = ("Seed noise, and input standardisation (early stopping with patience 10 from here on)", [
    ("K=5 5-fold, patience 10 (training seed 42)", K5FP, MO),
    ("same, training seeds 43 / 1043 / ... (seed_offset 1)", {**K5FP, "seed_offset": 1}, MO),
    ("same, seed_offset 2", {**K5FP, "seed_offset": 2}, MO),
    ("standardised numeric + boolean inputs", {**K5FP, "encoding": STD}, MO),
    ("standardised numeric + boolean inputs, seed_offset 1", {**K5FP, "encoding": STD, "seed_offset": 1}, MO),
    ("standardised numeric inputs, boolean and one-hot left 0/1", {**K5FP, "encoding": STDB}, MO),
    ("standardised numeric inputs, boolean and one-hot left 0/1, seed_offset 1", {**K5FP, "encoding": STDB, "seed_offset": 1}, MO),
    ("standardised numeric inputs, boolean and one-hot left 0/1, seed_offset 2", {**K5FP, "encoding": STDB, "seed_offset": 2}, MO),
])

K5SP = {**K5S, "train": P10}
QUESTIONS["q6"] = ("Shared holdout (exact split conformal) against 5-fold cross-fitting, with the median by offset or by a head", [
    ("shared 10 %, min-max, median by offset", K5SP, MO),
    ("shared 10 %, standardised numeric inputs, median by offset", {**K5SP, "encoding": STDB}, MO),
    ("shared 10 %, standardised numeric inputs, mean + median heads", {**K5SP, "encoding": STDB, "train": {**P10, **Q1}},
     {**MO, "median": "head"}),
    ("shared 10 %, min-max, mean + median heads", {**K5SP, "train": {**P10, **Q1}}, {**MO, "median": "head"}),
    ("5-fold, standardised numeric inputs, mean + median heads", {**K5FP, "encoding": STDB, "train": {**P10, **Q1}},
     {**MO, "median": "head"}),
    ("shared 20 %, min-max, median by offset", {**K5SP, "holdout": "shared:0.2"}, MO),
])

DET = {**P10, **Q1, "detach_heads": True}
QUESTIONS["q7"] = ("A median head that does not train the hidden layers (detached): the mean keeps its network", [
    ("shared 10 %, standardised, detached median head, epoch by all heads", {**K5SP, "encoding": STDB, "train": DET},
     {**MO, "median": "head"}),
    ("shared 10 %, standardised, detached median head, epoch by the mean head",
     {**K5SP, "encoding": STDB, "train": {**DET, "selection_head": "mean"}}, {**MO, "median": "head"}),
    ("shared 10 %, min-max, detached median head, epoch by all heads", {**K5SP, "train": DET}, {**MO, "median": "head"}),
    ("5-fold, standardised, detached median head, epoch by all heads", {**K5FP, "encoding": STDB, "train": DET},
     {**MO, "median": "head"}),
])
