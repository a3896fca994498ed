"""Activations, initialization, forward and backward propagation, prediction, costs."""

from __future__ import annotations

import inspect
import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import nn_lib as nl
from nn_lib_strategies import (layer_dims, random_network, ref_backward_one_hidden,
                               ref_cost, ref_finite_differences, ref_forward, seeds, raises_exactly)

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------

@given(st.floats(-30, 30))
@settings(max_examples=60, deadline=None)
def test_sigmoid_matches_textbook_formula_at_moderate_values(z):
    expected = 1.0 / (1.0 + math.exp(-z))
    assert nl.sigmoid(np.array([z]))[0] == pytest.approx(expected, rel=1e-13, abs=1e-300)


@pytest.mark.parametrize("z, expected", [
    (1e4, 1.0), (-1e4, 0.0), (1e308, 1.0), (-1e308, 0.0), (0.0, 0.5),
    (-700.0, math.exp(-700.0)),  # 1/(1+e^700) = e^-700 to double precision
])
def test_sigmoid_finite_and_correct_at_extreme_logits_without_warnings(z, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            s = nl.sigmoid(np.array([z]))
    assert np.isfinite(s).all()
    assert s[0] == pytest.approx(expected, rel=1e-12, abs=0.0)


def test_sigmoid_accepts_any_shape_and_lists():
    Z = np.linspace(-3, 3, 24).reshape(2, 3, 4)
    np.testing.assert_allclose(nl.sigmoid(Z), 1 / (1 + np.exp(-Z)), rtol=1e-14)
    assert nl.sigmoid([0.0, 0.0]).tolist() == [0.5, 0.5]
    assert nl.sigmoid(np.array([1, 2])).dtype == np.float64


def test_relu_by_hand():
    Z = np.array([[-2.0, -0.0, 0.0, 1e-300, 3.5]])
    np.testing.assert_array_equal(nl.relu(Z), [[0.0, 0.0, 0.0, 1e-300, 3.5]])


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.int8])
def test_activations_return_float64_whatever_the_input_dtype(dtype):
    Z = np.array([[-2, 0, 3]], dtype=dtype)
    for f in (nl.sigmoid, nl.relu):
        assert f(Z).dtype == np.float64
    # in int8, -Z of -128 would wrap around: the float64 conversion comes first
    assert nl.sigmoid(np.array([-128], dtype=np.int8))[0] == pytest.approx(math.exp(-128) / (1 + math.exp(-128)))


# ---------------------------------------------------------------------------
# Initializers
# ---------------------------------------------------------------------------

@given(layer_dims(max_layers=6, max_width=30), st.sampled_from(["he", "xavier", "lecun", "random", "zeros"]),
       seeds)
@FAST
def test_initialize_parameters_shapes_and_zero_biases(dims, method, seed):
    # layer_dims here is any sequence: use the output size 1 or not
    P = nl.initialize_parameters(dims, method=method, seed=seed)
    L = len(dims) - 1
    assert sorted(P) == sorted([f"W{l}" for l in range(1, L + 1)] + [f"b{l}" for l in range(1, L + 1)])
    for l in range(1, L + 1):
        assert P[f"W{l}"].shape == (dims[l], dims[l - 1])
        assert P[f"b{l}"].shape == (dims[l], 1)
        assert P[f"W{l}"].dtype == np.float64
        assert not P[f"b{l}"].any()
    if method == "zeros":
        assert all(not P[f"W{l}"].any() for l in range(1, L + 1))


def test_initialize_parameters_output_layer_may_have_several_units():
    P = nl.initialize_parameters([3, 4, 2], seed=0)
    assert P["W2"].shape == (2, 4)


@pytest.mark.parametrize("method, std", [
    ("he", math.sqrt(2 / 400)), ("xavier", math.sqrt(2 / (400 + 500))),
    ("lecun", math.sqrt(1 / 400)), ("random", 0.01),
])
def test_initializer_standard_deviation_is_statistically_right(method, std):
    W = nl.initialize_parameters([400, 500, 1], method=method, seed=7)["W1"]
    n = W.size  # 200 000 draws: the standard error of the sample std is std / sqrt(2n) = 0.16 %
    assert abs(W.mean()) < 5 * std / math.sqrt(n)
    assert W.std() == pytest.approx(std, rel=5 / math.sqrt(2 * n))


