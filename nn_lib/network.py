"""Forward and backward propagation for LINEAR->RELU x (L-1) -> LINEAR->SIGMOID networks.

The functions here check their arguments and then call the equations in
:mod:`nn_lib._core`. :func:`forward_propagation` and :func:`backward_propagation`
carry the docstring of their core function (via :func:`functools.wraps`), so
that the API page shows the equations and their **[source]** links lead to the
code that computes them; :func:`predict_proba` and :func:`predict` run the
checked forward pass without dropout.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _core
from ._core import ForwardCache
from ._validation import (NONNEGATIVE, PROBABILITY, Real, check_array, check_labels, check_mask,
                          check_parameters, validate_params)

__all__ = ["ForwardCache", "forward_propagation", "backward_propagation", "predict",
           "predict_proba"]

Array = NDArray[np.float64]
Mask = NDArray[np.bool_]


def check_keep_prob(keep_prob: object, L: int) -> float | list[float]:
    """One probability in (0, 1], or one per hidden layer (a sequence or a 1-D array)."""
    if (isinstance(keep_prob, Sequence) and not isinstance(keep_prob, str)
            or isinstance(keep_prob, np.ndarray) and keep_prob.ndim == 1):
        if len(keep_prob) != L - 1:
            raise ValueError(f"keep_prob: expected a number or one probability per hidden "
                             f"layer ({L - 1}), got a sequence of length {len(keep_prob)}")
        return [PROBABILITY(f"keep_prob[{i}]", p) for i, p in enumerate(keep_prob)]
    return PROBABILITY("keep_prob", keep_prob)


def check_masks(masks: object, parameters: Mapping[str, Array], m: int,
                keep_prob: tuple[float, ...]) -> tuple[list[Mask | None], list[int]]:
    """Validated masks indexed by layer, and the hidden layers with keep_prob < 1 but no mask."""
    L = len(keep_prob) - 1
    if not isinstance(masks, Sequence) or len(masks) != L + 1:
        raise ValueError(f"masks: expected a list of {L + 1} entries indexed by layer (None or "
                         f"a boolean array for each hidden layer), got {masks!r:.80}")
    checked: list[Mask | None] = []
    for l, mask in enumerate(masks):
        if mask is None:
            checked.append(None)
            continue
        if l in (0, L):
            raise ValueError(f"masks[{l}]: expected None (no dropout on the input or output "
                             f"layer), got an array")
        checked.append(check_mask(f"masks[{l}]", mask, (parameters[f"W{l}"].shape[0], m)))
    missing = [l for l in range(1, L) if keep_prob[l] < 1 and checked[l] is None]
    return checked, missing


def check_rng(rng: object) -> np.random.Generator | None:
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng: expected a numpy.random.Generator, got {type(rng).__name__}")
    return rng


@functools.wraps(_core.forward_propagation)
def forward_propagation(X: ArrayLike, parameters: Mapping[str, ArrayLike],
                        keep_prob: float | Sequence[float] = 1.0,
                        rng: np.random.Generator | None = None,
                        masks: Sequence[ArrayLike | None] | None = None
                        ) -> tuple[Array, ForwardCache]:
    X = check_array("X", X, ndim=2)
    params = check_parameters(parameters, n_x=X.shape[0])
    L = len(params) // 2
    keep_prob = check_keep_prob(keep_prob, L)
    rng = check_rng(rng)
    probs = _core.keep_probabilities(keep_prob, L)
    checked_masks = None
    if masks is not None:
        checked_masks, missing = check_masks(masks, params, X.shape[1], probs)
        if missing and rng is None:
            raise ValueError(f"masks: expected a mask for every hidden layer with keep_prob < 1 "
                             f"(or an rng to draw it), got None for layer(s) {missing}")
    elif min(probs) < 1 and rng is None:
        raise ValueError("rng: expected a numpy.random.Generator to draw dropout masks "
                         "when keep_prob < 1, got None")
    # Weights that are finite one by one can still overflow together; the error below
    # says so, where NumPy would only warn and hand a NaN (or a wrong label) downstream.
    with np.errstate(over="ignore", invalid="ignore"):
        AL, cache = _core.forward_propagation(X, params, keep_prob, rng, checked_masks)
    check_finite_logits(cache)
    return AL, cache


def check_finite_logits(cache: ForwardCache) -> None:
    """Raise ValueError naming ``parameters`` if the output layer's logits are not all finite."""
    if not np.isfinite(cache.Z[-1]).all():
        raise ValueError("parameters: expected parameters whose forward pass stays finite, "
                         "got logits that overflow float64")


@functools.wraps(_core.backward_propagation)
@validate_params(lambd=NONNEGATIVE)
def backward_propagation(Y: ArrayLike, cache: ForwardCache, lambd: float = 0.0
                         ) -> dict[str, Array]:
    if not isinstance(cache, ForwardCache):
        raise TypeError(f"cache: expected the ForwardCache returned by forward_propagation, "
                        f"got {type(cache).__name__}")
    Y = check_labels("Y", Y, m=cache.A[0].shape[1])
    return _core.backward_propagation(Y, cache, lambd)


def predict_proba(X: ArrayLike, parameters: Mapping[str, ArrayLike]) -> Array:
    r"""Output probabilities :math:`A^{[L]} = P(y = 1 \mid x)` without dropout.

    Parameters
    ----------
    X : array_like of shape (n_x, m)
    parameters : dict of str to array_like

    Returns
    -------
    ndarray of shape (1, m)
    """
    AL, _ = forward_propagation(X, parameters)
    return AL


@validate_params(threshold=Real(0.0, 1.0, closed="neither"))
def predict(X: ArrayLike, parameters: Mapping[str, ArrayLike], threshold: float = 0.5) -> Array:
    r"""Predicted labels: 1 where :math:`A^{[L]} >` ``threshold``, else 0.

    Dropout is never applied at prediction time: inverted dropout already
    scaled the training activations so that none is needed. An output exactly
    equal to the threshold is labelled 0.

    Parameters
    ----------
    X : array_like of shape (n_x, m)
    parameters : dict of str to array_like
    threshold : float
        In (0, 1).

    Returns
    -------
    ndarray of shape (1, m)
        0.0 or 1.0, float64 like the labels ``Y``.
    """
    return (predict_proba(X, parameters) > threshold).astype(np.float64)
