"""Shared Hypothesis strategies, independent reference computations and one assertion
helper for the nn_lib tests.

Nothing here calls nn_lib: the reference forward pass, cost and backward pass are
written from the equations of the notes so that the tests compare nn_lib with an
independent computation, never with its own output.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import strategies as st

# ---------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------

seeds = st.integers(min_value=0, max_value=2**32 - 1)


@st.composite
def layer_dims(draw, min_layers: int = 1, max_layers: int = 5, max_width: int = 20,
               max_inputs: int = 20) -> list[int]:
    """``[n_x, n_1, ..., n_{L-1}, 1]`` with L in [min_layers, max_layers] and widths in [1, max_width]."""
    L = draw(st.integers(min_layers, max_layers))
    n_x = draw(st.integers(1, max_inputs))
    hidden = draw(st.lists(st.integers(1, max_width), min_size=L - 1, max_size=L - 1))
    return [n_x, *hidden, 1]


# ---------------------------------------------------------------------------
# Networks at a generic point
# ---------------------------------------------------------------------------

def random_network(seed: int, dims: list[int], m: int
                   ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """He-scaled weights, non-zero random biases, Gaussian inputs and random 0/1 labels.

    Biases have magnitude in [0.1, 0.5] with a random sign, so that no pre-activation
    sits at ReLU's kink (the set of such points has measure zero).
    """
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) * np.sqrt(2.0 / dims[l - 1])
        parameters[f"b{l}"] = (rng.uniform(0.1, 0.5, (dims[l], 1))
                               * rng.choice([-1.0, 1.0], (dims[l], 1)))
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    return parameters, X, Y


def random_masks(seed: int, dims: list[int], m: int, keep_prob: float) -> list:
    """Dropout masks indexed by layer, None for the input and output layers."""
    rng = np.random.default_rng(seed + 1)
    L = len(dims) - 1
    return [None] + [rng.random((dims[l], m)) < keep_prob for l in range(1, L)] + [None]


# ---------------------------------------------------------------------------
# Reference computations, straight from the equations
# ---------------------------------------------------------------------------

def ref_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def ref_forward(X, parameters, masks=None, keep_prob=1.0):
    """Returns (AL, ZL, activations list) of LINEAR->RELU x (L-1) -> LINEAR->SIGMOID."""
    L = len(parameters) // 2
    A = X
    activations = [X]
    Z = None
    for l in range(1, L + 1):
        Z = parameters[f"W{l}"] @ A + parameters[f"b{l}"]
        if l < L:
            A = np.where(Z > 0, Z, 0.0)
            if masks is not None and masks[l] is not None:
                A = A * masks[l] / keep_prob
        else:
            A = ref_sigmoid(Z)
        activations.append(A)
    return A, Z, activations


def ref_cost(X, Y, parameters, lambd=0.0, masks=None, keep_prob=1.0):
    """Equation 2, with -log a = log(1 + e^-z) and -log(1 - a) = log(1 + e^z) so that
    saturated outputs (logits of 20 or more) keep full precision (moderate logits only)."""
    _, ZL, _ = ref_forward(X, parameters, masks, keep_prob)
    m = X.shape[1]
    cross_entropy = np.sum(Y * np.log1p(np.exp(-ZL)) + (1 - Y) * np.log1p(np.exp(ZL))) / m
    L = len(parameters) // 2
    l2 = lambd / (2 * m) * sum(np.sum(parameters[f"W{l}"] ** 2) for l in range(1, L + 1))
    return cross_entropy + l2


def ref_finite_differences(X, Y, parameters, lambd=0.0, masks=None, keep_prob=1.0, eps=1e-6):
    """Two-sided differences of :func:`ref_cost`, entry by entry, as a dict ``dW1, db1, ...``."""
    grads = {}
    for key, value in parameters.items():
        g = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            plus = {k: v.copy() for k, v in parameters.items()}
            minus = {k: v.copy() for k, v in parameters.items()}
            plus[key][index] += eps
            minus[key][index] -= eps
            g[index] = (ref_cost(X, Y, plus, lambd, masks, keep_prob)
                        - ref_cost(X, Y, minus, lambd, masks, keep_prob)) / (2 * eps)
        grads["d" + key] = g
    return grads


def ref_backward_one_hidden(X, Y, parameters, lambd=0.0, mask=None, keep_prob=1.0):
    """Hand-written backward pass of LINEAR->RELU->LINEAR->SIGMOID (one hidden layer)."""
    W1, b1, W2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
    m = X.shape[1]
    Z1 = W1 @ X + b1
    A1 = np.where(Z1 > 0, Z1, 0.0)
    if mask is not None:
        A1 = A1 * mask / keep_prob
    Z2 = W2 @ A1 + b2
    A2 = ref_sigmoid(Z2)
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m + lambd / m * W2
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = W2.T @ dZ2
    if mask is not None:
        dA1 = dA1 * mask / keep_prob
    dZ1 = dA1 * (Z1 > 0)
    dW1 = dZ1 @ X.T / m + lambd / m * W1
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def rel_diff(a, b) -> float:
    """Equation 4, written again here so that tests do not rely on nn_lib's version.
    Both vectors are divided by their largest magnitude first (equation 4 does not
    change), so that squares of 1e-200 or 1e200 neither underflow nor overflow."""
    a, b = np.ravel(a).astype(float), np.ravel(b).astype(float)
    largest = max(np.abs(a).max(), np.abs(b).max())
    if largest > 0:
        a, b = a / largest, b / largest
    den = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if den == 0 else float(np.linalg.norm(a - b) / den)


def flatten(d: dict, keys: list[str]) -> np.ndarray:
    return np.concatenate([np.ravel(d[k]) for k in keys])


def raises_exactly(error: type[BaseException], message: str):
    """``pytest.raises`` for exactly ``message``, not a message that merely contains it."""
    return pytest.raises(error, match="^" + re.escape(message) + "$")
