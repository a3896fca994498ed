"""Seeded data sets: two moons, the curved boundary, the regularization split, train_test_split."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn_lib as nl
from nn_lib_strategies import raises_exactly, seeds


@given(n=st.integers(2, 500), noise=st.floats(0, 1), seed=seeds)
@settings(max_examples=30, deadline=None)
def test_make_moons_shapes_and_label_balance(n, noise, seed):
    X, Y = nl.make_moons(n_samples=n, noise=noise, seed=seed)
    assert X.shape == (2, n) and Y.shape == (1, n)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert set(np.unique(Y)) <= {0.0, 1.0}
    assert int((Y == 0).sum()) == (n + 1) // 2     # class 0 gets the extra point
    assert int((Y == 1).sum()) == n // 2


@pytest.mark.parametrize("n", [2, 3, 10, 301])
def test_make_moons_without_noise_lies_on_the_half_circles(n):
    X, Y = nl.make_moons(n_samples=n, noise=0.0, seed=1)
    upper, lower = X[:, Y[0] == 0], X[:, Y[0] == 1]
    # class 0: (cos t, sin t); class 1: (1 - cos t, 1/2 - sin t), t in [0, pi]
    np.testing.assert_allclose(upper[0] ** 2 + upper[1] ** 2, 1.0, rtol=1e-14)
    assert np.all(upper[1] >= -1e-15)
    np.testing.assert_allclose((lower[0] - 1) ** 2 + (lower[1] - 0.5) ** 2, 1.0, rtol=1e-14)
    assert np.all(lower[1] <= 0.5 + 1e-15)
    # the angles are evenly spaced over [0, pi]
    t_upper = np.sort(np.arctan2(upper[1], upper[0]))
    t_lower = np.sort(np.arctan2(0.5 - lower[1], 1 - lower[0]))
    np.testing.assert_allclose(t_upper, np.linspace(0, math.pi, upper.shape[1]), atol=1e-12)
    np.testing.assert_allclose(t_lower, np.linspace(0, math.pi, lower.shape[1]), atol=1e-12)


def test_make_moons_noise_is_gaussian_with_the_given_scale():
    clean, _ = nl.make_moons(n_samples=40_000, noise=0.0, seed=0)
    noisy, _ = nl.make_moons(n_samples=40_000, noise=0.2, seed=0)
    n = 40_000
    # the mean of the clean points is (1/2, 1/4); noise has mean 0 and variance 0.04
    np.testing.assert_allclose(clean.mean(axis=1), [0.5, 0.25], atol=1e-3)
    assert np.all(np.abs(noisy.mean(axis=1) - clean.mean(axis=1)) < 5 * 0.2 / math.sqrt(n))
    np.testing.assert_allclose(noisy.var(axis=1), clean.var(axis=1) + 0.04, rtol=0.03)


def test_make_moons_is_seeded_and_shuffled():
    a = nl.make_moons(100, seed=4)
    b = nl.make_moons(100, seed=4)
    c = nl.make_moons(100, seed=5)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    assert 0 < a[1][0, :50].sum() < 50  # classes are mixed, not in blocks
    g1 = nl.make_moons(50, seed=np.random.default_rng(3))
    g2 = nl.make_moons(50, seed=np.random.default_rng(3))
    np.testing.assert_array_equal(g1[0], g2[0])


def test_make_curved_boundary_without_label_noise_follows_the_curve():
    X, Y = nl.make_curved_boundary(n_samples=2000, label_noise=0.0, seed=2)
    assert X.shape == (2, 2000) and Y.shape == (1, 2000)
    assert np.all(np.abs(X) <= 0.75)
    curve = 0.25 * np.sin(2.2 * X[0]) + 0.15 * np.cos(4.0 * X[0])
    np.testing.assert_array_equal(Y[0], (X[1] > curve).astype(float))


def test_make_curved_boundary_without_label_noise_warns_about_nothing():
    # label_noise = 0 means no flips; dividing the distances by it would warn (and give NaN
    # for a point exactly on the curve).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X, Y = nl.make_curved_boundary(n_samples=50, label_noise=0.0, seed=4)
    curve = 0.25 * np.sin(2.2 * X[0]) + 0.15 * np.cos(4.0 * X[0])
    np.testing.assert_array_equal(Y[0], (X[1] > curve).astype(float))


@pytest.mark.parametrize("width", [0.05, 0.1, 0.3])
def test_make_curved_boundary_flips_labels_near_the_curve(width):
    # documented: a point at vertical distance d from the curve is flipped with
    # probability exp(-d / label_noise) / 2, independently given the points
    n = 40_000
    X, Y = nl.make_curved_boundary(n_samples=n, label_noise=width, seed=3)
    curve = 0.25 * np.sin(2.2 * X[0]) + 0.15 * np.cos(4.0 * X[0])
    d = np.abs(X[1] - curve)
    flipped = Y[0] != (X[1] > curve)
    p = 0.5 * np.exp(-d / width)
    assert abs(flipped.sum() - p.sum()) < 5 * math.sqrt(np.sum(p * (1 - p)))
    near = d < 0.1 * width          # flip probability in (0.45, 0.5]
    assert abs(flipped[near].mean() - p[near].mean()) < 5 * math.sqrt(0.25 / near.sum())
    assert not flipped[d > 30 * width].any()   # probability below 5e-14 each
    # points are uniform on the square: mean 0, variance 1.5^2 / 12
    np.testing.assert_allclose(X.mean(axis=1), 0.0, atol=5 * 0.433 / math.sqrt(n))
    np.testing.assert_allclose(X.var(axis=1), 1.5 ** 2 / 12, rtol=0.03)


def test_make_regularization_data_shapes_and_labels():
    X_train, Y_train, X_test, Y_test = nl.make_regularization_data()
    assert X_train.shape == (2, 211) and Y_train.shape == (1, 211)
    assert X_test.shape == (2, 200) and Y_test.shape == (1, 200)
    for Y in (Y_train, Y_test):
        assert set(np.unique(Y)) == {0.0, 1.0}
    again = nl.make_regularization_data(seed=2)
    np.testing.assert_array_equal(again[0], X_train)   # the documented default seed is 2
    np.testing.assert_array_equal(again[3], Y_test)
    other = nl.make_regularization_data(seed=3)
    assert not np.array_equal(other[0], X_train)
    small = nl.make_regularization_data(n_train=5, n_test=3, label_noise=0.0, seed=0)
    assert [a.shape[1] for a in small] == [5, 5, 3, 3]
    # train and test points are distinct draws
    assert not np.any(np.all(X_train[:, :, None] == X_test[:, None, :], axis=0))
    # four independent, contiguous arrays, not views into one
    assert all(a.flags.c_contiguous and a.flags.owndata for a in (X_train, Y_train, X_test, Y_test))


@given(m=st.integers(2, 200), frac=st.floats(0, 1), seed=seeds)
@settings(max_examples=30, deadline=None)
def test_train_test_split_partitions_the_columns(m, frac, seed):
    ids = np.arange(m, dtype=float)
    X = np.vstack([ids, -ids, ids ** 2])
    Y = (np.arange(m) % 2).astype(float)[np.newaxis, :]
    n_test = min(m - 1, max(1, int(frac * m)))
    X_tr, Y_tr, X_te, Y_te = nl.train_test_split(X, Y, n_test, seed=seed)
    assert X_te.shape == (3, n_test) and Y_te.shape == (1, n_test)
    assert X_tr.shape == (3, m - n_test) and Y_tr.shape == (1, m - n_test)
    train_ids, test_ids = X_tr[0], X_te[0]
    assert not set(train_ids) & set(test_ids)                          # disjoint
    np.testing.assert_array_equal(np.sort(np.concatenate([train_ids, test_ids])), ids)  # union
    for Xs, Ys in ((X_tr, Y_tr), (X_te, Y_te)):
        np.testing.assert_array_equal(Xs[1], -Xs[0])                    # columns whole
        np.testing.assert_array_equal(Ys[0], Xs[0] % 2)                 # X and Y paired


@pytest.mark.parametrize("n_test", [10, 11, 1000])
def test_train_test_split_refuses_an_empty_training_set_saying_the_largest_n_test(n_test):
    X, Y = nl.make_moons(10, seed=0)
    message = (f"n_test: expected at most 9 so that the training set is not empty, "
               f"got {n_test}")
    with raises_exactly(ValueError, message):
        nl.train_test_split(X, Y, n_test, seed=0)
    assert nl.train_test_split(X, Y, 9, seed=0)[0].shape == (2, 1)   # 9 is allowed


def test_train_test_split_is_seeded():
    X, Y = nl.make_moons(50, seed=0)
    a = nl.train_test_split(X, Y, 10, seed=1)
    b = nl.train_test_split(X, Y, 10, seed=1)
    c = nl.train_test_split(X, Y, 10, seed=2)
    np.testing.assert_array_equal(a[2], b[2])
    assert not np.array_equal(a[2], c[2])


def test_data_defaults_are_the_books_settings():
    # The defaults define the book's data sets: pin them against explicit values.
    for got, expected in zip(nl.make_regularization_data(),
                             nl.make_regularization_data(211, 200, label_noise=0.1, seed=2)):
        np.testing.assert_array_equal(got, expected)
    for got, expected in zip(nl.make_moons(seed=5), nl.make_moons(300, noise=0.2, seed=5)):
        np.testing.assert_array_equal(got, expected)
    for got, expected in zip(nl.make_curved_boundary(seed=5),
                             nl.make_curved_boundary(411, label_noise=0.1, seed=5)):
        np.testing.assert_array_equal(got, expected)
