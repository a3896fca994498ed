"""Gradient checking: compare backpropagation with two-sided finite differences."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import (check_X_Y, check_array, check_grads, check_nonnegative,
                          check_parameters, check_positive, check_rng, check_seed)
from .losses import _cross_entropy_with_logits
from .network import ForwardCache, _backward, _check_masks, _forward, _keep_probs
from .regularization import _squared_weights

__all__ = ["dictionary_to_vector", "vector_to_dictionary", "gradients_to_vector",
           "relative_difference", "numerical_gradient", "gradient_check", "check_gradients",
           "GradientCheckResult"]

Array = NDArray[np.float64]
Layout = list[tuple[str, tuple[int, ...]]]

#: Size, in float64 entries (256 KiB), of the largest temporary array of the
#: vectorized check: perturbations are processed in chunks small enough for the
#: temporaries to stay in a core's cache, which bounds memory use and is faster
#: than fewer, larger NumPy calls.
_CHUNK_ENTRIES = 32_768

#: Number of per-example ratios multiplied together before one logarithm is
#: taken; each ratio lies in (1/2, 2), so a product of 1000 stays within float64.
_PRODUCT_LENGTH = 1000


def _layout(parameters: Mapping[str, Array]) -> Layout:
    L = len(parameters) // 2
    return [(key, np.shape(parameters[key])) for l in range(1, L + 1) for key in (f"W{l}", f"b{l}")]


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
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(grad - gradapprox) / denominator)


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
    epsilon = check_positive("epsilon", epsilon)
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
    cache = _forward(X, parameters, keep_prob, None, masks)
    L = len(keep_prob) - 1
    cost = _cross_entropy_with_logits(cache.Z[L], Y)  # type: ignore[arg-type]
    if lambd:
        cost += lambd / (2 * X.shape[1]) * _squared_weights(parameters, L)
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


def _propagate_row_change(cache: ForwardCache, l: int, rows: NDArray[np.intp], z: Array) -> Array:
    """Logits ``(2, k, m)`` of the networks whose row ``rows[p]`` of Z^[l] is ``z[:, p]``."""
    parameters, keep_prob, L = cache.parameters, cache.keep_prob, len(cache.Z) - 1
    if l == L:
        return z
    # In place throughout: fresh temporaries of this size cost more than the arithmetic.
    a = np.maximum(z, 0.0, out=z)
    if cache.D[l] is not None:
        a *= cache.D[l][rows] / keep_prob[l]  # type: ignore[index]
    a -= cache.A[l][rows]
    # Only one row of A^[l] changed, so Z^[l+1] moves by a rank-one term. The
    # explicit C-ordered output keeps NumPy's broadcasting loops fast.
    W = parameters[f"W{l + 1}"]
    Z = np.multiply(W[:, rows][:, np.newaxis, :, np.newaxis], a,
                    out=np.empty((W.shape[0], *a.shape)))
    Z += cache.Z[l + 1][:, np.newaxis, np.newaxis, :]  # type: ignore[index]
    for layer in range(l + 1, L):
        A = np.maximum(Z, 0.0, out=Z)
        if cache.D[layer] is not None:
            A *= cache.D[layer][:, np.newaxis, np.newaxis, :] / keep_prob[layer]  # type: ignore[index]
        W = parameters[f"W{layer + 1}"]
        # (n_next, n) @ (n, 2 k m): one matrix product for all perturbed networks.
        Z = (W @ A.reshape(A.shape[0], -1)).reshape(W.shape[0], *A.shape[1:])
        Z += parameters[f"b{layer + 1}"][:, :, np.newaxis, np.newaxis]
    return Z[0]


def _gradapprox_vectorized(cache: ForwardCache, Y: Array, lambd: float, epsilon: float) -> Array:
    r"""Equation 3 for all P parameters, batched over perturbations with NumPy.

    Perturbing one entry of layer ``l`` leaves the layers below ``l`` unchanged and
    changes a single row of :math:`Z^{[l]}`, by :math:`\pm\varepsilon A^{[l-1]}_{c,:}`
    for a weight :math:`W^{[l]}_{rc}`, by :math:`\pm\varepsilon` for a bias; so
    :math:`Z^{[l+1]}` changes by a rank-one term. The perturbed networks of a
    layer (both signs) are propagated from there together, side by side, in
    chunks whose temporaries stay cache-sized. The loss of example :math:`j` is
    :math:`\operatorname{softplus}(s_j z_j)` with :math:`s_j = 1 - 2 y_j`, so the
    numerator of equation 3, :math:`J(\theta + \varepsilon e_i) - J(\theta - \varepsilon e_i)`,
    is :math:`\frac{1}{m}` times a sum of per-example differences of softplus
    (:func:`_softplus_differences`). In exact arithmetic every step equals a
    full forward pass of the perturbed network; in floating point the results
    differ from the loop's by rounding only.
    """
    parameters, L, m = cache.parameters, len(cache.Z) - 1, Y.shape[1]
    sign = 1.0 - 2.0 * Y
    pieces = []
    for l in range(1, L + 1):
        n, n_prev = parameters[f"W{l}"].shape
        # The largest temporaries hold 2 * chunk perturbed copies of a layer above l.
        widest = max([1] + [parameters[f"W{above}"].shape[0] for above in range(l + 1, L + 1)])
        chunk = max(1, _CHUNK_ENTRIES // (2 * widest * m))
        # Perturbation i moves entry (rows[i], cols[i]) of [W^[l] | b^[l]], which
        # moves row rows[i] of Z^[l] by epsilon times row cols[i] of `inputs`.
        inputs = np.vstack([cache.A[l - 1], np.ones((1, m))])
        rows, cols = np.divmod(np.arange(n * (n_prev + 1)), n_prev + 1)
        differences = np.empty(rows.size)
        for start in range(0, rows.size, chunk):
            r, c = rows[start:start + chunk], cols[start:start + chunk]
            base, step = cache.Z[l][r], epsilon * inputs[c]  # type: ignore[index]
            z = np.empty((2, r.size, m))
            np.add(base, step, out=z[0])
            np.subtract(base, step, out=z[1])
            logits = _propagate_row_change(cache, l, r, z)
            logits *= sign
            differences[start:start + r.size] = _softplus_differences(logits)
        block = (differences / (2.0 * epsilon * m)).reshape(n, n_prev + 1)
        weights = block[:, :n_prev].ravel()
        if lambd:
            w = parameters[f"W{l}"].ravel()
            # Only the perturbed entry's square changes in the L2 term.
            weights += lambd / (2 * m) * ((w + epsilon) ** 2 - (w - epsilon) ** 2) / (2.0 * epsilon)
        pieces += [weights, block[:, n_prev]]
    return np.concatenate(pieces)


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
        ``"loop"`` perturbs one parameter per Python iteration, as the book
        explains; ``"vectorized"`` evaluates the same perturbed networks
        together with NumPy, starting each from the one row of :math:`Z^{[l]}`
        that the perturbation moves, and forms each numerator of equation 3
        from per-example differences: much faster, and with less rounding
        noise.
    threshold : float
        Pass threshold for ``difference``.

    Returns
    -------
    GradientCheckResult
    """
    X, Y = check_X_Y(X, Y)
    params = check_parameters(parameters, n_x=X.shape[0])
    lambd = check_nonnegative("lambd", lambd)
    epsilon = check_positive("epsilon", epsilon)
    threshold = check_positive("threshold", threshold)
    if method not in ("vectorized", "loop"):
        raise ValueError(f"method: expected 'vectorized' or 'loop', got {method!r}")
    L = len(params) // 2
    probs = _keep_probs(keep_prob, L)
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
    cache = _forward(X, params, probs, rng, fixed)
    layout = _layout(params)
    if grads is None:
        grad = np.empty(sum(math.prod(shape) for _, shape in layout))
        _backward(Y, cache, lambd / X.shape[1],
                  out={"d" + key: view for key, view in _views(grad, layout).items()})
    else:
        grad = gradients_to_vector(grads, layout)
    if method == "loop":
        gradapprox = _gradapprox_loop(X, Y, params, probs, cache.D, lambd, epsilon)
    else:
        gradapprox = _gradapprox_vectorized(cache, Y, lambd, epsilon)
    approx_blocks = _views(gradapprox, layout)
    # np.linalg.norm of a block is its Frobenius norm: the 2-norm of its entries.
    blocks = {key: _relative_difference(block, approx_blocks[key])
              for key, block in _views(grad, layout).items()}
    return GradientCheckResult(difference=_relative_difference(grad, gradapprox),
                               block_differences=blocks, grad=grad, gradapprox=gradapprox,
                               layout=layout, threshold=threshold)


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
