"""Mini-batches, the training loop, reproducibility, recording, schedules and optimizer paths."""

from __future__ import annotations

import math
import re
import time
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn_lib as nl
from nn_lib_strategies import raises_exactly, ref_backward_one_hidden, ref_cost, ref_sigmoid, seeds


def _data(m=40, n_x=2, seed=0):
    X, Y = nl.make_moons(n_samples=m, noise=0.1, seed=seed)
    return (X if n_x == 2 else np.vstack([X, X[:1] * X[1:]])), Y


def _tagged(m):
    """X whose columns carry their index: row 0 = i, row 1 = 10 i; Y = i mod 2."""
    ids = np.arange(m, dtype=float)
    return np.vstack([ids, 10 * ids]), (np.arange(m) % 2).astype(float)[np.newaxis, :]


# ---------------------------------------------------------------------------
# random_mini_batches
# ---------------------------------------------------------------------------

@given(m=st.integers(1, 300), size=st.integers(1, 400), seed=seeds)
@settings(max_examples=60, deadline=None)
def test_mini_batches_partition_the_examples(m, size, seed):
    X, Y = _tagged(m)
    batches = nl.random_mini_batches(X, Y, mini_batch_size=size, seed=seed)
    assert len(batches) == math.ceil(m / size)
    sizes = [xb.shape[1] for xb, _ in batches]
    assert all(s == size for s in sizes[:-1])
    assert sizes[-1] == (m % size or min(size, m))
    ids = np.concatenate([xb[0] for xb, _ in batches])
    np.testing.assert_array_equal(np.sort(ids), np.arange(m))   # every column exactly once
    for xb, yb in batches:
        assert xb.shape[0] == 2 and yb.shape == (1, xb.shape[1])
        np.testing.assert_array_equal(xb[1], 10 * xb[0])       # columns stay whole
        np.testing.assert_array_equal(yb[0], xb[0] % 2)       # X and Y stay paired


def test_mini_batches_sizes_of_the_notes_example():
    X, Y = _tagged(148)
    sizes = [xb.shape[1] for xb, _ in nl.random_mini_batches(X, Y, 64, seed=0)]
    assert sizes == [64, 64, 20]


def test_mini_batches_default_size_is_64():
    X, Y = _tagged(130)
    sizes = [xb.shape[1] for xb, _ in nl.random_mini_batches(X, Y, seed=0)]
    assert sizes == [64, 64, 2]


def test_mini_batches_are_shuffled_and_seeded():
    X, Y = _tagged(100)
    a = nl.random_mini_batches(X, Y, 30, seed=5)
    b = nl.random_mini_batches(X, Y, 30, seed=5)
    c = nl.random_mini_batches(X, Y, 30, seed=6)
    for (xa, ya), (xb, yb) in zip(a, b):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)
    assert not np.array_equal(a[0][0], c[0][0])
    assert not np.array_equal(a[0][0][0], np.arange(30))  # not the original order
    rng = np.random.default_rng(1)
    first = nl.random_mini_batches(X, Y, 100, seed=rng)[0][0]
    second = nl.random_mini_batches(X, Y, 100, seed=rng)[0][0]
    assert not np.array_equal(first, second)  # one generator: a new order every epoch


# ---------------------------------------------------------------------------
# One training step against an independent computation
# ---------------------------------------------------------------------------

def test_one_full_batch_epoch_is_one_gradient_descent_step():
    X, Y = _data(30)
    rng = np.random.default_rng(3)
    P0 = {"W1": rng.normal(size=(4, 2)), "b1": rng.normal(size=(4, 1)) * 0.3,
          "W2": rng.normal(size=(1, 4)), "b2": np.array([[0.1]])}
    saved = {k: v.copy() for k, v in P0.items()}
    result = nl.train(X, Y, [2, 4, 1], optimizer=nl.GradientDescent(0.5), num_epochs=1,
                      lambd=0.3, parameters=P0, seed=0)
    grads = ref_backward_one_hidden(X, Y, P0, lambd=0.3)
    for key in P0:
        np.testing.assert_allclose(result.parameters[key], P0[key] - 0.5 * grads["d" + key],
                                   rtol=1e-12, atol=1e-14)
        np.testing.assert_array_equal(P0[key], saved[key])  # the caller's dict is untouched
    assert result.costs[0] == pytest.approx(ref_cost(X, Y, P0, lambd=0.3), rel=1e-12)
    assert result.epochs.tolist() == [0]


def test_one_full_batch_epoch_with_dropout_uses_the_dropout_stream_mask():
    # The third stream of the seed draws the mask, as the notes draw it: D = (U < keep_prob).
    X, Y = _data(30)
    rng = np.random.default_rng(3)
    P0 = {"W1": rng.normal(size=(4, 2)), "b1": rng.normal(size=(4, 1)) * 0.3,
          "W2": rng.normal(size=(1, 4)), "b2": np.array([[0.1]])}
    result = nl.train(X, Y, [2, 4, 1], optimizer=nl.GradientDescent(0.5), num_epochs=1,
                      keep_prob=0.6, lambd=0.2, parameters=P0, seed=9)
    dropout_stream = np.random.default_rng(np.random.SeedSequence(9).spawn(3)[2])
    mask = dropout_stream.random((4, 30)) < 0.6
    grads = ref_backward_one_hidden(X, Y, P0, lambd=0.2, mask=mask, keep_prob=0.6)
    for key in P0:
        np.testing.assert_allclose(result.parameters[key], P0[key] - 0.5 * grads["d" + key],
                                   rtol=1e-12, atol=1e-14)