def test_random_initializer_uses_scale():
    W = nl.initialize_parameters([300, 300, 1], method="random", scale=3.0, seed=1)["W1"]
    assert W.std() == pytest.approx(3.0, rel=0.02)


def test_initializer_same_seed_same_weights_different_seed_different():
    a = nl.initialize_parameters([5, 4, 1], seed=3)
    b = nl.initialize_parameters([5, 4, 1], seed=3)
    c = nl.initialize_parameters([5, 4, 1], seed=4)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    assert not np.array_equal(a["W1"], c["W1"])
    g1 = nl.initialize_parameters([5, 4, 1], seed=np.random.default_rng(9))
    g2 = nl.initialize_parameters([5, 4, 1], seed=np.random.default_rng(9))
    np.testing.assert_array_equal(g1["W2"], g2["W2"])


def test_initializer_without_seed_draws_fresh_weights():
    a = nl.initialize_parameters([50, 50, 1])
    b = nl.initialize_parameters([50, 50, 1])
    assert not np.array_equal(a["W1"], b["W1"])


# ---------------------------------------------------------------------------
# Forward propagation and prediction
# ---------------------------------------------------------------------------

@given(seeds, layer_dims(), st.integers(1, 8))
@FAST
def test_forward_matches_reference_forward(seed, dims, m):
    P, X, _ = random_network(seed, dims, m)
    AL, cache = nl.forward_propagation(X, P)
    ref_AL, ref_ZL, ref_As = ref_forward(X, P)
    L = len(dims) - 1
    np.testing.assert_allclose(AL, ref_AL, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(cache.Z[L], ref_ZL, rtol=1e-12, atol=1e-12)
    assert AL.shape == (1, m)
    assert len(cache.A) == L + 1 and len(cache.Z) == L + 1 and len(cache.D) == L + 1
    np.testing.assert_array_equal(cache.A[0], X)
    assert cache.Z[0] is None
    assert all(d is None for d in cache.D)
    assert cache.keep_prob == (1.0,) * (L + 1)
    for l in range(1, L):
        np.testing.assert_allclose(cache.A[l], ref_As[l], rtol=1e-12, atol=1e-12)


def test_forward_by_hand_one_hidden_layer():
    P = {"W1": np.array([[1.0, -1.0], [2.0, 0.5]]), "b1": np.array([[0.5], [-1.0]]),
         "W2": np.array([[1.0, -2.0]]), "b2": np.array([[0.25]])}
    X = np.array([[1.0, 0.0], [2.0, 1.0]])
    # column 1: Z1 = [1-2+0.5, 2+1-1] = [-0.5, 2] -> A1 = [0, 2] -> Z2 = 0 - 4 + 0.25 = -3.75
    # column 2: Z1 = [0-1+0.5, 0+0.5-1] = [-0.5, -0.5] -> A1 = [0, 0] -> Z2 = 0.25
    AL, cache = nl.forward_propagation(X, P)
    np.testing.assert_allclose(cache.Z[2], [[-3.75, 0.25]], rtol=1e-15)
    np.testing.assert_allclose(AL, [[1 / (1 + math.exp(3.75)), 1 / (1 + math.exp(-0.25))]], rtol=1e-15)
    np.testing.assert_array_equal(nl.predict(X, P), [[0.0, 1.0]])
    np.testing.assert_array_equal(nl.predict(X, P, threshold=0.6), [[0.0, 0.0]])
    np.testing.assert_allclose(nl.predict_proba(X, P), AL, rtol=1e-15)


def test_forward_accepts_lists_and_does_not_modify_inputs():
    P, X, _ = random_network(0, [3, 4, 1], 5)
    copies = {k: v.copy() for k, v in P.items()}
    X0 = X.copy()
    AL1, _ = nl.forward_propagation(X.tolist(), {k: v.tolist() for k, v in P.items()})
    AL2, _ = nl.forward_propagation(X, P)
    np.testing.assert_array_equal(AL1, AL2)
    np.testing.assert_array_equal(X, X0)
    for k in P:
        np.testing.assert_array_equal(P[k], copies[k])


@given(seeds, layer_dims(max_layers=4), st.integers(1, 10), st.floats(0.05, 0.95))
@FAST
def test_predict_thresholds_the_probabilities(seed, dims, m, threshold):
    P, X, _ = random_network(seed, dims, m)
    ref_AL, _, _ = ref_forward(X, P)
    assume(np.all(np.abs(ref_AL - threshold) > 1e-9))
    pred = nl.predict(X, P, threshold=threshold)
    np.testing.assert_array_equal(pred, (ref_AL > threshold).astype(float))
    assert pred.dtype == np.float64


def test_accuracy_by_hand_and_symmetric():
    a = np.array([[1, 0, 1, 1]])
    b = np.array([[1, 1, 1, 0]])
    assert nl.accuracy(a, b) == 0.5
    assert nl.accuracy(b, a) == 0.5
    assert nl.accuracy(a, a) == 1.0
    assert nl.accuracy([[0, 0, 0]], [[1, 1, 1]]) == 0.0


# ---------------------------------------------------------------------------
# Backward propagation, checked independently of nn_lib's gradient checker
# ---------------------------------------------------------------------------

@given(seeds, st.integers(1, 6), st.integers(1, 8), st.integers(1, 7),
       st.sampled_from([0.0, 0.1, 1.3]))
@FAST
def test_backward_matches_hand_written_one_hidden_layer(seed, n_x, n_h, m, lambd):
    P, X, Y = random_network(seed, [n_x, n_h, 1], m)
    _, cache = nl.forward_propagation(X, P)
    grads = nl.backward_propagation(Y, cache, lambd=lambd)
    expected = ref_backward_one_hidden(X, Y, P, lambd=lambd)
    assert list(grads) == ["dW1", "db1", "dW2", "db2"]
    for key in expected:
        np.testing.assert_allclose(grads[key], expected[key], rtol=1e-10, atol=1e-14)


@given(seeds, layer_dims(max_layers=4, max_width=6, max_inputs=4), st.integers(2, 5),
       st.sampled_from([0.0, 0.7]))
@settings(max_examples=15, deadline=None)
def test_backward_matches_own_finite_differences(seed, dims, m, lambd):
    P, X, Y = random_network(seed, dims, m)
    _, cache = nl.forward_propagation(X, P)
    grads = nl.backward_propagation(Y, cache, lambd=lambd)
    fd = ref_finite_differences(X, Y, P, lambd=lambd)
    for key in fd:
        np.testing.assert_allclose(grads[key], fd[key], rtol=1e-5, atol=1e-8)


def test_backward_by_hand_logistic_regression():
    # L = 1: dW = (A - Y) X^T / m, db = mean(A - Y)
    P = {"W1": np.array([[0.5, -0.25]]), "b1": np.array([[0.1]])}
    X = np.array([[1.0, 2.0, -1.0], [0.0, 1.0, 3.0]])
    Y = np.array([[1.0, 0.0, 1.0]])
    z = [0.5 + 0.1, 1.0 - 0.25 + 0.1, -0.5 - 0.75 + 0.1]
    a = [1 / (1 + math.exp(-v)) for v in z]
    r = [a[i] - Y[0, i] for i in range(3)]
    dW = [sum(r[i] * X[j, i] for i in range(3)) / 3 for j in range(2)]
    _, cache = nl.forward_propagation(X, P)
    grads = nl.backward_propagation(Y, cache)
    np.testing.assert_allclose(grads["dW1"], [dW], rtol=1e-14)
    np.testing.assert_allclose(grads["db1"], [[sum(r) / 3]], rtol=1e-14)


# ---------------------------------------------------------------------------
# Costs
# ---------------------------------------------------------------------------

@given(st.lists(st.tuples(st.floats(1e-6, 1 - 1e-6), st.sampled_from([0.0, 1.0])),
                min_size=1, max_size=20))
@settings(max_examples=50, deadline=None)
def test_cross_entropy_matches_textbook_formula(pairs):
    AL = np.array([[p for p, _ in pairs]])
    Y = np.array([[y for _, y in pairs]])
    expected = -sum(y * math.log(p) + (1 - y) * math.log(1 - p) for p, y in pairs) / len(pairs)
    assert nl.compute_cost(AL, Y) == pytest.approx(expected, rel=1e-12)


@given(st.lists(st.tuples(st.floats(-30, 30), st.sampled_from([0.0, 1.0])), min_size=1, max_size=20))
@settings(max_examples=50, deadline=None)
def test_cost_from_logits_matches_textbook_formula(pairs):
    Z = np.array([[z for z, _ in pairs]])
    Y = np.array([[y for _, y in pairs]])
    # -log a = log(1 + e^-z) and -log(1 - a) = log(1 + e^z) for a = 1/(1 + e^-z)
    expected = sum(y * math.log1p(math.exp(-z)) + (1 - y) * math.log1p(math.exp(z))
                   for z, y in pairs) / len(pairs)
    assert nl.compute_cost_from_logits(Z, Y) == pytest.approx(expected, rel=1e-9, abs=1e-13)


def test_cost_is_finite_at_saturated_probabilities():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            wrong = nl.compute_cost(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]))
            right = nl.compute_cost(np.array([[0.0, 1.0]]), np.array([[0.0, 1.0]]))
    assert np.isfinite(wrong) and wrong > 30  # large: the network is confidently wrong
    assert np.isfinite(right) and 0 <= right < 1e-12


