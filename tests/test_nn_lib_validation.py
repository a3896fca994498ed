"""Bad input is refused at every public boundary with ValueError or TypeError naming the argument.

Each case is ``(call, argument)``: ``call()`` must raise ValueError or TypeError whose message
starts with the name of the offending argument. Plotting and glue cases live in their own files.
"""

from __future__ import annotations

import inspect
import math
import re
import warnings

import numpy as np
import pytest

import nn_lib as nl
from nn_lib_strategies import raises_exactly
from nn_lib import _validation as v

NAN, INF = float("nan"), float("inf")
X = np.array([[0.1, 0.5, -0.3, 1.2, -0.7, 0.0], [1.0, -1.0, 0.4, 0.2, 0.3, -0.5]])
Y = np.array([[0.0, 1.0, 0.0, 1.0, 1.0, 0.0]])
P = {"W1": np.array([[0.3, -0.2], [0.5, 0.1], [-0.4, 0.6]]), "b1": np.array([[0.1], [-0.2], [0.3]]),
     "W2": np.array([[0.7, -0.5, 0.2]]), "b2": np.array([[0.05]])}
RNG = np.random.default_rng(0)


def with_entry(key, value):
    return {**P, key: value}


def without(key):
    return {k: v for k, v in P.items() if k != key}


def with_nan(array, index=(0, 0)):
    array = np.array(array, dtype=float)
    array[index] = NAN
    return array


def cache():
    return nl.forward_propagation(X, P)[1]


def fwd(**kw):
    return lambda: nl.forward_propagation(**{"X": X, "parameters": P, **kw})


def trn(**kw):
    return lambda: nl.train(**{"X": X, "Y": Y, "layer_dims": [2, 3, 1], "num_epochs": 1,
                              "seed": 0, **kw})


def chk(**kw):
    return lambda: nl.check_gradients(**{"parameters": P, "X": X, "Y": Y, **kw})


BAD_PROBABILITIES = [0, 0.0, 1.5, -0.1, NAN, INF, "0.5", True, None]
BAD_POSITIVE = [0, 0.0, -1.0, NAN, INF, "0.1", True, None]
BAD_BETAS = [1.0, 1, -0.1, NAN, 2.0, "0.9", None]
BAD_SEEDS = [-1, 1.5, "1", True, [1], np.array([1, 2])]
BAD_LABELS = [np.array([[0.0, 1.0, 2.0, 1.0, 0.0, 1.0]]), np.array([[0.0, 0.5, 0.0, 1.0, 1.0, 0.0]]),
              np.array([[0.0, -1.0, 0.0, 1.0, 1.0, 0.0]]), with_nan(Y), np.where(Y == 1, INF, 0.0)]


