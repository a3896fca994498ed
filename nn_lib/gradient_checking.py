r"""Gradient checking: compare backpropagation with two-sided finite differences.

Flatten the parameters into :math:`\theta` (:func:`dictionary_to_vector`), evaluate
the cost at :math:`\theta \pm \varepsilon e_i` for every entry (equation 3,
:func:`numerical_gradient`), compare with backpropagation (equation 4).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _core
from ._core import ForwardCache, Layout
from ._validation import (NONNEGATIVE, POSITIVE, OneOf, Seed, check_array, check_grads,
                          check_parameters, check_rng, check_seed, check_X_Y, validate_params)
from .activations import relu
from .network import check_keep_prob, check_masks

__all__ = ["dictionary_to_vector", "vector_to_dictionary", "gradients_to_vector", "relative_difference",
           "numerical_gradient", "gradient_check", "check_gradients", "GradientCheckResult"]

Array = NDArray[np.float64]


def dictionary_to_vector(parameters: Mapping[str, ArrayLike]) -> tuple[Array, Layout]:
    r"""Flatten ``W1, b1, ..., WL, bL`` (``W1`` row by row first) into :math:`\theta` of shape
    (P,); returns ``(theta, layout)``, each block's name and shape, for :func:`vector_to_dictionary`."""
    return _core.dictionary_to_vector(check_parameters(parameters))


def vector_to_dictionary(theta: ArrayLike, layout: Layout) -> dict[str, Array]:
    """Cut ``theta`` of shape (P,) back into blocks named and shaped by ``layout``
    (the inverse of :func:`dictionary_to_vector`); the blocks are copies."""
    layout = _check_layout(layout)
    size = sum(int(np.prod(shape)) for _, shape in layout)
    return _core.vector_to_dictionary(check_array("theta", theta, ndim=1, rows=size), layout)


def _check_layout(layout: object) -> Layout:
    try:
        checked = [(str(name), tuple(int(n) for n in shape)) for name, shape in layout]  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        checked = []
    if isinstance(layout, Mapping) or not checked or min(min(s, default=0) for _, s in checked) < 1:
        raise ValueError(f"layout: expected the list of (name, shape) pairs returned by "
                         f"dictionary_to_vector, such as [('W1', (20, 2)), ...], with every "
                         f"size >= 1, got {layout!r:.80}")
    return checked


def gradients_to_vector(grads: Mapping[str, ArrayLike], layout: Layout) -> Array:
    """Flatten ``dW1, db1, ..., dWL, dbL`` into shape (P,), in the order of ``layout``."""
    layout = _check_layout(layout)
    checked = check_grads(grads, {key: np.empty(shape) for key, shape in layout})
    return _core.gradients_to_vector(checked, layout)


def relative_difference(grad: ArrayLike, gradapprox: ArrayLike) -> float:
    r"""The notes' equation 4, for two arrays of the same shape.

    .. math:: \text{difference} = \frac{\lVert grad - gradapprox \rVert_2}
              {\lVert grad \rVert_2 + \lVert gradapprox \rVert_2}

    0 for equal vectors (two zero vectors too), 1 when exactly one is zero, and
    at most 1 up to rounding (opposite vectors can give 1 plus a few ulps).
    """
    grad = check_array("grad", grad, ndim=None)
    gradapprox = check_array("gradapprox", gradapprox, ndim=None)
    if grad.shape != gradapprox.shape:
        raise ValueError(f"gradapprox: expected shape {grad.shape} like grad, got {gradapprox.shape}")
    return _equation_4(grad, gradapprox)


def _equation_4(grad: Array, gradapprox: Array) -> float:
    # Scaling both by their largest entry keeps the squares in range (1e200, 1e-200).
    largest = max(np.abs(grad).max(), np.abs(gradapprox).max())
    if largest == 0:
        return 0.0
    grad, gradapprox = grad / largest, gradapprox / largest
    return float(np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox)))


