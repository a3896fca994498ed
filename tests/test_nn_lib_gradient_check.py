"""Gradient checking: flattening, equation 4, finite differences, planted bugs, loop vs vectorized."""

from __future__ import annotations

import math
import sys
from decimal import Decimal, localcontext

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import nn_lib as nl
from nn_lib_strategies import (decimal_softplus, exact_gradapprox, flatten, layer_dims,
                               random_masks, random_network, ref_backward_one_hidden, rel_diff,
                               seeds)

gc_module = sys.modules["nn_lib.gradient_checking"]

MODES = ["plain", "l2", "dropout", "l2+dropout"]


# ---------------------------------------------------------------------------
# Flattening and equation 4
# ---------------------------------------------------------------------------

def test_dictionary_to_vector_order_by_hand():
    P = {"W1": np.array([[1.0, 2.0], [3.0, 4.0]]), "b1": np.array([[5.0], [6.0]]),
         "W2": np.array([[7.0, 8.0]]), "b2": np.array([[9.0]])}
    theta, layout = nl.dictionary_to_vector(P)
    np.testing.assert_array_equal(theta, np.arange(1.0, 10.0))
    assert layout == [("W1", (2, 2)), ("b1", (2, 1)), ("W2", (1, 2)), ("b2", (1, 1))]
    grads = {"d" + k: -v for k, v in P.items()}
    np.testing.assert_array_equal(nl.gradients_to_vector(grads, layout), -np.arange(1.0, 10.0))


@given(seeds, layer_dims(max_layers=4, max_width=6))
@settings(max_examples=25, deadline=None)
def test_vector_to_dictionary_inverts_dictionary_to_vector(seed, dims):
    P, _, _ = random_network(seed, dims, 1)
    theta, layout = nl.dictionary_to_vector(P)
    assert theta.shape == (sum(v.size for v in P.values()),)
    back = nl.vector_to_dictionary(theta, layout)
    assert list(back) == list(P)
    for key in P:
        np.testing.assert_array_equal(back[key], P[key])
        assert not np.shares_memory(back[key], theta)


