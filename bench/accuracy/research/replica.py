"""A Python replica of vgsales' training (src/data/dataset_schema.cpp, src/model/training_job.cpp,
src/model/trainer.cpp at 6cfdb48) and the candidate changes the research measures, on Debian's python3-torch.

The ensemble is trained as one batched model: every weight has a leading member axis [K, ...] and the layers are
torch.baddbmm, so K networks cost one Python loop. Each member has its own initialisation seed, its own shuffles and
(optionally) its own validation rows; Adam and AdamW are element-wise, so one optimiser over the stacked weights is K
independent optimisers.
"""
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mt19937_64 import MT19937_64, fisher_yates  # noqa: E402

torch.set_num_threads(1)

AUTO_VALIDATION_MINIMUM_ROWS = 10000
AUTO_LOG1P_MINIMUM_SKEWNESS = 2.0


# --- rows -------------------------------------------------------------------------------------------------------

def split_rows(count, fraction, seed):
    """src/data/row_split.cpp: (kept, held_out), each in file order."""
    rows = fisher_yates(list(range(count)), MT19937_64(seed))
    held = int(round(fraction * count))  # llround; ties do not occur at these sizes
    if fraction > 0 and held == 0:
        held = 1
    held = min(held, count)
    return np.sort(np.array(rows[count - held:], dtype=np.int64)), np.sort(np.array(rows[:count - held], dtype=np.int64))


def skewness(values):
    values = np.asarray(values, dtype=np.float64)
    d = values - values.mean()
    m2, m3 = np.mean(d ** 2), np.mean(d ** 3)
    return m3 / m2 ** 1.5 if m2 > 0 else 0.0


# --- encoding ---------------------------------------------------------------------------------------------------

class Encoding:
    """Columns to floats, fitted on training rows.

    vocabulary: "top" keeps the `max_categories` most frequent values (vgsales today); "min_frequency" keeps
    every value seen at least `min_frequency` times (scikit-learn's OneHotEncoder(min_frequency=...)), capped at
    `max_categories` if given. Every categorical column adds "other" and "missing".
    scaling: "minmax" (vgsales today) or "standard" (z-scores) for numeric columns; one-hot inputs are left as 0/1
    under "standard" (scaling them is what min-max does, a no-op for 0/1 columns).
    """

    def __init__(self, vocabulary="top", max_categories=50, min_frequency=None, scaling="minmax",
                 scale_one_hot=True, target_encoding=(), booleans_as_one_hot=False):
        self.vocabulary, self.max_categories, self.min_frequency = vocabulary, max_categories, min_frequency
        self.scaling, self.scale_one_hot = scaling, scale_one_hot
        self.target_encoding = tuple(target_encoding)
        self.booleans_as_one_hot = booleans_as_one_hot

    def fit(self, frame, features, y=None):
        self.features = list(features)
        self.specs = []
        for name in self.features:
            column = frame[name]
            if column.dtype == object:
                counts = column.dropna().value_counts()
                ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                if self.vocabulary == "top":
                    kept = [k for k, _ in ordered[:self.max_categories]]
                else:
                    kept = [k for k, c in ordered if c >= self.min_frequency]
                    if self.max_categories:
                        kept = kept[:self.max_categories]
                spec = {"name": name, "type": "categorical", "categories": kept,
                        "slot": {k: i for i, k in enumerate(kept)}}
                if name in self.target_encoding:
                    spec["type"] = "target"
                    spec.update(self._fit_target_encoding(column, y))
                self.specs.append(spec)
            else:
                values = column.to_numpy(dtype=np.float64)
                present = values[~np.isnan(values)]
                self.specs.append({"name": name, "type": "numeric", "fill": float(present.mean()),
                                   "indicator": bool(np.isnan(values).any()),
                                   "boolean": bool(np.isin(present, (0.0, 1.0)).all())})
        raw = self._encode(frame)
        if self.scaling == "minmax":
            low, high = raw.min(axis=0), raw.max(axis=0)
            self.offset = low
            self.scale = np.where(high > low, 1.0 / np.where(high > low, high - low, 1.0), 1.0).astype(np.float32)
        else:
            mean, sd = raw.mean(axis=0), raw.std(axis=0)
            self.offset = np.where(self.one_hot_mask & ~self.scale_one_hot, 0.0, mean).astype(np.float32)
            self.scale = np.where(self.one_hot_mask & ~self.scale_one_hot, 1.0,
                                  np.where(sd > 0, 1.0 / np.where(sd > 0, sd, 1.0), 1.0)).astype(np.float32)
        return self

    def _fit_target_encoding(self, column, y, smoothing=20.0):
        """Smoothed mean of the (transformed, scaled) target per category: m-estimate with weight `smoothing`."""
        y = np.asarray(y, dtype=np.float64)
        prior = y.mean()
        present = column.notna().to_numpy()
        means = {}
        values = column.to_numpy()
        for key in np.unique(values[present]):
            rows = values == key
            n = rows.sum()
            means[key] = (y[rows].sum() + smoothing * prior) / (n + smoothing)
        return {"means": means, "prior": prior}

    def _encode(self, frame):
        blocks, one_hot = [], []
        for spec in self.specs:
            column = frame[spec["name"]]
            if spec["type"] == "categorical":
                block = np.zeros((len(frame), len(spec["categories"]) + 2), dtype=np.float32)
                other, missing = len(spec["categories"]), len(spec["categories"]) + 1
                positions = np.array([missing if not isinstance(v, str) else spec["slot"].get(v, other)
                                      for v in column.to_numpy()])
                block[np.arange(len(frame)), positions] = 1.0
                blocks.append(block)
                one_hot.append(np.ones(block.shape[1], dtype=bool))
            elif spec["type"] == "target":
                values = np.array([spec["means"].get(v, spec["prior"]) if isinstance(v, str) else spec["prior"]
                                   for v in column.to_numpy()], dtype=np.float32)
                blocks.append(values[:, None])
                one_hot.append(np.zeros(1, dtype=bool))
            else:
                values = column.to_numpy(dtype=np.float64)
                missing = np.isnan(values)
                filled = np.where(missing, spec["fill"], values).astype(np.float32)
                blocks.append(filled[:, None])
                # vgsales infers 0/1 columns as boolean; "standard" scaling can leave them as 0/1 like one-hot inputs.
                one_hot.append(np.array([spec["boolean"] and self.booleans_as_one_hot]))
                if spec["indicator"]:
                    blocks.append(missing.astype(np.float32)[:, None])
                    one_hot.append(np.ones(1, dtype=bool))
        self.one_hot_mask = np.concatenate(one_hot)
        return np.concatenate(blocks, axis=1)

    def transform(self, frame):
        return ((self._encode(frame) - self.offset) * self.scale).astype(np.float32)


