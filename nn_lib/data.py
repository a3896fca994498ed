"""Seeded two-dimensional, two-class data sets in the notes' layout, made with NumPy only.

Every generator returns ``X`` of shape ``(2, m)`` (one example per column) and
``Y`` of shape ``(1, m)`` with float64 labels 0.0 and 1.0.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import NONNEGATIVE, Integer, Seed, check_rng, check_X_Y, validate_params

__all__ = ["make_moons", "make_curved_boundary", "make_regularization_data",
           "train_test_split"]

Array = NDArray[np.float64]


@validate_params(n_samples=Integer(2), noise=NONNEGATIVE)
def make_moons(n_samples: int = 300, noise: float = 0.2, seed: Seed = None
               ) -> tuple[Array, Array]:
    r"""Two interleaving half circles, the notes' optimization data.

    Class 0 lies on the upper half circle :math:`(\cos t, \sin t)`, class 1 on
    the lower one :math:`(1 - \cos t, \tfrac12 - \sin t)`, with :math:`t`
    evenly spaced in :math:`[0, \pi]`; Gaussian noise of standard deviation
    ``noise`` is added to both coordinates and the columns are shuffled.

    Parameters
    ----------
    n_samples : int
        Total number of points, >= 2; class 0 gets the extra point when odd.
    noise : float
        Standard deviation of the Gaussian noise, >= 0.
    seed : int, numpy.random.Generator or None
        Source of randomness.

    Returns
    -------
    X : ndarray of shape (2, n_samples)
    Y : ndarray of shape (1, n_samples)
    """
    rng = check_rng("seed", seed)
    n_upper = (n_samples + 1) // 2
    n_lower = n_samples - n_upper
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n_lower)
    X = np.hstack([np.vstack([np.cos(t_upper), np.sin(t_upper)]),
                   np.vstack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])])
    Y = np.hstack([np.zeros(n_upper), np.ones(n_lower)])[np.newaxis, :]
    X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(n_samples)
    return X[:, order], Y[:, order]


def _curved_boundary(x: Array) -> Array:
    """The true decision boundary of :func:`make_curved_boundary`: class 1 lies above it."""
    return 0.25 * np.sin(2.2 * x) + 0.15 * np.cos(4.0 * x)


@validate_params(n_samples=Integer(1), label_noise=NONNEGATIVE)
def make_curved_boundary(n_samples: int = 411, label_noise: float = 0.1, seed: Seed = None
                         ) -> tuple[Array, Array]:
    r"""Points on a square split by a wavy curve, with unreliable labels near the curve.

    Points are uniform on :math:`[-0.75, 0.75]^2`. The clean label is 1 above
    the curve :math:`x_2 = f(x_1) = 0.25 \sin(2.2 x_1) + 0.15 \cos(4 x_1)` and
    0 below. A point at vertical distance :math:`d = |x_2 - f(x_1)|` from the
    curve has its label flipped with probability

    .. math:: P(\text{flip}) = \tfrac12 \exp(-d / \text{label\_noise}),

    so labels are a coin toss on the curve and reliable far from it, as with
    real classes that overlap near their border. The best possible classifier
    is still the curve itself; a network that bends its boundary around the
    flipped points has learned noise.

    Parameters
    ----------
    n_samples : int
        Number of points, >= 1.
    label_noise : float
        Width of the band of unreliable labels, >= 0 (0: no flipped labels).
    seed : int, numpy.random.Generator or None
        Source of randomness.

    Returns
    -------
    X : ndarray of shape (2, n_samples)
    Y : ndarray of shape (1, n_samples)
    """
    rng = check_rng("seed", seed)
    X = rng.uniform(-0.75, 0.75, size=(2, n_samples))
    distance = X[1] - _curved_boundary(X[0])
    u = rng.random(n_samples)
    flipped = (u < 0.5 * np.exp(-np.abs(distance) / label_noise) if label_noise > 0
               else np.zeros(n_samples, dtype=bool))
    Y = ((distance > 0) ^ flipped).astype(np.float64)[np.newaxis, :]
    return X, Y


@validate_params(n_train=Integer(1), n_test=Integer(1))
def make_regularization_data(n_train: int = 211, n_test: int = 200, label_noise: float = 0.1,
                             seed: Seed = 2) -> tuple[Array, Array, Array, Array]:
    """The book's regularization data: :func:`make_curved_boundary` split 211 / 200.

    The sizes match the notes' data set (which we cannot ship); the points and
    therefore the accuracies differ from the notes' published ones.

    Parameters
    ----------
    n_train, n_test : int
        Sizes of the training and test sets, >= 1.
    label_noise : float
        Width of the band of unreliable labels near the boundary, >= 0
        (see :func:`make_curved_boundary`).
    seed : int, numpy.random.Generator or None
        Source of randomness; the default 2 gives the data used throughout the book.

    Returns
    -------
    X_train : ndarray of shape (2, n_train)
    Y_train : ndarray of shape (1, n_train)
    X_test : ndarray of shape (2, n_test)
    Y_test : ndarray of shape (1, n_test)
    """
    X, Y = make_curved_boundary(n_train + n_test, label_noise=label_noise, seed=seed)
    # Copies: slices would be views of one array (those of X not contiguous).
    return (X[:, :n_train].copy(), Y[:, :n_train].copy(), X[:, n_train:].copy(),
            Y[:, n_train:].copy())


@validate_params(n_test=Integer(1))
def train_test_split(X: ArrayLike, Y: ArrayLike, n_test: int, seed: Seed = None
                     ) -> tuple[Array, Array, Array, Array]:
    """Shuffle the columns of ``X`` and ``Y`` together and split off ``n_test`` of them.

    Parameters
    ----------
    X : array_like of shape (n_x, m)
    Y : array_like of shape (1, m)
        Labels, 0 or 1.
    n_test : int
        Number of test examples, in [1, m - 1].
    seed : int, numpy.random.Generator or None
        Source of randomness for the shuffle.

    Returns
    -------
    X_train : ndarray of shape (n_x, m - n_test)
    Y_train : ndarray of shape (1, m - n_test)
    X_test : ndarray of shape (n_x, n_test)
    Y_test : ndarray of shape (1, n_test)
    """
    X, Y = check_X_Y(X, Y)
    m = X.shape[1]
    if n_test >= m:
        raise ValueError(f"n_test: expected at most {m - 1} so that the training set is not "
                         f"empty, got {n_test}")
    order = check_rng("seed", seed).permutation(m)
    train, test = order[n_test:], order[:n_test]
    return X[:, train], Y[:, train], X[:, test], Y[:, test]
