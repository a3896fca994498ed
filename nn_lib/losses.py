"""Binary cross-entropy cost, plain and L2-regularized (the notes' equations 1 and 2).

Both functions check their arguments and then call the equations in
:mod:`nn_lib._core`, whose docstrings and source they show on the API page.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _core
from ._validation import (NONNEGATIVE, check_array, check_label_values, check_parameters,
                          validate_params)

__all__ = ["compute_cost", "compute_cost_from_logits"]

Array = NDArray[np.float64]


def _check_cost_inputs(name: str, A: ArrayLike, Y: ArrayLike,
                       parameters: Mapping[str, ArrayLike] | None, lambd: float
                       ) -> tuple[Array, Array]:
    A = check_array(name, A, ndim=2, rows=1)
    Y = check_array("Y", Y, ndim=2, rows=1)
    if Y.shape != A.shape:
        raise ValueError(f"Y: expected shape {A.shape} to match {name}, got shape {Y.shape}")
    if lambd and parameters is None:
        raise ValueError("parameters: expected the parameter dict when lambd > 0, got None")
    return A, check_label_values("Y", Y)


def _checked_weights(parameters: Mapping[str, ArrayLike] | None, lambd: float
                     ) -> Mapping[str, Array] | None:
    return check_parameters(parameters) if lambd else None


def _overflowed(name: str) -> ValueError:
    """The error for a cost beyond float64's range, naming the argument whose term overflowed."""
    return ValueError(f"{name}: expected values whose cost fits in float64, got a cost that overflows")


@functools.wraps(_core.compute_cost)
@validate_params(lambd=NONNEGATIVE)
def compute_cost(AL: ArrayLike, Y: ArrayLike, parameters: Mapping[str, ArrayLike] | None = None,
                 lambd: float = 0.0) -> float:
    AL, Y = _check_cost_inputs("AL", AL, Y, parameters, lambd)
    if np.any((AL < 0) | (AL > 1)):
        raise ValueError("AL: expected probabilities in [0, 1], got values outside it")
    with np.errstate(over="ignore"):
        cost = float(_core.compute_cost(AL, Y, _checked_weights(parameters, lambd), lambd))
    if not np.isfinite(cost):  # clipped, the data term is at most about 34.5: the L2 term overflowed
        raise _overflowed("parameters")
    return cost


@functools.wraps(_core.compute_cost_from_logits)
@validate_params(lambd=NONNEGATIVE)
def compute_cost_from_logits(ZL: ArrayLike, Y: ArrayLike,
                             parameters: Mapping[str, ArrayLike] | None = None,
                             lambd: float = 0.0) -> float:
    ZL, Y = _check_cost_inputs("ZL", ZL, Y, parameters, lambd)
    with np.errstate(over="ignore"):
        cost = float(_core.compute_cost_from_logits(ZL, Y, _checked_weights(parameters, lambd), lambd))
        # Each example's loss is finite: the sum over the examples overflowed, or the L2 term.
        if not np.isfinite(cost):
            raise _overflowed("parameters" if np.isfinite(_core.compute_cost_from_logits(ZL, Y))
                              else "ZL")
    return cost