class TargetScaling:
    """log1p (or not), then min-max (vgsales today) or standardisation, fitted on training targets."""

    def __init__(self, transform, scaling="minmax"):
        self.transform, self.scaling = transform, scaling

    def forward_unscaled(self, y):
        y = np.asarray(y, dtype=np.float32)
        return np.log1p(y) if self.transform == "log1p" else y

    def fit(self, y):
        t = self.forward_unscaled(y)
        if self.scaling == "minmax":
            self.offset, self.scale = np.float32(t.min()), np.float32(t.max() - t.min() or 1.0)
        else:
            self.offset, self.scale = np.float32(t.mean()), np.float32(t.std() or 1.0)
        return self

    def to_scaled(self, y):
        return ((self.forward_unscaled(y) - self.offset) / self.scale).astype(np.float32)

    def to_transformed(self, scaled):
        """Network output -> transformed space (log1p units for log1p)."""
        return np.asarray(scaled, dtype=np.float32) * self.scale + self.offset

    def to_target(self, transformed):
        transformed = np.asarray(transformed, dtype=np.float64)
        return np.expm1(transformed) if self.transform == "log1p" else transformed


def automatic_target_transform(y):
    y = np.asarray(y, dtype=np.float32)
    return "log1p" if (y >= 0).all() and skewness(y) > AUTO_LOG1P_MINIMUM_SKEWNESS else "none"


# --- the batched ensemble ---------------------------------------------------------------------------------------

def initial_weights(inputs, hidden, outputs, seed):
    """torch.nn.Linear's own initialisation after torch.manual_seed(seed), layer by layer, as vgsales does it."""
    torch.manual_seed(seed)
    widths = [inputs] + list(hidden) + [outputs]
    layers = [torch.nn.Linear(a, b) for a, b in zip(widths, widths[1:])]
    return [(layer.weight.detach().t().contiguous(), layer.bias.detach().clone()) for layer in layers]


