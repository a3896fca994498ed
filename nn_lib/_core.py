r"""The book's equations in code, without input checks.

This module is the mathematical core of nn_lib: the forward pass, the backward
pass, the cost and the flattening of parameters, written the way the chapters
write the math. The public functions (:func:`nn_lib.forward_propagation`,
:func:`nn_lib.backward_propagation`, :func:`nn_lib.compute_cost`, ...) check
their arguments and then call these; :func:`nn_lib.train` and the gradient
check call them directly on data they have already checked.

Notation, as in the notes: ``X`` has shape ``(n_x, m)``, one example per column;
``Y`` has shape ``(1, m)``; layer ``l`` has weights ``W{l}`` of shape
``(n_l, n_{l-1})`` and biases ``b{l}`` of shape ``(n_l, 1)``.

``M.mT`` is the transpose :math:`M^T` of a matrix, sums over examples run
over the last axis, and a cost sums over the last two. Written this way, the
same lines also serve a stack of networks (arrays with a leading axis, one
network per seed, see :func:`nn_lib.train_seeds`): a cost is then one number
per network.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .activations import relu, sigmoid

__all__: list[str] = []

Array = NDArray[np.float64]
Mask = NDArray[np.bool_]
Layout = list[tuple[str, tuple[int, ...]]]

#: Probabilities are clipped to ``[PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON]``
#: before the logarithm of :func:`compute_cost`, so a saturated output of exactly
#: 0 or 1 costs about ``-log(1e-15)`` = 34.54 per example instead of infinity
#: (34.5396 for an output of 1, where ``1 - 1e-15`` rounds to ``1 - 9.99e-16``).
PROBABILITY_EPSILON = 1e-15


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
    # Z[0] and D[0] are None (the input has neither); typed Any so that the
    # backward pass reads like the equations, without a None test on every layer.
    Z: list[Any]
    D: list[Any]
    keep_prob: tuple[float, ...]
    parameters: Mapping[str, Array]


def inverted_dropout(A: Array, keep_prob: float, rng: np.random.Generator | None = None,
                     D: Mask | None = None) -> tuple[Array, Mask]:
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
    rng : numpy.random.Generator, optional
        Source of the mask; required unless ``D`` is given (a ``TypeError``
        otherwise). Pass the same generator on every call, so that every
        call draws a fresh mask (re-seeding on every call is the notes' bug).
    D : ndarray of bool, shape (n_l, m), optional
        A mask to apply instead of drawing one (steps 1 and 2 are skipped, ``rng``
        is ignored; 0/1 values are accepted too): this holds the thinned network
        fixed, as gradient checking needs. The division by ``keep_prob`` still applies.

    Returns
    -------
    A_dropped : ndarray of shape (n_l, m)
        :math:`A^{[l]} \odot D^{[l]} / p`.
    D : ndarray of bool, shape (n_l, m)
        The mask :math:`D^{[l]}`; the backward pass must apply the same one.
    """
    if D is None:
        U = rng.random(A.shape)  # type: ignore[union-attr]
        D = U < keep_prob
    return A * D / keep_prob, D


