"""Survey for issue 11: what the regularization experiments show over 8 seeds on a large held-out set.

Not a test: it prints tables (means with 95% intervals of paired differences,
from nn_lib.evidence) that the chapter rewrites can rely on. About 10 minutes
on one core. Seeds derive from NN_LIB_BOOK_SEED (default 0) through
nn_lib.notebook.seeds, as in the book.

    nice -n 10 .venv/bin/python bench/evidence_survey.py
"""

from __future__ import annotations

import os

# One BLAS thread: on a shared machine, a second thread spin-waiting for its share of a
# 100 x 100 product multiplies the CPU time and gives nothing back.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

import numpy as np  # noqa: E402

import nn_lib as nl  # noqa: E402
from nn_lib.data import _curved_boundary  # noqa: E402
from nn_lib.evidence import compare, mean_interval  # noqa: E402
from nn_lib.notebook import seeds  # noqa: E402

N_SEEDS = 8
N_HELD_OUT = 20_000
CHECKPOINT = 250  # iterations between the train-accuracy checkpoints of a tracked run


@dataclass
class Setting:
    name: str
    layer_dims: list[int]
    learning_rate: float
    iterations: int
    methods: dict[str, dict] = field(default_factory=dict)  # name -> train() keyword arguments
    n_train: int = 211
    label_noise: float = 0.1
    book_data: bool = False  # the book's fixed training set, else one fresh draw per seed
    track: bool = False  # checkpoints of the unregularized run (stability, over-fitting)


NONE, L2, DROPOUT = "none", "L2 0.7", "dropout 0.86"
BOOK_METHODS = {NONE: {}, L2: {"lambd": 0.7}, DROPOUT: {"keep_prob": 0.86}}


def held_out(label_noise: float) -> tuple[np.ndarray, np.ndarray, float]:
    """A large sample of the same generator, and the accuracy of the true boundary on it."""
    X, Y = nl.make_curved_boundary(N_HELD_OUT, label_noise=label_noise,
                                   seed=seeds(1, stream=f"survey/held-out/{label_noise}")[0])
    clean = (X[1] > _curved_boundary(X[0])).astype(float)
    return X, Y, float(np.mean(clean == Y[0]))


