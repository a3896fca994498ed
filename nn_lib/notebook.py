"""Helpers for the book's notebooks that also work where myst-nb is not installed (Colab)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["glue"]


def glue(name: str, value: Any, display: bool = False) -> None:
    """Store ``value`` under ``name`` for the book's ``{glue:text}`` roles.

    In the book build this is :func:`myst_nb.glue`. Where myst-nb is missing
    (a Colab runtime, a plain Jupyter install) the value is printed instead,
    so a reader running the notebook still sees every number the prose quotes.
    NumPy scalars are turned into Python numbers first, so the prose shows
    ``0.93`` and not ``np.float64(0.93)``.

    Parameters
    ----------
    name : str
        Key used by ``{glue:text}`name``` in the prose.
    value : object
        Number, string or figure.
    display : bool
        Also show the value in the cell output (myst-nb only).

    Returns nothing, so that a call on the last line of a cell adds no output.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name: expected a non-empty string, got {name!r}")
    if isinstance(value, np.generic):
        value = value.item()
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        print(f"{name} = {value}")
    else:
        myst_glue(name, value, display=display)
