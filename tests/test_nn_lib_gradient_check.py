"""Gradient checking: flattening, equation 4, finite differences, planted bugs, loop and batched.

The finite differences are compared with an independent loop over an independent
cost (``ref_finite_differences`` in nn_lib_strategies, plain NumPy), never with
nn_lib's own output.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import nn_lib as nl
from nn_lib_strategies import (flatten, layer_dims, random_masks, random_network, ref_backward_one_hidden,
                               ref_cost, ref_finite_differences, rel_diff, seeds, raises_exactly)

MODES = ["plain", "l2", "dropout", "l2+dropout"]
METHODS = ["loop", "batched"]
U = np.finfo(float).eps


def _setup(seed, dims, m, mode, lambd=0.7, keep_prob=0.6):
    lambd = lambd if "l2" in mode else 0.0
    keep_prob = keep_prob if "dropout" in mode else 1.0
    P, X, Y = random_network(seed, dims, m)
    masks = random_masks(seed, dims, m, keep_prob) if keep_prob < 1 else None
    return P, X, Y, dict(lambd=lambd, keep_prob=keep_prob, masks=masks)


def _noise(X, Y, P, epsilon=1e-7, **kwargs):
    """Rounding noise of one entry of equation 3: about eps_machine * J / epsilon
    (two costs that share their leading digits are subtracted), with a margin."""
    J = ref_cost(X, Y, P, kwargs.get("lambd", 0.0), kwargs.get("masks"), kwargs.get("keep_prob", 1.0))
    return 50 * U * max(J, 1.0) / epsilon


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


def test_gradients_to_vector_takes_blocks_of_any_shape():
    # A layout is any list of (name, shape): one-dimensional and three-dimensional blocks too.
    layout = [("w", (3,)), ("T", (2, 1, 2))]
    grads = {"dw": np.array([1.0, 2.0, 3.0]), "dT": np.arange(4.0, 8.0).reshape(2, 1, 2)}
    np.testing.assert_array_equal(nl.gradients_to_vector(grads, layout), np.arange(1.0, 8.0))
    with raises_exactly(ValueError, "grads['dw']: expected 3 entries, got shape (2,)"):
        nl.gradients_to_vector(grads | {"dw": np.ones(2)}, layout)
    with raises_exactly(ValueError, "grads['dT']: expected shape (2, 1, 2), got (2, 1, 3)"):
        nl.gradients_to_vector(grads | {"dT": np.ones((2, 1, 3))}, layout)
    with raises_exactly(ValueError, "grads['dT']: expected a 3-D array, got shape (2, 2)"):
        nl.gradients_to_vector(grads | {"dT": np.ones((2, 2))}, layout)


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
    # a layout given as lists (as after a JSON round trip) works too
    as_lists = [[name, list(shape)] for name, shape in layout]
    np.testing.assert_array_equal(nl.vector_to_dictionary(theta, as_lists)["W1"], P["W1"])


def test_relative_difference_by_hand():
    assert nl.relative_difference([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert nl.relative_difference([3.0, 4.0], [0.0, 0.0]) == 1.0
    assert nl.relative_difference([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert nl.relative_difference([1.0, 0.0], [0.0, 1.0]) == pytest.approx(math.sqrt(2) / 2)
    # ||(1, 2) - (1, 1)|| / (||(1, 2)|| + ||(1, 1)||) = 1 / (sqrt 5 + sqrt 2)
    assert nl.relative_difference([1.0, 2.0], [1.0, 1.0]) == pytest.approx(1 / (math.sqrt(5) + math.sqrt(2)))


@pytest.mark.parametrize("scale", [1e-200, 1e200])
def test_relative_difference_of_huge_and_tiny_gradients(scale):
    # the squares of 1e200 overflow and those of 1e-200 underflow; equation 4 does not care
    expected = 1 / (math.sqrt(5) + math.sqrt(2))
    assert nl.relative_difference([scale, 2 * scale], [scale, scale]) == pytest.approx(expected)


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
    # equation 3 is exact up to epsilon^2 J''' / 6 = epsilon^2 for theta^3
    big = nl.numerical_gradient(J, theta, epsilon=0.1)
    np.testing.assert_allclose(big - expected, 0.01, rtol=1e-9)


# ---------------------------------------------------------------------------
# Equation 3 evaluated for real: against an independent loop
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
@given(seed=seeds, dims=layer_dims(min_layers=1, max_layers=4, max_width=7, max_inputs=4),
       m=st.integers(1, 8), mode=st.sampled_from(MODES), lambd=st.floats(0.05, 2.0),
       keep_prob=st.floats(0.3, 0.95))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_gradapprox_is_an_independent_loop_of_equation_3(method, seed, dims, m, mode, lambd,
                                                         keep_prob):
    # ref_finite_differences perturbs each entry of the parameter dict and runs a
    # forward pass and cost written from the equations in plain NumPy. Both sides
    # compute the same quotients, so they may differ by rounding noise only.
    P, X, Y, kwargs = _setup(seed, dims, m, mode, lambd, keep_prob)
    result = nl.check_gradients(P, X, Y, method=method, **kwargs)
    expected = flatten(ref_finite_differences(X, Y, P, eps=1e-7, **kwargs), ["d" + k for k in P])
    assert np.abs(result.gradapprox - expected).max() <= _noise(X, Y, P, **kwargs)


@pytest.mark.parametrize("method", METHODS)
def test_gradapprox_sees_a_kink_the_step_crosses(method):
    # A hidden pre-activation 0.3 epsilon from zero: the step crosses ReLU's kink for
    # that example, so equation 3 (the mean of the two one-sided slopes) differs from
    # the gradient. Evaluating the perturbed costs for real reproduces the reference.
    P, X, Y = random_network(8, [3, 4, 1], 5)
    _, cache = nl.forward_propagation(X, P)
    P["b1"][2, 0] -= cache.Z[1][2, 1] - 0.3e-7
    result = nl.check_gradients(P, X, Y, method=method)
    expected = flatten(ref_finite_differences(X, Y, P, eps=1e-7), ["d" + k for k in P])
    assert np.abs(result.gradapprox - expected).max() <= _noise(X, Y, P)
    assert result.block_differences["b1"] > 1e-4


# ---------------------------------------------------------------------------
# Correct gradients pass
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("mode", MODES)
@given(seed=seeds, dims=layer_dims(min_layers=1, max_layers=5, max_width=20),
       m=st.integers(2, 8), lambd=st.floats(0.05, 2.0), keep_prob=st.floats(0.3, 0.95))
@example(seed=513, dims=[13, 1, 12, 12, 20, 1], m=4, lambd=1.0,
         keep_prob=0.5)  # |grad| = 0.006: rounding alone gives 3e-7 at epsilon 1e-7
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_correct_gradients_pass(method, mode, seed, dims, m, lambd, keep_prob):
    P, X, Y = random_network(seed, dims, m)
    lambd = lambd if "l2" in mode else 0.0
    keep_prob = keep_prob if "dropout" in mode else 1.0
    result = nl.check_gradients(P, X, Y, lambd=lambd, keep_prob=keep_prob, seed=seed, method=method)
    assert set(result.block_differences) == set(P)
    if not result.passed:
        # Rounding noise, about eps_machine * J / epsilon per entry, can exceed 1e-7
        # when the gradient itself is tiny (behind a width-1 layer, say). A ten times
        # larger epsilon then brings the difference down below 1e-7, which the
        # difference of a wrong gradient, set by the bug, would not do.
        retry = nl.check_gradients(P, X, Y, lambd=lambd, keep_prob=keep_prob, seed=seed,
                                   epsilon=1e-6, method=method)
        assert retry.difference < min(1e-7, result.difference / 3), f"{result}\n{retry}"


@given(seed=seeds, n_h=st.integers(1, 10), m=st.integers(2, 8), keep_prob=st.floats(0.3, 0.95),
       lambd=st.sampled_from([0.0, 0.8]), method=st.sampled_from(METHODS))
@settings(max_examples=20, deadline=None)
def test_dropout_check_with_given_masks_and_independent_backward(seed, n_h, m, keep_prob, lambd,
                                                                 method):
    dims = [3, n_h, 1]
    P, X, Y = random_network(seed, dims, m)
    masks = random_masks(seed, dims, m, keep_prob)
    own = ref_backward_one_hidden(X, Y, P, lambd=lambd, mask=masks[1], keep_prob=keep_prob)
    result = nl.check_gradients(P, X, Y, lambd=lambd, keep_prob=keep_prob, masks=masks, grads=own,
                                method=method)
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
    keys = ["dW1", "db1", "dW2", "db2", "dW3", "db3"]
    np.testing.assert_allclose(result.grad, flatten(grads, keys), rtol=1e-12, atol=1e-15)
    # and the perturbed costs use the same masks
    expected = flatten(ref_finite_differences(X, Y, P, masks=cache.D, keep_prob=0.5, eps=1e-7),
                       ["d" + k for k in P])
    assert np.abs(result.gradapprox - expected).max() <= _noise(X, Y, P, masks=cache.D, keep_prob=0.5)
    assert result.passed


@pytest.mark.parametrize("method", METHODS)
def test_dropout_check_fails_when_the_gradient_uses_other_masks(method):
    P, X, Y = random_network(6, [3, 12, 1], 10)
    masks_a = random_masks(1, [3, 12, 1], 10, 0.5)
    masks_b = random_masks(2, [3, 12, 1], 10, 0.5)
    _, cache_b = nl.forward_propagation(X, P, keep_prob=0.5, masks=masks_b)
    wrong = nl.backward_propagation(Y, cache_b)
    result = nl.check_gradients(P, X, Y, keep_prob=0.5, masks=masks_a, grads=wrong, method=method)
    assert result.difference > 1e-3


def test_per_layer_keep_probabilities():
    P, X, Y = random_network(9, [3, 5, 4, 1], 6)
    masks = [None, random_masks(1, [3, 5, 4, 1], 6, 0.5)[1], random_masks(2, [3, 5, 4, 1], 6, 0.8)[2], None]
    for method in METHODS:
        result = nl.check_gradients(P, X, Y, keep_prob=[0.5, 0.8], masks=masks, method=method)
        assert result.passed, str(result)


def test_gradient_check_returns_the_difference_and_passes_options_on():
    P, X, Y = random_network(3, [4, 5, 3, 1], 6)
    d = nl.gradient_check(P, X, Y, lambd=0.5, keep_prob=0.8, seed=1)
    assert d < 1e-7
    assert d == nl.check_gradients(P, X, Y, lambd=0.5, keep_prob=0.8, seed=1).difference
    batched = nl.gradient_check(P, X, Y, lambd=0.5, keep_prob=0.8, seed=1, method="batched")
    assert batched == nl.check_gradients(P, X, Y, lambd=0.5, keep_prob=0.8, seed=1,
                                         method="batched").difference
    with pytest.raises(TypeError, match="keep_porb"):
        nl.gradient_check(P, X, Y, keep_porb=0.8)


def test_the_default_method_is_the_loop():
    P, X, Y = random_network(4, [3, 4, 2, 1], 5)
    default = nl.check_gradients(P, X, Y, lambd=0.3)
    loop = nl.check_gradients(P, X, Y, lambd=0.3, method="loop")
    np.testing.assert_array_equal(default.gradapprox, loop.gradapprox)


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
       mode=st.sampled_from(MODES), method=st.sampled_from(METHODS))
@settings(max_examples=40, deadline=None)
def test_planted_bug_is_reported_in_its_block(seed, dims, m, block, kind, mode, method):
    P, X, Y, kwargs = _setup(seed, dims, m, mode, lambd=0.6, keep_prob=0.7)
    _, cache = nl.forward_propagation(X, P, keep_prob=kwargs["keep_prob"], masks=kwargs["masks"])
    grads = nl.backward_propagation(Y, cache, lambd=kwargs["lambd"])
    keys = list(P)
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    key = keys[block % len(keys)]
    # a bug that scales a block is only visible where that block's gradient is not negligible
    assume(kind == "shift" or np.linalg.norm(grads["d" + key]) > 0.05 * total)
    bad = _plant(grads, key, kind)
    result = nl.check_gradients(P, X, Y, grads=bad, method=method, **kwargs)
    assert result.difference > 1e-3
    assert not result.passed
    assert result.worst_block == key
    assert "FAILED" in str(result) and key in str(result)


@pytest.mark.parametrize("method", METHODS)
def test_a_missing_l2_term_fails_in_the_weights_only(method):
    P, X, Y = random_network(12, [4, 6, 3, 1], 8)
    _, cache = nl.forward_propagation(X, P)
    without_l2 = nl.backward_propagation(Y, cache)  # the bug: lambd forgotten in the backward pass
    result = nl.check_gradients(P, X, Y, lambd=0.7, grads=without_l2, method=method)
    assert not result.passed and result.difference > 1e-3
    assert result.worst_block.startswith("W")
    for key in ("b1", "b2", "b3"):  # the L2 term has no bias part
        assert result.block_differences[key] < 1e-6


def test_two_planted_bugs_in_the_notes_style():
    # the notes' exercise plants 2x in dW2 and 4/m instead of 1/m in db1
    P, X, Y = random_network(21, [4, 5, 3, 1], 3)
    _, cache = nl.forward_propagation(X, P)
    grads = nl.backward_propagation(Y, cache)
    bad = dict(grads, dW2=grads["dW2"] * 2, db1=grads["db1"] * 4)
    for method in METHODS:
        result = nl.check_gradients(P, X, Y, grads=bad, method=method)
        assert result.difference > 1e-3
        # |c - 1| / (c + 1) within a block: 1/3 for c = 2, 3/5 for c = 4
        assert result.block_differences["W2"] == pytest.approx(1 / 3, abs=1e-6)
        assert result.block_differences["b1"] == pytest.approx(3 / 5, abs=1e-6)
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
# Loop and batched agree
# ---------------------------------------------------------------------------

@given(seed=seeds, dims=layer_dims(min_layers=1, max_layers=4, max_width=8, max_inputs=5),
       m=st.integers(1, 10), mode=st.sampled_from(MODES), planted=st.booleans())
@example(seed=1512, dims=[1, 1, 1, 1], m=2, mode="plain", planted=False)  # gradients ~1e-3
@settings(max_examples=30, deadline=None)
def test_loop_and_batched_agree(seed, dims, m, mode, planted):
    P, X, Y, kwargs = _setup(seed, dims, m, mode)
    if planted:
        _, cache = nl.forward_propagation(X, P, keep_prob=kwargs["keep_prob"], masks=kwargs["masks"])
        kwargs["grads"] = nl.backward_propagation(Y, cache, lambd=kwargs["lambd"])
        kwargs["grads"]["dW1"] = kwargs["grads"]["dW1"] * 3.0 + 0.1
    loop = nl.check_gradients(P, X, Y, method="loop", **kwargs)
    batched = nl.check_gradients(P, X, Y, method="batched", **kwargs)
    np.testing.assert_array_equal(loop.grad, batched.grad)
    noise = _noise(X, Y, P, **kwargs)
    assert np.abs(loop.gradapprox - batched.gradapprox).max() <= noise
    if planted:
        assert loop.difference > 1e-3
        assert loop.difference == pytest.approx(batched.difference, rel=1e-6)
        assert loop.worst_block == batched.worst_block == "W1"


@pytest.mark.parametrize("epsilon", [1e-4, 1e-2, 1.0])
def test_loop_and_batched_agree_for_large_steps(epsilon):
    # large steps cross many kinks: the batched method must still evaluate every point
    P, X, Y, kwargs = _setup(40, [3, 6, 5, 1], 9, "l2+dropout")
    loop = nl.check_gradients(P, X, Y, epsilon=epsilon, method="loop", **kwargs)
    batched = nl.check_gradients(P, X, Y, epsilon=epsilon, method="batched", **kwargs)
    expected = flatten(ref_finite_differences(X, Y, P, eps=epsilon, **kwargs), ["d" + k for k in P])
    for result in (loop, batched):
        assert np.abs(result.gradapprox - expected).max() <= _noise(X, Y, P, epsilon, **kwargs)


@pytest.mark.parametrize("method", METHODS)
def test_check_of_a_saturated_network(method):
    # Logits of magnitude around 1e4: J is computed from the logits, so it stays exact
    # and finite, and the differences match a reference written with logaddexp.
    P, X, Y = random_network(32, [3, 4, 2, 1], 7)
    P["W3"] = P["W3"] * 1e4
    P["b3"] = P["b3"] * 1e4
    _, cache = nl.forward_propagation(X, P)
    assert np.abs(cache.Z[-1]).max() > 1e3
    result = nl.check_gradients(P, X, Y, method=method)
    assert np.isfinite(result.gradapprox).all()
    J = lambda theta: nl.compute_cost_from_logits(
        nl.forward_propagation(X, nl.vector_to_dictionary(theta, result.layout))[1].Z[-1], Y)
    expected = nl.numerical_gradient(J, nl.dictionary_to_vector(P)[0])
    noise = 50 * U * J(nl.dictionary_to_vector(P)[0]) / 1e-7
    assert np.abs(result.gradapprox - expected).max() <= noise


@pytest.mark.parametrize("method", METHODS)
def test_epsilon_changes_the_step(method):
    # with a huge step the finite differences are visibly wrong: epsilon is really used
    P, X, Y = random_network(31, [3, 4, 1], 6)
    assert nl.check_gradients(P, X, Y, epsilon=1e-7, method=method).difference < 1e-7
    assert nl.check_gradients(P, X, Y, epsilon=1.0, method=method).difference > 1e-4


# ---------------------------------------------------------------------------
# Overflow ends in a clear error, never in a silent NaN
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_overflowing_forward_pass_is_refused(method):
    P, X, Y = random_network(3, [2, 3, 1], 5)
    P["W1"] = P["W1"] * 1e200
    P["W2"] = P["W2"] * 1e200
    with pytest.raises(ValueError, match="^parameters: .*overflow"):
        nl.check_gradients(P, X, Y, method=method)


@pytest.mark.parametrize("method", METHODS)
def test_step_that_overflows_a_perturbed_pass_is_refused(method):
    # Finite logits of 1.5e300, but a step of 1e10 on W2 moves them by 1e310.
    P = {"W1": np.array([[1e300, 0.0]]), "b1": np.zeros((1, 1)),
         "W2": np.array([[1.5]]), "b2": np.zeros((1, 1))}
    X, Y = np.array([[1.0, 0.5], [0.0, 1.0]]), np.array([[1.0, 0.0]])
    with pytest.raises(ValueError, match="^epsilon: .*finite"):
        nl.check_gradients(P, X, Y, epsilon=1e10, method=method)


def test_overflowing_forward_pass_is_refused_before_any_numpy_warning():
    # Z1 = 1e308 * 10 + 1e308 * 10 overflows to inf, and Z2 = inf - inf is NaN: both would
    # warn (overflow, invalid value) before the clear error if they were not silenced.
    P = {"W1": np.full((2, 2), 1e308), "b1": np.zeros((2, 1)),
         "W2": np.array([[1.0, -1.0]]), "b2": np.zeros((1, 1))}
    X, Y = np.full((2, 3), 10.0), np.array([[1.0, 0.0, 1.0]])
    message = ("parameters: expected parameters whose cost and gradient stay finite, "
               "got values that overflow float64")
    for method in METHODS:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with raises_exactly(ValueError, message):
                nl.check_gradients(P, X, Y, method=method)


def test_a_finite_cost_with_an_overflowing_gradient_is_refused():
    # Logits of about 1e308 are finite and saturate the sigmoid, but dW1 = W2^T dZ2 ... / m
    # overflows: the check used to print "difference nan".
    P, X, Y = random_network(0, [2, 3, 1], 50)
    P["W2"] = P["W2"] / np.abs(P["W2"]).max() * 1e308
    for method in METHODS:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with raises_exactly(ValueError, "parameters: expected parameters whose cost and "
                                            "gradient stay finite, got values that overflow float64"):
                nl.check_gradients(P, X, Y, method=method)


def test_an_L2_term_that_overflows_is_blamed_on_the_parameters_not_on_epsilon():
    # A weight of 1e200 on an input that is always 0: the forward pass and the gradient stay
    # finite, but the L2 term of the cost, (lambd / 2m) * 1e400, does not.
    P, X, Y = random_network(1, [2, 3, 1], 20)
    X[0] = 0.0
    P["W1"][:, 0] = 1e200
    for method in METHODS:
        with raises_exactly(ValueError, "parameters: expected parameters whose cost and "
                                        "gradient stay finite, got values that overflow float64"):
            nl.check_gradients(P, X, Y, lambd=0.7, method=method)


@pytest.mark.parametrize("mode", MODES)
def test_the_loop_method_is_equation_3_by_a_forward_pass_per_point_bit_for_bit(mode):
    # The same operations as the documented loop, written here with nn_lib's public
    # functions: cut theta into a dict, forward pass with the fixed masks, cost from the
    # logits with the L2 term of the moved weights, two-sided difference quotient.
    P, X, Y, kwargs = _setup(12, [3, 4, 3, 1], 6, mode)
    theta, layout = nl.dictionary_to_vector(P)
    epsilon = 1e-7

    def J(t):
        parameters = nl.vector_to_dictionary(t, layout)
        _, cache = nl.forward_propagation(X, parameters, keep_prob=kwargs["keep_prob"],
                                          masks=kwargs["masks"])
        return nl.compute_cost_from_logits(cache.Z[-1], Y, parameters, kwargs["lambd"])

    expected = np.empty_like(theta)
    for i in range(theta.size):
        plus, minus = theta.copy(), theta.copy()
        plus[i] += epsilon
        minus[i] -= epsilon
        expected[i] = (J(plus) - J(minus)) / (2.0 * epsilon)
    result = nl.check_gradients(P, X, Y, method="loop", epsilon=epsilon, **kwargs)
    np.testing.assert_array_equal(result.gradapprox, expected)


@pytest.mark.parametrize("method, passes", [("loop", lambda P: 1 + 2 * P), ("batched", lambda P: 1)])
def test_each_method_runs_the_forward_passes_it_documents(monkeypatch, method, passes):
    # "loop": one forward pass per perturbed point (2P) after the one of the cache;
    # "batched": the cache's pass only, the perturbed costs come from stacked arrays.
    from nn_lib import _core
    calls = []
    forward = _core.forward_propagation
    monkeypatch.setattr(_core, "forward_propagation",
                        lambda *args, **kwargs: calls.append(1) or forward(*args, **kwargs))
    P, X, Y = random_network(5, [3, 4, 1], 5)
    result = nl.check_gradients(P, X, Y, method=method)
    assert len(calls) == passes(result.gradapprox.size) and result.passed


# --- Whole messages of the gradient-checking helpers (mutation testing) ---

def test_vector_to_dictionary_refuses_a_column_theta():
    layout = [("W1", (1, 1)), ("b1", (1, 1))]
    with raises_exactly(ValueError, "theta: expected a 1-D array, got shape (2, 1)"):
        nl.vector_to_dictionary(np.zeros((2, 1)), layout)


@pytest.mark.parametrize("layout", [[("W1", ())], [("W1", (1, 2)), ("b1", ())]])
def test_layout_with_an_empty_shape_is_refused_with_the_layout_message(layout):
    message = ("layout: expected the list of (name, shape) pairs returned by "
               "dictionary_to_vector, such as [('W1', (20, 2)), ...], with every size >= 1, "
               "got " + repr(layout))
    with raises_exactly(ValueError, message):
        nl.vector_to_dictionary(np.zeros(3), layout)


@pytest.mark.parametrize("gradapprox, message", [
    ([np.nan, 1.0], "gradapprox: expected finite values, got NaN or infinity"),
    ("abc", "gradapprox: expected a numeric array, got 'abc'")])
def test_relative_difference_names_gradapprox(gradapprox, message):
    with raises_exactly((ValueError, TypeError), message):
        nl.relative_difference(np.ones(2), gradapprox)


@pytest.mark.parametrize("difference, blocks, expected", [
    (2.5e-9, {"W1": 1.0e-9, "b1": 3.0e-9},
     "gradient check passed: difference 2.500e-09 (threshold 1e-07); worst block b1; "
     "W1: 1.0e-09, b1: 3.0e-09"),
    (0.02, {"W1": 4.0e-2, "b1": 1.0e-3, "W2": 2.5e-4},
     "gradient check FAILED: difference 2.000e-02 (threshold 1e-07); worst block W1; "
     "W1: 4.0e-02, b1: 1.0e-03, W2: 2.5e-04")])
def test_gradient_check_result_str_is_built_from_its_documented_parts(difference, blocks,
                                                                      expected):
    layout = [(key, (1, 1)) for key in blocks]
    result = nl.GradientCheckResult(difference, blocks, np.zeros(len(blocks)),
                                    np.zeros(len(blocks)), layout)
    assert str(result) == expected


def test_check_gradients_with_masks_of_none_and_no_dropout_needs_no_seed():
    # keep_prob = 1: no hidden layer needs a mask, so [None] * (L + 1) is complete
    P, X, Y = random_network(1, [3, 4, 2, 1], 6)
    plain = nl.check_gradients(P, X, Y)
    with_masks = nl.check_gradients(P, X, Y, keep_prob=1.0, masks=[None] * 4)
    assert with_masks.passed
    np.testing.assert_array_equal(with_masks.grad, plain.grad)
    np.testing.assert_array_equal(with_masks.gradapprox, plain.gradapprox)