@validate_params(epsilon=POSITIVE)
def numerical_gradient(J: Callable[[Array], float], theta: ArrayLike,
                       epsilon: float = 1e-7) -> Array:
    r"""The notes' equation 3 for every entry of ``theta`` (shape (P,)), one at a time.

    .. math:: gradapprox_i = \frac{J(\theta + \varepsilon e_i) - J(\theta - \varepsilon e_i)}{2\varepsilon}

    ``J(theta) -> float`` is any scalar function. Error: about :math:`\varepsilon^2 |J'''| / 6`
    (truncation) plus :math:`\text{eps}_\text{machine} |J| / \varepsilon` (rounding).
    """
    if not callable(J):
        raise TypeError(f"J: expected a callable theta -> float, got {J!r:.80}")
    theta = check_array("theta", theta, ndim=1)
    gradapprox = np.empty_like(theta)
    for i in range(theta.size):
        theta_plus, theta_minus = theta.copy(), theta.copy()
        theta_plus[i] += epsilon
        theta_minus[i] -= epsilon
        change = J(theta_plus) - J(theta_minus)
        if np.ndim(change) != 0 or not np.isfinite(change):
            raise ValueError(f"J: expected finite float costs, got a difference {change!r:.40} at theta[{i}]")
        gradapprox[i] = change / (2.0 * epsilon)
    return gradapprox


@dataclass(frozen=True)
class GradientCheckResult:
    """Outcome of :func:`check_gradients`: ``difference`` (equation 4), ``block_differences``
    (equation 4 per block, ``"W1"``, ``"b1"``...), the flat ``grad`` and ``gradapprox``,
    their ``layout`` (block names and shapes, in order) and the pass ``threshold``."""

    difference: float
    block_differences: dict[str, float]
    grad: Array
    gradapprox: Array
    layout: Layout
    threshold: float = 1e-7

    @property
    def passed(self) -> bool:
        """``difference < threshold``, over the whole vector: a wrong block much smaller
        than the others can still pass (see ``block_differences``)."""
        return self.difference < self.threshold

    @property
    def worst_block(self) -> str:
        """Name of the block (``"W2"``, ``"b1"``...) whose gradient disagrees most."""
        return max(self.block_differences, key=self.block_differences.__getitem__)

    def __str__(self) -> str:
        blocks = ", ".join(f"{key}: {value:.1e}" for key, value in self.block_differences.items())
        return (f"gradient check {'passed' if self.passed else 'FAILED'}: difference {self.difference:.3e} "
                f"(threshold {self.threshold:g}); worst block {self.worst_block}; {blocks}")


def _gradapprox_loop(cache: ForwardCache, Y: Array, lambd: float, epsilon: float) -> Array:
    """Equation 3 by :func:`numerical_gradient`: one forward pass per perturbed point."""
    theta, layout = _core.dictionary_to_vector(cache.parameters)

    def J(theta: Array) -> float:
        parameters = _core.vector_to_dictionary(theta, layout)
        _, perturbed = _core.forward_propagation(cache.A[0], parameters, cache.keep_prob[1:-1],
                                                 masks=cache.D)
        return _core.compute_cost_from_logits(perturbed.Z[-1], Y, parameters, lambd)
    return numerical_gradient(J, theta, epsilon)


