"""Activation functions.

All functions act element-wise on arrays of any shape and return float64.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["sigmoid", "relu"]


def sigmoid(Z: ArrayLike) -> NDArray[np.float64]:
    r"""Logistic sigmoid, the formula itself.

    .. math:: \sigma(z) = \frac{1}{1 + e^{-z}}

    For :math:`z < -709.78`, :math:`e^{-z}` overflows to infinity and the
    result is :math:`1 / (1 + \infty) = 0`; NumPy's overflow warning for that
    case is silenced. So logits of any magnitude (``1e4``, ``-1e308``) give a
    result in :math:`[0, 1]` with no warning. For :math:`z \ge -709.78` the
    result is accurate to a few ulps. Below that it is 0, while the true
    :math:`\sigma(z) \approx e^{z}` is a subnormal number (under
    :math:`2.3 \times 10^{-308}`) down to :math:`z \approx -745`: an absolute
    error under :math:`10^{-307}`, but not the correctly rounded value there.
    The costs do not depend on it: :func:`nn_lib.compute_cost` clips, and
    :func:`nn_lib.compute_cost_from_logits` never forms :math:`\sigma(z)`.

    Parameters
    ----------
    Z : array_like
        Pre-activations, any shape.

    Returns
    -------
    ndarray
        :math:`\sigma(Z)`, same shape as ``Z``, float64 (a NumPy float64 scalar
        when ``Z`` is a scalar).
    """
    Z = np.asarray(Z, dtype=np.float64)
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-Z))


def relu(Z: ArrayLike) -> NDArray[np.float64]:
    r"""Rectified linear unit, :math:`\mathrm{relu}(z) = \max(0, z)`.

    Parameters
    ----------
    Z : array_like
        Pre-activations, any shape.

    Returns
    -------
    ndarray
        Same shape as ``Z``, float64 (a NumPy float64 scalar when ``Z`` is a scalar).
    """
    return np.maximum(np.asarray(Z, dtype=np.float64), 0.0)
