"""Gradient checking: compare backpropagation with two-sided finite differences."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import (NONNEGATIVE, POSITIVE, check_X_Y, check_array, check_grads,
                          check_parameters, check_rng, check_seed)
from . import _core
from ._core import ForwardCache
from .network import check_masks as _check_masks

__all__ = ["dictionary_to_vector", "vector_to_dictionary", "gradients_to_vector",
           "relative_difference", "numerical_gradient", "gradient_check", "check_gradients",
           "GradientCheckResult"]

Array = NDArray[np.float64]
Layout = list[tuple[str, tuple[int, ...]]]

#: Size, in float64 entries (125 KiB), of the largest temporary array of the
#: vectorized check: perturbations are processed in chunks small enough for the
#: temporaries to stay in a core's cache and below the size (128 KiB in
#: glibc) from which freed memory goes back to the operating system, to be
#: faulted in again page by page on the next call.
_CHUNK_ENTRIES = 16_000

#: Number of per-example ratios multiplied together before one logarithm is
#: taken; each ratio lies in (1/2, 2), so a product of 1000 stays within float64.
_PRODUCT_LENGTH = 1000

#: Largest change of a logit for which the vectorized check uses the odd
#: series of softplus (:func:`_odd_softplus_coefficients`): the first term it
#: neglects is then below a third of the rounding error of the loss itself.
_SERIES_LIMIT = 1e-3


def _layout(parameters: Mapping[str, Array]) -> Layout:
    L = len(parameters) // 2
    return [(key, parameters[key].shape) for l in range(1, L + 1) for key in (f"W{l}", f"b{l}")]


def dictionary_to_vector(parameters: Mapping[str, ArrayLike]) -> tuple[Array, Layout]:
    r"""Flatten ``W1, b1, ..., WL, bL`` into one vector :math:`\theta`.

    Parameters
    ----------
    parameters : dict of str to array_like

    Returns
    -------
    theta : ndarray of shape (P,)
        The entries of ``W1`` (row by row), then ``b1``, ``W2``, ... ``bL``;
        :math:`P` is the total number of parameters.
    layout : list of (str, tuple)
        Name and shape of each block, in order; :func:`vector_to_dictionary` inverts.
    """
    params = check_parameters(parameters)
    layout = _layout(params)
    return np.concatenate([params[key].ravel() for key, _ in layout]), layout


def vector_to_dictionary(theta: ArrayLike, layout: Layout) -> dict[str, Array]:
    """Cut a vector back into a parameter dict (inverse of :func:`dictionary_to_vector`).

    Parameters
    ----------
    theta : array_like of shape (P,)
    layout : list of (str, tuple)
        From :func:`dictionary_to_vector`.

    Returns
    -------
    dict of str to ndarray
        Arrays that do not share memory with ``theta``.
    """
    layout = _check_layout(layout)
    size = sum(math.prod(shape) for _, shape in layout)
    theta = check_array("theta", theta, ndim=1, rows=size)
    return _unflatten(theta, layout)


def _check_layout(layout: object) -> Layout:
    """A list of (name, shape) pairs, as returned by :func:`dictionary_to_vector`."""
    if isinstance(layout, (str, bytes)) or not isinstance(layout, Sequence) or not layout:
        raise TypeError(f"layout: expected the non-empty list of (name, shape) pairs returned "
                        f"by dictionary_to_vector, got {layout!r:.80}")
    checked = []
    for entry in layout:
        if (not isinstance(entry, (tuple, list)) or len(entry) != 2
                or not isinstance(entry[0], str) or not isinstance(entry[1], (tuple, list))
                or not all(isinstance(n, (int, np.integer)) and n >= 1 for n in entry[1])):
            raise ValueError(f"layout: expected (name, shape) pairs such as ('W1', (20, 2)), "
                             f"got {entry!r:.80}")
        checked.append((entry[0], tuple(int(n) for n in entry[1])))
    return checked


def _views(theta: Array, layout: Layout) -> dict[str, Array]:
    """The blocks of ``theta`` as arrays that share its memory."""
    views, start = {}, 0
    for key, shape in layout:
        size = math.prod(shape)
        views[key] = theta[start:start + size].reshape(shape)
        start += size
    return views


def _unflatten(theta: Array, layout: Layout) -> dict[str, Array]:
    return {key: view.copy() for key, view in _views(theta, layout).items()}


def gradients_to_vector(grads: Mapping[str, ArrayLike], layout: Layout) -> Array:
    """Flatten ``dW1, db1, ..., dWL, dbL`` in the order of ``layout``.

    Parameters
    ----------
    grads : dict of str to array_like
        ``grads["d" + name]`` for every block ``name`` of ``layout``.
    layout : list of (str, tuple)

    Returns
    -------
    ndarray of shape (P,)
    """
    template = {key: np.empty(shape) for key, shape in _check_layout(layout)}
    checked = check_grads(grads, template)
    return np.concatenate([checked["d" + key].ravel() for key, _ in layout])


def relative_difference(grad: ArrayLike, gradapprox: ArrayLike) -> float:
    r"""The notes' equation 4.

    .. math:: \text{difference} = \frac{\lVert grad - gradapprox \rVert_2}
              {\lVert grad \rVert_2 + \lVert gradapprox \rVert_2}

    It is 0 for equal vectors, 1 when one of them is zero and the other is not,
    and at most 1 always. Two zero vectors give 0.

    Parameters
    ----------
    grad, gradapprox : array_like of shape (P,)

    Returns
    -------
    float
    """
    grad = check_array("grad", grad, ndim=None)
    gradapprox = check_array("gradapprox", gradapprox, ndim=None)
    if grad.shape != gradapprox.shape:
        raise ValueError(f"gradapprox: expected shape {grad.shape} like grad, got {gradapprox.shape}")
    return _relative_difference(grad, gradapprox)


def _relative_difference(grad: Array, gradapprox: Array) -> float:
    return _equation_4(*_block_norms(grad.ravel(), gradapprox.ravel(), [grad.size])[0])


def _block_norms(grad: Array, gradapprox: Array, sizes: Sequence[int]
                 ) -> list[tuple[float, float, float]]:
    """2-norms of ``grad``, ``gradapprox`` and their difference over consecutive blocks
    of ``sizes`` entries.

    :func:`math.hypot` scales its arguments, so neither gradients of 1e200
    overflow nor tiny blocks next to large ones underflow.
    """
    vectors = [grad.tolist(), gradapprox.tolist(), (grad - gradapprox).tolist()]
    norms, start = [], 0
    for size in sizes:
        norms.append(tuple(math.hypot(*vector[start:start + size]) for vector in vectors))
        start += size
    return norms  # type: ignore[return-value]


def _equation_4(grad_norm: float, gradapprox_norm: float, difference_norm: float) -> float:
    """Equation 4 from the norms of :func:`_block_norms`; 0 for two zero vectors."""
    denominator = grad_norm + gradapprox_norm
    return difference_norm / denominator if denominator else 0.0


def numerical_gradient(J: Callable[[Array], float], theta: ArrayLike,
                       epsilon: float = 1e-7) -> Array:
    r"""Two-sided finite differences of a scalar function (the notes' equation 3).

    .. math:: gradapprox_i = \frac{J(\theta + \varepsilon e_i) - J(\theta - \varepsilon e_i)}{2\varepsilon}

    Its error is :math:`O(\varepsilon^2)` from truncation plus about
    :math:`\text{eps}_\text{machine} |J| / \varepsilon` from rounding.

    Parameters
    ----------
    J : callable
        ``J(theta) -> float``.
    theta : array_like of shape (P,)
        Point at which to differentiate.
    epsilon : float
        Step :math:`\varepsilon > 0`.

    Returns
    -------
    ndarray of shape (P,)
    """
    if not callable(J):
        raise TypeError(f"J: expected a callable theta -> float, got {J!r:.80}")
    theta = check_array("theta", theta, ndim=1)
    epsilon = POSITIVE("epsilon", epsilon)
    gradapprox = np.empty_like(theta)
    for i in range(theta.size):
        theta_plus = theta.copy()
        theta_plus[i] += epsilon
        theta_minus = theta.copy()
        theta_minus[i] -= epsilon
        gradapprox[i] = (J(theta_plus) - J(theta_minus)) / (2.0 * epsilon)
        if not np.isfinite(gradapprox[i]):
            raise ValueError(f"J: expected finite costs, got a non-finite value near "
                             f"theta[{i}] = {theta[i]!r}")
    return gradapprox


@dataclass(frozen=True)
class GradientCheckResult:
    """Outcome of :func:`check_gradients`.

    Attributes
    ----------
    difference : float
        Equation 4 over all parameters.
    block_differences : dict of str to float
        Equation 4 restricted to each block (``"W1"``, ``"b1"``, ...).
    grad : ndarray of shape (P,)
        The gradient being checked, flattened.
    gradapprox : ndarray of shape (P,)
        The finite-difference gradient, flattened the same way.
    layout : list of (str, tuple)
        Block names and shapes, in the order of the vectors.
    threshold : float
        The check passes when ``difference < threshold``.
    """

    difference: float
    block_differences: dict[str, float]
    grad: Array
    gradapprox: Array
    layout: Layout
    threshold: float = 1e-7

    @property
    def passed(self) -> bool:
        """True when ``difference < threshold``."""
        return self.difference < self.threshold

    @property
    def worst_block(self) -> str:
        """Name of the block (``"W2"``, ``"b1"``...) whose gradient disagrees most."""
        return max(self.block_differences, key=self.block_differences.__getitem__)

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        blocks = ", ".join(f"{key}: {value:.1e}" for key, value in self.block_differences.items())
        return (f"gradient check {verdict}: difference {self.difference:.3e} "
                f"(threshold {self.threshold:g}); worst block {self.worst_block}; {blocks}")


def _cost(X: Array, Y: Array, parameters: Mapping[str, Array], keep_prob: tuple[float, ...],
          masks: Sequence[NDArray[np.bool_] | None], lambd: float) -> float:
    """J(theta): cross-entropy from the logits, plus the L2 term."""
    _, cache = _core.forward_propagation(X, parameters, keep_prob, None, masks)
    L = len(keep_prob) - 1
    cost = _core.compute_cost_from_logits(cache.Z[L], Y)  # type: ignore[arg-type]
    if lambd:
        cost += lambd / (2 * X.shape[1]) * _core.l2_penalty(parameters, 2.0, 1)
    return cost


def _gradapprox_loop(X: Array, Y: Array, parameters: Mapping[str, Array],
                     keep_prob: tuple[float, ...], masks: Sequence[NDArray[np.bool_] | None],
                     lambd: float, epsilon: float) -> Array:
    theta, layout = dictionary_to_vector(parameters)
    return numerical_gradient(
        lambda t: _cost(X, Y, _unflatten(t, layout), keep_prob, masks, lambd), theta, epsilon)


def _softplus_differences(logits: Array) -> Array:
    r"""Sums over examples of :math:`\operatorname{softplus}(\alpha_j) - \operatorname{softplus}(\beta_j)`.

    ``logits`` of shape ``(2, k, m)`` holds :math:`\alpha = ` ``logits[0]`` and
    :math:`\beta = ` ``logits[1]``; it is overwritten. Writing
    :math:`\operatorname{softplus}(x) = \max(x, 0) + \log(1 + e^{-|x|})`, the
    logarithms of all examples combine into the logarithm of a product of ratios
    :math:`(1 + e^{-|\alpha_j|}) / (1 + e^{-|\beta_j|})`, each in :math:`(1/2, 2)`:
    one exponential per logit, one logarithm per :data:`_PRODUCT_LENGTH`
    examples, and no overflow for logits of any magnitude.
    """
    linear = np.maximum(logits[0], 0.0)
    linear -= np.maximum(logits[1], 0.0)
    magnitudes = np.abs(logits, out=logits)
    terms = np.exp(np.negative(magnitudes, out=magnitudes), out=magnitudes)
    terms += 1.0
    ratios = np.divide(terms[0], terms[1], out=terms[0])
    starts = np.arange(0, ratios.shape[-1], _PRODUCT_LENGTH)
    return (np.sum(linear, axis=-1)
            + np.sum(np.log(np.multiply.reduceat(ratios, starts, axis=-1)), axis=-1))


def _odd_softplus_coefficients(sign: Array, w: Array) -> tuple[Array, Array]:
    r"""Coefficients of the odd series of one example's loss difference.

    With :math:`w = s z` the example's signed logit and :math:`s = \pm 1`, a
    change :math:`\pm\Delta` of its logit changes :math:`w` by :math:`\pm u`,
    :math:`u = s\Delta`, and

    .. math::
        \operatorname{softplus}(w + u) - \operatorname{softplus}(w - u)
        = 2\sigma(w)\,u + \tfrac{1}{3}\sigma''(w)\,u^3 + R
        = a_1 \Delta + a_3 \Delta^3 + R,

    with :math:`\sigma'' = \sigma(w)\sigma(-w)(\sigma(-w) - \sigma(w))`. The even
    terms cancel. The fifth derivative of softplus is bounded by
    :math:`2\sigma(\xi)\sigma(-\xi)`, so
    :math:`|R| \le e^{|u|} |u|^5 \sigma(w)\sigma(-w) / 30
    \le e^{|u|} |u|^5 \operatorname{softplus}(w) / 30`: for
    :math:`|u| \le` :data:`_SERIES_LIMIT` that is below a third of the
    rounding error of the example's loss itself.

    Returns
    -------
    a1, a3 : ndarray of shape (m,)
        :math:`a_1 = 2 s \sigma(w)` and :math:`a_3 = s \sigma''(w) / 3`.
    """
    # One exponential serves sigma(w) and sigma(-w) (activations.sigmoid twice would take two).
    e = np.exp(-np.abs(w))
    large = 1.0 / (1.0 + e)
    small = e * large
    # sigma(w) is `large` for w >= 0 and `small` below; sigma''(w) = -sgn(w) large small (large - small).
    p = np.where(w >= 0, large, small)
    second = (large - small) * large
    second *= small
    second *= np.sign(w)
    return 2.0 * sign * p, sign * second / -3.0


def _relu_change(change: Array, Z: Array, scale: Array | None) -> Array:
    """``relu(Z + change) - relu(Z)``, times the dropout scale ``D / p``, into ``change``.

    Written as ``max(change, -Z) - max(-Z, 0)``: exact for a change of any
    size, kink crossed or not.
    """
    negative = np.negative(Z)
    np.maximum(change, negative, out=change)
    change -= np.maximum(negative, 0.0)
    if scale is not None:
        change *= scale
    return change


def _carry_up(parameters: Mapping[str, Array], change: Array, l: int,
              levels: Sequence[Array | tuple[Array, Array | None] | None]) -> Array:
    """Carry a change of :math:`Z^{[l+1]}`, shape ``(n_{l+1}, ..., m')``, up to the logits.

    Each hidden layer above passes it through its relu and dropout, then its
    weights (the bias does not move, so it drops out). ``levels[l']`` is either
    the layer's slope from :func:`_relu_slopes` (multiply by it: exact only
    where no kink is crossed) or the pair ``(Z, D / p)`` (evaluate the relu,
    :func:`_relu_change`: exact always), restricted to the :math:`m'` examples.
    Returns the change of the logits, shape ``change.shape[1:]``.
    """
    lined_up = (slice(None), *(np.newaxis,) * (change.ndim - 2))
    for layer in range(l + 1, len(levels) - 1):
        level = levels[layer]
        if isinstance(level, tuple):
            Z, scale = level
            _relu_change(change, Z[lined_up], None if scale is None else scale[lined_up])
        else:
            change *= level[lined_up]  # type: ignore[index]
        W = parameters[f"W{layer + 1}"]
        # (n_next, n) @ (n, everything else): one matrix product for all changes.
        change = (W @ change.reshape(W.shape[1], -1)).reshape(W.shape[0], *change.shape[1:])
    return change[0]


def _logit_changes(parameters: Mapping[str, Array], l: int, rows: slice, steps: Array,
                   levels: Sequence[tuple[Array, Array | None] | None]) -> Array:
    r"""How :math:`Z^{[L]}` moves when one row of :math:`Z^{[l]}` moves, every relu evaluated.

    Parameters
    ----------
    parameters : dict of str to ndarray
    l : int
        Layer of the perturbed parameters.
    rows : slice
        The :math:`k` rows of :math:`Z^{[l]}` perturbed (one at a time).
    steps : ndarray of shape (S, C, m')
        Changes of a row: ``steps[s, c]`` is the :math:`c`-th change with sign ``s``.
    levels : list
        ``levels[l'] = (Z, D / p)`` for each hidden layer :math:`l'`, restricted
        to the :math:`m'` examples of ``steps`` (``D / p`` None without dropout).

    Returns
    -------
    ndarray of shape (S, k C, m')
        Entry ``[s, i C + c]``: the change of the logits when row ``rows[i]``
        changes by ``steps[s, c]``. Only one row of :math:`A^{[l]}` moves, so
        :math:`Z^{[l+1]}` moves by a rank-one term; the layers above take
        one matrix product for all perturbations (:func:`_carry_up`).
    """
    L = len(levels) - 1
    if l == L:
        return steps
    Z, scale = levels[l]  # type: ignore[misc]
    change = np.empty((steps.shape[0], Z[rows].shape[0], *steps.shape[1:]))
    change[...] = steps[:, np.newaxis]
    _relu_change(change, Z[rows, np.newaxis], None if scale is None else scale[rows, np.newaxis])
    W = parameters[f"W{l + 1}"][:, rows]
    # The explicit C-ordered output keeps NumPy's broadcasting loops fast.
    Z_change = np.multiply(W[:, np.newaxis, :, np.newaxis, np.newaxis], change,
                           out=np.empty((W.shape[0], *change.shape)))
    return _carry_up(parameters, Z_change, l, levels).reshape(steps.shape[0], -1, steps.shape[-1])


def _row_sensitivities(parameters: Mapping[str, Array], slopes: Sequence[Array | None], l: int,
                       rows: slice) -> Array:
    r"""Change of each example's logit per unit change of a row of :math:`Z^{[l]}`, no kink crossed.

    Where no relu input crosses zero, each relu and its dropout multiply a
    change by their slope (:func:`_relu_slopes`), so the change of the logits
    is linear in the change of the row and, example by example, proportional
    to it: a change :math:`\delta_j` of :math:`Z^{[l]}_{rj}` moves
    :math:`z_j` by :math:`T_{rj} \delta_j`. The unit change of row :math:`r`
    is carried up from layer ``l`` like a perturbation: through the slopes of
    layer ``l``, into :math:`Z^{[l+1]}` along column :math:`r` of
    :math:`W^{[l+1]}`, then through the slopes and weights of each layer above.

    Returns
    -------
    ndarray of shape (k, m)
        :math:`T_{rj}` for the :math:`k` rows ``rows`` (``l < L``; for
        :math:`l = L` the row is the logit and :math:`T = 1`).
    """
    W = parameters[f"W{l + 1}"][:, rows]
    return _carry_up(parameters, np.multiply(W[:, :, np.newaxis], slopes[l][rows]),  # type: ignore[index]
                     l, slopes)


def _dropout_scales(cache: ForwardCache) -> list[Array | None]:
    """``D / p`` for each hidden layer with dropout, None elsewhere."""
    return [None if D is None else D / p for D, p in zip(cache.D, cache.keep_prob)]


def _relu_slopes(cache: ForwardCache, scales: Sequence[Array | None]) -> list[Array | None]:
    r"""``slopes[l]`` :math:`= \mathbf 1[Z^{[l]} > 0] \odot D^{[l]} / p^{[l]}` for each hidden layer.

    A change of :math:`Z^{[l]}_{rj}` smaller than :math:`|Z^{[l]}_{rj}|` crosses
    no kink, and relu followed by dropout multiplies it by exactly this slope.
    ``scales`` comes from :func:`_dropout_scales`.
    """
    L = len(cache.Z) - 1
    slopes: list[Array | None] = [None] * (L + 1)
    for l in range(1, L):
        slope = (cache.Z[l] > 0).astype(np.float64)  # type: ignore[operator]
        if scales[l] is not None:
            slope *= scales[l]
        slopes[l] = slope
    return slopes


def _outside_series(cache: ForwardCache, epsilon: float) -> NDArray[np.bool_]:
    r"""Examples whose perturbed logits the fast path of the vectorized check may not get exactly.

    Bounds, example by example, how far a perturbation of any parameter can
    move the pre-activations of each layer :math:`l`. One of layer :math:`l`
    itself moves a row of :math:`Z^{[l]}` by at most
    :math:`U_l = \varepsilon \max(1, \max_c |A^{[l-1]}_c|)`. One of a lower
    layer moves :math:`Z^{[l]}` by at most
    :math:`V_l = \lVert W^{[l]} \rVert_\infty \max(U_{l-1}, V_{l-1}) / p^{[l-1]}`
    (:math:`V_1 = 0`; the norm is the largest row sum of absolute values):
    relu never enlarges a change and dropout scales it by at most :math:`1/p`.
    An example is flagged if a hidden pre-activation lies within
    :math:`\max(U_l, V_l)` of zero (a kink might be crossed), or if its logit
    might move by more than :data:`_SERIES_LIMIT`. The bounds are doubled to
    cover their own rounding.

    Returns
    -------
    ndarray of bool, shape (m,)
    """
    # The same bounds with every maximum and minimum taken over all examples at
    # once flag none in the usual case, for a few reductions to scalars.
    if not _kink_or_large_change(cache, epsilon, axis=None):
        return np.zeros(cache.A[0].shape[1], dtype=bool)
    return _kink_or_large_change(cache, epsilon, axis=0)  # type: ignore[return-value]


def _kink_or_large_change(cache: ForwardCache, epsilon: float,
                          axis: int | None) -> bool | NDArray[np.bool_]:
    """The test of :func:`_outside_series`, example by example (``axis=0``) or for
    all examples at once (``axis=None``: flags all of them or none)."""
    parameters, L = cache.parameters, len(cache.Z) - 1
    # For all examples at once the bounds are Python floats.
    larger = max if axis is None else np.maximum
    reduced = float if axis is None else np.asarray
    flagged: bool | NDArray[np.bool_] = False
    own = below = None
    for l in range(1, L + 1):
        if own is not None:
            # The largest row sum of |W| bounds both the change from one moved row
            # of A^[l-1] (a perturbation of layer l - 1) and from all of them.
            spread = float(np.abs(parameters[f"W{l}"]).sum(axis=1).max()) / cache.keep_prob[l - 1]
            below = spread * (own if below is None else larger(own, below))
        # Hidden activations (relu, then dropout) are never negative.
        A = cache.A[l - 1] if l > 1 else np.abs(cache.A[0])
        own = 2.0 * epsilon * larger(reduced(A.max(axis=axis)), 1.0)
        bound = own if below is None else larger(own, below)
        if l < L:
            flagged = flagged | (reduced(np.abs(cache.Z[l]).min(axis=axis)) <= bound)  # type: ignore[arg-type]
        else:
            flagged = flagged | (bound > _SERIES_LIMIT)
    return flagged


def _perturbation_groups(n: int, C: int, size: int) -> Iterator[tuple[slice, slice]]:
    """The n x C perturbations of a layer, row by row, in groups of at most ``size``:
    several whole rows at a time if they fit, otherwise parts of one row."""
    if size >= C:
        for start in range(0, n, size // C):
            yield slice(start, start + size // C), slice(None)
    else:
        for row in range(n):
            for start in range(0, C, size):
                yield slice(row, row + 1), slice(start, start + size)


def _gradapprox_vectorized(cache: ForwardCache, Y: Array, lambd: float, epsilon: float) -> Array:
    r"""Equation 3 for all P parameters, batched over perturbations with NumPy.

    Perturbing entry :math:`(r, c)` of :math:`[W^{[l]} \mid b^{[l]}]` by
    :math:`\pm\varepsilon` leaves the layers below ``l`` unchanged and moves row
    :math:`r` of :math:`Z^{[l]}` by :math:`\pm\varepsilon` times row :math:`c` of
    :math:`[A^{[l-1]}; 1]`. With :math:`w_j = s_j z_j` and :math:`u^\pm_j` the
    changes of :math:`w_j`, the numerator of equation 3 is a sum over examples
    of :math:`\operatorname{softplus}(w_j + u^+_j) - \operatorname{softplus}(w_j + u^-_j)`.
    The examples are split by :func:`_outside_series`:

    - For those it does not flag, no perturbation carries a relu input across
      zero, so :math:`u^- = -u^+` exactly and the change of the logit is the
      step times :math:`T_{rj}` (:func:`_row_sensitivities`); the odd series
      of :func:`_odd_softplus_coefficients` gives each difference with an
      error below the rounding of the loss itself, and summed over the
      examples it is two matrix products per chunk of rows: of
      :math:`T \odot a_1` with the steps and of :math:`T^3 \odot a_3` with
      their cubes.
    - Flagged examples (relu inputs near zero, or a large ``epsilon``) are
      propagated for both signs through every relu (:func:`_logit_changes`),
      and their losses compared by :func:`_softplus_differences`.

    Both are exact in real arithmetic. The first never subtracts two nearly
    equal costs, so it gives the two-sided difference to within a few ulps,
    where the loop's difference carries rounding noise of about
    :math:`\text{eps}_\text{machine} J / \varepsilon`.
    """
    parameters, L, m = cache.parameters, len(cache.Z) - 1, Y.shape[1]
    sign = 1.0 - 2.0 * Y[0]
    w = sign * cache.Z[L][0]  # type: ignore[index]
    a1, a3 = _odd_softplus_coefficients(sign, w)
    # Equation 3 divides the numerators by 2 epsilon, and J averages over m examples.
    scale = 1.0 / (2.0 * epsilon * m)
    a1 *= scale
    a3 *= scale
    scales = _dropout_scales(cache)
    slopes = _relu_slopes(cache, scales)
    flagged = _outside_series(cache, epsilon)
    fast: NDArray[np.intp] | slice = slice(None)
    exact = None
    if flagged.any():
        fast, exact = np.flatnonzero(~flagged), np.flatnonzero(flagged)
        a1, a3 = a1[fast], a3[fast]
        slopes = [None if slope is None else slope[:, fast] for slope in slopes]
        levels = [None] + [(cache.Z[l][:, exact],  # type: ignore[index]
                            None if scales[l] is None else scales[l][:, exact])  # type: ignore[index]
                           for l in range(1, L)] + [None]
    pieces = []
    for l in range(1, L + 1):
        n, n_prev = parameters[f"W{l}"].shape
        # Entry (r, c) of [W^[l] | b^[l]] moves row r of Z^[l] by steps[c].
        steps = np.empty((n_prev + 1, m))
        np.multiply(cache.A[l - 1], epsilon, out=steps[:n_prev])
        steps[n_prev] = epsilon
        fast_steps = steps[:, fast]
        cubes = fast_steps * fast_steps
        cubes *= fast_steps
        # _row_sensitivities holds (n_l', k, m) arrays for the layers l' above l.
        widest = max([1] + [parameters[f"W{above}"].shape[0] for above in range(l + 1, L + 1)])
        rows_per_chunk = max(1, _CHUNK_ENTRIES // (widest * m))
        numerators = np.empty((n, n_prev + 1))
        for start in range(0, n, rows_per_chunk):
            rows = slice(start, start + rows_per_chunk)
            # Perturbation (r, c) moves logit j by T[r, j] steps[c, j], so the odd
            # series summed over the examples is two matrix products.
            if l == L:
                linear, cubic = a1[np.newaxis], a3[np.newaxis]
            else:
                linear = _row_sensitivities(parameters, slopes, l, rows)
                cubic = linear * linear
                cubic *= linear
                cubic *= a3
                linear *= a1
            block = np.matmul(linear, fast_steps.T, out=numerators[rows])
            block += cubic @ cubes.T
        if exact is not None:
            # Each perturbation of the flagged examples holds (2 widest, examples) arrays.
            per_call = max(1, _CHUNK_ENTRIES // (2 * widest * exact.size))
            for rows, columns in _perturbation_groups(n, n_prev + 1, per_call):
                both = steps[columns][:, exact]
                logits = _logit_changes(parameters, l, rows, np.stack([both, -both]), levels)
                logits *= sign[exact]
                logits += w[exact]
                block = numerators[rows, columns]
                block += scale * _softplus_differences(logits).reshape(block.shape)
        weights = numerators[:, :n_prev].ravel()
        if lambd:
            # The two-sided difference of lambd / (2 m) * w^2 is exact: lambd / m * w.
            weights += lambd / m * parameters[f"W{l}"].ravel()
        pieces += [weights, numerators[:, n_prev]]
    return np.concatenate(pieces)


_NON_FINITE = ("epsilon: expected a step whose perturbed costs stay finite, got {!r}, "
               "with which a perturbed forward pass overflows")


def check_gradients(parameters: Mapping[str, ArrayLike], X: ArrayLike, Y: ArrayLike,
                    lambd: float = 0.0, epsilon: float = 1e-7,
                    keep_prob: float | Sequence[float] = 1.0,
                    masks: Sequence[ArrayLike | None] | None = None,
                    seed: int | np.random.Generator | None = None,
                    grads: Mapping[str, ArrayLike] | None = None,
                    method: str = "vectorized", threshold: float = 1e-7) -> GradientCheckResult:
    r"""Compare a gradient with two-sided finite differences, block by block.

    The cost is :math:`J(\theta)`, the notes' equation 2 (equation 1 when
    :math:`\lambda = 0`) computed from the logits. ``gradapprox`` comes from
    equation 3 applied to every entry of :math:`\theta`
    (:func:`dictionary_to_vector`), and the result reports equation 4 over all
    parameters and over each block.

    **Dropout.** The notes say gradient checking cannot be used with dropout,
    because every evaluation of :math:`J` would draw new masks. Holding the
    masks fixed makes :math:`J` an ordinary deterministic function of
    :math:`\theta` (the cost of one thinned network), whose gradient is what the
    backward pass computes with those masks. With ``keep_prob < 1`` the masks
    are drawn once (from ``seed``) or taken from ``masks``, and reused for the
    backward pass and for all :math:`2P` perturbed evaluations.

    Parameters
    ----------
    parameters : dict of str to array_like
        ``W1, b1, ..., WL, bL``.
    X : array_like of shape (n_x, m)
    Y : array_like of shape (1, m)
        Labels, 0 or 1.
    lambd : float
        L2 strength :math:`\lambda \ge 0`.
    epsilon : float
        Finite-difference step :math:`\varepsilon > 0`.
    keep_prob : float or sequence of float
        Dropout keep probability of the hidden layers.
    masks : list, optional
        Fixed dropout masks indexed by layer, as in :func:`nn_lib.forward_propagation`.
    seed : int, numpy.random.Generator or None
        Draws the masks when ``keep_prob < 1`` and ``masks`` is None.
    grads : dict of str to array_like, optional
        The gradient to check (``dW1, db1, ...``), e.g. from your own backward
        pass. Default: :func:`nn_lib.backward_propagation` with the same masks.
    method : {"vectorized", "loop"}
        ``"loop"`` perturbs one parameter per Python iteration and subtracts
        the two costs, as the book explains, so each entry of ``gradapprox``
        carries rounding noise of about
        :math:`\text{eps}_\text{machine} J / \varepsilon`.
        ``"vectorized"`` computes the same quotients for all parameters
        together with NumPy, carrying each perturbation up from the one row of
        :math:`Z^{[l]}` that it moves, and sums the per-example differences of
        the loss without subtracting two costs: much faster, and exact to a few
        ulps (examples near a ReLU kink are run through every relu for both
        signs).
    threshold : float
        Pass threshold for ``difference``.

    Returns
    -------
    GradientCheckResult
    """
    X, Y = check_X_Y(X, Y)
    params = check_parameters(parameters, n_x=X.shape[0])
    lambd = NONNEGATIVE("lambd", lambd)
    epsilon = POSITIVE("epsilon", epsilon)
    threshold = POSITIVE("threshold", threshold)
    if method not in ("vectorized", "loop"):
        raise ValueError(f"method: expected 'vectorized' or 'loop', got {method!r}")
    L = len(params) // 2
    probs = _core.keep_probabilities(keep_prob, L)
    if masks is not None:
        fixed, missing = _check_masks(masks, params, X.shape[1], probs)
        if missing:
            raise ValueError(f"masks: expected a mask for every hidden layer with keep_prob < 1, "
                             f"got None for layer(s) {missing}")
        rng = None
    elif min(probs) < 1.0:
        fixed, rng = None, check_rng("seed", seed)
    else:
        # No mask to draw: the seed is checked, but no generator is built.
        check_seed("seed", seed)
        fixed, rng = None, None
    # One forward pass draws the masks (if any); every later evaluation reuses them.
    with np.errstate(over="ignore", invalid="ignore"):
        _, cache = _core.forward_propagation(X, params, probs, rng, fixed)
    if not np.isfinite(cache.Z[L]).all():  # type: ignore[union-attr]
        raise ValueError("parameters: expected parameters whose forward pass stays finite, "
                         "got logits that overflow float64")
    layout = _layout(params)
    if grads is None:
        grad = np.empty(sum(value.size for value in params.values()))
        _backward(Y, cache, lambd / X.shape[1],
                  out={"d" + key: view for key, view in _views(grad, layout).items()})
    else:
        grad = gradients_to_vector(grads, layout)
    if method == "loop":
        try:
            gradapprox = _gradapprox_loop(X, Y, params, probs, cache.D, lambd, epsilon)
        except ValueError as error:  # numerical_gradient found a non-finite cost
            raise ValueError(_NON_FINITE.format(epsilon)) from error
    else:
        gradapprox = _gradapprox_vectorized(cache, Y, lambd, epsilon)
        if not np.isfinite(gradapprox).all():
            raise ValueError(_NON_FINITE.format(epsilon))
    norms = _block_norms(grad, gradapprox, [math.prod(shape) for _, shape in layout])
    blocks = {key: _equation_4(*block) for (key, _), block in zip(layout, norms)}
    difference = _equation_4(*(math.hypot(*column) for column in zip(*norms)))
    return GradientCheckResult(difference=difference, block_differences=blocks, grad=grad,
                               gradapprox=gradapprox, layout=layout, threshold=threshold)


def gradient_check(parameters: Mapping[str, ArrayLike], X: ArrayLike, Y: ArrayLike,
                   lambd: float = 0.0, epsilon: float = 1e-7,
                   keep_prob: float | Sequence[float] = 1.0,
                   masks: Sequence[ArrayLike | None] | None = None,
                   seed: int | np.random.Generator | None = None,
                   grads: Mapping[str, ArrayLike] | None = None,
                   method: str = "vectorized") -> float:
    r"""Relative difference (equation 4) between backpropagation and finite differences.

    A thin wrapper around :func:`check_gradients` that returns only
    ``difference``: below about :math:`10^{-7}` the backward pass is almost
    certainly right; above :math:`10^{-3}` it almost certainly has a bug.

    Parameters
    ----------
    parameters : dict of str to array_like
    X : array_like of shape (n_x, m)
    Y : array_like of shape (1, m)
    lambd : float
    epsilon : float
    keep_prob, masks, seed, grads, method
        See :func:`check_gradients`.

    Returns
    -------
    float
    """
    return check_gradients(parameters, X, Y, lambd=lambd, epsilon=epsilon, keep_prob=keep_prob,
                           masks=masks, seed=seed, grads=grads, method=method).difference