class BatchedNetwork:
    """K dense ReLU networks with stacked weights: W[l] is [K, in, out], b[l] is [K, 1, out]."""

    def __init__(self, inputs, hidden, outputs, seeds):
        per_member = [initial_weights(inputs, hidden, outputs, s) for s in seeds]
        self.weights = [torch.stack([m[l][0] for m in per_member]).requires_grad_() for l in range(len(hidden) + 1)]
        self.biases = [torch.stack([m[l][1] for m in per_member]).unsqueeze(1).requires_grad_()
                       for l in range(len(hidden) + 1)]

    def parameters(self):
        return self.weights + self.biases

    def forward(self, x, dropout=0.0, training=False, detach_heads=False):
        """x: [K, B, F] -> [K, B, outputs]. detach_heads: outputs after the first read the last hidden layer
        without passing gradient back into it, so only the first (mean) output shapes the hidden layers."""
        last = len(self.weights) - 1
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            if l == last and detach_heads and w.shape[2] > 1:
                first = torch.baddbmm(b[:, :, :1], x, w[:, :, :1])
                rest = torch.baddbmm(b[:, :, 1:], x.detach(), w[:, :, 1:])
                return torch.cat([first, rest], dim=2)
            x = torch.baddbmm(b, x, w)
            if l != last:
                x = torch.relu(x)
                if dropout > 0 and training:
                    x = torch.nn.functional.dropout(x, dropout, training=True)
        return x

    def state(self):
        return [p.detach().clone() for p in self.parameters()]

    def load(self, state, members=None):
        with torch.no_grad():
            for p, s in zip(self.parameters(), state):
                if members is None:
                    p.copy_(s)
                else:
                    p[members] = s[members]

    def predict(self, x, chunk=8192):
        """x: [N, F] (shared by all members) -> [K, N, outputs]."""
        with torch.no_grad():
            out = []
            for first in range(0, x.shape[0], chunk):
                part = x[first:first + chunk]
                out.append(self.forward(part.unsqueeze(0).expand(len(self.weights[0]), -1, -1)))
            return torch.cat(out, dim=1)


# --- training ---------------------------------------------------------------------------------------------------

class TrainConfig:
    """Every knob of one training run; the defaults are vgsales today (one member)."""

    def __init__(self, **overrides):
        self.hidden = (50, 100, 50)
        self.epochs = 50
        self.batch = 32
        self.lr = 0.001
        self.weight_decay = 0.0       # decoupled (AdamW) when > 0
        self.l2 = 0.0                 # added to the gradient (Adam + L2)
        self.dropout = 0.0
        self.schedule = "constant"    # constant | cosine | step | plateau
        self.patience = 0             # early stopping per member (0 = run every epoch)
        self.select_best = True       # keep each member's best validation epoch (when it has validation rows)
        self.quantiles = ()           # extra output heads trained with the pinball loss, e.g. (0.1, 0.5, 0.9)
        self.mean_head = True         # head 0 trained with MSE
        self.selection_head = "all"   # validation loss used to pick the epoch: "all" heads or "mean"
        self.detach_heads = False     # quantile heads read the hidden layer without training it
        self.exact_shuffle = True     # vgsales' mt19937_64 shuffles (slow in Python; only needed to replicate)
        for key, value in overrides.items():
            if not hasattr(self, key):
                raise KeyError(key)
            setattr(self, key, value)

    def outputs(self):
        return (1 if self.mean_head else 0) + len(self.quantiles)

    def key(self):
        return ",".join(f"{k}={v}" for k, v in sorted(vars(self).items()) if k != "exact_shuffle")


class MemberPlan:
    """One member: its seed, its training rows and its validation rows (indices into the training matrix)."""

    def __init__(self, seed, train_rows, validation_rows=None):
        self.seed, self.train_rows, self.validation_rows = seed, np.asarray(train_rows), validation_rows


def _loss_per_member(output, y, mask, config):
    """output [K, B, O], y [K, B], mask [K, B] -> per-member mean loss [K]."""
    count = mask.sum(dim=1).clamp(min=1)
    total = torch.zeros(output.shape[0])
    head = 0
    if config.mean_head:
        total = total + ((output[:, :, 0] - y) ** 2 * mask).sum(dim=1) / count
        head = 1
    for i, tau in enumerate(config.quantiles):
        e = y - output[:, :, head + i]
        total = total + (torch.maximum(tau * e, (tau - 1) * e) * mask).sum(dim=1) / count
    return total


def _selection_loss(output, y, mask, config):
    if config.selection_head == "mean" and config.mean_head:
        return ((output[:, :, 0] - y) ** 2 * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)
    return _loss_per_member(output, y, mask, config)