def cases():
    c = []

    def add(name, call, arg):
        c.append(pytest.param(call, arg, id=name))

    # ---- forward_propagation / predict / predict_proba ----------------------------------
    for name, bad in [("1d", X[0]), ("3d", X[None]), ("nan", with_nan(X)), ("inf", np.where(X > 0, INF, X)),
                      ("empty", np.zeros((2, 0))), ("str", "X"), ("none", None),
                      ("ragged", [[1.0, 2.0], [3.0]]), ("dict", {"a": 1})]:
        add(f"forward-X-{name}", fwd(X=bad), "X")
        add(f"predict-X-{name}", lambda bad=bad: nl.predict(bad, P), "X")
        add(f"predict_proba-X-{name}", lambda bad=bad: nl.predict_proba(bad, P), "X")
    add("forward-X-rows-mismatch", fwd(X=np.ones((3, 6))), r"parameters\['W1'\]")
    for name, bad, arg in [
        ("missing-b2", without("b2"), "parameters"), ("missing-W1", without("W1"), "parameters"),
        ("extra-key", with_entry("W3", np.ones((1, 1))), "parameters"),
        ("empty", {}, "parameters"), ("list", [P["W1"]], "parameters"), ("none", None, "parameters"),
        ("b1-shape", with_entry("b1", np.ones((3, 2))), r"parameters\['b1'\]"),
        ("b1-rows", with_entry("b1", np.ones((2, 1))), r"parameters\['b1'\]"),
        ("W2-cols", with_entry("W2", np.ones((1, 4))), r"parameters\['W2'\]"),
        ("W2-rows", {**P, "W2": np.ones((2, 3)), "b2": np.ones((2, 1))}, r"parameters\['W2'\]"),
        ("W1-1d", with_entry("W1", np.ones(6)), r"parameters\['W1'\]"),
        ("W1-nan", with_entry("W1", with_nan(P["W1"])), r"parameters\['W1'\]"),
        ("b2-inf", with_entry("b2", np.array([[INF]])), r"parameters\['b2'\]"),
        ("W1-str", with_entry("W1", "abc"), r"parameters\['W1'\]"),
    ]:
        add(f"forward-parameters-{name}", fwd(parameters=bad), arg)
        add(f"predict-parameters-{name}", lambda bad=bad: nl.predict(X, bad), arg)
    for bad in BAD_PROBABILITIES:
        add(f"forward-keep_prob-{bad!r}", fwd(keep_prob=bad, rng=RNG), "keep_prob")
    add("forward-keep_prob-seq-len", fwd(keep_prob=[0.5, 0.5], rng=RNG), "keep_prob")
    add("forward-keep_prob-seq-bad", fwd(keep_prob=[0.0], rng=RNG), r"keep_prob\[0\]")
    add("forward-keep_prob-seq-nan", fwd(keep_prob=[NAN], rng=RNG), r"keep_prob\[0\]")
    add("forward-rng-int", fwd(keep_prob=0.5, rng=3), "rng")
    add("forward-rng-int-no-dropout", fwd(rng=3), "rng")
    add("forward-rng-legacy", fwd(keep_prob=0.5, rng=np.random.RandomState(0)), "rng")
    add("forward-rng-missing", fwd(keep_prob=0.5), "rng")
    add("forward-masks-int", fwd(masks=3), "masks")
    add("forward-masks-length", fwd(masks=[None, None]), "masks")
    add("forward-masks-shape", fwd(masks=[None, np.ones((3, 5), bool), None]), r"masks\[1\]")
    add("forward-masks-input", fwd(masks=[np.ones((2, 6), bool), None, None]), r"masks\[0\]")
    add("forward-masks-output", fwd(masks=[None, None, np.ones((1, 6), bool)]), r"masks\[2\]")
    add("forward-masks-missing", fwd(keep_prob=0.5, masks=[None, None, None]), "masks")
    for bad in [0, 0.0, 1.0, 1.5, -0.2, NAN, "0.5"]:
        add(f"predict-threshold-{bad!r}", lambda bad=bad: nl.predict(X, P, threshold=bad), "threshold")

    # ---- backward_propagation ------------------------------------------------------------
    add("backward-cache-str", lambda: nl.backward_propagation(Y, "cache"), "cache")
    add("backward-cache-tuple", lambda: nl.backward_propagation(Y, (X, P)), "cache")
    add("backward-Y-width", lambda: nl.backward_propagation(Y[:, :5], cache()), "Y")
    add("backward-Y-rows", lambda: nl.backward_propagation(np.vstack([Y, Y]), cache()), "Y")
    add("backward-Y-1d", lambda: nl.backward_propagation(Y[0], cache()), "Y")
    for i, bad in enumerate(BAD_LABELS):
        add(f"backward-Y-labels-{i}", lambda bad=bad: nl.backward_propagation(bad, cache()), "Y")
    for bad in [-0.1, NAN, INF, "0.7", None, True]:
        add(f"backward-lambd-{bad!r}", lambda bad=bad: nl.backward_propagation(Y, cache(), lambd=bad),
            "lambd")

    # ---- costs, metrics, regularization --------------------------------------------------
    AL = np.array([[0.2, 0.7, 0.1, 0.9, 0.6, 0.3]])
    for fname, f in [("compute_cost", nl.compute_cost)]:
        add(f"{fname}-AL-rows", lambda f=f: f(np.vstack([AL, AL]), Y), "AL")
        add(f"{fname}-AL-above-1", lambda f=f: f(AL * 2, Y), "AL")
        add(f"{fname}-AL-negative", lambda f=f: f(-AL, Y), "AL")
        add(f"{fname}-AL-nan", lambda f=f: f(with_nan(AL), Y), "AL")
        add(f"{fname}-AL-empty", lambda f=f: f(np.zeros((1, 0)), np.zeros((1, 0))), "AL")
        add(f"{fname}-AL-str", lambda f=f: f("AL", Y), "AL")
        add(f"{fname}-Y-width", lambda f=f: f(AL, Y[:, :4]), "Y")
        for i, bad in enumerate(BAD_LABELS):
            add(f"{fname}-Y-labels-{i}", lambda f=f, bad=bad: f(AL, bad), "Y")
    for fname, f in [("cost_from_logits", nl.compute_cost_from_logits)]:
        add(f"{fname}-ZL-nan", lambda f=f: f(with_nan(AL), Y), "ZL")
        add(f"{fname}-ZL-inf", lambda f=f: f(AL * INF, Y), "ZL")
        add(f"{fname}-ZL-1d", lambda f=f: f(AL[0], Y), "ZL")
        add(f"{fname}-Y-width", lambda f=f: f(AL, Y[:, :3]), "Y")
        add(f"{fname}-Y-labels", lambda f=f: f(AL, BAD_LABELS[0]), "Y")
    for f, name in [(nl.compute_cost, "compute_cost"), (nl.compute_cost_from_logits, "logits")]:
        add(f"{name}-lambd-negative", lambda f=f: f(AL, Y, P, -1.0), "lambd")
        add(f"{name}-lambd-nan", lambda f=f: f(AL, Y, P, NAN), "lambd")
        add(f"{name}-parameters-missing", lambda f=f: f(AL, Y, None, 0.5), "parameters")
        add(f"{name}-parameters-bad", lambda f=f: f(AL, Y, without("W2"), 0.5), "parameters")
    add("l2-lambd", lambda: nl.l2_penalty(P, -1.0, 6), "lambd")
    add("l2-m-zero", lambda: nl.l2_penalty(P, 1.0, 0), "m")
    add("l2-m-float", lambda: nl.l2_penalty(P, 1.0, 1.5), "m")
    add("l2-parameters", lambda: nl.l2_penalty({"W1": P["W1"]}, 1.0, 6), "parameters")
    add("l2-parameters-nan", lambda: nl.l2_penalty(with_entry("W2", with_nan(P["W2"])), 1.0, 6),
        r"parameters\['W2'\]")
    add("accuracy-Y_pred-labels", lambda: nl.accuracy(BAD_LABELS[1], Y), "Y_pred")
    add("accuracy-Y_pred-1d", lambda: nl.accuracy(Y[0], Y), "Y_pred")
    add("accuracy-Y_pred-empty", lambda: nl.accuracy(np.zeros((1, 0)), np.zeros((1, 0))), "Y_pred")
    add("accuracy-Y-width", lambda: nl.accuracy(Y, Y[:, :5]), "Y")
    add("accuracy-Y-labels", lambda: nl.accuracy(Y, BAD_LABELS[0]), "Y")
    add("dropout-A-1d", lambda: nl.inverted_dropout(np.ones(4), 0.5, RNG), "A")
    add("dropout-A-nan", lambda: nl.inverted_dropout(with_nan(np.ones((2, 2))), 0.5, RNG), "A")
    for bad in BAD_PROBABILITIES:
        add(f"dropout-keep_prob-{bad!r}", lambda bad=bad: nl.inverted_dropout(np.ones((2, 2)), bad, RNG),
            "keep_prob")
    add("dropout-rng-int", lambda: nl.inverted_dropout(np.ones((2, 2)), 0.5, 0), "rng")
    add("dropout-rng-none", lambda: nl.inverted_dropout(np.ones((2, 2)), 0.5, None), "rng")

    # ---- gradient checking ---------------------------------------------------------------
    add("check-X-nan", chk(X=with_nan(X)), "X")
    add("check-X-empty", chk(X=np.zeros((2, 0)), Y=np.zeros((1, 0))), "X")
    add("check-Y-width", chk(Y=Y[:, :5]), "Y")
    add("check-Y-labels", chk(Y=BAD_LABELS[0]), "Y")
    add("check-parameters", chk(parameters=without("b1")), "parameters")
    add("check-parameters-shape", chk(parameters=with_entry("W1", np.ones((3, 3)))), r"parameters\['W1'\]")
    add("check-lambd", chk(lambd=-0.5), "lambd")
    for bad in BAD_POSITIVE:
        add(f"check-epsilon-{bad!r}", chk(epsilon=bad), "epsilon")
        add(f"check-threshold-{bad!r}", chk(threshold=bad), "threshold")
    for bad in ["fast", "", None, "Loop"]:
        add(f"check-method-{bad!r}", chk(method=bad), "method")
    for bad in BAD_PROBABILITIES:
        add(f"check-keep_prob-{bad!r}", chk(keep_prob=bad, seed=0), "keep_prob")
    for bad in BAD_SEEDS:
        add(f"check-seed-{bad!r}", chk(keep_prob=0.5, seed=bad), "seed")
        # refused even when no mask is drawn from it
        add(f"check-seed-no-dropout-{bad!r}", chk(seed=bad), "seed")
    add("check-masks-missing", chk(keep_prob=0.5, masks=[None, None, None]), "masks")
    add("check-masks-shape", chk(keep_prob=0.5, masks=[None, np.ones((3, 2), bool), None]), r"masks\[1\]")
    add("check-grads-missing", chk(grads={"dW1": P["W1"]}), "grads")
    add("check-grads-not-dict", chk(grads=[1, 2]), "grads")
    add("check-grads-shape", chk(grads={**{"d" + k: v for k, v in P.items()}, "dW1": np.ones((2, 2))}),
        r"grads\['dW1'\]")
    add("check-grads-nan", chk(grads={**{"d" + k: v for k, v in P.items()}, "db2": np.array([[NAN]])}),
        r"grads\['db2'\]")
    add("gradient_check-epsilon", lambda: nl.gradient_check(P, X, Y, epsilon=0.0), "epsilon")
    add("gradient_check-lambd", lambda: nl.gradient_check(P, X, Y, lambd=-1.0), "lambd")
    add("gradient_check-method", lambda: nl.gradient_check(P, X, Y, method="x"), "method")
    add("gradient_check-X", lambda: nl.gradient_check(P, X[:, :0], Y[:, :0]), "X")
    add("relative_difference-shape", lambda: nl.relative_difference([1.0, 2.0], [1.0]), "gradapprox")
    add("relative_difference-nan", lambda: nl.relative_difference([NAN, 2.0], [1.0, 2.0]), "grad")
    add("relative_difference-empty", lambda: nl.relative_difference([], []), "grad")
    add("numerical_gradient-theta-2d", lambda: nl.numerical_gradient(np.sum, np.ones((2, 2))), "theta")
    add("numerical_gradient-theta-nan", lambda: nl.numerical_gradient(np.sum, [NAN]), "theta")
    add("numerical_gradient-epsilon", lambda: nl.numerical_gradient(np.sum, [1.0], epsilon=0.0), "epsilon")
    add("dictionary_to_vector", lambda: nl.dictionary_to_vector({"W1": 1}), "parameters")
    layout = nl.dictionary_to_vector(P)[1]
    add("vector_to_dictionary-length", lambda: nl.vector_to_dictionary(np.ones(5), layout), "theta")
    add("vector_to_dictionary-nan", lambda: nl.vector_to_dictionary(np.full(13, NAN), layout), "theta")
    add("gradients_to_vector-missing", lambda: nl.gradients_to_vector({"dW1": P["W1"]}, layout), "grads")

    # ---- mini-batches and training -------------------------------------------------------
    for bad in [0, -3, 1.5, "64", True, None]:
        add(f"mini_batches-size-{bad!r}", lambda bad=bad: nl.random_mini_batches(X, Y, bad, seed=0),
            "mini_batch_size")
        if bad is not None:
            add(f"train-mini_batch_size-{bad!r}", trn(mini_batch_size=bad), "mini_batch_size")
    add("mini_batches-Y-width", lambda: nl.random_mini_batches(X, Y[:, :3], 2), "Y")
    add("mini_batches-X-empty", lambda: nl.random_mini_batches(np.zeros((2, 0)), np.zeros((1, 0)), 2), "X")
    add("mini_batches-X-nan", lambda: nl.random_mini_batches(with_nan(X), Y, 2), "X")
    add("mini_batches-Y-labels", lambda: nl.random_mini_batches(X, BAD_LABELS[2], 2), "Y")
    for bad in BAD_SEEDS:
        add(f"mini_batches-seed-{bad!r}", lambda bad=bad: nl.random_mini_batches(X, Y, 2, seed=bad), "seed")
        add(f"train-seed-{bad!r}", trn(seed=bad), "seed")
    add("train-X-nan", trn(X=with_nan(X)), "X")
    add("train-X-inf", trn(X=np.where(X > 0, INF, X)), "X")
    add("train-X-1d", trn(X=X[0]), "X")
    add("train-X-empty", trn(X=np.zeros((2, 0)), Y=np.zeros((1, 0))), "X")
    add("train-Y-width", trn(Y=Y[:, :5]), "Y")
    for i, bad in enumerate(BAD_LABELS):
        add(f"train-Y-labels-{i}", trn(Y=bad), "Y")
    for name, bad in [("first", [3, 3, 1]), ("last", [2, 3, 2]), ("str", "231"), ("short", [2]),
                      ("zero", [2, 0, 1]), ("float", [2, 1.5, 1]), ("int", 3), ("none", None)]:
        add(f"train-layer_dims-{name}", trn(layer_dims=bad), "layer_dims")
    add("train-layer_dims-vs-parameters", trn(layer_dims=[2, 4, 1], parameters=P), "layer_dims")
    add("train-parameters-missing", trn(parameters=without("b2")), "parameters")
    add("train-parameters-nan", trn(parameters=with_entry("W1", with_nan(P["W1"]))), r"parameters\['W1'\]")
    add("train-parameters-shape", trn(parameters=with_entry("W2", np.ones((1, 2)))), r"parameters\['W2'\]")
    for bad in ["adam", nl.Adam, 0.01, {"lr": 0.1}]:
        add(f"train-optimizer-{bad!r}", trn(optimizer=bad), "optimizer")
    for bad in [0, -1, 2.5, "10", True]:
        add(f"train-num_epochs-{bad!r}", trn(num_epochs=bad), "num_epochs")
        add(f"train-cost_every-{bad!r}", trn(cost_every=bad), "cost_every")
        add(f"train-print_every-{bad!r}", trn(print_every=bad), "print_every")
    for bad in [-0.1, NAN, INF, "1"]:
        add(f"train-lambd-{bad!r}", trn(lambd=bad), "lambd")
    for bad in BAD_PROBABILITIES:
        add(f"train-keep_prob-{bad!r}", trn(keep_prob=bad), "keep_prob")
    add("train-keep_prob-seq", trn(keep_prob=[0.5, 0.5]), "keep_prob")
    add("train-lr_schedule", trn(lr_schedule=0.5), "lr_schedule")
    add("optimizer_path-theta0", lambda: nl.optimizer_path(lambda t: t, np.ones((2, 2)), nl.Adam(), 3), "theta0")
    add("optimizer_path-theta0-nan", lambda: nl.optimizer_path(lambda t: t, [NAN], nl.Adam(), 3), "theta0")
    add("optimizer_path-steps", lambda: nl.optimizer_path(lambda t: t, [1.0], nl.Adam(), -1), "num_steps")
    add("optimizer_path-optimizer", lambda: nl.optimizer_path(lambda t: t, [1.0], "sgd", 3), "optimizer")
    add("optimizer_path-grad", lambda: nl.optimizer_path(None, [1.0], nl.Adam(), 3), "grad")
    add("optimizer_path-grad-shape", lambda: nl.optimizer_path(lambda t: t[:1], [1.0, 2.0], nl.Adam(), 3),
        r"grad\(theta\)")
    add("optimizer_path-grad-nan", lambda: nl.optimizer_path(lambda t: t * NAN, [1.0], nl.Adam(), 3),
        r"grad\(theta\)")

    # ---- optimizers ----------------------------------------------------------------------
    for cls in (nl.GradientDescent, nl.Momentum, nl.RMSprop, nl.Adam):
        for bad in BAD_POSITIVE:
            add(f"{cls.__name__}-learning_rate-{bad!r}", lambda cls=cls, bad=bad: cls(learning_rate=bad),
                "learning_rate")
    for cls, arg in ((nl.Momentum, "beta"), (nl.RMSprop, "beta"), (nl.Adam, "beta1"), (nl.Adam, "beta2")):
        for bad in BAD_BETAS:
            add(f"{cls.__name__}-{arg}-{bad!r}", lambda cls=cls, arg=arg, bad=bad: cls(**{arg: bad}), arg)
    for cls in (nl.RMSprop, nl.Adam):
        for bad in BAD_POSITIVE:
            add(f"{cls.__name__}-epsilon-{bad!r}", lambda cls=cls, bad=bad: cls(epsilon=bad), "epsilon")
    w, dw = np.ones(2), np.ones(2)
    for cls in (nl.GradientDescent, nl.Momentum, nl.RMSprop, nl.Adam):
        n = cls.__name__
        add(f"{n}-update-parameters-list", lambda cls=cls: cls().update([w], {"dw": dw}), "parameters")
        add(f"{n}-update-parameters-empty", lambda cls=cls: cls().update({}, {}), "parameters")
        add(f"{n}-update-grads-list", lambda cls=cls: cls().update({"w": w}, [dw]), "grads")
        add(f"{n}-update-grads-missing", lambda cls=cls: cls().update({"w": w}, {"w": dw}), "grads")
        add(f"{n}-update-grads-shape", lambda cls=cls: cls().update({"w": w}, {"dw": np.ones(3)}),
            r"grads\['dw'\]")
        add(f"{n}-update-grads-nan", lambda cls=cls: cls().update({"w": w}, {"dw": with_nan(dw, 0)}),
            r"grads\['dw'\]")
        add(f"{n}-update-parameters-inf", lambda cls=cls: cls().update({"w": w * INF}, {"dw": dw}),
            r"parameters\['w'\]")
        add(f"{n}-update-parameters-empty-array",
            lambda cls=cls: cls().update({"w": np.zeros(0)}, {"dw": np.zeros(0)}), r"parameters\['w'\]")
        add(f"{n}-update-parameters-str", lambda cls=cls: cls().update({"w": "a"}, {"dw": dw}),
            r"parameters\['w'\]")

    # ---- schedules -----------------------------------------------------------------------
    for bad in [-0.1, NAN, INF, "1", None]:
        add(f"InverseTimeDecay-decay_rate-{bad!r}", lambda bad=bad: nl.InverseTimeDecay(bad), "decay_rate")
        add(f"StepDecay-decay_rate-{bad!r}", lambda bad=bad: nl.StepDecay(bad), "decay_rate")
    for bad in [0, -1, 1.5, "10", True]:
        add(f"StepDecay-time_interval-{bad!r}", lambda bad=bad: nl.StepDecay(1.0, bad), "time_interval")
    for bad in [0, 0.0, -0.5, 1.5, NAN, "0.9"]:
        add(f"ExponentialDecay-base-{bad!r}", lambda bad=bad: nl.ExponentialDecay(bad), "base")
    for sched in (nl.InverseTimeDecay(), nl.StepDecay(), nl.ExponentialDecay()):
        n = type(sched).__name__
        for bad in BAD_POSITIVE:
            add(f"{n}-learning_rate0-{bad!r}", lambda s=sched, bad=bad: s(bad, 0), "learning_rate0")
        for bad in [-1, 1.5, "3", None, True]:
            add(f"{n}-epoch-{bad!r}", lambda s=sched, bad=bad: s(0.1, bad), "epoch")

    # ---- data and initialization ---------------------------------------------------------
    for bad in [1, 0, -5, 2.5, "300", True, None]:
        add(f"make_moons-n_samples-{bad!r}", lambda bad=bad: nl.make_moons(n_samples=bad), "n_samples")
    for bad in [-0.1, NAN, INF, "0.2", None]:
        add(f"make_moons-noise-{bad!r}", lambda bad=bad: nl.make_moons(noise=bad), "noise")
        add(f"curved-label_noise-{bad!r}", lambda bad=bad: nl.make_curved_boundary(label_noise=bad),
            "label_noise")
        add(f"regularization-label_noise-{bad!r}",
            lambda bad=bad: nl.make_regularization_data(label_noise=bad), "label_noise")
    for bad in BAD_SEEDS:
        add(f"make_moons-seed-{bad!r}", lambda bad=bad: nl.make_moons(seed=bad), "seed")
        add(f"curved-seed-{bad!r}", lambda bad=bad: nl.make_curved_boundary(seed=bad), "seed")
        add(f"regularization-seed-{bad!r}", lambda bad=bad: nl.make_regularization_data(seed=bad), "seed")
        add(f"split-seed-{bad!r}", lambda bad=bad: nl.train_test_split(X, Y, 2, seed=bad), "seed")
        add(f"initialize-seed-{bad!r}", lambda bad=bad: nl.initialize_parameters([2, 3, 1], seed=bad), "seed")
    for bad in [0, -1, 1.5, True]:
        add(f"curved-n_samples-{bad!r}", lambda bad=bad: nl.make_curved_boundary(n_samples=bad), "n_samples")
        add(f"regularization-n_train-{bad!r}", lambda bad=bad: nl.make_regularization_data(n_train=bad),
            "n_train")
        add(f"regularization-n_test-{bad!r}", lambda bad=bad: nl.make_regularization_data(n_test=bad),
            "n_test")
    for bad in [0, 6, 7, -1, 2.5, "2"]:
        add(f"split-n_test-{bad!r}", lambda bad=bad: nl.train_test_split(X, Y, bad), "n_test")
    add("split-Y-width", lambda: nl.train_test_split(X, Y[:, :4], 1), "Y")
    add("split-Y-labels", lambda: nl.train_test_split(X, BAD_LABELS[0], 1), "Y")
    add("split-X-nan", lambda: nl.train_test_split(with_nan(X), Y, 1), "X")
    add("split-X-empty", lambda: nl.train_test_split(np.zeros((2, 0)), np.zeros((1, 0)), 1), "X")
    for name, bad in [("str", "231"), ("short", [3]), ("empty", []), ("zero", [2, 0, 1]),
                      ("negative", [2, -3, 1]), ("float", [2, 3.0, 1]), ("bool", [2, True, 1]),
                      ("int", 5), ("none", None), ("set", {2, 3})]:
        add(f"initialize-layer_dims-{name}", lambda bad=bad: nl.initialize_parameters(bad), "layer_dims")
    for bad in ["glorot", "He", "", None]:
        add(f"initialize-method-{bad!r}", lambda bad=bad: nl.initialize_parameters([2, 1], method=bad), "method")
    for bad in BAD_POSITIVE:
        add(f"initialize-scale-{bad!r}",
            lambda bad=bad: nl.initialize_parameters([2, 1], method="random", scale=bad), "scale")
    return c


