"""Forward and backward propagation for LINEAR->RELU x (L-1) -> LINEAR->SIGMOID networks."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import (check_array, check_keep_prob, check_labels, check_nonnegative,
                          check_parameters, check_real)
from .activations import sigmoid

__all__ = ["ForwardCache", "forward_propagation", "backward_propagation", "predict",
           "predict_proba"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class ForwardCache:
    r"""What the forward pass stores for the backward pass.

    Lists are indexed by layer, so ``Z[l]`` is :math:`Z^{[l]}`.

    Attributes
    ----------
    A : list of ndarray
        ``A[0]`` is ``X``; ``A[l]`` of shape (n_l, m) is the activation of layer
        ``l`` *after* dropout, as the next layer saw it; ``A[L]`` is the output.
    Z : list of ndarray
        ``Z[l]`` of shape (n_l, m); ``Z[0]`` is None.
    D : list of ndarray or None
        ``D[l]``, the boolean dropout mask of hidden layer ``l``, or None
        where no dropout was applied (always None for ``l = 0`` and ``l = L``).
    keep_prob : tuple of float
        ``keep_prob[l]`` for ``l = 0..L``; 1.0 for the input and output layers.
    parameters : dict of str to ndarray
        The parameters used.
    """

    A: list[Array]
    Z: list[Array | None]
    D: list[NDArray[np.bool_] | None]
    keep_prob: tuple[float, ...]
    parameters: Mapping[str, Array]


def _keep_probs(keep_prob: float | Sequence[float], L: int) -> tuple[float, ...]:
    """Per-layer keep probabilities ``(1.0, p_1, ..., p_{L-1}, 1.0)``."""
    if type(keep_prob) is float or type(keep_prob) is int or (
            isinstance(keep_prob, numbers.Real) and not isinstance(keep_prob, bool)):
        hidden = [check_keep_prob("keep_prob", keep_prob)] * (L - 1)
    elif isinstance(keep_prob, Sequence) and not isinstance(keep_prob, str):
        if len(keep_prob) != L - 1:
            raise ValueError(f"keep_prob: expected a number or one probability per hidden "
                             f"layer ({L - 1}), got {len(keep_prob)} values")
        hidden = [check_keep_prob(f"keep_prob[{i}]", p) for i, p in enumerate(keep_prob)]
    else:
        raise TypeError(f"keep_prob: expected a probability in (0, 1] or a sequence of them, "
                        f"got {keep_prob!r}")
    return (1.0, *hidden, 1.0)


def _forward(X: Array, parameters: Mapping[str, Array], keep_prob: tuple[float, ...],
             rng: np.random.Generator | None,
             masks: Sequence[NDArray[np.bool_] | None] | None = None) -> ForwardCache:
    """Forward pass without validation; ``keep_prob`` comes from :func:`_keep_probs`."""
    L = len(keep_prob) - 1
    A, Z, D = [X], [None], [None]
    for l in range(1, L + 1):
        z = parameters[f"W{l}"] @ A[-1] + parameters[f"b{l}"]
        if l == L:
            a, mask = sigmoid(z), None
        else:
            a = np.maximum(z, 0.0)
            p = keep_prob[l]
            mask = masks[l] if masks is not None else None
            if mask is None and p < 1.0:
                mask = rng.random(a.shape) < p  # type: ignore[union-attr]
            if mask is not None:
                a = a * mask / p
        A.append(a)
        Z.append(z)
        D.append(mask)
    return ForwardCache(A=A, Z=Z, D=D, keep_prob=keep_prob, parameters=parameters)


def _backward(Y: Array, cache: ForwardCache, l2: float,
              out: dict[str, Array] | None = None) -> dict[str, Array]:
    """Backward pass without validation; ``l2`` is the coefficient lambda / m of W in dW.

    With ``out`` (arrays ``dW1, db1, ...`` of the right shapes) the gradients are
    written there instead of into new arrays.
    """
    L = len(cache.Z) - 1
    m = Y.shape[1]
    parameters = cache.parameters
    grads = {key: None for l in range(1, L + 1) for key in (f"dW{l}", f"db{l}")}
    # Dividing dZ^{[L]} by m once carries the 1/m of every dW and db down the layers.
    dZ = (cache.A[L] - Y) / m
    for l in range(L, 0, -1):
        W = parameters[f"W{l}"]
        dW = np.matmul(dZ, cache.A[l - 1].T, out=None if out is None else out[f"dW{l}"])
        if l2:
            dW += l2 * W
        grads[f"dW{l}"] = dW
        grads[f"db{l}"] = np.add.reduce(dZ, axis=1, keepdims=True,
                                        out=None if out is None else out[f"db{l}"])
        if l > 1:
            dA = W.T @ dZ
            mask = cache.D[l - 1]
            if mask is not None:
                dA = dA * mask / cache.keep_prob[l - 1]
            dZ = dA * (cache.Z[l - 1] > 0)  # type: ignore[operator]
    return grads  # type: ignore[return-value]


def _check_masks(masks: object, parameters: Mapping[str, Array], m: int,
                 keep_prob: tuple[float, ...]) -> tuple[list[NDArray[np.bool_] | None], list[int]]:
    """Validated masks indexed by layer, and the hidden layers with keep_prob < 1 but no mask."""
    L = len(keep_prob) - 1
    cache_shapes = [(parameters[f"W{l}"].shape[0], m) for l in range(1, L + 1)]
    if not isinstance(masks, Sequence) or len(masks) != L + 1:
        raise ValueError(f"masks: expected a list of {L + 1} entries indexed by layer (None or "
                         f"a boolean array for each hidden layer), got {masks!r:.80}")
    checked: list[NDArray[np.bool_] | None] = []
    for l, mask in enumerate(masks):
        if mask is None:
            checked.append(None)
            continue
        if l in (0, L):
            raise ValueError(f"masks[{l}]: expected None (no dropout on the input or output "
                             f"layer), got an array")
        mask = np.asarray(mask)
        if mask.shape != cache_shapes[l - 1]:
            raise ValueError(f"masks[{l}]: expected shape {cache_shapes[l - 1]}, got {mask.shape}")
        if mask.dtype != bool and not np.all((mask == 0) | (mask == 1)):
            raise ValueError(f"masks[{l}]: expected booleans or 0/1 values, got other values")
        checked.append(mask.astype(bool))
    missing = [l for l in range(1, L) if keep_prob[l] < 1 and checked[l] is None]
    return checked, missing


def forward_propagation(X: ArrayLike, parameters: Mapping[str, ArrayLike],
                        keep_prob: float | Sequence[float] = 1.0,
                        rng: np.random.Generator | None = None,
                        masks: Sequence[ArrayLike | None] | None = None
                        ) -> tuple[Array, ForwardCache]:
    r"""Forward pass of LINEAR->RELU (x L-1) -> LINEAR->SIGMOID, with optional inverted dropout.

    For :math:`l = 1, \dots, L`:

    .. math::
        Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}, \qquad
        A^{[l]} = \begin{cases} \mathrm{relu}(Z^{[l]}) \odot D^{[l]} / p^{[l]} & l < L \\
                                \sigma(Z^{[L]}) & l = L \end{cases}

    with :math:`A^{[0]} = X`. Dropout (:func:`nn_lib.inverted_dropout`) acts on
    the hidden layers only; with ``keep_prob=1`` there are no masks.

    Parameters
    ----------
    X : array_like of shape (n_x, m)
        Inputs, one example per column.
    parameters : dict of str to array_like
        ``W1, b1, ..., WL, bL``; ``WL`` must have one row.
    keep_prob : float or sequence of float
        Probability of keeping a hidden unit, in (0, 1]: one number for all hidden
        layers, or one per hidden layer.
    rng : numpy.random.Generator, optional
        Draws the dropout masks; required when some ``keep_prob < 1`` and ``masks``
        is not given. Keep passing the same generator: each call draws new masks.
    masks : list, optional
        Fixed masks indexed by layer (``masks[l]`` boolean, shape (n_l, m), or None),
        for instance ``cache.D`` of an earlier pass. Used to hold the thinned network
        fixed, as gradient checking with dropout requires.

    Returns
    -------
    AL : ndarray of shape (1, m)
        Output probabilities :math:`A^{[L]}`.
    cache : ForwardCache
        Everything :func:`backward_propagation` needs, masks included.
    """
    X = check_array("X", X, ndim=2)
    params = check_parameters(parameters, n_x=X.shape[0])
    L = len(params) // 2
    probs = _keep_probs(keep_prob, L)
    checked_masks = None
    if masks is not None:
        checked_masks, missing = _check_masks(masks, params, X.shape[1], probs)
        if missing and rng is None:
            raise ValueError(f"masks: expected a mask for every hidden layer with keep_prob < 1 "
                             f"(or an rng to draw it), got None for layer(s) {missing}")
    elif any(p < 1 for p in probs) and rng is None:
        raise ValueError("rng: expected a numpy.random.Generator to draw dropout masks "
                         "when keep_prob < 1, got None")
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng: expected a numpy.random.Generator, got {type(rng).__name__}")
    cache = _forward(X, params, probs, rng, checked_masks)
    return cache.A[-1], cache


def backward_propagation(Y: ArrayLike, cache: ForwardCache, lambd: float = 0.0) -> dict[str, Array]:
    r"""Gradients of the (regularized) cost with respect to every parameter.

    Starting from :math:`dZ^{[L]} = A^{[L]} - Y`, for :math:`l = L, \dots, 1`:

    .. math::
        dW^{[l]} = \frac{1}{m} dZ^{[l]} A^{[l-1]T} + \frac{\lambda}{m} W^{[l]}, \qquad
        db^{[l]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[l](i)},

    .. math::
        dA^{[l-1]} = W^{[l]T} dZ^{[l]} \odot D^{[l-1]} / p^{[l-1]}, \qquad
        dZ^{[l-1]} = dA^{[l-1]} \odot \mathbf 1[Z^{[l-1]} > 0].

    The dropout masks :math:`D^{[l]}` are the ones stored in ``cache``, so the
    backward pass shuts down exactly the units the forward pass shut down.

    Parameters
    ----------
    Y : array_like of shape (1, m)
        Labels, 0 or 1.
    cache : ForwardCache
        From :func:`forward_propagation`.
    lambd : float
        L2 strength :math:`\lambda \ge 0`.

    Returns
    -------
    dict of str to ndarray
        ``{"dW1": ..., "db1": ..., ..., "dWL": ..., "dbL": ...}``, each the shape of
        its parameter.
    """
    if not isinstance(cache, ForwardCache):
        raise TypeError(f"cache: expected the ForwardCache returned by forward_propagation, "
                        f"got {type(cache).__name__}")
    m = cache.A[0].shape[1]
    Y = check_labels("Y", Y, m=m)
    lambd = check_nonnegative("lambd", lambd)
    return _backward(Y, cache, lambd / m)


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


def predict(X: ArrayLike, parameters: Mapping[str, ArrayLike], threshold: float = 0.5) -> Array:
    r"""Predicted labels: 1 where :math:`A^{[L]} > ` ``threshold``, else 0.

    Dropout is never applied at prediction time: inverted dropout already
    scaled the training activations so that none is needed.

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
    threshold = check_real("threshold", threshold)
    if not 0 < threshold < 1:
        raise ValueError(f"threshold: expected a number in (0, 1), got {threshold!r}")
    return (predict_proba(X, parameters) > threshold).astype(np.float64)