def _gradapprox_batched(cache: ForwardCache, Y: Array, lambd: float, epsilon: float) -> Array:
    r"""Equation 3, with the :math:`2P` costs evaluated one row of :math:`W^{[l]}` at a time.

    Moving entry :math:`(r, c)` of :math:`[W^{[l]} \mid b^{[l]}]` by :math:`\pm\varepsilon`
    moves row :math:`r` of :math:`Z^{[l]}` by :math:`\pm\varepsilon` times row :math:`c` of
    :math:`[A^{[l-1]}; 1]`. For the :math:`2(n_{l-1} + 1)` perturbations of row :math:`r`
    at once, the row goes through ReLU and dropout, :math:`Z^{[l+1]}` moves by column
    :math:`r` of :math:`W^{[l+1]}` times the change of :math:`A^{[l]}_{r,:}` (rank one),
    the layers above run on stacked arrays, and every perturbed point gets its whole cost.
    """
    params, A, Z, D, p = cache.parameters, cache.A, cache.Z, cache.D, cache.keep_prob
    L, m = len(Z) - 1, Y.shape[1]
    squares = sum(float(np.sum(np.square(params[f"W{l}"]))) for l in range(1, L + 1))
    sign = np.array([1.0, -1.0])[:, np.newaxis]
    pieces = []
    for l in range(1, L + 1):
        W = params[f"W{l}"]
        n, n_prev = W.shape
        # steps[s, c]: how row r of Z^[l] moves when entry (r, c) moves by sign s.
        steps = epsilon * sign[..., np.newaxis] * np.concatenate([A[l - 1], np.ones((1, m))])
        W_next = params[f"W{l + 1}"] if l < L else None
        # costs[r, s, c]: the cost when entry (r, c) of [W | b] has moved by sign s.
        costs = np.empty((n, 2, n_prev + 1))
        for r in range(n):
            Z_row = Z[l][r] + steps
            if W_next is None:
                logits = Z_row[..., np.newaxis, :]
            else:
                A_row = relu(Z_row)
                if D[l] is not None:
                    A_row = A_row * D[l][r] / p[l]
                logits = W_next[:, r, np.newaxis] * (A_row - A[l][r])[..., np.newaxis, :]
                logits += Z[l + 1]
                for k in range(l + 1, L):
                    A_k = relu(logits)
                    if D[k] is not None:
                        A_k = A_k * D[k] / p[k]
                    logits = params[f"W{k + 1}"] @ A_k + params[f"b{k + 1}"]
            costs[r] = _core.cross_entropy_loss_from_logits(logits, Y).sum(axis=(-2, -1))
        costs /= m
        if lambd:  # the L2 term of each perturbed point, with its W[r, c] moved
            sums = np.full(costs.shape, squares)
            sums[..., :n_prev] += np.square(W[:, None] + epsilon * sign) - np.square(W[:, None])
            costs += lambd / (2 * m) * sums
        block = (costs[:, 0] - costs[:, 1]) / (2.0 * epsilon)
        pieces += [block[:, :n_prev].ravel(), block[:, n_prev]]
    return np.concatenate(pieces)


@validate_params(lambd=NONNEGATIVE, epsilon=POSITIVE, threshold=POSITIVE,
                 method=OneOf("loop", "batched"))
