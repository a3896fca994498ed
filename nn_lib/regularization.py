"""L2 regularization and inverted dropout.

Both functions check their arguments and then call the equations in
:mod:`nn_lib._core`, whose docstrings and source they show on the API page.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _core
from ._validation import (NONNEGATIVE, PROBABILITY, Integer, check_array, check_mask,
                          check_parameters, validate_params)

__all__ = ["l2_penalty", "inverted_dropout"]

Array = NDArray[np.float64]


@functools.wraps(_core.l2_penalty)
@validate_params(lambd=NONNEGATIVE, m=Integer(1))
def l2_penalty(parameters: Mapping[str, ArrayLike], lambd: float, m: int) -> float:
    return float(_core.l2_penalty(check_parameters(parameters), lambd, m))


@functools.wraps(_core.inverted_dropout)
@validate_params(keep_prob=PROBABILITY)
def inverted_dropout(A: ArrayLike, keep_prob: float, rng: np.random.Generator | None = None,
                     D: ArrayLike | None = None) -> tuple[Array, NDArray[np.bool_]]:
    A = check_array("A", A, ndim=2)
    if D is None:
        if rng is None:
            raise ValueError("rng: expected a numpy.random.Generator to draw the mask when "
                             "no D is given, got None")
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng: expected a numpy.random.Generator, got {type(rng).__name__}")
        return _core.inverted_dropout(A, keep_prob, rng)
    return _core.inverted_dropout(A, keep_prob, None, check_mask("D", D, A.shape))