def test_logistic_regression_with_a_schedule_by_hand():
    # L = 1: dW = (a - y) x^T / m, db = mean(a - y); rates 0.1 then 0.05 (ExponentialDecay(0.5))
    X = np.array([[0.5, -1.0, 2.0, 0.0], [1.0, 1.0, -0.5, 0.3]])
    Y = np.array([[1.0, 0.0, 1.0, 0.0]])
    W, b = np.array([[0.2, -0.4]]), np.array([[0.05]])
    P = {"W1": W, "b1": b}
    for lr in (0.1, 0.05):
        A = ref_sigmoid(W @ X + b)
        W, b = W - lr * (A - Y) @ X.T / 4, b - lr * np.mean(A - Y)
    result = nl.train(X, Y, [2, 1], optimizer=nl.GradientDescent(0.1), num_epochs=2,
                      parameters=P, lr_schedule=nl.ExponentialDecay(0.5), seed=0)
    np.testing.assert_allclose(result.parameters["W1"], W, rtol=1e-13)
    np.testing.assert_allclose(result.parameters["b1"], b, rtol=1e-13)
    assert result.learning_rates.tolist() == pytest.approx([0.1, 0.05], rel=1e-15)


def test_lr_schedule_rates_are_recorded():
    X, Y = _data(20)
    result = nl.train(X, Y, [2, 3, 1], optimizer=nl.Momentum(0.2), num_epochs=7,
                      lr_schedule=nl.InverseTimeDecay(0.5), seed=1)
    assert result.learning_rates.tolist() == pytest.approx([0.2 / (1 + 0.5 * e) for e in range(7)],
                                                           rel=1e-15)
    steps = nl.train(X, Y, [2, 3, 1], optimizer=nl.Adam(0.01), num_epochs=5,
                     lr_schedule=nl.StepDecay(1.0, 2), seed=1)
    assert steps.learning_rates.tolist() == pytest.approx([0.01, 0.01, 0.005, 0.005, 0.01 / 3],
                                                          rel=1e-15)
    plain = nl.train(X, Y, [2, 3, 1], optimizer=nl.GradientDescent(0.3), num_epochs=3, seed=1)
    assert plain.learning_rates.tolist() == [0.3, 0.3, 0.3]
    custom = nl.train(X, Y, [2, 3, 1], optimizer=nl.GradientDescent(0.3), num_epochs=3, seed=1,
                      lr_schedule=lambda lr0, epoch: lr0 / (epoch + 1))
    assert custom.learning_rates.tolist() == pytest.approx([0.3, 0.15, 0.1], rel=1e-15)


def test_epoch_cost_is_the_size_weighted_mean_of_the_step_costs():
    X, Y = _data(50)
    r = nl.train(X, Y, [2, 5, 1], optimizer=nl.Adam(0.01), num_epochs=3, mini_batch_size=16,
                 record_steps=True, seed=2)
    sizes = np.array([16, 16, 16, 2])
    per_epoch = r.step_costs.reshape(3, 4)
    np.testing.assert_allclose(r.costs, per_epoch @ sizes / 50, rtol=1e-12)


# ---------------------------------------------------------------------------
# Reproducibility
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    dict(), dict(mini_batch_size=8), dict(keep_prob=0.7), dict(mini_batch_size=8, keep_prob=[0.6, 0.9]),
    dict(mini_batch_size=8, keep_prob=0.8, lambd=0.5, optimizer=nl.Adam(0.01)),
])
def test_same_seed_gives_bit_identical_parameters(kwargs):
    X, Y = _data(30)
    run = lambda seed: nl.train(X, Y, [2, 6, 4, 1], num_epochs=15, seed=seed, record_steps=True,
                                **kwargs)
    a, b, c = run(4), run(4), run(5)
    for key in a.parameters:
        np.testing.assert_array_equal(a.parameters[key], b.parameters[key])
    np.testing.assert_array_equal(a.costs, b.costs)
    np.testing.assert_array_equal(a.step_costs, b.step_costs)
    assert not np.array_equal(a.parameters["W1"], c.parameters["W1"])


def test_generator_seed_is_reproducible():
    X, Y = _data(30)
    a = nl.train(X, Y, [2, 4, 1], num_epochs=5, mini_batch_size=7, keep_prob=0.8,
                 seed=np.random.default_rng(8))
    b = nl.train(X, Y, [2, 4, 1], num_epochs=5, mini_batch_size=7, keep_prob=0.8,
                 seed=np.random.default_rng(8))
    np.testing.assert_array_equal(a.parameters["W2"], b.parameters["W2"])


def test_same_seed_starts_from_the_same_weights_whatever_keep_prob_or_batch_size():
    # A learning rate of 1e-300 changes no weight of order 0.1 (the step is far below
    # half an ulp), so after one epoch the weights ARE the initial weights.
    X, Y = _data(30)
    run = lambda seed, **kw: nl.train(X, Y, [2, 8, 5, 1], optimizer=nl.GradientDescent(1e-300),
                                      num_epochs=1, seed=seed, **kw).parameters
    base = run(11)
    for kw in (dict(keep_prob=0.5), dict(keep_prob=[0.9, 0.3]), dict(mini_batch_size=4),
               dict(mini_batch_size=4, keep_prob=0.5, lambd=0.7)):
        other = run(11, **kw)
        for key in ("W1", "W2", "W3"):
            np.testing.assert_array_equal(other[key], base[key])
    assert not np.array_equal(run(12)["W1"], base["W1"])
    # and those weights are He-initialized: standard deviation sqrt(2 / n_in)
    wide = nl.train(np.zeros((400, 2)), np.array([[0.0, 1.0]]), [400, 500, 1],
                    optimizer=nl.GradientDescent(1e-300), num_epochs=1, seed=0).parameters["W1"]
    assert wide.std() == pytest.approx(math.sqrt(2 / 400), rel=0.02)