def tracked_run(X, Y, Xh, Yh, s: Setting, seed: int) -> dict:
    """Train without regularization in chunks of CHECKPOINT iterations (identical to one run:
    full-batch gradient descent has no state) and record cost and accuracies on the way."""
    params, costs, train_acc, held_acc = None, [], [], []
    for _ in range(s.iterations // CHECKPOINT):
        result = nl.train(X, Y, s.layer_dims, nl.GradientDescent(s.learning_rate),
                          num_epochs=CHECKPOINT, seed=seed, parameters=params, cost_every=10)
        params = result.parameters
        costs.extend(result.costs[:-1] if len(result.costs) > CHECKPOINT // 10 else result.costs)
        train_acc.append(nl.accuracy(nl.predict(X, params), Y))
        held_acc.append(nl.accuracy(nl.predict(Xh, params), Yh))
    return {"params": params, "costs": np.array(costs), "train_acc": np.array(train_acc),
            "held_acc": np.array(held_acc)}


def stability(track: dict) -> dict:
    """Cost spikes and train-accuracy swings in the first and second half of a tracked run."""
    costs, acc = track["costs"], track["train_acc"]
    out = {}
    for label, part in (("first half", slice(0, len(costs) // 2)),
                        ("second half", slice(len(costs) // 2, None))):
        c = costs[part]
        running_min = np.minimum.accumulate(costs)[part]
        out[f"max cost / running min ({label})"] = float(np.max(c / running_min))
        out[f"records > 2x running min ({label})"] = int(np.sum(c > 2 * running_min))
    half = len(acc) // 2
    for label, a in (("first half", acc[:half]), ("second half", acc[half:])):
        out[f"train acc range ({label})"] = float(a.max() - a.min())
        out[f"largest train acc swing between checkpoints ({label})"] = float(
            np.max(np.abs(np.diff(a))))
    return out


def survey(s: Setting) -> None:
    started = time.process_time()
    Xh, Yh, ceiling = held_out(s.label_noise)
    train_seeds = seeds(N_SEEDS, stream=f"survey/train/{s.name}")
    data_seeds = seeds(N_SEEDS, stream=f"survey/data/{s.n_train}/{s.label_noise}")
    acc = {m: {"train": [], "held": []} for m in s.methods}
    stab, tracks = [], []
    for i in range(N_SEEDS):
        if s.book_data:
            X, Y, _, _ = nl.make_regularization_data()
        else:
            X, Y = nl.make_curved_boundary(s.n_train, s.label_noise, seed=data_seeds[i])
        for method, kwargs in s.methods.items():
            if s.track and method == NONE:
                track = tracked_run(X, Y, Xh, Yh, s, train_seeds[i])
                params = track["params"]
                stab.append(stability(track))
                tracks.append(track)
            else:
                params = nl.train(X, Y, s.layer_dims, nl.GradientDescent(s.learning_rate),
                                  num_epochs=s.iterations, seed=train_seeds[i],
                                  cost_every=s.iterations, **kwargs).parameters
            acc[method]["train"].append(nl.accuracy(nl.predict(X, params), Y))
            acc[method]["held"].append(nl.accuracy(nl.predict(Xh, params), Yh))
    print(f"\n### {s.name}\n")
    print(f"{s.layer_dims}, full-batch GD, learning rate {s.learning_rate}, {s.iterations} "
          f"iterations, {s.n_train} training points "
          f"({'the book data' if s.book_data else 'a fresh draw per seed'}), label_noise "
          f"{s.label_noise}; {N_SEEDS} seeds; held-out {N_HELD_OUT} points "
          f"(true boundary scores {ceiling:.4f} on them). CPU {time.process_time() - started:.0f} s.\n")
    print("| method | train acc. (mean, 95% CI) | held-out acc. (mean, 95% CI) |")
    print("|---|---|---|")
    for method in s.methods:
        tr, he = mean_interval(acc[method]["train"]), mean_interval(acc[method]["held"])
        print(f"| {method} | {tr.mean:.4f} [{tr.low:.4f}, {tr.high:.4f}] "
              f"| {he.mean:.4f} [{he.low:.4f}, {he.high:.4f}] |")
    print("\n| paired difference (held-out acc.) | mean | 95% CI | verdict |")
    print("|---|---|---|---|")
    names = list(s.methods)
    for a in names[1:]:
        for b in [NONE] + ([L2] if L2 in names and a != L2 else []):
            if a == b:
                continue
            interval, word = compare(acc[a]["held"], acc[b]["held"])
            print(f"| {a} - {b} | {interval.mean:+.4f} | [{interval.low:+.4f}, "
                  f"{interval.high:+.4f}] | {a} {word}"
                  f"{'' if word.startswith('no') else ' than ' + b} |")
    if stab:
        print("\nUnregularized run, per seed (cost recorded every 10 iterations; train accuracy "
              f"every {CHECKPOINT}):\n")
        keys = list(stab[0])
        print("| measure | " + " | ".join(f"seed {i}" for i in range(N_SEEDS)) + " |")
        print("|---|" + "---|" * N_SEEDS)
        for key in keys:
            print(f"| {key} | " + " | ".join(
                f"{st[key]:.3g}" for st in stab) + " |")
        held = np.array([t["held_acc"] for t in tracks])
        train = np.array([t["train_acc"] for t in tracks])
        marks = [k for k in (1000, 2000, 5000, 10000, 15000, 20000, 25000, 30000)
                 if k <= s.iterations]
        print("\nMean over seeds at iteration (95% CI of held-out):\n")
        print("| iteration | train acc. | held-out acc. |")
        print("|---|---|---|")
        for k in marks:
            j = k // CHECKPOINT - 1
            he = mean_interval(held[:, j])
            print(f"| {k} | {train[:, j].mean():.4f} | {he.mean:.4f} [{he.low:.4f}, {he.high:.4f}] |")
        peak = held.max(axis=1)
        interval, word = compare(held[:, -1], peak)
        print(f"\nHeld-out accuracy at the end minus its best checkpoint: {interval.mean:+.4f} "
              f"[{interval.low:+.4f}, {interval.high:+.4f}] (best checkpoint at iteration "
              f"{', '.join(str((int(np.argmax(h)) + 1) * CHECKPOINT) for h in held)}).")
        early = held[:, 5000 // CHECKPOINT - 1] if s.iterations >= 5000 else None
        if early is not None:
            interval, word = compare(held[:, -1], early)
            print(f"Held-out accuracy at the end minus at 5000 iterations: {interval.mean:+.4f} "
                  f"[{interval.low:+.4f}, {interval.high:+.4f}]: end {word}"
                  f"{'' if word.startswith('no') else ' than at 5000'}.")
    sys.stdout.flush()


SETTINGS = [
    Setting("Book setting", [2, 20, 3, 1], 0.3, 30_000, BOOK_METHODS, book_data=True,
            track=True),
    Setting("Book network, learning rate 0.1", [2, 20, 3, 1], 0.1, 30_000, BOOK_METHODS,
            book_data=True, track=True),
    Setting("Book network, learning rate 0.03", [2, 20, 3, 1], 0.03, 30_000, {NONE: {}},
            book_data=True, track=True),
    Setting("Wide network", [2, 100, 100, 1], 0.3, 10_000,
            {NONE: {}, L2: {"lambd": 0.7}, "dropout 0.7": {"keep_prob": 0.7},
             DROPOUT: {"keep_prob": 0.86}}),
    Setting("Wide network, 100 points, label_noise 0.2", [2, 100, 100, 1], 0.3, 10_000,
            {NONE: {}, L2: {"lambd": 0.7}, "dropout 0.7": {"keep_prob": 0.7},
             DROPOUT: {"keep_prob": 0.86}}, n_train=100, label_noise=0.2),
]


if __name__ == "__main__":
    chosen = sys.argv[1:]
    for setting in SETTINGS:
        if not chosen or any(c.lower() in setting.name.lower() for c in chosen):
            survey(setting)