def test_relative_difference_by_hand():
    assert nl.relative_difference([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert nl.relative_difference([3.0, 4.0], [0.0, 0.0]) == 1.0
    assert nl.relative_difference([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert nl.relative_difference([1.0, 0.0], [0.0, 1.0]) == pytest.approx(math.sqrt(2) / 2)
    # ||(1, 2) - (1, 1)|| / (||(1, 2)|| + ||(1, 1)||) = 1 / (sqrt 5 + sqrt 2)
    assert nl.relative_difference([1.0, 2.0], [1.0, 1.0]) == pytest.approx(1 / (math.sqrt(5) + math.sqrt(2)))


@given(st.lists(st.tuples(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6)), min_size=1, max_size=10))
@settings(max_examples=50, deadline=None)
def test_relative_difference_is_symmetric_and_at_most_one(pairs):
    a = np.array([p for p, _ in pairs])
    b = np.array([q for _, q in pairs])
    d = nl.relative_difference(a, b)
    assert 0.0 <= d <= 1.0 + 1e-15
    assert d == pytest.approx(nl.relative_difference(b, a), rel=1e-15, abs=0)
    assert d == pytest.approx(rel_diff(a, b), rel=1e-12, abs=1e-300)


def test_numerical_gradient_of_a_known_function():
    theta = np.array([0.5, -1.0, 2.0])
    # J = sum theta^3 + theta_0 theta_1, gradient 3 theta^2 + (theta_1, theta_0, 0)
    J = lambda t: float(np.sum(t ** 3) + t[0] * t[1])
    expected = 3 * theta ** 2 + np.array([theta[1], theta[0], 0.0])
    np.testing.assert_allclose(nl.numerical_gradient(J, theta, epsilon=1e-6), expected, rtol=1e-8)
    np.testing.assert_allclose(nl.numerical_gradient(J, theta), expected, rtol=1e-6)


# ---------------------------------------------------------------------------
# Correct gradients pass
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
@given(seed=seeds, dims=layer_dims(min_layers=1, max_layers=5, max_width=20),
       m=st.integers(2, 8), lambd=st.floats(0.05, 2.0), keep_prob=st.floats(0.3, 0.95))
@example(seed=513, dims=[13, 1, 12, 12, 20, 1], m=4, lambd=1.0,
         keep_prob=0.5)  # |grad| = 0.006: rounding alone gives 3e-7 at epsilon 1e-7
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_correct_gradients_pass(mode, seed, dims, m, lambd, keep_prob):
    P, X, Y = random_network(seed, dims, m)
    lambd = lambd if "l2" in mode else 0.0
    keep_prob = keep_prob if "dropout" in mode else 1.0
    result = nl.check_gradients(P, X, Y, lambd=lambd, keep_prob=keep_prob, seed=seed)
    assert set(result.block_differences) == set(P)
    if not result.passed:
        # Rounding noise, about eps_machine * J / epsilon per entry, can exceed 1e-7
        # when the gradient itself is tiny (behind a width-1 layer, say). A ten times
        # larger epsilon then brings the difference down below 1e-7, which the
        # difference of a wrong gradient, set by the bug, would not do.
        retry = nl.check_gradients(P, X, Y, lambd=lambd, keep_prob=keep_prob, seed=seed,
                                   epsilon=1e-6)
        assert retry.difference < min(1e-7, result.difference / 3), f"{result}\n{retry}"


@given(seed=seeds, n_h=st.integers(1, 10), m=st.integers(2, 8), keep_prob=st.floats(0.3, 0.95),
       lambd=st.sampled_from([0.0, 0.8]))
@settings(max_examples=20, deadline=None)
def test_dropout_check_with_given_masks_and_independent_backward(seed, n_h, m, keep_prob, lambd):
    dims = [3, n_h, 1]
    P, X, Y = random_network(seed, dims, m)
    masks = random_masks(seed, dims, m, keep_prob)
    own = ref_backward_one_hidden(X, Y, P, lambd=lambd, mask=masks[1], keep_prob=keep_prob)
    result = nl.check_gradients(P, X, Y, lambd=lambd, keep_prob=keep_prob, masks=masks, grads=own)
    assert result.difference < 1e-7, str(result)
    # the default gradient (backward_propagation with the same masks) is the one checked
    default = nl.check_gradients(P, X, Y, lambd=lambd, keep_prob=keep_prob, masks=masks)
    np.testing.assert_allclose(default.grad, flatten(own, ["dW1", "db1", "dW2", "db2"]),
                               rtol=1e-10, atol=1e-14)


def test_dropout_mask_drawn_from_seed_matches_forward_propagation():
    P, X, Y = random_network(5, [3, 6, 4, 1], 7)
    result = nl.check_gradients(P, X, Y, keep_prob=0.5, seed=np.random.default_rng(17))
    # the masks come from forward_propagation's draw with the same generator
    _, cache = nl.forward_propagation(X, P, keep_prob=0.5, rng=np.random.default_rng(17))
    grads = nl.backward_propagation(Y, cache)
    np.testing.assert_allclose(result.grad, flatten(grads, ["dW1", "db1", "dW2", "db2", "dW3", "db3"]),
                               rtol=1e-12, atol=1e-15)
    assert result.passed


def test_dropout_check_fails_when_the_gradient_uses_other_masks():
    P, X, Y = random_network(6, [3, 12, 1], 10)
    masks_a = random_masks(1, [3, 12, 1], 10, 0.5)
    masks_b = random_masks(2, [3, 12, 1], 10, 0.5)
    _, cache_b = nl.forward_propagation(X, P, keep_prob=0.5, masks=masks_b)
    wrong = nl.backward_propagation(Y, cache_b)
    result = nl.check_gradients(P, X, Y, keep_prob=0.5, masks=masks_a, grads=wrong)
    assert result.difference > 1e-3


def test_gradient_check_wrapper_returns_the_difference():
    P, X, Y = random_network(3, [4, 5, 3, 1], 6)
    d = nl.gradient_check(P, X, Y, lambd=0.5, keep_prob=0.8, seed=1)
    assert d < 1e-7
    assert d == nl.check_gradients(P, X, Y, lambd=0.5, keep_prob=0.8, seed=1).difference


# ---------------------------------------------------------------------------
# Planted bugs are found, and in the right block
# ---------------------------------------------------------------------------

def _plant(grads, key, kind):
    bad = {k: v.copy() for k, v in grads.items()}
    if kind == "scale":
        bad["d" + key] = 2.0 * bad["d" + key]
    elif kind == "negate":
        bad["d" + key] = -bad["d" + key]
    elif kind == "shift":  # e.g. a stray term added to every entry
        bad["d" + key] = bad["d" + key] + 0.1
    return bad


@given(seed=seeds, dims=layer_dims(min_layers=1, max_layers=4, max_width=12), m=st.integers(3, 8),
       block=st.integers(0, 100), kind=st.sampled_from(["scale", "negate", "shift"]),
       mode=st.sampled_from(MODES))
@settings(max_examples=40, deadline=None)
def test_planted_bug_is_reported_in_its_block(seed, dims, m, block, kind, mode):
    lambd = 0.6 if "l2" in mode else 0.0
    keep_prob = 0.7 if "dropout" in mode else 1.0
    P, X, Y = random_network(seed, dims, m)
    masks = random_masks(seed, dims, m, keep_prob) if keep_prob < 1 else None
    _, cache = nl.forward_propagation(X, P, keep_prob=keep_prob, masks=masks)
    grads = nl.backward_propagation(Y, cache, lambd=lambd)
    keys = list(P)
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    key = keys[block % len(keys)]
    # a bug that scales a block is only visible where that block's gradient is not negligible
    assume(kind == "shift" or np.linalg.norm(grads["d" + key]) > 0.05 * total)
    bad = _plant(grads, key, kind)
    result = nl.check_gradients(P, X, Y, lambd=lambd, keep_prob=keep_prob, masks=masks, grads=bad)
    assert result.difference > 1e-3
    assert not result.passed
    assert result.worst_block == key
    assert "FAILED" in str(result) and key in str(result)


def test_two_planted_bugs_in_the_notes_style():
    # the notes' exercise plants 2x in dW2 and 4/m instead of 1/m in db1
    P, X, Y = random_network(21, [4, 5, 3, 1], 3)
    _, cache = nl.forward_propagation(X, P)
    grads = nl.backward_propagation(Y, cache)
    bad = dict(grads, dW2=grads["dW2"] * 2, db1=grads["db1"] * 4)
    result = nl.check_gradients(P, X, Y, grads=bad)
    assert result.difference > 1e-3
    assert result.block_differences["W2"] > 0.3 and result.block_differences["b1"] > 0.5
    for key in ("W1", "b2", "W3", "b3"):
        assert result.block_differences[key] < 1e-6


def test_result_passes_with_custom_threshold_and_prints():
    P, X, Y = random_network(4, [2, 3, 1], 5)
    result = nl.check_gradients(P, X, Y, threshold=1e-20)
    assert not result.passed and result.threshold == 1e-20
    assert "FAILED" in str(result)
    ok = nl.check_gradients(P, X, Y)
    assert ok.passed and "passed" in str(ok)
    assert ok.layout == [("W1", (3, 2)), ("b1", (3, 1)), ("W2", (1, 3)), ("b2", (1, 1))]


# ---------------------------------------------------------------------------
# Loop and vectorized methods agree; chunking
# ---------------------------------------------------------------------------

@given(seed=seeds, dims=layer_dims(min_layers=1, max_layers=4, max_width=6, max_inputs=5),
       m=st.integers(2, 6), mode=st.sampled_from(MODES), planted=st.booleans())
@example(seed=1512, dims=[1, 1, 1, 1], m=2, mode="plain", planted=False)  # gradients ~1e-3
@settings(max_examples=25, deadline=None)
def test_loop_and_vectorized_agree(seed, dims, m, mode, planted):
    lambd = 0.7 if "l2" in mode else 0.0
    keep_prob = 0.6 if "dropout" in mode else 1.0
    P, X, Y = random_network(seed, dims, m)
    masks = random_masks(seed, dims, m, keep_prob) if keep_prob < 1 else None
    grads = None
    if planted:
        _, cache = nl.forward_propagation(X, P, keep_prob=keep_prob, masks=masks)
        grads = nl.backward_propagation(Y, cache, lambd=lambd)
        grads["dW1"] = grads["dW1"] * 3.0 + 0.1
    kwargs = dict(lambd=lambd, keep_prob=keep_prob, masks=masks, grads=grads)
    loop = nl.check_gradients(P, X, Y, method="loop", **kwargs)
    vec = nl.check_gradients(P, X, Y, method="vectorized", **kwargs)
    # Two-sided differences carry rounding noise of about eps_machine * J / epsilon
    # per entry whatever the method: with small gradients that noise alone can reach
    # 1e-7 relative, so the bounds below are the larger of the nominal tolerance and
    # ten times the noise, relative to |gradapprox|.
    _, cache = nl.forward_propagation(X, P, keep_prob=keep_prob, masks=masks)
    J = nl.compute_cost_from_logits(cache.Z[-1], Y, P, lambd=lambd)
    noise = (10 * math.sqrt(loop.grad.size) * np.finfo(float).eps * max(J, 1.0) / 1e-7
             / np.linalg.norm(loop.gradapprox))
    assert rel_diff(loop.gradapprox, vec.gradapprox) < max(1e-6, noise)
    np.testing.assert_array_equal(loop.grad, vec.grad)
    if planted:
        assert loop.difference > 1e-3
        assert loop.difference == pytest.approx(vec.difference, rel=1e-6)
        assert loop.worst_block == vec.worst_block == "W1"
    else:
        assert loop.difference < max(1e-7, noise) and vec.difference < max(1e-7, noise)


@pytest.mark.parametrize("chunk_entries", [1, 360, 630])  # small: many chunks per block
def test_vectorized_chunking_gives_the_same_gradapprox(monkeypatch, chunk_entries):
    P, X, Y = random_network(30, [6, 9, 7, 1], 5)
    masks = random_masks(30, [6, 9, 7, 1], 5, 0.7)
    full = nl.check_gradients(P, X, Y, lambd=0.4, keep_prob=0.7, masks=masks)
    loop = nl.check_gradients(P, X, Y, lambd=0.4, keep_prob=0.7, masks=masks, method="loop")
    monkeypatch.setattr(gc_module, "_CHUNK_ENTRIES", chunk_entries)
    chunked = nl.check_gradients(P, X, Y, lambd=0.4, keep_prob=0.7, masks=masks)
    np.testing.assert_allclose(chunked.gradapprox, full.gradapprox, rtol=1e-12, atol=1e-15)
    assert rel_diff(chunked.gradapprox, loop.gradapprox) < 1e-6
    assert chunked.difference < 1e-7


@given(pairs=st.lists(st.tuples(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4)), min_size=1,
                      max_size=12),
       k=st.integers(1, 3))
@example(pairs=[(0.01, -2048.0)], k=1)  # max(a, 0) - max(b, 0) must not cancel
@settings(max_examples=300)
def test_softplus_differences_match_logaddexp(pairs, k):
    # For the examples it runs through every relu, the vectorized check sums
    # softplus(alpha) - softplus(beta) through a product of ratios;
    # np.logaddexp(0, x) = log(1 + e^x) gives the same sums term by term.
    values = np.array(pairs).T
    logits = np.stack([np.tile(values[0], (k, 1)), np.tile(values[1], (k, 1))])
    expected = np.sum(np.logaddexp(0.0, logits[0]) - np.logaddexp(0.0, logits[1]), axis=-1)
    scale = np.sum(np.logaddexp(0.0, logits[0]) + np.logaddexp(0.0, logits[1]), axis=-1)
    got = gc_module._softplus_differences(logits.copy())
    # Rounding: relative to the softplus values summed, plus a few ulps of 1 per
    # example from the ratios, which lie near 1 when both logits are very negative.
    tolerance = 1e-13 * float(np.max(scale)) + 4 * len(pairs) * np.finfo(float).eps
    np.testing.assert_allclose(got, expected, rtol=0, atol=tolerance)


@pytest.mark.parametrize("product_length", [1, 2, 7, 1000])
def test_softplus_differences_split_long_products(monkeypatch, product_length):
    # 2500 examples whose ratios are all close to 2: one product of all of them would
    # overflow (2**2500), so the logarithm must be taken every _PRODUCT_LENGTH examples.
    monkeypatch.setattr(gc_module, "_PRODUCT_LENGTH", product_length)
    m = 2500
    logits = np.stack([np.zeros((1, m)), np.full((1, m), -50.0)])
    expected = m * (math.log(2.0) - math.log1p(math.exp(-50.0)))
    got = gc_module._softplus_differences(logits)
    assert np.isfinite(got).all()
    assert got[0] == pytest.approx(expected, rel=1e-13)


def test_vectorized_check_of_a_saturated_network():
    # Logits of magnitude around 1e4: J is still exact and finite, and both methods
    # find the same finite differences.
    P, X, Y = random_network(32, [3, 4, 2, 1], 7)
    P["W3"] = P["W3"] * 1e4
    P["b3"] = P["b3"] * 1e4
    _, cache = nl.forward_propagation(X, P)
    assert np.abs(cache.Z[-1]).max() > 1e3
    loop = nl.check_gradients(P, X, Y, method="loop")
    vec = nl.check_gradients(P, X, Y)
    assert np.isfinite(vec.gradapprox).all()
    assert rel_diff(loop.gradapprox, vec.gradapprox) < 1e-6
    assert vec.passed


def test_epsilon_changes_the_step():
    # with a huge step the finite differences are visibly wrong: epsilon is really used
    P, X, Y = random_network(31, [3, 4, 1], 6)
    assert nl.check_gradients(P, X, Y, epsilon=1e-7).difference < 1e-7
    assert nl.check_gradients(P, X, Y, epsilon=1.0).difference > 1e-4
    assert nl.check_gradients(P, X, Y, epsilon=1.0, method="loop").difference > 1e-4


# ---------------------------------------------------------------------------
# The vectorized check is equation 3 without rounding noise
# ---------------------------------------------------------------------------

def _setup(seed, dims, m, mode):
    lambd = 0.7 if "l2" in mode else 0.0
    keep_prob = 0.6 if "dropout" in mode else 1.0
    P, X, Y = random_network(seed, dims, m)
    masks = random_masks(seed, dims, m, keep_prob) if keep_prob < 1 else None
    return P, X, Y, dict(lambd=lambd, keep_prob=keep_prob, masks=masks)


@given(seed=seeds, dims=layer_dims(min_layers=1, max_layers=4, max_width=4, max_inputs=3),
       m=st.integers(1, 5), mode=st.sampled_from(MODES),
       epsilon=st.sampled_from([1e-4, 1e-7, 1e-10]))
@settings(max_examples=40, deadline=None)
def test_vectorized_check_is_the_exact_two_sided_difference(seed, dims, m, mode, epsilon):
    # exact_gradapprox runs every perturbed network in rational arithmetic: its result
    # is equation 3 itself, with no cancellation between J(+) and J(-).
    P, X, Y, kwargs = _setup(seed, dims, m, mode)
    exact = exact_gradapprox(X, Y, P, epsilon, kwargs["lambd"], kwargs["masks"],
                             kwargs["keep_prob"])
    vec = nl.check_gradients(P, X, Y, epsilon=epsilon, **kwargs).gradapprox
    _, cache = nl.forward_propagation(X, P, keep_prob=kwargs["keep_prob"], masks=kwargs["masks"])
    scale = np.linalg.norm(exact) + 1e-300
    if not gc_module._outside_series(cache, epsilon).any():
        # The fast path: a few ulps, whatever epsilon.
        assert np.linalg.norm(vec - exact) <= 1e-13 * scale
    else:
        # Flagged examples go through the product form, which rounds like the loop.
        J = nl.compute_cost_from_logits(cache.Z[-1], Y, P, lambd=kwargs["lambd"])
        noise = 10 * math.sqrt(vec.size) * np.finfo(float).eps * max(J, 1.0) / epsilon
        assert np.linalg.norm(vec - exact) <= max(1e-12 * scale, noise)


@given(seed=seeds, dims=layer_dims(min_layers=1, max_layers=3, max_width=4, max_inputs=3),
       m=st.integers(1, 5), mode=st.sampled_from(MODES))
@settings(max_examples=25, deadline=None)
def test_fully_evaluated_examples_give_the_same_differences(seed, dims, m, mode):
    # With no room for the series every example is flagged, so every perturbed network is
    # propagated through each relu for both signs and compared by _softplus_differences.
    P, X, Y, kwargs = _setup(seed, dims, m, mode)
    exact = exact_gradapprox(X, Y, P, 1e-5, kwargs["lambd"], kwargs["masks"], kwargs["keep_prob"])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(gc_module, "_SERIES_LIMIT", 0.0)
        full = nl.check_gradients(P, X, Y, epsilon=1e-5, **kwargs).gradapprox
    _, cache = nl.forward_propagation(X, P, keep_prob=kwargs["keep_prob"], masks=kwargs["masks"])
    J = nl.compute_cost_from_logits(cache.Z[-1], Y, P, lambd=kwargs["lambd"])
    noise = 10 * math.sqrt(full.size) * np.finfo(float).eps * max(J, 1.0) / 1e-5
    assert np.linalg.norm(full - exact) <= max(1e-12 * np.linalg.norm(exact), noise)


@pytest.mark.parametrize("chunk_entries", [1, 200, 10**6])  # parts of rows, whole rows, all
def test_fully_evaluated_examples_in_groups(monkeypatch, chunk_entries):
    P, X, Y = random_network(33, [3, 5, 4, 1], 7)
    masks = random_masks(33, [3, 5, 4, 1], 7, 0.7)
    kwargs = dict(lambd=0.3, keep_prob=0.7, masks=masks, epsilon=1e-5)
    monkeypatch.setattr(gc_module, "_SERIES_LIMIT", 0.0)
    whole = nl.check_gradients(P, X, Y, **kwargs).gradapprox
    monkeypatch.setattr(gc_module, "_CHUNK_ENTRIES", chunk_entries)
    grouped = nl.check_gradients(P, X, Y, **kwargs).gradapprox
    np.testing.assert_allclose(grouped, whole, rtol=1e-12, atol=1e-15)
    exact = exact_gradapprox(X, Y, P, 1e-5, 0.3, masks, 0.7)
    assert rel_diff(grouped, exact) < 1e-9


def _network_with_kinks_in_reach(seed, epsilon):
    """A [3, 4, 3, 1] network in which a hidden pre-activation of some examples lies
    closer to zero than epsilon can move it, in both hidden layers."""
    P, X, Y = random_network(seed, [3, 4, 3, 1], 6)
    rng = np.random.default_rng(seed)
    for l, examples in ((1, (0, 2)), (2, (3, 5))):
        for unit, j in enumerate(examples):
            _, cache = nl.forward_propagation(X, P)
            P[f"b{l}"][unit, 0] -= cache.Z[l][unit, j] - rng.choice([-0.3, 0.3]) * epsilon
    return P, X, Y


@pytest.mark.parametrize("seed", range(6))
def test_kinks_within_reach_are_crossed_exactly(monkeypatch, seed):
    epsilon = 1e-6
    P, X, Y = _network_with_kinks_in_reach(seed, epsilon)
    _, cache = nl.forward_propagation(X, P)
    assert gc_module._outside_series(cache, epsilon)[[0, 2, 3, 5]].all()
    exact = exact_gradapprox(X, Y, P, epsilon)
    vec = nl.check_gradients(P, X, Y, epsilon=epsilon).gradapprox
    J = nl.compute_cost_from_logits(cache.Z[-1], Y)
    noise = 10 * math.sqrt(vec.size) * np.finfo(float).eps * max(J, 1.0) / epsilon
    assert np.linalg.norm(vec - exact) <= noise
    # Sending those examples through the fast path as if no kink were near would be
    # wrong by far more than that noise: the test can tell.
    monkeypatch.setattr(gc_module, "_outside_series",
                        lambda cache, epsilon: np.zeros(cache.A[0].shape[1], dtype=bool))
    blind = nl.check_gradients(P, X, Y, epsilon=epsilon).gradapprox
    assert np.linalg.norm(blind - exact) > 100 * noise


@given(seed=seeds, dims=layer_dims(min_layers=2, max_layers=4, max_width=4, max_inputs=3),
       m=st.integers(1, 5), keep_prob=st.sampled_from([1.0, 0.5]),
       log_epsilon=st.floats(-9, -1), near=st.floats(0.0, 3.0))
@settings(max_examples=60, deadline=None)
def test_unflagged_examples_cross_no_kink(seed, dims, m, keep_prob, log_epsilon, near):
    # The certificate behind the fast path, checked against the perturbed networks
    # themselves: for an example it does not flag, no perturbation of any parameter
    # moves a hidden pre-activation across zero or the logit by more than the series' limit.
    epsilon = 10.0 ** log_epsilon
    P, X, Y = random_network(seed, dims, m)
    masks = random_masks(seed, dims, m, keep_prob) if keep_prob < 1 else None
    # Pull the first hidden layer's biases towards the kinks of the first example.
    _, cache = nl.forward_propagation(X, P, keep_prob=keep_prob, masks=masks)
    P["b1"] = P["b1"] - cache.Z[1][:, :1] * (1 - near * epsilon)
    _, cache = nl.forward_propagation(X, P, keep_prob=keep_prob, masks=masks)
    flagged = gc_module._outside_series(cache, epsilon)
    theta, layout = nl.dictionary_to_vector(P)
    L = len(dims) - 1
    for i in range(theta.size):
        for sign in (1.0, -1.0):
            bumped = theta.copy()
            bumped[i] += sign * epsilon
            _, moved = nl.forward_propagation(X, nl.vector_to_dictionary(bumped, layout),
                                              keep_prob=keep_prob, masks=masks)
            crossed = np.zeros(m, dtype=bool)
            for l in range(1, L):
                crossed |= ((moved.Z[l] > 0) != (cache.Z[l] > 0)).any(axis=0)
            crossed |= np.abs(moved.Z[L] - cache.Z[L])[0] > gc_module._SERIES_LIMIT
            assert not (crossed & ~flagged).any(), (i, sign)


@given(w=st.floats(-745, 745), size=st.floats(1e-20, 1e-3), u_sign=st.sampled_from([-1.0, 1.0]),
       y=st.sampled_from([0.0, 1.0]))
@example(w=0.0, size=1e-3, u_sign=1.0, y=0.0)
@example(w=-700.0, size=1e-3, u_sign=-1.0, y=1.0)
@settings(max_examples=300)
def test_odd_softplus_series_against_80_digit_softplus(w, size, u_sign, y):
    s, u = 1.0 - 2.0 * y, u_sign * size
    a1, a3 = gc_module._odd_softplus_coefficients(np.array([s]), np.array([w]))
    delta = s * u  # the logit moves by delta, so w = s z moves by u
    series = float(a1[0] * delta + a3[0] * delta ** 3)
    with localcontext() as context:
        # Enough digits for a difference of 1e-20 between two values as small as 1e-16.
        context.prec = 80
        W, U = Decimal(w), Decimal(u)
        softplus = decimal_softplus
        exact = softplus(W + U) - softplus(W - U)
        sigma = 1 / (1 + (-W).exp())
        # Lagrange remainder of the odd series: e^|u| |u|^5 sigma(w) sigma(-w) / 30.
        remainder = abs(U) ** 5 * abs(U).exp() * sigma * (1 - sigma) / 30
        assert remainder <= softplus(W) * Decimal(np.finfo(float).eps) / 3
    # A few roundings in each coefficient and product, and one in float(exact).
    tolerance = 4 * np.finfo(float).eps * abs(float(exact)) + float(remainder) + 1e-320
    assert abs(series - float(exact)) <= tolerance


def test_overflowing_forward_pass_is_refused():
    P, X, Y = random_network(3, [2, 3, 1], 5)
    P["W1"] = P["W1"] * 1e200
    P["W2"] = P["W2"] * 1e200
    for method in ("vectorized", "loop"):
        with pytest.raises(ValueError, match="parameters: .*overflow"):
            nl.check_gradients(P, X, Y, method=method)


@pytest.mark.parametrize("method", ["vectorized", "loop"])
def test_step_that_overflows_a_perturbed_pass_is_refused(method):
    # Finite logits of 1.5e300, but a step of 1e10 on W2 moves them by 1e310.
    P = {"W1": np.array([[1e300, 0.0]]), "b1": np.zeros((1, 1)),
         "W2": np.array([[1.5]]), "b2": np.zeros((1, 1))}
    X, Y = np.array([[1.0, 0.5], [0.0, 1.0]]), np.array([[1.0, 0.0]])
    with np.errstate(over="ignore", invalid="ignore"):
        with pytest.raises(ValueError, match="epsilon: .*finite"):
            nl.check_gradients(P, X, Y, epsilon=1e10, method=method)