@pytest.mark.parametrize("call, argument", cases())
def test_bad_input_is_refused_naming_the_argument(call, argument):
    with pytest.raises((ValueError, TypeError), match=f"^{argument}") as info:
        call()
    # the message says what was expected
    assert "expected" in str(info.value)


# ---------------------------------------------------------------------------
# Gaps found while writing the cases above (each a minimal reproduction)
# ---------------------------------------------------------------------------

def test_train_bad_initialization_names_initialization():
    with pytest.raises(ValueError, match="^initialization"):
        nl.train(X, Y, [2, 3, 1], initialization="glorot", num_epochs=1, seed=0)


def test_numerical_gradient_refuses_a_non_callable():
    with pytest.raises(TypeError, match="^J"):
        nl.numerical_gradient(3, [1.0, 2.0])


def test_numerical_gradient_refuses_a_nan_cost():
    with pytest.raises(ValueError, match="^J"):
        nl.numerical_gradient(lambda t: float("nan"), [1.0, 2.0])


def test_numerical_gradient_refuses_a_J_that_returns_an_array():
    with pytest.raises(ValueError, match=r"^J: expected finite float costs, got a difference array"):
        nl.numerical_gradient(lambda t: t ** 2, [1.0, 2.0])


def test_complex_input_is_refused_not_truncated():
    X, Y = nl.make_moons(20, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # refused before any conversion could warn
        with raises_exactly(TypeError, "X: expected real numbers, got complex values"):
            nl.train(X + 1j, Y, [2, 3, 1], num_epochs=1)
        with raises_exactly(TypeError, "AL: expected real numbers, got complex values"):
            nl.compute_cost([[0.5 + 0j]], [[1.0]])


def test_a_vector_of_the_wrong_length_is_counted_in_entries():
    with raises_exactly(ValueError, "theta: expected 1 entry, got shape (2,)"):
        nl.vector_to_dictionary(np.ones(2), [("b", (1,))])
    with raises_exactly(ValueError, "theta: expected 3 entries, got shape (2,)"):
        nl.vector_to_dictionary(np.ones(2), [("b", (3,))])


def test_transposed_X_gets_a_hint():
    X, Y = nl.make_moons(20, seed=0)
    with raises_exactly(ValueError, "Y: expected shape (1, 2) to match the 2 columns (examples) of "
                                    "X, got shape (1, 20); if the 20 rows of X are the examples, "
                                    "pass X.T (one example per column)"):
        nl.train(X.T, Y, [2, 3, 1])
    with raises_exactly(ValueError, "Y: expected shape (1, 20) to match the 20 columns (examples) "
                                    "of X, got shape (1, 3)"):
        nl.train(X, Y[:, :3], [2, 3, 1])


@pytest.mark.parametrize("cost, ZL_or_AL", [(nl.compute_cost, np.full((1, 3), 0.5)),
                                            (nl.compute_cost_from_logits, np.zeros((1, 3)))])
def test_a_cost_that_overflows_names_what_overflowed(cost, ZL_or_AL):
    huge = {"W1": np.full((1, 2), 1e200), "b1": np.zeros((1, 1))}
    name = "AL" if cost is nl.compute_cost else "ZL"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with raises_exactly(ValueError, "parameters: expected values whose cost fits in float64, "
                                        "got a cost that overflows"):
            cost(ZL_or_AL, np.zeros((1, 3)), huge, lambd=1.0)
        if name == "ZL":   # each loss is finite, their sum is not
            with raises_exactly(ValueError, "ZL: expected values whose cost fits in float64, "
                                            "got a cost that overflows"):
                cost(np.full((1, 3), 1e308), np.zeros((1, 3)))


@pytest.mark.parametrize("layout", ["abc", None, [("W1",)], {"W1": (1, 1), "b1": (1, 1)}])
def test_vector_to_dictionary_refuses_a_bad_layout(layout):
    with pytest.raises((ValueError, TypeError), match="^layout"):
        nl.vector_to_dictionary(np.ones(3), layout)


def test_valid_edge_values_are_accepted():
    # the boundaries of the accepted ranges
    assert nl.forward_propagation(X, P, keep_prob=1.0)[0].shape == (1, 6)
    assert nl.forward_propagation(X, P, keep_prob=1e-9, rng=RNG)[0].shape == (1, 6)
    assert nl.backward_propagation(Y, cache(), lambd=0)["dW1"].shape == (3, 2)
    nl.Momentum(beta=0.0), nl.Adam(beta1=0.0, beta2=0.0), nl.RMSprop(beta=0.999999)
    nl.ExponentialDecay(1.0), nl.InverseTimeDecay(0), nl.StepDecay(0, 1)
    assert nl.make_moons(2, noise=0)[0].shape == (2, 2)
    assert nl.train_test_split(X, Y, 5)[0].shape == (2, 1)
    assert len(nl.random_mini_batches(X, Y, 1, seed=np.int64(3))) == 6
    assert nl.initialize_parameters((2, np.int64(3), 1), seed=np.uint8(1))["W1"].shape == (3, 2)
    assert nl.compute_cost([[0.5]], [[True]]) == pytest.approx(np.log(2))
    assert nl.compute_cost([[0.5]], [[1]], parameters=None, lambd=0) == pytest.approx(np.log(2))


def test_messages_show_the_value_given_and_shorten_long_ones():
    with pytest.raises(TypeError, match=r"^seed: .*got \[0, 1, 2, .*\.\.\.$"):
        nl.make_moons(seed=list(range(100)))
    with pytest.raises(ValueError, match=r"^keep_prob: expected a probability in \(0, 1\], got 1\.5$"):
        nl.inverted_dropout(np.ones((2, 2)), 1.5, RNG)
    with pytest.raises(ValueError, match=r"got shape \(2, 0\)"):
        nl.random_mini_batches(np.zeros((2, 0)), np.zeros((1, 0)), 2)


def test_layer_dims_may_be_a_numpy_array():
    from_array = nl.initialize_parameters(np.array([2, 4, 1]), seed=0)
    from_list = nl.initialize_parameters([2, 4, 1], seed=0)
    assert all(np.array_equal(from_array[k], from_list[k]) for k in from_list)


def test_masks_must_be_boolean_or_zero_one():
    params = nl.initialize_parameters([2, 3, 1], seed=0)
    X2 = np.ones((2, 4))
    with pytest.raises(ValueError, match=r"^masks\[1\]"):
        nl.forward_propagation(X2, params, keep_prob=0.5, masks=[None, np.full((3, 4), 0.5), None])
    zero_one = np.array([[1, 0, 1, 1]] * 3)
    AL, cache = nl.forward_propagation(X2, params, keep_prob=0.5, masks=[None, zero_one, None])
    assert cache.D[1].dtype == bool and np.array_equal(cache.D[1], zero_one == 1)


def test_record_steps_must_be_a_bool():
    with pytest.raises(TypeError, match="^record_steps"):
        nl.train(X, Y, [2, 3, 1], num_epochs=1, record_steps="yes", seed=0)


@pytest.mark.parametrize("xlim", [(1.0, 1.0), (2.0, 0.0)])
def test_plot_range_must_increase(xlim):
    from nn_lib import plotting

    with pytest.raises(ValueError, match="^xlim"):
        plotting.plot_optimizer_paths(lambda a, b: a + b, {}, xlim=xlim, ylim=(0.0, 1.0))


# ---------------------------------------------------------------------------
# The checks of nn_lib._validation themselves: whole messages, boundaries, conversions
# (gaps left by mutation testing; each message names the argument, the expectation and
# the value given)
# ---------------------------------------------------------------------------


def test_describe_shows_a_repr_of_up_to_60_characters_whole_and_cuts_longer_ones_to_60():
    sixty = "x" * 58            # repr adds two quotes: 60 characters
    assert v._describe(sixty) == repr(sixty)
    sixty_one = "y" * 59        # 61 characters: 57 of them, then "..."
    assert v._describe(sixty_one) == "'" + "y" * 56 + "..."
    assert len(v._describe("z" * 500)) == 60
    assert v._describe(np.zeros((2, 3), dtype=np.float32)) == (
        "an array of shape (2, 3) and dtype float32")


def test_check_array_converts_to_float64_and_passes_float64_arrays_through():
    array = np.ones((2, 3))
    assert v.check_array("X", array) is array
    for other in (np.ones((2, 3), dtype=np.int64), np.ones((2, 3), dtype=np.float32),
                  [[1, 2, 3], [4, 5, 6]]):
        converted = v.check_array("X", other)
        assert type(converted) is np.ndarray and converted.dtype == np.float64
    # A subclass of ndarray (a masked array) comes back as a plain float64 array.
    assert type(v.check_array("X", np.ma.ones((2, 2)))) is np.ndarray


@pytest.mark.parametrize("kwargs, value, error, message", [
    ({}, [1.0, 2.0], ValueError, "X: expected a 2-D array, got shape (2,)"),
    ({}, np.zeros((2, 0)), ValueError, "X: expected a non-empty array, got shape (2, 0)"),
    ({"rows": 3}, np.ones((2, 4)), ValueError, "X: expected 3 rows, got shape (2, 4)"),
    ({"cols": 5}, np.ones((2, 4)), ValueError, "X: expected 5 columns, got shape (2, 4)"),
    ({}, [[1.0, math.nan]], ValueError, "X: expected finite values, got NaN or infinity"),
    ({}, "ab", TypeError, "X: expected a numeric array, got 'ab'"),
    ({}, None, TypeError, "X: expected a numeric array, got None"),
    ({}, [[1.0], [2.0, 3.0]], TypeError, "X: expected a numeric array, got [[1.0], [2.0, 3.0]]"),
])
def test_check_array_messages(kwargs, value, error, message):
    with raises_exactly(error, message):
        v.check_array("X", value, **kwargs)


def test_check_array_accepts_what_its_options_allow():
    assert v.check_array("X", np.zeros((2, 0)), allow_empty=True).shape == (2, 0)
    assert v.check_array("x", [1.0, 2.0], ndim=1).shape == (2,)
    assert v.check_array("x", np.ones((1, 2, 3)), ndim=None).shape == (1, 2, 3)


@pytest.mark.parametrize("Y, message", [
    (np.zeros(4), "Y: expected a 2-D array, got shape (4,)"),
    (np.zeros((1, 4, 1)), "Y: expected a 2-D array, got shape (1, 4, 1)"),
    (np.zeros((2, 4)), "Y: expected 1 row, got shape (2, 4)"),
    (np.zeros((1, 3)), "Y: expected 4 columns, got shape (1, 3)"),
])
def test_check_labels_messages(Y, message):
    with raises_exactly(ValueError, message):
        v.check_labels("Y", Y, m=4)


def test_check_labels_shows_the_first_value_that_is_not_a_label():
    # 2.0, not the first value 0.0; NumPy 2 writes the scalar as np.float64(2.0).
    with pytest.raises(ValueError, match=r"^Y: expected labels 0 or 1, got (np\.float64\()?2\.0\)?$"):
        v.check_labels("Y", np.array([[0.0, 1.0, 2.0, 0.5]]), m=4)


@pytest.mark.parametrize("X_, Y_, message", [
    (np.ones((2, 3)), np.zeros((1, 2)),
     "Y: expected shape (1, 3) to match the 3 columns (examples) of X, got shape (1, 2)"),
    (np.ones(3), np.zeros((1, 3)), "X: expected a 2-D array, got shape (3,)"),
    (np.ones((2, 0)), np.zeros((1, 0)), "X: expected a non-empty array, got shape (2, 0)"),
    (np.ones((2, 3)), np.zeros(3), "Y: expected a 2-D array, got shape (3,)"),
    # two rows of labels with the right number of columns: still one row expected
    (np.ones((2, 3)), np.zeros((2, 3)), "Y: expected 1 row, got shape (2, 3)"),
    (np.ones((2, 3)), np.array([[0.0, 1.0, 3.0]]), "Y: expected labels 0 or 1, got "),
])
def test_check_X_Y_messages(X_, Y_, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        v.check_X_Y(X_, Y_)


@pytest.mark.parametrize("constraint, description", [
    (v.Real(0.0, 1.0), "a number in [0, 1]"),
    (v.Real(0.0, 1.0, closed="left"), "a number in [0, 1)"),
    (v.Real(0.0, 1.0, closed="right"), "a number in (0, 1]"),
    (v.Real(0.0, 1.0, closed="neither", noun="a level"), "a level in (0, 1)"),
    (v.Real(2.5), "a number >= 2.5"),
    (v.Real(0.0, closed="neither"), "a number > 0"),
    (v.Real(0.0, closed="right"), "a number > 0"),
    (v.Real(1e-8, math.inf, closed="left"), "a number >= 1e-08"),
])
def test_real_describes_its_interval(constraint, description):
    assert constraint.description == description


@pytest.mark.parametrize("closed, low_ok, high_ok", [
    ("both", True, True), ("left", True, False), ("right", False, True), ("neither", False, False),
])
def test_real_accepts_an_end_exactly_when_it_is_closed(closed, low_ok, high_ok):
    real = v.Real(-1.0, 2.0, closed=closed)
    for end, ok in ((-1.0, low_ok), (2.0, high_ok)):
        if ok:
            assert real("x", end) == end
        else:
            with raises_exactly(ValueError, f"x: expected {real.description}, got {end!r}"):
                real("x", end)
    # just inside and just outside
    assert real("x", math.nextafter(-1.0, 0.0)) == math.nextafter(-1.0, 0.0)
    assert real("x", math.nextafter(2.0, 0.0)) == math.nextafter(2.0, 0.0)
    for outside in (math.nextafter(-1.0, -2.0), math.nextafter(2.0, 3.0)):
        with pytest.raises(ValueError, match="^x: expected"):
            real("x", outside)


def test_real_defaults_to_any_finite_number_in_a_closed_interval():
    # Real() with no arguments: closed on both sides, named "a number".
    real = v.Real(0.0, 1.0)
    assert (real("x", 0.0), real("x", 1.0)) == (0.0, 1.0)
    with raises_exactly(ValueError, "x: expected a number in [0, 1], got 1.5"):
        real("x", 1.5)
    assert v.Real()("x", -1e308) == -1e308
    assert v.Real()("x", 1e308) == 1e308


def test_real_returns_a_float_for_any_real_number():
    real = v.Real(0.0, 10.0)
    for value in (3, np.int64(3), np.float32(3.0), np.float64(3.0), 3.0):
        result = real("x", value)
        assert type(result) is float and result == 3.0


@pytest.mark.parametrize("value, error, message", [
    (True, TypeError, "x: expected a real number, got True"),
    (np.bool_(False), TypeError, "x: expected a real number, got np.False_"),
    ("1", TypeError, "x: expected a real number, got '1'"),
    (None, TypeError, "x: expected a real number, got None"),
    (1j, TypeError, "x: expected a real number, got 1j"),
    (math.nan, ValueError, "x: expected a finite number, got nan"),
    (-math.inf, ValueError, "x: expected a finite number, got -inf"),
    (np.float64(math.inf), ValueError, "x: expected a finite number, got inf"),
])
def test_real_messages(value, error, message):
    with raises_exactly(error, message):
        v.Real()("x", value)


def test_integer_accepts_its_minimum_and_returns_an_int():
    integer = v.Integer(2)
    assert integer("n", 2) == 2
    result = integer("n", np.int64(7))
    assert type(result) is int and result == 7
    with raises_exactly(ValueError, "n: expected an integer >= 2, got 1"):
        integer("n", 1)
    with raises_exactly(ValueError, "n: expected an integer >= 2, got np.int64(-3)"):
        integer("n", np.int64(-3))


@pytest.mark.parametrize("value, shown", [(2.0, "2.0"), (True, "True"), ("3", "'3'"),
                                          (None, "None")])
def test_integer_refuses_other_types_showing_the_value(value, shown):
    with raises_exactly(TypeError, f"n: expected an integer, got {shown}"):
        v.Integer(0)("n", value)


def test_one_of_accepts_its_options_and_lists_them_when_refusing():
    method = v.OneOf("loop", "vectorized")
    assert method("method", "loop") == "loop"
    with raises_exactly(ValueError, "method: expected one of ('loop', 'vectorized'), got 'Loop'"):
        method("method", "Loop")


def test_boolean_accepts_python_and_numpy_booleans_only():
    for value, expected in ((True, True), (False, False), (np.True_, True), (np.False_, False)):
        result = v.Boolean()("flag", value)
        assert type(result) is bool and result is expected
    with raises_exactly(TypeError, "flag: expected True or False, got 1"):
        v.Boolean()("flag", 1)


def test_or_none_passes_none_and_checks_anything_else():
    maybe = v.OrNone(v.Integer(1))
    assert maybe("n", None) is None
    assert maybe("n", 3) == 3
    with raises_exactly(ValueError, "n: expected an integer >= 1, got 0"):
        maybe("n", 0)


def test_named_limits_have_the_intervals_of_the_guide():
    assert v.POSITIVE.description == "a number > 0"
    assert v.NONNEGATIVE.description == "a number >= 0"
    assert v.BETA.description == "a number in [0, 1)"
    assert v.PROBABILITY.description == "a probability in (0, 1]"


def test_validate_params_checks_and_converts_before_the_body_and_keeps_the_signature():
    calls = []

    def scale(x, factor=2, *, label="a"):
        """Multiply."""
        calls.append((x, factor, label))
        return x * factor

    checked = v.validate_params(factor=v.Real(0.0, closed="neither"),
                                label=v.OneOf("a", "b"))(scale)
    # an int is converted to a float for Real, positionally and by keyword
    assert checked(3, 4) == 12.0 and type(calls[-1][1]) is float
    assert checked(3, factor=5) == 15.0 and type(calls[-1][1]) is float
    # a default is not checked (nor converted); an unconstrained argument is passed as given
    assert checked("ab") == "abab" and calls[-1] == ("ab", 2, "a")
    with raises_exactly(ValueError, "factor: expected a number > 0, got 0.0"):
        checked(1, 0)
    with raises_exactly(ValueError, "label: expected one of ('a', 'b'), got 'c'"):
        checked(1, 1, label="c")
    assert len(calls) == 3      # the body never ran for refused arguments
    # help() and the API page see the function's own signature, name and docstring
    assert inspect.signature(checked) == inspect.signature(scale)
    assert (checked.__name__, checked.__doc__) == ("scale", "Multiply.")
    # still bound against the real signature; a refused call names the function
    # and lists the arguments it takes
    with raises_exactly(TypeError, "scale(): too many positional arguments; its arguments "
                                   "are x, factor, label"):
        checked(1, 2, 3)
    with raises_exactly(TypeError, "scale(): got an unexpected keyword argument 'lable'; "
                                   "its arguments are x, factor, label"):
        checked(1, lable="b")
    assert len(calls) == 3


def test_a_misspelt_keyword_names_the_function_that_refused_it():
    # gradient_check passes its options on to check_gradients, whose keywords they are
    with pytest.raises(TypeError, match=r"^check_gradients\(\): got an unexpected keyword "
                                        r"argument 'lambda_'; its arguments are parameters, "
                                        r"X, Y, lambd, epsilon"):
        nl.gradient_check(P, X, Y, lambda_=0.7)
    with pytest.raises(TypeError, match=r"^train\(\): got an unexpected keyword argument "
                                        r"'learning_rate'"):
        nl.train(X, Y, [2, 3, 1], learning_rate=0.1)


def test_validated_checks_every_assignment_and_shows_its_parameters():
    class Step(v.Validated):
        _parameter_constraints = {"rate": v.Real(0.0, closed="neither"), "count": v.Integer(1)}

        def __init__(self, rate, count):
            self.rate, self.count = rate, count

    step = Step(1, 3)
    assert type(step.rate) is float
    assert repr(step) == "Step(rate=1.0, count=3)"
    with raises_exactly(ValueError, "rate: expected a number > 0, got -1.0"):
        step.rate = -1
    step.other = "anything"     # not declared, not checked
    assert step.other == "anything"
    with raises_exactly(ValueError, "count: expected an integer >= 1, got 0"):
        Step(1.0, 0)


def test_check_mask_accepts_booleans_and_zero_one_values_of_the_right_shape():
    mask = v.check_mask("masks[1]", [[1, 0], [0, 1]], (2, 2))
    assert mask.dtype == bool and mask.tolist() == [[True, False], [False, True]]
    with raises_exactly(ValueError, "masks[1]: expected shape (2, 2), got (2, 3)"):
        v.check_mask("masks[1]", np.ones((2, 3), bool), (2, 2))
    with raises_exactly(ValueError, "masks[1]: expected booleans or 0/1 values, got other values"):
        v.check_mask("masks[1]", [[1.0, 0.5], [0.0, 1.0]], (2, 2))


def test_check_seed_accepts_none_generators_and_non_negative_integers():
    for seed in (None, 0, 5, np.int64(2), np.uint8(1), np.random.default_rng(0)):
        assert v.check_seed("seed", seed) is None
    with raises_exactly(ValueError, "seed: expected a non-negative integer seed, got -1"):
        v.check_seed("seed", -1)
    with raises_exactly(TypeError, "seed: expected None, a non-negative integer or a "
                                   "numpy.random.Generator, got 1.5"):
        v.check_seed("seed", 1.5)
    with raises_exactly(TypeError, "seed: expected None, a non-negative integer or a "
                                   "numpy.random.Generator, got True"):
        v.check_seed("seed", True)


def test_check_rng_passes_a_generator_through_and_seeds_a_new_one_from_an_integer():
    generator = np.random.default_rng(1)
    assert v.check_rng("rng", generator) is generator
    # the same stream as NumPy's own default_rng(seed)
    expected = np.random.default_rng(42).random(3)
    assert np.array_equal(v.check_rng("rng", 42).random(3), expected)
    assert np.array_equal(v.check_rng("rng", np.int64(42)).random(3), expected)
    assert isinstance(v.check_rng("rng", None), np.random.Generator)
    with raises_exactly(ValueError, "rng: expected a non-negative integer seed, got -3"):
        v.check_rng("rng", -3)


def test_num_layers_counts_the_layers_and_names_bad_keys():
    assert v.num_layers(P) == 2
    assert v.num_layers({"W1": 0, "b1": 0}) == 1
    with raises_exactly(TypeError, "parameters: expected a dict with keys 'W1', 'b1', ..., "
                                   "got ['W1', 'b1']"):
        v.num_layers(["W1", "b1"])
    # an even number of keys that are not W1, b1, ...: refused, as are odd counts and none
    for keys in (["W1", "b2"], ["W1", "W2"], ["W1", "b1", "W2"], []):
        with raises_exactly(ValueError, f"parameters: expected keys 'W1', 'b1', ..., 'WL', 'bL', "
                                        f"got keys {sorted(keys)}"):
            v.num_layers(dict.fromkeys(keys, 0))


def test_check_parameters_messages_name_the_source_of_the_mismatch():
    three = {"W1": np.ones((3, 2)), "b1": np.ones((3, 1)), "W2": np.ones((4, 3)),
             "b2": np.ones((4, 1)), "W3": np.ones((1, 4)), "b3": np.ones((1, 1))}
    assert v.check_parameters(three, n_x=2).keys() == three.keys()
    with raises_exactly(ValueError, "parameters['W1']: expected 5 columns to match the rows of X "
                                    "(X has shape (n_x, m), one example per column), got shape (3, 2)"):
        v.check_parameters(three, n_x=5)
    with raises_exactly(ValueError, "parameters['W2']: expected 3 columns to match the rows of W1, "
                                    "got shape (4, 2)"):
        v.check_parameters({**three, "W2": np.ones((4, 2))})
    with raises_exactly(ValueError, "parameters['W3']: expected 4 columns to match the rows of W2, "
                                    "got shape (1, 5)"):
        v.check_parameters({**three, "W3": np.ones((1, 5))})
    with raises_exactly(ValueError, "parameters['W1']: expected a 2-D array, got shape (3, 2, 1)"):
        v.check_parameters({**three, "W1": np.ones((3, 2, 1))})
    with raises_exactly(ValueError, "parameters['b2']: expected a 2-D array, got shape (4, 1, 1)"):
        v.check_parameters({**three, "b2": np.ones((4, 1, 1))})
    with raises_exactly(ValueError, "parameters['b2']: expected 1 columns, got shape (4, 2)"):
        v.check_parameters({**three, "b2": np.ones((4, 2))})
    with raises_exactly(ValueError, "parameters['W3']: expected 1 row (one sigmoid output unit), "
                                    "got shape (2, 4)"):
        v.check_parameters({**three, "W3": np.ones((2, 4)), "b3": np.ones((2, 1))})


def test_check_grads_messages_name_the_key_and_the_shape():
    grads = {"d" + key: np.zeros_like(value) for key, value in P.items()}
    checked = v.check_grads(grads, P)
    assert checked.keys() == grads.keys()
    with raises_exactly(TypeError, "grads: expected a dict with keys 'dW1', 'db1', ..., got [1, 2]"):
        v.check_grads([1, 2], P)
    with raises_exactly(ValueError, "grads: expected key 'db2' for parameter 'b2', "
                                    "got keys ['dW1', 'dW2', 'db1']"):
        v.check_grads({k: g for k, g in grads.items() if k != "db2"}, P)
    with raises_exactly(ValueError, "grads['dW1']: expected 2 columns, got shape (3, 5)"):
        v.check_grads({**grads, "dW1": np.zeros((3, 5))}, P)
    with raises_exactly(ValueError, "grads['dW1']: expected 3 rows, got shape (2, 2)"):
        v.check_grads({**grads, "dW1": np.zeros((2, 2))}, P)
    with raises_exactly(ValueError, "grads['dW1']: expected a 2-D array, got shape (3, 2, 1)"):
        v.check_grads({**grads, "dW1": np.zeros((3, 2, 1))}, P)


# --- Whole messages of compute_cost / compute_cost_from_logits input checks ---

@pytest.mark.parametrize("cost, name, first", [(nl.compute_cost, "AL", [0.5, 0.5]),
                                               (nl.compute_cost_from_logits, "ZL", [0.0, 0.0])])
def test_cost_with_a_1d_first_argument_asks_for_a_2d_array(cost, name, first):
    message = f"{name}: expected a 2-D array, got shape (2,)"
    with raises_exactly(ValueError, message):
        cost(first, [[1.0, 0.0]])


@pytest.mark.parametrize("cost, first", [(nl.compute_cost, np.full((1, 2), 0.5)),
                                         (nl.compute_cost_from_logits, np.zeros((1, 2)))])
def test_cost_with_a_1d_Y_asks_for_a_2d_array(cost, first):
    message = "Y: expected a 2-D array, got shape (2,)"
    with raises_exactly(ValueError, message):
        cost(first, [1.0, 0.0])


@pytest.mark.parametrize("cost, first", [(nl.compute_cost, np.full((1, 3), 0.5)),
                                         (nl.compute_cost_from_logits, np.zeros((1, 3)))])
def test_cost_with_Y_of_two_rows_asks_for_one_row(cost, first):
    message = "Y: expected 1 row, got shape (2, 3)"
    with raises_exactly(ValueError, message):
        cost(first, np.zeros((2, 3)))