def test_dropout_stream_does_not_disturb_the_shuffling_stream():
    # keep_prob = 1 - 1e-12 keeps every unit (with overwhelming probability) and rescales by
    # 1 + 1e-12, but it draws from the dropout stream. If that stream were shared with the
    # shuffling, the batches would differ and so would the step costs.
    X, Y = _data(40)
    run = lambda kp, seed=3: nl.train(X, Y, [2, 6, 1], optimizer=nl.Adam(0.01), num_epochs=4,
                                      mini_batch_size=8, keep_prob=kp, seed=seed,
                                      record_steps=True).step_costs
    a, b = run(1.0), run(1 - 1e-12)
    np.testing.assert_allclose(a, b, rtol=1e-8)
    assert not np.allclose(a, run(1.0, seed=4), rtol=1e-3)


def test_training_without_seed_is_not_deterministic():
    X, Y = _data(20)
    a = nl.train(X, Y, [2, 4, 1], num_epochs=2)
    b = nl.train(X, Y, [2, 4, 1], num_epochs=2)
    assert not np.array_equal(a.parameters["W1"], b.parameters["W1"])


# ---------------------------------------------------------------------------
# The optimizer, recording, printing
# ---------------------------------------------------------------------------

def test_optimizer_passed_in_is_not_mutated():
    X, Y = _data(30)
    opt = nl.Adam(learning_rate=0.02)
    result = nl.train(X, Y, [2, 4, 1], optimizer=opt, num_epochs=6, mini_batch_size=10,
                      lr_schedule=nl.InverseTimeDecay(1.0), seed=0)
    assert opt.t == 0 and opt.v == {} and opt.s == {} and opt.learning_rate == 0.02
    assert result.optimizer is not opt and isinstance(result.optimizer, nl.Adam)
    assert result.optimizer.t == 6 * 3
    assert result.optimizer.learning_rate == pytest.approx(0.02 / 6)
    default = nl.train(X, Y, [2, 4, 1], num_epochs=1, seed=0)
    assert isinstance(default.optimizer, nl.GradientDescent)
    assert default.optimizer.learning_rate == 0.01


@given(m=st.integers(1, 60), size=st.integers(1, 80), epochs=st.integers(1, 6))
@settings(max_examples=25, deadline=None)
def test_record_steps_has_one_cost_per_step(m, size, epochs):
    X, Y = _tagged(m)
    X = X / max(m, 1)
    r = nl.train(X, Y, [2, 3, 1], num_epochs=epochs, mini_batch_size=size, record_steps=True, seed=0)
    assert r.step_costs.shape == (epochs * math.ceil(m / size),)
    assert np.all(np.isfinite(r.step_costs))
    assert r.optimizer.t == epochs * math.ceil(m / size)
    assert nl.train(X, Y, [2, 3, 1], num_epochs=1, seed=0).step_costs is None