def forward_propagation(X: Array, parameters: Mapping[str, Array],
                        keep_prob: float | Sequence[float] = 1.0,
                        rng: np.random.Generator | None = None,
                        masks: Sequence[Mask | None] | None = None
                        ) -> tuple[Array, ForwardCache]:
    r"""Forward pass of LINEAR->RELU (x L-1) -> LINEAR->SIGMOID, with optional inverted dropout.

    For :math:`l = 1, \dots, L`, starting from :math:`A^{[0]} = X`:

    .. math::
        Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}, \qquad
        A^{[l]} = \begin{cases} \mathrm{relu}(Z^{[l]}) \odot D^{[l]} / p^{[l]} & l < L \\
                                \sigma(Z^{[L]}) & l = L \end{cases}

    Dropout (:func:`nn_lib.inverted_dropout`) acts on the hidden layers only;
    a hidden layer with :math:`p^{[l]} = 1` and no given mask is not thinned.

    Parameters
    ----------
    X : array_like of shape (n_x, m)
        Inputs, one example per column.
    parameters : dict of str to array_like
        ``W1, b1, ..., WL, bL``; ``WL`` must have one row.
    keep_prob : float or sequence of float
        Probability :math:`p` of keeping a hidden unit, in (0, 1]: one number for
        all hidden layers, or one per hidden layer.
    rng : numpy.random.Generator, optional
        Draws the dropout masks; required when a hidden layer has ``keep_prob < 1``
        and no mask in ``masks`` (a ``ValueError`` otherwise). Keep passing the
        same generator: each call draws new masks.
    masks : list, optional
        Fixed masks indexed by layer, ``L + 1`` entries: ``masks[l]`` boolean (or
        0/1) of shape (n_l, m), or None; ``masks[0]`` and ``masks[L]`` must be None.
        For instance ``cache.D`` of an earlier pass. A given mask is applied (and
        divided by :math:`p^{[l]}`) even where :math:`p^{[l]} = 1`. They hold the thinned
        network fixed, as gradient checking with dropout requires.

    Returns
    -------
    AL : ndarray of shape (1, m)
        Output probabilities :math:`A^{[L]}`.
    cache : ForwardCache
        Everything :func:`backward_propagation` needs, masks included.
    """
    L = len(parameters) // 2
    p = keep_probabilities(keep_prob, L)
    A: list[Array] = [X]
    Z: list[Any] = [None]
    D: list[Any] = [None]
    for l in range(1, L + 1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        Zl = W @ A[l - 1] + b
        Dl = None
        if l == L:
            Al = sigmoid(Zl)
        else:
            Al = relu(Zl)
            given = masks[l] if masks is not None else None
            if p[l] < 1.0 or given is not None:
                Al, Dl = inverted_dropout(Al, p[l], rng, given)
        A.append(Al)
        Z.append(Zl)
        D.append(Dl)
    return A[L], ForwardCache(A=A, Z=Z, D=D, keep_prob=p, parameters=parameters)


def keep_probabilities(keep_prob: float | Sequence[float], L: int) -> tuple[float, ...]:
    """Per-layer keep probabilities ``(1.0, p_1, ..., p_{L-1}, 1.0)``: none at the input or output."""
    hidden = [keep_prob] * (L - 1) if isinstance(keep_prob, (int, float)) else keep_prob
    return (1.0, *map(float, hidden), 1.0)


def backward_propagation(Y: Array, cache: ForwardCache, lambd: float = 0.0) -> dict[str, Array]:
    r"""Gradients of the (regularized) cost with respect to every parameter.

    Starting from :math:`dZ^{[L]} = A^{[L]} - Y`, for :math:`l = L, \dots, 1`:

    .. math::
        dW^{[l]} = \frac{1}{m} dZ^{[l]} A^{[l-1]T} + \frac{\lambda}{m} W^{[l]}, \qquad
        db^{[l]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[l](i)},

    .. math::
        dA^{[l-1]} = W^{[l]T} dZ^{[l]} \odot D^{[l-1]} / p^{[l-1]}, \qquad
        dZ^{[l-1]} = dA^{[l-1]} \odot \mathbf 1[Z^{[l-1]} > 0].

    As in the notes' code, :math:`dA^{[l-1]}` here is the gradient with respect to
    :math:`\mathrm{relu}(Z^{[l-1]})`, the activation before dropout: :math:`W^{[l]T} dZ^{[l]}`
    is the gradient with respect to the thinned activation ``cache.A[l-1]``, and the
    mask and the division by :math:`p` carry it back through inverted dropout. The
    dropout masks :math:`D^{[l]}` are the ones stored in ``cache``, so the backward
    pass shuts down exactly the units the forward pass shut down.
    ReLU's slope at exactly :math:`z = 0` is taken as 0, as in the notes.

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
    A, Z, D, p, parameters = cache.A, cache.Z, cache.D, cache.keep_prob, cache.parameters
    L = len(Z) - 1
    m = Y.shape[-1]
    grads: dict[str, Array] = {}
    dZ = A[L] - Y
    for l in range(L, 0, -1):
        W = parameters[f"W{l}"]
        grads[f"dW{l}"] = dZ @ A[l - 1].mT / m
        if lambd:
            grads[f"dW{l}"] += lambd / m * W
        grads[f"db{l}"] = dZ.sum(axis=-1, keepdims=True) / m
        if l > 1:
            dA = W.mT @ dZ
            if D[l - 1] is not None:
                dA = dA * D[l - 1] / p[l - 1]
            dZ = dA * (Z[l - 1] > 0)
    # Listed in the order of the parameters, dW1 first.
    return {key: grads[key] for l in range(1, L + 1) for key in (f"dW{l}", f"db{l}")}


def l2_penalty(parameters: Mapping[str, Array], lambd: float, m: int) -> Any:
    r"""The L2 term of the notes' equation 2.

    .. math:: \frac{\lambda}{2m} \sum_{l=1}^{L} \sum_k \sum_j \left(W^{[l]}_{kj}\right)^2

    Only weights are penalised, not biases, as in the notes. Its gradient
    with respect to :math:`W^{[l]}` is :math:`\frac{\lambda}{m} W^{[l]}`,
    the term :func:`backward_propagation` adds to ``dW``.

    Parameters
    ----------
    parameters : dict of str to ndarray
        ``W1, b1, ..., WL, bL``, checked like a network's (``WL`` with one row).
    lambd : float
        Regularization strength :math:`\lambda \ge 0` (``lambda`` is a Python keyword).
    m : int
        Number of examples the cost averages over, >= 1.

    Returns
    -------
    float
        The penalty (0.0 when ``lambd`` is 0).
    """
    L = len(parameters) // 2
    return lambd / (2 * m) * sum(np.square(parameters[f"W{l}"]).sum(axis=(-2, -1))
                                 for l in range(1, L + 1))


def compute_cost(AL: Array, Y: Array, parameters: Mapping[str, Array] | None = None,
                 lambd: float = 0.0) -> Any:
    r"""Cross-entropy cost (the notes' equation 1), plus the L2 term of equation 2 when ``lambd > 0``.

    .. math:: J = -\frac{1}{m} \sum_{i=1}^{m} \left( y^{(i)} \log a^{[L](i)}
              + (1 - y^{(i)}) \log\left(1 - a^{[L](i)}\right) \right)
              + \frac{\lambda}{2m} \sum_l \sum_k \sum_j \left(W^{[l]}_{kj}\right)^2

    Outputs are clipped to ``[1e-15, 1 - 1e-15]`` so that a saturated network
    gives a large finite cost (about 34.5 per saturated wrong example), not
    infinity. Use :func:`compute_cost_from_logits` for a value without clipping.

    Parameters
    ----------
    AL : array_like of shape (1, m)
        Predicted probabilities :math:`A^{[L]}` in :math:`[0, 1]`.
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
    m = Y.shape[-1]
    AL = np.clip(AL, PROBABILITY_EPSILON, 1.0 - PROBABILITY_EPSILON)
    cost = -1.0 / m * (Y * np.log(AL) + (1.0 - Y) * np.log1p(-AL)).sum(axis=(-2, -1))
    if lambd:
        cost += l2_penalty(parameters, lambd, m)  # type: ignore[arg-type]
    return cost


def cross_entropy_loss_from_logits(ZL: Array, Y: Array) -> Array:
    r"""The loss of each example from its logit: :math:`\log(1 + e^{z}) - y z`.

    With :math:`a = \sigma(z)` this equals :math:`-[y \log a + (1-y)\log(1-a)]`
    exactly. It is evaluated as :math:`\max(z, 0) + \log(1 + e^{-|z|}) - y z`,
    which never overflows. Its absolute error is within about one ulp of
    :math:`|z|`; the relative error is large only where :math:`y = 1` and
    :math:`z \gg 0` (the cancellation :math:`z - z`): a true loss below about
    :math:`10^{-16} z` comes out as 0 (for :math:`z = 40`, 0 instead of
    :math:`4.2 \times 10^{-18}`).
    """
    return np.maximum(ZL, 0.0) + np.log1p(np.exp(-np.abs(ZL))) - Y * ZL


def compute_cost_from_logits(ZL: Array, Y: Array, parameters: Mapping[str, Array] | None = None,
                             lambd: float = 0.0) -> Any:
    r"""Like :func:`compute_cost`, but from the logits :math:`Z^{[L]}`, unclipped at any magnitude.

    .. math:: J = \frac{1}{m} \sum_{i=1}^{m} \left( \log\left(1 + e^{z^{[L](i)}}\right)
              - y^{(i)} z^{[L](i)} \right)
              + \frac{\lambda}{2m} \sum_l \sum_k \sum_j \left(W^{[l]}_{kj}\right)^2

    The per-example loss is :math:`\max(z, 0) + \log(1 + e^{-|z|}) - y z`, equal
    to the loss of equation 1 for :math:`a = \sigma(z)`, without the rounding of
    :math:`\sigma(z)` to 0 or 1 and without clipping. It is finite for every finite
    :math:`z` (only a sum of losses beyond float64's range, about :math:`10^{308}`,
    overflows); its absolute error is within about one ulp of :math:`|z|` per example.

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
    m = Y.shape[-1]
    cost = 1.0 / m * cross_entropy_loss_from_logits(ZL, Y).sum(axis=(-2, -1))
    if lambd:
        cost += l2_penalty(parameters, lambd, m)  # type: ignore[arg-type]
    return cost


def parameters_layout(parameters: Mapping[str, Array]) -> Layout:
    """Names and shapes of ``W1, b1, ..., WL, bL``, in that order."""
    L = len(parameters) // 2
    return [(key, parameters[key].shape) for l in range(1, L + 1) for key in (f"W{l}", f"b{l}")]


def dictionary_to_vector(parameters: Mapping[str, Array]) -> tuple[Array, Layout]:
    r"""Stack every entry of ``W1, b1, ..., WL, bL`` into one vector :math:`\theta`.

    Returns ``(theta, layout)``, ``layout`` as in :func:`parameters_layout`."""
    layout = parameters_layout(parameters)
    return np.concatenate([parameters[key].ravel() for key, _ in layout]), layout


def vector_to_dictionary(theta: Array, layout: Layout) -> dict[str, Array]:
    """Cut :math:`\\theta` back into blocks (copies, not views)."""
    parameters, start = {}, 0
    for key, shape in layout:
        size = math.prod(shape)
        parameters[key] = theta[start:start + size].reshape(shape).copy()
        start += size
    return parameters


def gradients_to_vector(grads: Mapping[str, Array], layout: Layout) -> Array:
    """Stack ``dW1, db1, ..., dWL, dbL`` in the order of ``layout``."""
    return np.concatenate([grads["d" + key].ravel() for key, _ in layout])
