"""Activation functions.

All functions act element-wise on arrays of any shape and return float64.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["sigmoid", "relu"]


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
