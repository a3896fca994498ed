"""Activation functions and their derivatives.

All functions act element-wise on arrays of any shape and return float64.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["sigmoid", "relu", "relu_derivative", "sigmoid_derivative"]


def sigmoid(Z: ArrayLike) -> NDArray[np.float64]:
    r"""Logistic sigmoid, computed without overflow.

    .. math:: \sigma(z) = \frac{1}{1 + e^{-z}}

    The exponential is only taken of :math:`-|z|`, so it never overflows:
    logits of any magnitude (``1e4``, ``-1e308``) give a result in
    :math:`[0, 1]`, accurate to a few ulps, with no overflow, division or
    invalid-value warning. (For :math:`|z| > 745` the tiny term underflows to
    0, the correctly rounded value; NumPy ignores underflow by default.)

    Parameters
    ----------
    Z : array_like
        Pre-activations, any shape.

    Returns
    -------
    ndarray
        :math:`\sigma(Z)`, same shape as ``Z``.
    """
    Z = np.asarray(Z, dtype=np.float64)
    e = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1.0, e) / (1.0 + e)


def sigmoid_derivative(Z: ArrayLike) -> NDArray[np.float64]:
    r"""Derivative of the sigmoid, :math:`\sigma'(z) = \sigma(z)\,(1 - \sigma(z)) = \sigma(z)\,\sigma(-z)`.

    The second form keeps its accuracy for large :math:`|z|`, where
    :math:`1 - \sigma(z)` would round to 0.

    Parameters
    ----------
    Z : array_like
        Pre-activations, any shape.

    Returns
    -------
    ndarray
        Same shape as ``Z``.
    """
    Z = np.asarray(Z, dtype=np.float64)
    return sigmoid(Z) * sigmoid(-Z)


def relu(Z: ArrayLike) -> NDArray[np.float64]:
    r"""Rectified linear unit, :math:`\mathrm{relu}(z) = \max(0, z)`.

    Parameters
    ----------
    Z : array_like
        Pre-activations, any shape.

    Returns
    -------
    ndarray
        Same shape as ``Z``.
    """
    return np.maximum(np.asarray(Z, dtype=np.float64), 0.0)


def relu_derivative(Z: ArrayLike) -> NDArray[np.float64]:
    r"""Derivative of ReLU: 1 where :math:`z > 0`, else 0.

    At :math:`z = 0` the function has no derivative; like the notes we use 0
    there (a valid subgradient).

    Parameters
    ----------
    Z : array_like
        Pre-activations, any shape.

    Returns
    -------
    ndarray
        Same shape as ``Z``, entries 0.0 or 1.0.
    """
    return (np.asarray(Z) > 0).astype(np.float64)
