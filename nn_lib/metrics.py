"""Evaluation of predicted labels."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validation import check_labels

__all__ = ["accuracy"]


def accuracy(Y_pred: ArrayLike, Y: ArrayLike) -> float:
    r"""Fraction of examples whose predicted label equals the true label.

    .. math:: \text{accuracy} = \frac{1}{m} \sum_{i=1}^m \mathbf 1\left[\hat y^{(i)} = y^{(i)}\right]

    Parameters
    ----------
    Y_pred : array_like of shape (1, m)
        Predicted labels, 0 or 1 (for example from :func:`nn_lib.predict`).
    Y : array_like of shape (1, m)
        True labels, 0 or 1.

    Returns
    -------
    float
        In [0, 1]. The two arguments play symmetric roles.
    """
    Y_pred = check_labels("Y_pred", Y_pred)
    Y = check_labels("Y", Y, m=Y_pred.shape[1])
    return float(np.mean(Y_pred == Y))