def test_cost_from_logits_is_exact_at_1e4():
    # log(1 + e^z) - y z: z = 1e4, y = 0 -> 1e4; z = 1e4, y = 1 -> ~0;
    # z = -1e4, y = 0 -> ~0; z = -1e4, y = 1 -> 1e4.  Mean = 5000.
    Z = np.array([[1e4, 1e4, -1e4, -1e4]])
    Y = np.array([[0.0, 1.0, 0.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            assert nl.compute_cost_from_logits(Z, Y) == pytest.approx(5000.0, rel=1e-15)
            assert nl.compute_cost_from_logits(Z[:, :2], Y[:, :2]) == pytest.approx(5000.0)


def test_forward_then_cost_is_finite_for_logits_of_1e4():
    P = {"W1": np.array([[1e4]]), "b1": np.array([[0.0]])}
    X = np.array([[1.0, -1.0, 1.0, -1.0]])
    Y = np.array([[1.0, 0.0, 0.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            AL, cache = nl.forward_propagation(X, P)
            cost = nl.compute_cost(AL, Y)
            exact = nl.compute_cost_from_logits(cache.Z[1], Y)
            grads = nl.backward_propagation(Y, cache)
    np.testing.assert_array_equal(AL, [[1.0, 0.0, 1.0, 0.0]])
    assert np.isfinite(cost) and cost > 10
    assert exact == pytest.approx(5000.0)
    assert all(np.isfinite(g).all() for g in grads.values())


def test_l2_term_by_hand():
    P = {"W1": np.array([[1.0, -2.0], [0.5, 0.0]]), "b1": np.array([[7.0], [7.0]]),
         "W2": np.array([[3.0, -1.0]]), "b2": np.array([[9.0]])}
    # sum of squared weights: 1 + 4 + 0.25 + 0 + 9 + 1 = 15.25 (biases are not penalised)
    lambd, m = 0.7, 4
    expected_penalty = lambd / (2 * m) * 15.25
    assert nl.l2_penalty(P, lambd, m) == pytest.approx(expected_penalty, rel=1e-15)
    assert nl.l2_penalty(P, 0.0, m) == 0.0
    AL = np.array([[0.2, 0.9, 0.6, 0.4]])
    Y = np.array([[0.0, 1.0, 1.0, 0.0]])
    ce = -(math.log(0.8) + math.log(0.9) + math.log(0.6) + math.log(0.6)) / 4
    assert nl.compute_cost(AL, Y, P, lambd) == pytest.approx(ce + expected_penalty, rel=1e-13)
    assert nl.compute_cost(AL, Y, P) == pytest.approx(ce, rel=1e-13)
    Z = np.log(AL / (1 - AL))
    assert nl.compute_cost_from_logits(Z, Y, P, lambd) == pytest.approx(ce + expected_penalty, rel=1e-12)


@given(seeds, layer_dims(max_layers=4), st.integers(1, 6), st.floats(0, 5))
@FAST
def test_regularized_cost_matches_reference(seed, dims, m, lambd):
    P, X, Y = random_network(seed, dims, m)
    AL, cache = nl.forward_propagation(X, P)
    expected = ref_cost(X, Y, P, lambd=lambd)
    L = len(dims) - 1
    assert nl.compute_cost(AL, Y, P, lambd) == pytest.approx(expected, rel=1e-10)
    assert nl.compute_cost_from_logits(cache.Z[L], Y, P, lambd) == pytest.approx(expected, rel=1e-10)


# ---------------------------------------------------------------------------
# Conventions at the edges (each pins one choice a mutation could flip)
# ---------------------------------------------------------------------------

def test_relu_slope_is_zero_at_exactly_zero():
    # W1 = 0 and b1 = 0 put every Z1 exactly at the kink; W2 != 0 sends a
    # gradient back to it. With slope 0 at z = 0 nothing reaches W1 or b1.
    P = {"W1": np.zeros((3, 2)), "b1": np.zeros((3, 1)),
         "W2": np.array([[0.5, -1.0, 2.0]]), "b2": np.array([[0.1]])}
    X = np.array([[1.0, -2.0, 0.5], [0.3, 0.7, -1.0]])
    Y = np.array([[1.0, 0.0, 1.0]])
    _, cache = nl.forward_propagation(X, P)
    grads = nl.backward_propagation(Y, cache)
    assert np.all(grads["dW1"] == 0) and np.all(grads["db1"] == 0)
    assert np.all(grads["dW2"] == 0) and np.all(grads["db2"] != 0)  # A1 = relu(0) = 0


def test_predict_labels_an_output_of_exactly_the_threshold_as_zero():
    # All-zero parameters give A = sigmoid(0) = 0.5 exactly for every example.
    P = {"W1": np.zeros((2, 2)), "b1": np.zeros((2, 1)), "W2": np.zeros((1, 2)), "b2": np.zeros((1, 1))}
    X = np.array([[1.0, -1.0], [2.0, 0.0]])
    assert nl.predict(X, P).tolist() == [[0.0, 0.0]]
    assert nl.predict(X, P, threshold=0.4999).tolist() == [[1.0, 1.0]]


def test_predict_default_threshold_is_one_half():
    P, X, _ = random_network(3, [2, 4, 1], 50)
    AL, _ = nl.forward_propagation(X, P)
    np.testing.assert_array_equal(nl.predict(X, P), (AL > 0.5).astype(float))


def test_cost_clips_probabilities_at_1e_minus_15():
    # A confident wrong output costs exactly -log(1e-15); a right one -log(1 - 1e-15).
    assert nl.compute_cost(np.array([[0.0]]), np.array([[1.0]])) == pytest.approx(-math.log(1e-15), rel=1e-15)
    assert nl.compute_cost(np.array([[1.0]]), np.array([[1.0]])) == pytest.approx(-math.log1p(-1e-15), rel=1e-6)


def test_cost_defaults_to_no_l2_term():
    P, X, Y = random_network(5, [2, 3, 1], 7)
    AL, _ = nl.forward_propagation(X, P)
    assert nl.compute_cost(AL, Y, P) == nl.compute_cost(AL, Y, P, lambd=0.0)
    assert nl.compute_cost(AL, Y, P, lambd=1.0) > nl.compute_cost(AL, Y, P)


@given(seeds, layer_dims(max_layers=4, max_width=6), st.integers(1, 9), st.sampled_from([0.0, 0.7]))
@FAST
def test_core_on_a_stack_of_networks_equals_each_network_alone(seed, dims, m, lambd):
    from nn_lib import _core

    networks = [random_network(seed + k, dims, m) for k in range(3)]
    X, Y = networks[0][1], networks[0][2]
    stacked = {key: np.stack([P[key] for P, _, _ in networks]) for key in networks[0][0]}
    AL, cache = _core.forward_propagation(X, stacked)
    grads = _core.backward_propagation(Y, cache, lambd)
    for k, (P, _, _) in enumerate(networks):
        AL_k, cache_k = _core.forward_propagation(X, P)
        grads_k = _core.backward_propagation(Y, cache_k, lambd)
        np.testing.assert_allclose(AL[k], AL_k, rtol=1e-13, atol=1e-300)
        for key, value in grads_k.items():
            np.testing.assert_allclose(grads[key][k], value, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ["forward_propagation", "backward_propagation", "compute_cost",
                                  "compute_cost_from_logits", "l2_penalty", "inverted_dropout"])
def test_the_checked_functions_keep_the_cores_signature(name):
    # The API page shows the core's signature (functools.wraps): the checked
    # function a reader calls must take the same arguments with the same defaults.
    public = getattr(nl, name)
    shown = inspect.signature(public.__wrapped__)  # the core's
    own = inspect.signature(public, follow_wrapped=False)
    assert [(p.name, p.default) for p in own.parameters.values()] == \
        [(p.name, p.default) for p in shown.parameters.values()]


def test_core_costs_are_one_per_network_on_a_stack():
    from nn_lib import _core

    networks = [random_network(k, [2, 3, 1], 6) for k in range(3)]
    X, Y = networks[0][1], networks[0][2]
    stacked = {key: np.stack([P[key] for P, _, _ in networks]) for key in networks[0][0]}
    AL, cache = _core.forward_propagation(X, stacked)
    costs = _core.compute_cost(AL, Y, stacked, 0.5)
    from_logits = _core.compute_cost_from_logits(cache.Z[-1], Y, stacked, 0.5)
    # One data set per network too (Y of shape (S, 1, m), as train_seeds allows): m is
    # the number of examples, not the length of the second axis.
    Ys = np.stack([Y] * len(networks))
    costs_per_set = _core.compute_cost(AL, Ys, stacked, 0.5)
    from_logits_per_set = _core.compute_cost_from_logits(cache.Z[-1], Ys, stacked, 0.5)
    for k, (P, _, _) in enumerate(networks):
        AL_k, _ = nl.forward_propagation(X, P)
        expected = nl.compute_cost(AL_k, Y, P, lambd=0.5)
        assert costs[k] == pytest.approx(expected, rel=1e-12)
        assert from_logits[k] == pytest.approx(expected, rel=1e-9)
        assert costs_per_set[k] == pytest.approx(expected, rel=1e-12)
        assert from_logits_per_set[k] == pytest.approx(expected, rel=1e-9)


def test_dropout_keeps_a_unit_only_when_its_draw_is_below_keep_prob():
    from nn_lib import _core

    class Draws:  # a generator whose draws are exactly keep_prob, then just below it
        def __init__(self, values):
            self.values = values

        def random(self, shape):
            return np.broadcast_to(self.values, shape)

    A = np.ones((1, 2))
    _, D = _core.inverted_dropout(A, 0.5, Draws(np.array([[0.5, np.nextafter(0.5, 0.0)]])))
    assert D.tolist() == [[False, True]]


def test_core_defaults_are_no_dropout_and_no_l2():
    from nn_lib import _core

    P, X, Y = random_network(2, [2, 4, 3, 1], 5)
    AL, cache = _core.forward_propagation(X, P)
    assert cache.keep_prob == (1.0, 1.0, 1.0, 1.0) and cache.D == [None] * 4
    for key, value in _core.backward_propagation(Y, cache).items():
        np.testing.assert_array_equal(value, _core.backward_propagation(Y, cache, 0.0)[key])
    assert _core.compute_cost(AL, Y) == _core.compute_cost(AL, Y, P, 0.0)
    assert _core.compute_cost_from_logits(cache.Z[-1], Y) == _core.compute_cost_from_logits(cache.Z[-1], Y, P, 0.0)


@pytest.mark.parametrize("X", [np.ones(3), np.ones((1, 3, 2)), [1.0, 2.0, 3.0]])
def test_forward_needs_a_2d_X(X):
    P, _, _ = random_network(0, [3, 2, 1], 4)
    with raises_exactly(ValueError, f"X: expected a 2-D array, got shape {np.shape(X)}"):
        nl.forward_propagation(X, P)


def test_forward_with_dropout_and_no_generator_says_what_is_missing():
    P, X, _ = random_network(0, [3, 2, 1], 4)
    with raises_exactly(ValueError, "rng: expected a numpy.random.Generator to draw dropout "
                                     "masks when keep_prob < 1, got None"):
        nl.forward_propagation(X, P, keep_prob=0.5)


@pytest.mark.parametrize("cache, name", [(None, "NoneType"), ({"A": []}, "dict"),
                                         ((np.ones((1, 4)), None), "tuple")])
def test_backward_names_the_type_given_instead_of_a_cache(cache, name):
    # (a tuple: the whole (AL, cache) pair returned by forward_propagation)
    with raises_exactly(TypeError, "cache: expected the ForwardCache returned by "
                                    f"forward_propagation, got {name}"):
        nl.backward_propagation(np.ones((1, 4)), cache)


@pytest.mark.parametrize("cost, first", [(nl.compute_cost, np.full((1, 3), 0.5)),
                                         (nl.compute_cost_from_logits, np.zeros((1, 3)))])
def test_l2_cost_without_the_parameters_says_they_are_needed(cost, first):
    Y = np.array([[1.0, 0.0, 1.0]])
    with raises_exactly(ValueError,
                         "parameters: expected the parameter dict when lambd > 0, got None"):
        cost(first, Y, lambd=0.5)
    # log 2 per example, whatever the labels, when the output is 1/2
    assert cost(first, Y) == pytest.approx(math.log(2), rel=1e-15)


# --- Whole messages of the input checks of forward_propagation (mutation testing) ---

def test_keep_prob_list_of_the_wrong_length_names_the_number_of_hidden_layers():
    # layer_dims [3, 4, 2, 1]: L = 3 layers, so 2 hidden layers, given 1 value
    P, X, _ = random_network(0, [3, 4, 2, 1], 5)
    with raises_exactly(ValueError, "keep_prob: expected a number or one probability per "
                                     "hidden layer (2), got a sequence of length 1"):
        nl.forward_propagation(X, P, keep_prob=[0.5], rng=np.random.default_rng(0))


def test_masks_list_of_the_wrong_length_names_the_number_of_entries():
    # L = 3 layers: masks are indexed by layer 0..3, so 4 entries; given 2
    P, X, _ = random_network(0, [3, 4, 2, 1], 5)
    with raises_exactly(ValueError, "masks: expected a list of 4 entries indexed by layer "
                                     "(None or a boolean array for each hidden layer), "
                                     "got [None, None]"):
        nl.forward_propagation(X, P, masks=[None, None])


@pytest.mark.parametrize("rng, name", [(42, "int"), ("seed", "str"), (np.random.RandomState(0),
                                                                      "RandomState")])
def test_forward_names_the_type_given_instead_of_a_generator(rng, name):
    P, X, _ = random_network(0, [3, 2, 1], 4)
    with raises_exactly(TypeError, f"rng: expected a numpy.random.Generator, got {name}"):
        nl.forward_propagation(X, P, rng=rng)


def test_masks_of_none_without_dropout_need_no_generator_and_change_nothing():
    # keep_prob = 1: no layer needs a mask, so a list of None is complete without an rng
    rng = np.random.default_rng(3)
    X = rng.standard_normal((3, 5))
    W1, b1 = rng.standard_normal((4, 3)), rng.standard_normal((4, 1))
    W2, b2 = rng.standard_normal((1, 4)), rng.standard_normal((1, 1))
    P = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    expected = 1.0 / (1.0 + np.exp(-(W2 @ np.maximum(W1 @ X + b1, 0.0) + b2)))
    for keep_prob in (1.0, [1.0]):
        AL, _ = nl.forward_propagation(X, P, keep_prob=keep_prob, masks=[None, None, None])
        np.testing.assert_allclose(AL, expected, rtol=1e-13)


def test_a_forward_pass_that_overflows_raises_instead_of_returning_nan():
    # Each weight is finite, but together they overflow: layer 2's pre-activations are
    # 2e400, infinite, and the output unit computes inf - inf, NaN. NumPy alone would warn.
    P = {"W1": np.array([[1e200], [1e200]]), "b1": np.zeros((2, 1)),
         "W2": np.full((2, 2), 1e200), "b2": np.zeros((2, 1)),
         "W3": np.array([[1.0, -1.0]]), "b3": np.zeros((1, 1))}
    message = "parameters: expected parameters whose forward pass stays finite, got logits that overflow float64"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for call in (lambda: nl.forward_propagation([[1.0]], P), lambda: nl.predict_proba([[1.0]], P),
                     lambda: nl.predict([[1.0]], P)):
            with raises_exactly(ValueError, message):
                call()
    # The same network with weights of 1e100 stays finite (2e200 - 2e200: an output of 0.5).
    P_large = {key: value * 1e-100 if key.startswith("W") and key != "W3" else value
               for key, value in P.items()}
    AL, _ = nl.forward_propagation([[1.0]], P_large)
    np.testing.assert_array_equal(AL, [[0.5]])
