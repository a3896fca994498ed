"""Binary cross-entropy cost, plain and L2-regularized."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import check_array, check_label_values, check_nonnegative
from .regularization import l2_penalty

__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits", "compute_cost",
           "compute_cost_from_logits", "PROBABILITY_EPSILON"]

#: Probabilities are clipped to ``[PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON]``
#: before the logarithm in :func:`binary_cross_entropy`, so a saturated output of
#: exactly 0 or 1 costs at most ``-log(1e-15)``, about 34.5, instead of infinity.
PROBABILITY_EPSILON = 1e-15


def _cross_entropy(AL: NDArray[np.float64], Y: NDArray[np.float64]) -> float:
    p = np.clip(AL, PROBABILITY_EPSILON, 1.0 - PROBABILITY_EPSILON)
    return float(-np.mean(Y * np.log(p) + (1.0 - Y) * np.log1p(-p)))


def _cross_entropy_with_logits(ZL: NDArray[np.float64], Y: NDArray[np.float64]) -> float:
    # log(1 + e^z) - y z equals -[y log sigma(z) + (1 - y) log(1 - sigma(z))] exactly,
    # and logaddexp never overflows.
    return float(np.mean(np.logaddexp(0.0, ZL) - Y * ZL))


def _check_prediction(name: str, A: ArrayLike, Y: ArrayLike
                      ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    A = check_array(name, A, ndim=2, rows=1)
    Y = check_array("Y", Y, ndim=2, rows=1)
    if Y.shape != A.shape:
        raise ValueError(f"Y: expected shape {A.shape} to match {name}, got shape {Y.shape}")
    return A, check_label_values("Y", Y)


def binary_cross_entropy(AL: ArrayLike, Y: ArrayLike) -> float:
    r"""Cross-entropy cost of sigmoid outputs (the notes' equation 1).

    .. math:: J = -\frac{1}{m} \sum_{i=1}^{m} \left( y^{(i)} \log a^{[L](i)}
              + (1 - y^{(i)}) \log\left(1 - a^{[L](i)}\right) \right)

    Outputs are clipped to ``[1e-15, 1 - 1e-15]`` (:data:`PROBABILITY_EPSILON`)
    so that a saturated network gives a large finite cost, not infinity. Use
    :func:`binary_cross_entropy_with_logits` for the exact value.

    Parameters
    ----------
    AL : array_like of shape (1, m)
        Predicted probabilities :math:`A^{[L]}` in :math:`[0, 1]`.
    Y : array_like of shape (1, m)
        Labels, 0 or 1.

    Returns
    -------
    float
    """
    AL, Y = _check_prediction("AL", AL, Y)
    if np.any((AL < 0) | (AL > 1)):
        raise ValueError("AL: expected probabilities in [0, 1], got values outside it")
    return _cross_entropy(AL, Y)


def binary_cross_entropy_with_logits(ZL: ArrayLike, Y: ArrayLike) -> float:
    r"""Equation 1 computed from the logits :math:`Z^{[L]}`, exact and overflow-free.

    With :math:`a = \sigma(z)`,
    :math:`-[y \log a + (1-y)\log(1-a)] = \log(1 + e^{z}) - y z`, and
    :math:`\log(1 + e^z)` is evaluated with :func:`numpy.logaddexp`, so the
    cost stays finite and exact for logits of any magnitude.

    Parameters
    ----------
    ZL : array_like of shape (1, m)
        Logits of the output layer.
    Y : array_like of shape (1, m)
        Labels, 0 or 1.

    Returns
    -------
    float
    """
    ZL, Y = _check_prediction("ZL", ZL, Y)
    return _cross_entropy_with_logits(ZL, Y)


def compute_cost(AL: ArrayLike, Y: ArrayLike,
                 parameters: Mapping[str, NDArray[np.float64]] | None = None,
                 lambd: float = 0.0) -> float:
    r"""Cross-entropy cost, with the L2 term when ``lambd > 0`` (the notes' equation 2).

    .. math:: J_{\text{regularized}} = J + \frac{\lambda}{2m} \sum_l \sum_k \sum_j \left(W^{[l]}_{kj}\right)^2

    Parameters
    ----------
    AL : array_like of shape (1, m)
        Predicted probabilities.
    Y : array_like of shape (1, m)
        Labels, 0 or 1.
    parameters : dict of str to ndarray, optional
        Needed when ``lambd > 0``.
    lambd : float
        L2 strength :math:`\lambda \ge 0`.

    Returns
    -------
    float
        See :func:`binary_cross_entropy` for how saturated outputs are handled.
    """
    cost = binary_cross_entropy(AL, Y)
    return cost + _penalty(parameters, lambd, np.shape(Y)[1])


def compute_cost_from_logits(ZL: ArrayLike, Y: ArrayLike,
                             parameters: Mapping[str, NDArray[np.float64]] | None = None,
                             lambd: float = 0.0) -> float:
    r"""Like :func:`compute_cost`, but from the logits :math:`Z^{[L]}`: exact at any magnitude.

    Parameters
    ----------
    ZL : array_like of shape (1, m)
        Logits of the output layer.
    Y : array_like of shape (1, m)
        Labels, 0 or 1.
    parameters : dict of str to ndarray, optional
        Needed when ``lambd > 0``.
    lambd : float
        L2 strength :math:`\lambda \ge 0`.

    Returns
    -------
    float
    """
    cost = binary_cross_entropy_with_logits(ZL, Y)
    return cost + _penalty(parameters, lambd, np.shape(Y)[1])


def _penalty(parameters: Mapping[str, NDArray[np.float64]] | None, lambd: float, m: int) -> float:
    lambd = check_nonnegative("lambd", lambd)
    if lambd == 0:
        return 0.0
    if parameters is None:
        raise ValueError("parameters: expected the parameter dict when lambd > 0, got None")
    return l2_penalty(parameters, lambd, m)
