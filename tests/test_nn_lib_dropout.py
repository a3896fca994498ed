"""Inverted dropout: masks, statistics, the same mask in the backward pass, replay, prediction."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn_lib as nl
from nn_lib_strategies import (raises_exactly, random_network, ref_backward_one_hidden, ref_forward,
                               seeds)


def test_inverted_dropout_four_steps_by_hand():
    A = np.arange(1.0, 13.0).reshape(3, 4)
    out, D = nl.inverted_dropout(A, 0.75, np.random.default_rng(5))
    assert D.dtype == np.bool_ and D.shape == A.shape
    # the mask is U < p for U uniform on [0, 1) drawn from the generator
    U = np.random.default_rng(5).random(A.shape)
    np.testing.assert_array_equal(D, U < 0.75)
    np.testing.assert_allclose(out, np.where(D, A / 0.75, 0.0), rtol=1e-15)


def test_inverted_dropout_keep_prob_one_is_identity():
    A = np.random.default_rng(0).normal(size=(4, 6))
    out, D = nl.inverted_dropout(A, 1.0, np.random.default_rng(1))
    assert D.all()
    np.testing.assert_array_equal(out, A)


def test_masks_differ_between_calls_with_the_same_generator():
    rng = np.random.default_rng(0)
    A = np.ones((10, 20))
    _, D1 = nl.inverted_dropout(A, 0.5, rng)
    _, D2 = nl.inverted_dropout(A, 0.5, rng)
    assert not np.array_equal(D1, D2)
    P, X, _ = random_network(1, [3, 10, 10, 1], 20)
    _, c1 = nl.forward_propagation(X, P, keep_prob=0.5, rng=rng)
    _, c2 = nl.forward_propagation(X, P, keep_prob=0.5, rng=rng)
    assert not np.array_equal(c1.D[1], c2.D[1])
    assert not np.array_equal(c1.D[2], c2.D[2])


def test_same_seed_gives_same_masks():
    P, X, _ = random_network(2, [3, 8, 6, 1], 15)
    AL1, c1 = nl.forward_propagation(X, P, keep_prob=0.7, rng=np.random.default_rng(42))
    AL2, c2 = nl.forward_propagation(X, P, keep_prob=0.7, rng=np.random.default_rng(42))
    for l in (1, 2):
        np.testing.assert_array_equal(c1.D[l], c2.D[l])
    np.testing.assert_array_equal(AL1, AL2)


@pytest.mark.parametrize("keep_prob", [0.1, 0.5, 0.86, 0.99])
def test_kept_fraction_is_close_to_keep_prob(keep_prob):
    n = 200_000
    _, D = nl.inverted_dropout(np.ones((400, 500)), keep_prob, np.random.default_rng(3))
    # binomial: standard deviation of the fraction is sqrt(p(1-p)/n); allow 5 of them
    assert abs(D.mean() - keep_prob) < 5 * math.sqrt(keep_prob * (1 - keep_prob) / n)


def test_expected_activation_is_preserved():
    rng = np.random.default_rng(11)
    A = np.abs(rng.normal(size=(3, 4))) + 0.5
    p, draws = 0.6, 20_000
    # one call on `draws` side-by-side copies of A: each copy gets its own mask
    out, _ = nl.inverted_dropout(np.tile(A, (1, draws)), p, rng)
    mean = out.reshape(3, draws, 4).mean(axis=1)
    # each entry is A/p with probability p, else 0: variance A^2 (1-p)/p
    sd = A * math.sqrt((1 - p) / p) / math.sqrt(draws)
    assert np.all(np.abs(mean - A) < 5 * sd)


def test_forward_dropout_kept_fraction_and_scaling():
    P, X, _ = random_network(4, [5, 200, 1], 300)
    _, cache = nl.forward_propagation(X, P, keep_prob=0.8, rng=np.random.default_rng(0))
    D = cache.D[1]
    n = D.size
    assert abs(D.mean() - 0.8) < 5 * math.sqrt(0.8 * 0.2 / n)
    relu = np.maximum(P["W1"] @ X + P["b1"], 0.0)
    np.testing.assert_allclose(cache.A[1], relu * D / 0.8, rtol=1e-14)
    assert cache.D[0] is None and cache.D[2] is None
    assert cache.keep_prob == (1.0, 0.8, 1.0)


@given(seeds, st.integers(1, 5), st.integers(1, 8), st.integers(1, 6), st.floats(0.2, 0.95))
@settings(max_examples=25, deadline=None)
def test_backward_uses_the_forward_mask(seed, n_x, n_h, m, keep_prob):
    P, X, Y = random_network(seed, [n_x, n_h, 1], m)
    _, cache = nl.forward_propagation(X, P, keep_prob=keep_prob, rng=np.random.default_rng(seed))
    grads = nl.backward_propagation(Y, cache, lambd=0.3)
    expected = ref_backward_one_hidden(X, Y, P, lambd=0.3, mask=cache.D[1], keep_prob=keep_prob)
    for key in expected:
        np.testing.assert_allclose(grads[key], expected[key], rtol=1e-10, atol=1e-14)


def test_dropped_unit_gets_no_gradient():
    P, X, Y = random_network(8, [3, 4, 1], 6)
    mask = np.ones((4, 6), dtype=bool)
    mask[2, :] = False        # unit 2 dropped for every example
    mask[0, 3] = False        # unit 0 dropped for example 3 only
    _, cache = nl.forward_propagation(X, P, keep_prob=0.5, masks=[None, mask, None])
    grads = nl.backward_propagation(Y, cache)
    assert not grads["dW1"][2].any() and grads["db1"][2, 0] == 0.0
    assert grads["dW2"][0, 2] == 0.0
    # example 3 contributes nothing through unit 0: removing it from the data changes
    # the unit's gradient only by the 1/m normalisation
    keep = [0, 1, 2, 4, 5]
    _, cache5 = nl.forward_propagation(X[:, keep], P, keep_prob=0.5, masks=[None, mask[:, keep], None])
    grads5 = nl.backward_propagation(Y[:, keep], cache5)
    np.testing.assert_allclose(grads["dW1"][0] * 6, grads5["dW1"][0] * 5, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grads["db1"][0] * 6, grads5["db1"][0] * 5, rtol=1e-12, atol=1e-15)


def test_predict_never_applies_dropout():
    P, X, _ = random_network(9, [2, 30, 30, 1], 40)
    ref_AL, _, _ = ref_forward(X, P)
    for _ in range(3):
        np.testing.assert_allclose(nl.predict_proba(X, P), ref_AL, rtol=1e-12)
        np.testing.assert_array_equal(nl.predict(X, P), (ref_AL > 0.5).astype(float))
    AL, cache = nl.forward_propagation(X, P)  # default keep_prob = 1: no masks, no rng needed
    assert all(d is None for d in cache.D)


def test_per_layer_keep_prob_sequence():
    P, X, _ = random_network(10, [3, 50, 60, 40, 1], 100)
    rng = np.random.default_rng(0)
    _, cache = nl.forward_propagation(X, P, keep_prob=[1.0, 0.5, 0.9], rng=rng)
    assert cache.keep_prob == (1.0, 1.0, 0.5, 0.9, 1.0)
    assert cache.D[1] is None
    for l, p in ((2, 0.5), (3, 0.9)):
        D = cache.D[l]
        assert abs(D.mean() - p) < 5 * math.sqrt(p * (1 - p) / D.size)
        relu = np.maximum(P[f"W{l}"] @ cache.A[l - 1] + P[f"b{l}"], 0.0)
        np.testing.assert_allclose(cache.A[l], relu * D / p, rtol=1e-13)
    np.testing.assert_allclose(cache.A[1], np.maximum(P["W1"] @ X + P["b1"], 0.0), rtol=1e-14)
    _, cache_t = nl.forward_propagation(X, P, keep_prob=(0.7, 0.7, 0.7), rng=rng)
    assert cache_t.keep_prob == (1.0, 0.7, 0.7, 0.7, 1.0)


def test_masks_replay_a_cache_exactly():
    P, X, Y = random_network(12, [4, 9, 7, 1], 11)
    AL, cache = nl.forward_propagation(X, P, keep_prob=0.6, rng=np.random.default_rng(1))
    AL2, cache2 = nl.forward_propagation(X, P, keep_prob=0.6, masks=cache.D)
    np.testing.assert_array_equal(AL, AL2)
    for l in range(3):
        np.testing.assert_array_equal(cache.A[l], cache2.A[l])
    g1 = nl.backward_propagation(Y, cache)
    g2 = nl.backward_propagation(Y, cache2)
    for key in g1:
        np.testing.assert_array_equal(g1[key], g2[key])
    # a mask given as 0/1 integers is read as a boolean mask
    int_masks = [None if d is None else d.astype(int) for d in cache.D]
    AL3, _ = nl.forward_propagation(X, P, keep_prob=0.6, masks=int_masks)
    np.testing.assert_array_equal(AL, AL3)


def test_masks_with_a_missing_layer_draw_it_from_rng():
    P, X, _ = random_network(13, [3, 6, 5, 1], 8)
    _, cache = nl.forward_propagation(X, P, keep_prob=0.5, rng=np.random.default_rng(0))
    partial = [None, cache.D[1], None, None]
    _, cache2 = nl.forward_propagation(X, P, keep_prob=0.5, masks=partial,
                                       rng=np.random.default_rng(99))
    np.testing.assert_array_equal(cache2.D[1], cache.D[1])
    assert cache2.D[2] is not None and cache2.D[2].shape == (5, 8)


def test_a_layer_kept_whole_needs_no_mask_in_a_gradient_check():
    # keep_prob 0.5 in hidden layer 1 and 1.0 in hidden layer 2: a mask is needed for
    # layer 1 only, so masks = [None, D1, None, None] is complete; without D1 it is not.
    P, X, Y = random_network(21, [3, 6, 5, 1], 8)
    D1 = np.random.default_rng(3).random((6, 8)) < 0.5
    result = nl.check_gradients(P, X, Y, keep_prob=[0.5, 1.0], masks=[None, D1, None, None])
    assert result.passed
    with pytest.raises(ValueError, match=re.escape("got None for layer(s) [1]")):
        nl.check_gradients(P, X, Y, keep_prob=[0.5, 1.0], masks=[None, None, None, None])


def test_inverted_dropout_with_a_given_mask_skips_the_draw():
    A = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    D = np.array([[1, 0, 1], [0, 0, 1]])
    out, mask = nl.inverted_dropout(A, 0.5, D=D)
    np.testing.assert_array_equal(out, [[2.0, 0.0, 6.0], [0.0, 0.0, 12.0]])
    assert mask.dtype == bool and mask.tolist() == (D == 1).tolist()


@pytest.mark.parametrize("D, expected", [(np.ones((3, 3)), r"shape \(2, 3\), got \(3, 3\)"),
                                         (np.full((2, 3), 0.5), "booleans or 0/1 values"),
                                         ("mask", r"shape \(2, 3\), got \(\)")])
def test_inverted_dropout_refuses_a_bad_mask(D, expected):
    with pytest.raises(ValueError, match="^D: expected " + expected):
        nl.inverted_dropout(np.ones((2, 3)), 0.5, D=D)


def test_inverted_dropout_without_a_mask_needs_a_generator():
    # None is the right type for an argument left out, as in forward_propagation: ValueError.
    with raises_exactly(ValueError, "rng: expected a numpy.random.Generator to draw the mask "
                                    "when no D is given, got None"):
        nl.inverted_dropout(np.ones((2, 3)), 0.5)


@pytest.mark.parametrize("rng, name", [(0, "int"), (np.random.RandomState(0), "RandomState"),
                                       ("seed", "str")])
def test_inverted_dropout_names_the_type_given_instead_of_a_generator(rng, name):
    message = f"rng: expected a numpy.random.Generator, got {name}"
    with raises_exactly(TypeError, message):
        nl.inverted_dropout(np.ones((2, 3)), 0.5, rng=rng)


@pytest.mark.parametrize("A", [np.ones(3), np.ones((1, 2, 3)), 1.0])
def test_inverted_dropout_needs_a_2d_array_of_activations(A):
    shape = np.shape(A)
    message = f"A: expected a 2-D array, got shape {shape}"
    with raises_exactly(ValueError, message):
        nl.inverted_dropout(A, 0.5, rng=np.random.default_rng(0))