def test_mini_batch_larger_than_m_is_full_batch():
    X, Y = _data(25)
    big = nl.train(X, Y, [2, 4, 1], num_epochs=3, mini_batch_size=1000, seed=0, record_steps=True)
    assert big.step_costs.shape == (3,)
    # one batch holding every example: the same steps as full-batch training, up to the order of
    # the columns (which changes sums only by rounding)
    full = nl.train(X, Y, [2, 4, 1], num_epochs=3, seed=0)
    for key in full.parameters:
        np.testing.assert_allclose(big.parameters[key], full.parameters[key], rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("num_epochs, cost_every, expected", [
    (23, 5, [0, 5, 10, 15, 20, 22]), (20, 5, [0, 5, 10, 15, 19]), (1, 7, [0]),
    (4, 1, [0, 1, 2, 3]), (10, 100, [0, 9]),
])
def test_cost_every_spacing_and_last_epoch(num_epochs, cost_every, expected):
    X, Y = _data(20)
    r = nl.train(X, Y, [2, 3, 1], num_epochs=num_epochs, cost_every=cost_every, seed=0)
    assert r.epochs.tolist() == expected
    assert r.epochs.dtype == np.int64
    assert r.costs.shape == (len(expected),)
    assert r.learning_rates.shape == (num_epochs,)


def test_print_every_prints_to_stderr(capsys):
    X, Y = _data(20)
    r = nl.train(X, Y, [2, 3, 1], num_epochs=5, print_every=2, seed=0)
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 3
    for line, epoch in zip(lines, (0, 2, 4)):
        assert line.split()[:2] == ["epoch", str(epoch)]
        assert f"{r.costs[epoch]:.6f}" in line
    nl.train(X, Y, [2, 3, 1], num_epochs=3, seed=0)
    assert capsys.readouterr() == ("", "")


def test_print_every_shows_the_seconds_elapsed_since_the_start(capsys):
    # Not a timing assertion: the printed time must lie within the call, whatever its speed.
    X, Y = _data(20)
    before = time.perf_counter()
    nl.train(X, Y, [2, 3, 1], num_epochs=3, print_every=1, seed=0)
    during = time.perf_counter() - before
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 3
    seconds = [float(re.fullmatch(r".*\((\S+) s\)", line).group(1)) for line in lines]
    assert all(0 <= s <= during + 0.05 for s in seconds)   # printed to 0.1 s
    assert seconds == sorted(seconds)


def test_print_every_is_independent_of_cost_every(capsys):
    X, Y = _data(20)
    nl.train(X, Y, [2, 3, 1], num_epochs=4, cost_every=2, print_every=1, seed=0)
    assert len(capsys.readouterr().err.strip().splitlines()) == 4


def test_l2_and_dropout_together_train():
    X, Y = nl.make_moons(n_samples=200, noise=0.2, seed=1)
    r = nl.train(X, Y, [2, 20, 3, 1], optimizer=nl.GradientDescent(0.3), num_epochs=400,
                 lambd=0.3, keep_prob=0.86, seed=0, cost_every=10)
    assert r.costs[-1] < 0.7 * r.costs[0]
    assert nl.accuracy(nl.predict(X, r.parameters), Y) > 0.8


def test_zero_initialization_never_breaks_symmetry():
    X, Y = _data(31)  # 16 / 15 labels: the output bias has a non-zero gradient
    r = nl.train(X, Y, [2, 5, 3, 1], optimizer=nl.GradientDescent(0.5), num_epochs=20,
                 initialization="zeros", seed=0)
    # all pre-activations are 0, ReLU'(0) = 0: no weight ever gets a gradient
    for key in ("W1", "W2", "W3", "b1", "b2"):
        assert not r.parameters[key].any()
    assert r.parameters["b3"][0, 0] != 0.0


def test_divergence_raises_an_error_naming_the_epoch_without_warnings():
    X, Y = _data(20)
    run = lambda epochs: nl.train(X * 100, Y, [2, 10, 1], optimizer=nl.GradientDescent(1e300),
                                  num_epochs=epochs, cost_every=1000, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # NumPy's overflow warnings would come first
        with pytest.raises(FloatingPointError, match="learning rate") as info:
            run(50)
    epoch = int(re.search(r"at epoch (\d+)", str(info.value)).group(1))
    # the epoch named is the first whose parameters are not finite
    with np.errstate(all="ignore"):
        before = run(epoch).parameters if epoch else None
        with pytest.raises(FloatingPointError, match=f"at epoch {epoch};"):
            run(epoch + 1)
    assert before is None or all(np.isfinite(p).all() for p in before.values())


def test_adam_on_the_notes_two_moons_setup_reaches_90_percent():
    X, Y = nl.make_moons(n_samples=300, noise=0.2, seed=3)
    r = nl.train(X, Y, [2, 5, 2, 1], optimizer=nl.Adam(learning_rate=0.0007), num_epochs=5000,
                 mini_batch_size=64, seed=0, cost_every=1000)
    assert nl.accuracy(nl.predict(X, r.parameters), Y) >= 0.9


@pytest.mark.parametrize("bad", [0, 0.0, -1.0, math.inf, math.nan, True, "0.1", None])
def test_a_scheduled_rate_that_is_not_finite_and_positive_is_refused_naming_the_epoch(bad):
    X, Y = _data(20)
    schedule = lambda lr0, epoch: lr0 if epoch < 2 else bad   # a good rate, then a bad one
    message = f"lr_schedule: expected a finite learning rate > 0, got {bad!r} at epoch 2"
    with raises_exactly(ValueError, message):
        nl.train(X, Y, [2, 3, 1], num_epochs=4, lr_schedule=schedule, seed=0)
    with raises_exactly(ValueError, message):
        nl.train_seeds(X, Y, [2, 3, 1], [0, 1], num_epochs=4, lr_schedule=schedule)


def test_non_positive_scheduled_rate_is_refused():
    X, Y = _data(20)
    with pytest.raises(ValueError, match="^lr_schedule"):
        nl.train(X, Y, [2, 3, 1], num_epochs=2, lr_schedule=lambda lr0, epoch: -1.0, seed=0)


def test_optimizer_with_state_for_another_network_starts_afresh():
    X, Y = _data(20)
    previous = nl.train(X, Y, [2, 5, 1], optimizer=nl.Adam(0.01), num_epochs=3, seed=0).optimizer
    again = nl.train(X, Y, [2, 3, 1], optimizer=previous, num_epochs=2, seed=0)
    fresh = nl.train(X, Y, [2, 3, 1], optimizer=nl.Adam(0.01), num_epochs=2, seed=0)
    assert again.optimizer.t == 2 and previous.t == 3
    for key in fresh.parameters:
        np.testing.assert_array_equal(again.parameters[key], fresh.parameters[key])


def test_continuing_with_the_returned_optimizer_and_parameters():
    # 2 + 2 epochs with the state carried over equal 4 epochs in one go (full batch, no dropout)
    X, Y = _data(20)
    four = nl.train(X, Y, [2, 3, 1], optimizer=nl.Adam(0.01), num_epochs=4, seed=0)
    half = nl.train(X, Y, [2, 3, 1], optimizer=nl.Adam(0.01), num_epochs=2, seed=0)
    rest = nl.train(X, Y, [2, 3, 1], optimizer=half.optimizer, num_epochs=2,
                    parameters=half.parameters, seed=0)
    for key in four.parameters:
        np.testing.assert_array_equal(rest.parameters[key], four.parameters[key])


def test_step_costs_are_kept_when_costs_are_recorded_less_often():
    # Full-batch gradient descent: step k's cost is J(theta_k) before its update.
    X, Y = _data(30)
    rng = np.random.default_rng(5)
    P = {"W1": rng.normal(size=(4, 2)), "b1": rng.normal(size=(4, 1)) * 0.3,
         "W2": rng.normal(size=(1, 4)), "b2": np.array([[0.1]])}
    r = nl.train(X, Y, [2, 4, 1], optimizer=nl.GradientDescent(0.5), num_epochs=5, lambd=0.2,
                 parameters=P, cost_every=3, record_steps=True, seed=0)
    expected = []
    for _ in range(5):
        expected.append(ref_cost(X, Y, P, lambd=0.2))
        grads = ref_backward_one_hidden(X, Y, P, lambd=0.2)
        P = {key: value - 0.5 * grads["d" + key] for key, value in P.items()}
    np.testing.assert_allclose(r.step_costs, expected, rtol=1e-12)
    assert r.epochs.tolist() == [0, 3, 4]
    np.testing.assert_allclose(r.costs, np.array(expected)[[0, 3, 4]], rtol=1e-12)


@pytest.mark.parametrize("make, state_names", [
    (lambda: nl.GradientDescent(0.1), ()), (lambda: nl.Momentum(0.1), ("v",)),
    (lambda: nl.RMSprop(0.01), ("s",)), (lambda: nl.Adam(0.01), ("v", "s")),
])
def test_the_returned_optimizer_holds_one_state_entry_per_block(make, state_names):
    X, Y = _data(30)
    r = nl.train(X, Y, [2, 4, 3, 1], optimizer=make(), num_epochs=3, mini_batch_size=8, seed=0)
    assert r.optimizer.t == 3 * 4
    keys = ["dW1", "db1", "dW2", "db2", "dW3", "db3"]
    for state in state_names:
        held = getattr(r.optimizer, state)
        assert list(held) == keys
        for key in keys:
            assert held[key].shape == r.parameters[key[1:]].shape
            assert np.isfinite(held[key]).all() and held[key].any()


def test_momentum_velocity_after_one_full_batch_step_is_the_scaled_gradient():
    X, Y = _data(30)
    rng = np.random.default_rng(3)
    P = {"W1": rng.normal(size=(4, 2)), "b1": rng.normal(size=(4, 1)) * 0.3,
         "W2": rng.normal(size=(1, 4)), "b2": np.array([[0.1]])}
    r = nl.train(X, Y, [2, 4, 1], optimizer=nl.Momentum(0.5, beta=0.8), num_epochs=1, lambd=0.1,
                 parameters=P, seed=0)
    grads = ref_backward_one_hidden(X, Y, P, lambd=0.1)
    for key, g in grads.items():
        np.testing.assert_allclose(r.optimizer.v[key], 0.2 * g, rtol=1e-12, atol=1e-15)


class SignGD(nl.Optimizer):
    """W <- W - alpha sign(dW), written through the public extension point only."""

    def update_block(self, name, param, grad):
        return param - self.learning_rate * np.sign(grad)


class DecayWeights(nl.Adam):
    """AdamW-style: Adam's step, then W <- W - alpha lambda W for weights, not biases."""

    def __init__(self, learning_rate, weight_decay):
        super().__init__(learning_rate)
        self.weight_decay = weight_decay

    def update_block(self, name, param, grad):
        new = super().update_block(name, param, grad)
        if name.startswith("W"):
            new = new - self.learning_rate * self.weight_decay * param
        return new


def test_a_subclass_through_update_block_trains():
    X, Y = nl.make_moons(n_samples=200, noise=0.1, seed=2)
    r = nl.train(X, Y, [2, 8, 1], optimizer=SignGD(0.01), num_epochs=300, seed=0, cost_every=299)
    assert r.costs[-1] < 0.5 * r.costs[0]
    assert nl.accuracy(nl.predict(X, r.parameters), Y) > 0.8
    assert isinstance(r.optimizer, SignGD) and r.optimizer.t == 300


def test_decoupled_weight_decay_shrinks_weights_and_spares_biases():
    # One step from the same start: each W is Adam's step minus alpha lambda W (alpha lambda
    # = 0.05), each b is Adam's step alone.
    X, Y = _data(20)
    P = nl.initialize_parameters([2, 3, 1], seed=1)
    P["b1"] = np.array([[0.5], [-0.25], [1.0]])
    r = nl.train(X, Y, [2, 3, 1], optimizer=DecayWeights(0.1, weight_decay=0.5), num_epochs=1,
                 parameters=P, seed=0)
    plain = nl.train(X, Y, [2, 3, 1], optimizer=nl.Adam(0.1), num_epochs=1, parameters=P, seed=0)
    for key in ("W1", "W2"):
        np.testing.assert_allclose(r.parameters[key], plain.parameters[key] - 0.05 * P[key],
                                   rtol=1e-14, atol=1e-16)
    for key in ("b1", "b2"):
        np.testing.assert_array_equal(r.parameters[key], plain.parameters[key])


# ---------------------------------------------------------------------------
# optimizer_path
# ---------------------------------------------------------------------------

@given(alpha=st.floats(0.01, 0.9), a=st.floats(0.1, 2.0), theta0=st.floats(-5, 5),
       k=st.integers(0, 30))
@settings(max_examples=40, deadline=None)
def test_optimizer_path_of_gradient_descent_is_the_closed_form(alpha, a, theta0, k):
    opt = nl.GradientDescent(alpha)
    path = nl.optimizer_path(lambda t: a * t, [theta0], opt, k)
    assert path.shape == (k + 1, 1)
    expected = theta0 * (1 - alpha * a) ** np.arange(k + 1)
    # Each step theta - alpha * (a * theta) rounds at the scale of theta, about eps |theta0|,
    # which is all that is left when 1 - alpha * a is itself near zero (alpha * a = 1).
    atol = 4 * (k + 1) * np.finfo(float).eps * abs(theta0)
    np.testing.assert_allclose(path[:, 0], expected, rtol=1e-12, atol=max(atol, 1e-300))
    assert opt.t == 0  # copied, not modified


def test_optimizer_path_starts_at_theta0_and_matches_update():
    grad = lambda t: np.array([2 * t[0], 20 * t[1]])
    path = nl.optimizer_path(grad, [1.0, -1.0], nl.Adam(0.1), 5)
    np.testing.assert_array_equal(path[0], [1.0, -1.0])
    opt, theta = nl.Adam(0.1), {"t": np.array([1.0, -1.0])}
    for k in range(1, 6):
        theta = opt.update(theta, {"dt": grad(theta["t"])})
        np.testing.assert_allclose(path[k], theta["t"], rtol=1e-15)


def test_a_diverging_optimizer_path_names_the_step():
    # Gradient descent on J = theta^2 / 2 at rate 1e10: |theta| grows by 1e10 - 1 per step,
    # past 1.8e308 at step 31, while the gradient (theta itself) is still finite.
    with raises_exactly(FloatingPointError, "optimizer: step 31 overflowed float64, the path "
                                            "has diverged; lower the learning rate"):
        nl.optimizer_path(lambda t: t, [1.0], nl.GradientDescent(1e10), 100)


@pytest.mark.parametrize("grad, error, message", [
    (lambda t: np.ones((2, 1)), ValueError, "grad(theta): expected a 1-D array, got shape (2, 1)"),
    (lambda t: np.ones(3), ValueError, "grad(theta): expected 2 entries, got shape (3,)"),
    (lambda t: np.array([1.0, np.nan]), ValueError,
     "grad(theta): expected finite values, got NaN or infinity"),
])
def test_optimizer_path_refuses_a_gradient_not_shaped_like_theta(grad, error, message):
    with raises_exactly(error, message):
        nl.optimizer_path(grad, [1.0, 2.0], nl.GradientDescent(0.1), 3)


@pytest.mark.parametrize("optimizer, name", [
    ("sgd", "str"), (None, "NoneType"),
    (nl.GradientDescent, "type"),   # the class instead of an instance of it
])
def test_optimizer_path_names_the_type_of_a_bad_optimizer(optimizer, name):
    message = f"optimizer: expected an nn_lib Optimizer, got {name}"
    with raises_exactly(TypeError, message):
        nl.optimizer_path(lambda t: t, [1.0], optimizer, 3)


def test_divergence_is_caught_between_recorded_epochs():
    # An absurd learning rate blows the parameters up long before the only recorded epoch.
    X, Y = _data(20)
    with pytest.raises(FloatingPointError, match="^train: .*epoch"):
        with np.errstate(all="ignore"):
            nl.train(X, Y, [2, 3, 1], optimizer=nl.GradientDescent(1e300), num_epochs=50,
                     cost_every=50, seed=0)


def test_l2_with_mini_batches_uses_the_training_set_size():
    # Equation 2 with m = the number of training examples: a batch of b examples must add
    # (lambd / m) W to dW, i.e. backward_propagation on the batch with lambd * b / m.
    X, Y = nl.make_moons(n_samples=50, noise=0.2, seed=4)
    m, b, lambd, lr, seed = 50, 16, 0.9, 0.1, 7
    result = nl.train(X, Y, [2, 4, 1], optimizer=nl.GradientDescent(lr), num_epochs=2,
                      mini_batch_size=b, lambd=lambd, seed=seed)
    init_ss, shuffle_ss, _ = np.random.SeedSequence(seed).spawn(3)
    params = nl.initialize_parameters([2, 4, 1], seed=np.random.default_rng(init_ss))
    shuffle_rng = np.random.default_rng(shuffle_ss)
    for _ in range(2):
        for Xb, Yb in nl.random_mini_batches(X, Y, b, seed=shuffle_rng):
            _, cache = nl.forward_propagation(Xb, params)
            grads = nl.backward_propagation(Yb, cache, lambd=lambd * Xb.shape[1] / m)
            params = {k: v - lr * grads["d" + k] for k, v in params.items()}
    for key in params:
        np.testing.assert_allclose(result.parameters[key], params[key], rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------------------
# train_seeds: a stack of networks trained at once
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("options", [
    dict(optimizer=nl.GradientDescent(0.3), num_epochs=40),
    dict(optimizer=nl.Adam(0.01), num_epochs=6, mini_batch_size=16, keep_prob=0.7, lambd=0.4,
         record_steps=True),
    dict(optimizer=nl.Momentum(0.05, beta=0.8), num_epochs=5, mini_batch_size=25,
         keep_prob=[0.9, 0.6], initialization="xavier", cost_every=2,
         lr_schedule=nl.InverseTimeDecay(0.5)),
])
def test_train_seeds_equals_one_train_per_seed(options):
    X, Y = nl.make_moons(60, noise=0.2, seed=1)
    seeds = [3, 0, 11]
    together = nl.train_seeds(X, Y, [2, 6, 4, 1], seeds, **options)
    for seed, result in zip(seeds, together):
        alone = nl.train(X, Y, [2, 6, 4, 1], seed=seed, **options)
        for key, value in alone.parameters.items():
            np.testing.assert_allclose(result.parameters[key], value, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(result.costs, alone.costs, rtol=1e-10)
        np.testing.assert_array_equal(result.epochs, alone.epochs)
        np.testing.assert_array_equal(result.learning_rates, alone.learning_rates)
        if alone.step_costs is not None:
            np.testing.assert_allclose(result.step_costs, alone.step_costs, rtol=1e-10)
        assert result.optimizer.t == alone.optimizer.t
        for state in alone.optimizer.state_names:
            for key, value in getattr(alone.optimizer, state).items():
                np.testing.assert_allclose(getattr(result.optimizer, state)[key], value,
                                           rtol=1e-9, atol=1e-12)


def test_train_seeds_with_one_data_set_per_seed():
    draws = [nl.make_moons(40, noise=0.3, seed=d) for d in (5, 6)]
    X = np.stack([X for X, _ in draws])
    Y = np.stack([Y for _, Y in draws])
    together = nl.train_seeds(X, Y, [2, 5, 1], [1, 2], optimizer=nl.GradientDescent(0.5),
                              num_epochs=30, mini_batch_size=16)
    for (Xk, Yk), seed, result in zip(draws, [1, 2], together):
        alone = nl.train(Xk, Yk, [2, 5, 1], optimizer=nl.GradientDescent(0.5), num_epochs=30,
                         mini_batch_size=16, seed=seed)
        np.testing.assert_allclose(result.parameters["W1"], alone.parameters["W1"], rtol=1e-10)


def test_train_seeds_with_one_data_set_per_seed_and_l2_uses_each_sets_size():
    # X of shape (S, n_x, m) with n_x = 3 != m = 23: the L2 term of equation 2 and of
    # every mini-batch step divides by m, the number of columns, as train does for each set.
    draws = [_data(23, n_x=3, seed=d) for d in (5, 6)]
    X = np.stack([X for X, _ in draws])
    Y = np.stack([Y for _, Y in draws])
    options = dict(optimizer=nl.GradientDescent(0.3), num_epochs=6, lambd=0.7, record_steps=True)
    for batch in (None, 8):
        together = nl.train_seeds(X, Y, [3, 4, 1], [1, 2], mini_batch_size=batch, **options)
        for (Xk, Yk), seed, result in zip(draws, [1, 2], together):
            alone = nl.train(Xk, Yk, [3, 4, 1], mini_batch_size=batch, seed=seed, **options)
            for key, value in alone.parameters.items():
                np.testing.assert_allclose(result.parameters[key], value, rtol=1e-10, atol=1e-13)
            np.testing.assert_allclose(result.costs, alone.costs, rtol=1e-10)
            np.testing.assert_allclose(result.step_costs, alone.step_costs, rtol=1e-10)


def test_train_and_train_seeds_default_to_1000_epochs_without_step_costs():
    X, Y = _data(4)
    alone = nl.train(X, Y, [2, 1], seed=0)
    assert alone.learning_rates.shape == (1000,) and alone.optimizer.t == 1000
    assert alone.step_costs is None
    together = nl.train_seeds(X, Y, [2, 1], [0, 1])
    for result in together:
        assert result.learning_rates.shape == (1000,) and result.optimizer.t == 1000
        assert result.epochs[-1] == 999
        assert result.step_costs is None


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(seed=1), TypeError, r"^train_seeds: expected keywords .* got \['seed'\]"),
    (dict(parameters={}, print_every=1), TypeError,
     r"^train_seeds: expected keywords .* got \['parameters', 'print_every'\]"),
    (dict(num_epochs=0), ValueError, "^num_epochs: expected an integer >= 1, got 0"),
    (dict(initialization="orthogonal"), ValueError, "^initialization: expected one of"),
    (dict(mini_batch_size=0), ValueError, "^mini_batch_size: expected an integer >= 1, got 0"),
    (dict(lambd=-0.1), ValueError, "^lambd: expected a number >= 0, got -0.1"),
    (dict(cost_every=0), ValueError, "^cost_every: expected an integer >= 1, got 0"),
    (dict(record_steps="yes"), TypeError, "^record_steps: expected True or False"),
    (dict(checkpoint_every=0), ValueError, "^checkpoint_every: expected an integer >= 1, got 0"),
])
def test_train_seeds_refuses_bad_options(kwargs, error, message):
    X, Y = nl.make_moons(20, seed=0)
    with pytest.raises(error, match=message):
        nl.train_seeds(X, Y, [2, 3, 1], [0, 1], **kwargs)
    if "seed" not in kwargs and "parameters" not in kwargs:     # train declares the same limits
        with pytest.raises(error, match=message):
            nl.train(X, Y, [2, 3, 1], **kwargs)


def test_train_seeds_names_itself_and_its_options_for_a_misspelt_keyword():
    X, Y = nl.make_moons(20, seed=0)
    with pytest.raises(TypeError, match=r"^train_seeds\(\): got unexpected keyword argument\(s\) "
                                        r"\['lamda'\]; its options .* lambd, keep_prob"):
        nl.train_seeds(X, Y, [2, 3, 1], [0, 1], lamda=0.1)


def test_train_seeds_takes_seeds_and_keep_prob_as_arrays():
    X, Y = nl.make_moons(40, seed=0)
    options = dict(num_epochs=3, optimizer=nl.GradientDescent(0.5))
    from_arrays = nl.train_seeds(X, Y, [2, 4, 3, 1], np.arange(2), keep_prob=np.array([0.5, 0.8]),
                                 **options)
    from_lists = nl.train_seeds(X, Y, [2, 4, 3, 1], [0, 1], keep_prob=[0.5, 0.8], **options)
    for a, b in zip(from_arrays, from_lists):
        np.testing.assert_array_equal(a.costs, b.costs)


def test_an_earlier_optimizer_goes_on_only_with_its_parameters():
    X, Y = nl.make_moons(40, seed=0)
    first = nl.train(X, Y, [2, 3, 1], optimizer=nl.Adam(0.01), num_epochs=4, seed=0)
    assert first.optimizer.t == 4
    fresh = nl.train(X, Y, [2, 3, 1], optimizer=first.optimizer, num_epochs=1, seed=1)
    new = nl.train(X, Y, [2, 3, 1], optimizer=nl.Adam(0.01), num_epochs=1, seed=1)
    assert fresh.optimizer.t == 1
    for key in new.parameters:
        np.testing.assert_array_equal(fresh.parameters[key], new.parameters[key])
    stacked = nl.train_seeds(X, Y, [2, 3, 1], [1], optimizer=first.optimizer, num_epochs=1)
    assert stacked[0].optimizer.t == 1
    going_on = nl.train(X, Y, [2, 3, 1], optimizer=first.optimizer, num_epochs=1,
                        parameters=first.parameters)
    assert going_on.optimizer.t == 5


@pytest.mark.parametrize("seeds, error, message", [
    ([], TypeError, "^seeds: expected a non-empty list"),
    (5, TypeError, "^seeds: expected a non-empty list"),
    ([0, -1], ValueError, r"^seeds\[1\]: expected an integer >= 0, got -1"),
    ([0, 1.5], TypeError, r"^seeds\[1\]: expected an integer"),
])
def test_train_seeds_refuses_bad_seeds(seeds, error, message):
    X, Y = nl.make_moons(20, seed=0)
    with pytest.raises(error, match=message):
        nl.train_seeds(X, Y, [2, 3, 1], seeds)


def test_train_seeds_refuses_a_stack_of_data_of_the_wrong_size():
    X, Y = nl.make_moons(20, seed=0)
    with pytest.raises(ValueError, match=r"^X, Y: expected one data set per seed \(3\)"):
        nl.train_seeds(np.stack([X, X]), np.stack([Y, Y]), [2, 3, 1], [0, 1, 2])
    with pytest.raises(ValueError, match=r"^Y\[1\]: expected labels 0 or 1"):
        nl.train_seeds(np.stack([X, X]), np.stack([Y, Y * 2]), [2, 3, 1], [0, 1])
    with pytest.raises(ValueError, match=r"^Y\[0\]: expected shape \(1, 20\) to match the 20 columns \(examples\) of X\[0\]"):
        nl.train_seeds(np.stack([X, X]), np.stack([Y[:, :19], Y[:, :19]]), [2, 3, 1], [0, 1])


def test_checkpoints_are_the_parameters_after_those_epochs():
    X, Y = nl.make_moons(50, seed=2)
    options = dict(optimizer=nl.GradientDescent(0.2), seed=4)
    result = nl.train(X, Y, [2, 4, 1], num_epochs=7, checkpoint_every=3, **options)
    assert [epoch for epoch, _ in result.checkpoints] == [3, 6, 7]
    for epoch, parameters in result.checkpoints:
        shorter = nl.train(X, Y, [2, 4, 1], num_epochs=epoch, **options)
        for key, value in shorter.parameters.items():
            np.testing.assert_array_equal(parameters[key], value)
    assert nl.train(X, Y, [2, 4, 1], num_epochs=2, **options).checkpoints == []
    stacked = nl.train_seeds(X, Y, [2, 4, 1], [4, 5], optimizer=nl.GradientDescent(0.2),
                             num_epochs=7, checkpoint_every=3)
    np.testing.assert_allclose(stacked[0].checkpoints[1][1]["W1"], result.checkpoints[1][1]["W1"],
                               rtol=1e-12)


@pytest.mark.parametrize("bad, error", [(0, ValueError), (1.5, TypeError), ("2", TypeError)])
def test_checkpoint_every_is_validated(bad, error):
    X, Y = nl.make_moons(20, seed=0)
    with pytest.raises(error, match="^checkpoint_every: expected an integer"):
        nl.train(X, Y, [2, 3, 1], num_epochs=2, checkpoint_every=bad)


def test_train_seeds_with_a_single_seed():
    X, Y = nl.make_moons(30, seed=1)
    [result] = nl.train_seeds(X, Y, [2, 3, 1], [9], num_epochs=3)
    alone = nl.train(X, Y, [2, 3, 1], num_epochs=3, seed=9)
    np.testing.assert_allclose(result.parameters["W1"], alone.parameters["W1"], rtol=1e-12)


# --- Whole messages of train / train_seeds input checks (mutation testing) ---

def _stacks(S, n_x=2, m=5):
    X = np.arange(S * n_x * m, dtype=float).reshape(S, n_x, m) / 10.0
    Y = np.tile(np.array([[[0.0, 1.0, 0.0, 1.0, 1.0]]]), (S, 1, 1))
    return X, Y


@pytest.mark.parametrize("S_X, S_Y", [(2, 3), (4, 3), (3, 2), (3, 4), (2, 2)])
def test_train_seeds_with_the_wrong_number_of_data_sets_names_X_and_Y(S_X, S_Y):
    X, _ = _stacks(S_X)
    _, Y = _stacks(S_Y)
    message = (f"X, Y: expected one data set per seed (3), got X of shape ({S_X}, 2, 5) "
               f"and Y of shape ({S_Y}, 1, 5)")
    with raises_exactly(ValueError, message):
        nl.train_seeds(X, Y, [2, 1], seeds=[0, 1, 2], num_epochs=1)


def test_train_seeds_names_X_when_a_stacked_X_is_not_finite():
    X, Y = _stacks(2)
    X[1, 0, 3] = np.nan
    with raises_exactly(ValueError, "X: expected finite values, got NaN or infinity"):
        nl.train_seeds(X, Y, [2, 1], seeds=[0, 1], num_epochs=1)


def test_train_seeds_names_Y_when_a_stacked_X_comes_with_a_2d_Y():
    X, Y = _stacks(2)
    with raises_exactly(ValueError, "Y: expected a 3-D array, got shape (1, 5)"):
        nl.train_seeds(X, Y[0], [2, 1], seeds=[0, 1], num_epochs=1)


def test_train_seeds_names_Y_when_a_stacked_Y_is_not_finite():
    X, Y = _stacks(2)
    Y[0, 0, 1] = np.inf
    with raises_exactly(ValueError, "Y: expected finite values, got NaN or infinity"):
        nl.train_seeds(X, Y, [2, 1], seeds=[0, 1], num_epochs=1)


@pytest.mark.parametrize("optimizer, name", [("adam", "str"), (0.01, "float"),
                                             (nl.GradientDescent, "type")])
def test_train_names_the_type_given_instead_of_an_optimizer(optimizer, name):
    X, Y = _stacks(1)
    message = f"optimizer: expected an nn_lib Optimizer such as Adam(), got {name}"
    with raises_exactly(TypeError, message):
        nl.train(X[0], Y[0], [2, 1], optimizer=optimizer, num_epochs=1)
    with raises_exactly(TypeError, message):
        nl.train_seeds(X[0], Y[0], [2, 1], seeds=[0], optimizer=optimizer, num_epochs=1)
