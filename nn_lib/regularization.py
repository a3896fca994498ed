"""L2 regularization and inverted dropout."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from ._validation import (check_array, check_int, check_keep_prob, check_nonnegative,
                          num_layers)

__all__ = ["l2_penalty", "inverted_dropout"]


def l2_penalty(parameters: Mapping[str, NDArray[np.float64]], lambd: float, m: int) -> float:
    r"""The L2 regularization term of the cost (the notes' equation 2).

    .. math:: \frac{\lambda}{2m} \sum_{l=1}^{L} \sum_k \sum_j \left(W^{[l]}_{kj}\right)^2

    Only weights are penalised, not biases, as in the notes. Its gradient
    with respect to :math:`W^{[l]}` is :math:`\frac{\lambda}{m} W^{[l]}`,
    the term :func:`nn_lib.backward_propagation` adds to ``dW``.

    Parameters
    ----------
    parameters : dict of str to ndarray
        ``W1, b1, ..., WL, bL``.
    lambd : float
        Regularization strength :math:`\lambda \ge 0` (``lambda`` is a Python keyword).
    m : int
        Number of examples the cost averages over, >= 1.

    Returns
    -------
    float
        The penalty (0.0 when ``lambd`` is 0).
    """
    lambd = check_nonnegative("lambd", lambd)
    m = check_int("m", m, 1)
    L = num_layers(parameters)
    weights = {f"W{l}": check_array(f"parameters['W{l}']", parameters[f"W{l}"])
               for l in range(1, L + 1)}
    return lambd / (2 * m) * _squared_weights(weights, L)


def _squared_weights(parameters: Mapping[str, NDArray[np.float64]], L: int) -> float:
    """The double sum of equation 2 without validation: every squared entry of W1 ... WL."""
    return sum(float(np.sum(np.square(parameters[f"W{l}"]))) for l in range(1, L + 1))


def inverted_dropout(A: NDArray[np.float64], keep_prob: float, rng: np.random.Generator
                     ) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    r"""Apply inverted dropout to the activations of one layer.

    The notes' four steps:

    1. draw :math:`U` with entries uniform on :math:`[0, 1)`, the shape of :math:`A^{[l]}`;
    2. keep a unit where :math:`U < p`: the mask :math:`D^{[l]} = (U < p)`, with
       :math:`p` = ``keep_prob``;
    3. shut the other units down: :math:`A^{[l]} \odot D^{[l]}`;
    4. divide by :math:`p`, so that the expected value of every activation
       is unchanged: :math:`\mathbb E[A^{[l]} \odot D^{[l]} / p] = A^{[l]}`.

    Parameters
    ----------
    A : ndarray of shape (n_l, m)
        Activations :math:`A^{[l]}` of a hidden layer.
    keep_prob : float
        Probability :math:`p \in (0, 1]` of keeping each unit.
    rng : numpy.random.Generator
        Source of the mask. Pass the same generator on every call, so that every
        call draws a fresh mask (re-seeding on every call is the notes' bug).

    Returns
    -------
    A_dropped : ndarray of shape (n_l, m)
        :math:`A^{[l]} \odot D^{[l]} / p`.
    D : ndarray of bool, shape (n_l, m)
        The mask :math:`D^{[l]}`; the backward pass must apply the same one.
    """
    A = check_array("A", A, ndim=2)
    keep_prob = check_keep_prob("keep_prob", keep_prob)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng: expected a numpy.random.Generator, got {type(rng).__name__}")
    D = rng.random(A.shape) < keep_prob
    return A * D / keep_prob, D