def _learning_rate(config, epoch, plateau_scale):
    base = config.lr * plateau_scale
    if config.schedule == "cosine":
        return base * 0.5 * (1 + math.cos(math.pi * (epoch - 1) / config.epochs))
    if config.schedule == "step":
        return base * (0.1 ** ((epoch - 1) // max(1, config.epochs // 3)))
    return base


def train_members(x, y_scaled, plans, config, inputs_width):
    """Trains K members at once. x [N, F] float32 tensor, y_scaled [N] float32 tensor (scaled target).
    Returns (network with each member's kept weights, info)."""
    K = len(plans)
    network = BatchedNetwork(inputs_width, config.hidden, config.outputs(), [p.seed for p in plans])
    params = network.parameters()
    exp_avg = [torch.zeros_like(p) for p in params]
    exp_avg_sq = [torch.zeros_like(p) for p in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    step = 0
    counts = np.array([len(p.train_rows) for p in plans])
    n_max = counts.max()
    batches = (n_max + config.batch - 1) // config.batch
    shufflers = [MT19937_64(p.seed ^ 0x9E3779B97F4A7C15) if config.exact_shuffle else np.random.default_rng(p.seed)
                 for p in plans]
    has_validation = all(p.validation_rows is not None and len(p.validation_rows) for p in plans)
    if has_validation:
        v_max = max(len(p.validation_rows) for p in plans)
        # Pad with a member's own first validation row; padded rows are excluded by the mask below.
        v_idx = torch.tensor(np.stack([np.concatenate([p.validation_rows, np.repeat(p.validation_rows[:1], v_max - len(p.validation_rows))]) for p in plans]))
        v_mask = torch.tensor(np.stack([np.arange(v_max) < len(p.validation_rows) for p in plans]), dtype=torch.float32)
        x_val, y_val = x[v_idx], y_scaled[v_idx]
    best_loss = np.full(K, np.inf)
    best_epoch = np.zeros(K, dtype=int)
    since_best = np.zeros(K, dtype=int)
    stopped = np.zeros(K, dtype=bool)
    best_state = network.state()
    plateau_scale = torch.ones(K)
    history = []
    for epoch in range(1, config.epochs + 1):
        orders = []
        for k, plan in enumerate(plans):
            if config.exact_shuffle:
                order = np.array(fisher_yates(list(range(counts[k])), shufflers[k]), dtype=np.int64)
            else:
                order = shufflers[k].permutation(counts[k])
            rows = plan.train_rows[order]
            orders.append(np.concatenate([rows, np.full(n_max - counts[k], -1)]))
        order = torch.tensor(np.stack(orders))
        lr = torch.tensor([_learning_rate(config, epoch, 1.0)] * K) * plateau_scale
        lr_view = lr.view(K, 1, 1)
        for b in range(batches):
            idx = order[:, b * config.batch:(b + 1) * config.batch]
            mask = (idx >= 0).float()
            idx = idx.clamp(min=0)
            output = network.forward(x[idx], config.dropout, training=True, detach_heads=config.detach_heads)
            loss = _loss_per_member(output, y_scaled[idx], mask, config).sum()
            grads = torch.autograd.grad(loss, params)
            step += 1
            bc1, bc2 = 1 - beta1 ** step, 1 - beta2 ** step
            with torch.no_grad():
                for p, g, m, v in zip(params, grads, exp_avg, exp_avg_sq):
                    if config.l2:
                        g = g + config.l2 * p
                    if config.weight_decay:
                        p.mul_(1 - lr_view * config.weight_decay)
                    m.mul_(beta1).add_(g, alpha=1 - beta1)
                    v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                    denom = (v.sqrt() / math.sqrt(bc2)).add_(eps)
                    p.sub_(lr_view / bc1 * m / denom)
        if has_validation:
            with torch.no_grad():
                out = network.forward(x_val)
                losses = _selection_loss(out, y_val, v_mask, config).numpy()
            history.append(losses.copy())
            improved = (losses < best_loss) & ~stopped
            if improved.any():
                best_loss[improved] = losses[improved]
                best_epoch[improved] = epoch
                since_best[improved] = 0
                members = torch.tensor(np.nonzero(improved)[0])
                for s, p in zip(best_state, params):
                    s[members] = p.detach()[members]
            worse = ~improved & ~stopped
            since_best[worse] += 1
            if config.schedule == "plateau":
                # Halve a member's rate after 5 epochs without improvement (ReduceLROnPlateau's factor 0.5).
                cut = worse & (since_best > 0) & (since_best % 5 == 0)
                plateau_scale[torch.tensor(cut)] *= 0.5
            if config.patience:
                stopped |= since_best >= config.patience
                if stopped.all():
                    break
        if not (has_validation and config.select_best):
            best_state = network.state()
            best_epoch[:] = epoch
    network.load(best_state)
    return network, {"best_epoch": best_epoch.tolist(), "epochs_run": epoch, "history": history}