def check_gradients(parameters: Mapping[str, ArrayLike], X: ArrayLike, Y: ArrayLike,
                    lambd: float = 0.0, epsilon: float = 1e-7,
                    keep_prob: float | Sequence[float] = 1.0,
                    masks: Sequence[ArrayLike | None] | None = None, seed: Seed = None,
                    grads: Mapping[str, ArrayLike] | None = None, method: str = "loop",
                    threshold: float = 1e-7) -> GradientCheckResult:
    r"""Compare a gradient with two-sided finite differences, block by block.

    :math:`J(\theta)` is the notes' equation 2 (equation 1 when :math:`\lambda = 0`),
    computed by the forward pass and :func:`nn_lib.compute_cost_from_logits`;
    ``gradapprox`` is equation 3 for every entry of :math:`\theta`. With
    ``keep_prob < 1`` the dropout masks are drawn once (from ``seed``) or taken
    from ``masks``, and reused for the backward pass and all :math:`2P` perturbed
    evaluations: :math:`J` is then the cost of one fixed thinned network. Raises
    ValueError naming ``parameters`` if the cost or the gradient overflows, ``epsilon``
    if a perturbed cost does.

    A correct backward pass can fail where a step carries a hidden pre-activation
    to ReLU's kink at 0 or across it: backpropagation takes the slope at 0 as 0,
    the two-sided difference sees both slopes. With zero biases (as
    :func:`nn_lib.initialize_parameters` returns them) a unit of layer :math:`l \ge 2`
    whose inputs are all 0 for an example (off by ReLU or dropout) sits on the kink.

    Parameters
    ----------
    parameters : dict of str to array_like
        ``W1, b1, ..., WL, bL``.
    X, Y : array_like of shapes (n_x, m) and (1, m)
        Examples and their 0/1 labels.
    lambd, epsilon : float
        L2 strength :math:`\lambda \ge 0`; step :math:`\varepsilon > 0`.
    keep_prob, masks, seed
        Dropout keep probability of the hidden layers, and fixed masks as in
        :func:`nn_lib.forward_propagation` or a seed (or Generator) to draw them.
    grads : dict of str to array_like, optional
        The gradient to check (``dW1, db1, ...``). Default:
        :func:`nn_lib.backward_propagation` with the same masks.
    method : {"loop", "batched"}
        ``"loop"``: a forward pass per perturbed point (:func:`numerical_gradient`).
        ``"batched"``: the same :math:`2P` costs, one row of :math:`W^{[l]}` at a time,
        layers above on stacked arrays; the loop's result up to rounding, faster.
    threshold : float
        The check passes when ``difference < threshold``.

    Returns
    -------
    GradientCheckResult
    """
    X, Y = check_X_Y(X, Y)
    params = check_parameters(parameters, n_x=X.shape[0])
    L = len(params) // 2
    probs = _core.keep_probabilities(check_keep_prob(keep_prob, L), L)
    fixed = None
    if masks is not None:
        fixed, missing = check_masks(masks, params, X.shape[1], probs)
        if missing:
            raise ValueError(f"masks: expected a mask for every hidden layer with keep_prob < 1, "
                             f"got None for layer(s) {missing}")
    check_seed("seed", seed)
    rng = check_rng("seed", seed) if fixed is None and min(probs) < 1 else None
    layout = _core.parameters_layout(params)
    with np.errstate(over="ignore", invalid="ignore"):
        # The masks drawn here (if any) are reused by every later evaluation.
        _, cache = _core.forward_propagation(X, params, probs[1:-1], rng, fixed)
        grads = (_core.backward_propagation(Y, cache, lambd) if grads is None
                 else check_grads(grads, params))
        grad = _core.gradients_to_vector(grads, layout)
        cost = _core.compute_cost_from_logits(cache.Z[-1], Y, params, lambd)
        if not (np.isfinite(cost) and np.isfinite(grad).all()):
            raise ValueError("parameters: expected parameters whose cost and gradient stay "
                             "finite, got values that overflow float64")
        try:
            gradapprox = (_gradapprox_loop if method == "loop" else _gradapprox_batched)(
                cache, Y, lambd, epsilon)
        except ValueError:  # numerical_gradient met a non-finite cost
            gradapprox = np.array([np.nan])
    if not np.isfinite(gradapprox).all():
        raise ValueError(f"epsilon: expected a step whose perturbed costs stay finite, got "
                         f"{epsilon!r}, with which a perturbed forward pass overflows")
    grad_blocks = _core.vector_to_dictionary(grad, layout)
    approx_blocks = _core.vector_to_dictionary(gradapprox, layout)
    blocks = {key: _equation_4(grad_blocks[key], approx_blocks[key]) for key, _ in layout}
    return GradientCheckResult(_equation_4(grad, gradapprox), blocks, grad, gradapprox, layout,
                               threshold)


def gradient_check(parameters: Mapping[str, ArrayLike], X: ArrayLike, Y: ArrayLike,
                   **options: object) -> float:
    r"""Equation 4, ``check_gradients(parameters, X, Y, **options).difference``.

    Below about :math:`10^{-7}` the backward pass is almost certainly right; above
    :math:`10^{-3}` it almost certainly has a bug, unless a perturbation reaches a
    kink of ReLU (see :func:`check_gradients`). ``options``: any keyword of
    :func:`check_gradients` (``lambd``, ``epsilon``, ``keep_prob``, ``masks``, ``seed``...).
    """
    return check_gradients(parameters, X, Y, **options).difference  # type: ignore[arg-type]
