"""Helpers for the book's notebooks that also work where myst-nb is not installed (Colab).

Besides :func:`glue`, this module holds the book's one seed setting. Every
random experiment in the book derives its seeds from :func:`book_seed`, which
reads the environment variable ``NN_LIB_BOOK_SEED`` (default 0), through
:func:`seeds`, so that ``NN_LIB_BOOK_SEED=7 jupyter-book build .`` rebuilds the
whole book under other seeds.

:func:`cached` lets several chapters share one long computation (the same
training runs) instead of repeating it: the first chapter that asks computes
it, the others read the stored result.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from ._validation import Integer, _describe

__all__ = ["glue", "BOOK_SEED_VARIABLE", "book_seed", "seeds", "CACHE_VARIABLE", "cached",
           "cached_in_parallel"]

T = TypeVar("T")

BOOK_SEED_VARIABLE = "NN_LIB_BOOK_SEED"
"""Name of the environment variable that sets the book's seed."""


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


def book_seed(default: int = 0) -> int:
    """The book's seed: the environment variable ``NN_LIB_BOOK_SEED``, or ``default``.

    Parameters
    ----------
    default : int
        Seed used when the variable is unset or empty, >= 0.

    Returns
    -------
    int
        A non-negative integer.

    Raises
    ------
    ValueError
        If ``NN_LIB_BOOK_SEED`` is set to anything but a non-negative integer
        written in decimal digits (surrounding spaces are allowed).
    """
    default = Integer(0)("default", default)
    text = os.environ.get(BOOK_SEED_VARIABLE, "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"{BOOK_SEED_VARIABLE}: expected a non-negative integer such as 0 or 7, "
                         f"got {os.environ[BOOK_SEED_VARIABLE]!r}")
    return int(text)


def seeds(n: int, *, stream: str, seed: int | None = None) -> list[int]:
    """``n`` independent integer seeds for one experiment, derived from the book's seed.

    The seeds are the first words of ``n`` children of
    ``numpy.random.SeedSequence([seed, crc32(stream)])``: the same ``seed`` and
    ``stream`` always give the same list, different streams give unrelated lists,
    and the first ``k`` seeds do not depend on ``n``. Name the stream after the
    experiment (``"dropout/keep_prob"``), so that two experiments never share seeds
    by accident and adding one does not move the other's.

    Parameters
    ----------
    n : int
        Number of seeds, >= 1.
    stream : str
        Non-empty name of the experiment.
    seed : int or None
        Root seed, >= 0; None (the default) uses :func:`book_seed`.

    Returns
    -------
    list of int
        ``n`` seeds in [0, 2**32), each usable as the ``seed`` of any nn_lib function.
    """
    n = Integer(1)("n", n)
    if not isinstance(stream, str) or not stream:
        raise TypeError(f"stream: expected a non-empty string naming the experiment, "
                        f"got {_describe(stream)}")
    root = book_seed() if seed is None else Integer(0)("seed", seed)
    sequence = np.random.SeedSequence([root, zlib.crc32(stream.encode("utf-8"))])
    return [int(child.generate_state(1)[0]) for child in sequence.spawn(n)]


CACHE_VARIABLE = "NN_LIB_CACHE"
"""Name of the environment variable that sets the folder of :func:`cached`."""


def _source_digest() -> str:
    """A digest of nn_lib's own source files: a change to the library changes every key."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def cached(compute: Callable[..., T], /, **arguments: Any) -> T:
    """``compute(**arguments)``, computed once and then read back from disk.

    Several chapters use the same long training runs; the first one to call
    ``cached`` with the same function and arguments computes and stores the
    result, the others load it. The key is the function's name, the pickled
    arguments (arrays included, byte for byte) and a digest of nn_lib's source,
    so a change to any argument or to the library computes afresh. For a
    ``compute`` defined outside nn_lib its compiled code is part of the key too
    (two lambdas, or a function edited in a notebook, get their own results); a
    change in what it calls or in the variables it closes over is not seen:
    delete the folder then. The seed knob needs no special care: seeds are
    among the arguments.

    Results are stored in the folder named by the environment variable
    ``NN_LIB_CACHE``, by default ``nn_lib_cache`` in the temporary directory.
    Delete it to start over.

    Parameters
    ----------
    compute : callable
        A function of keyword arguments whose result can be pickled, for
        instance :func:`nn_lib.train_seeds`.
    **arguments
        Its arguments, all by keyword; they must be picklable.

    Returns
    -------
    object
        What ``compute(**arguments)`` returns.
    """
    if not callable(compute):
        raise TypeError(f"compute: expected a function, got {_describe(compute)}")
    key = hashlib.sha256()
    key.update(f"{compute.__module__}.{compute.__qualname__}".encode())
    code = getattr(compute, "__code__", None)
    if code is not None and not compute.__module__.startswith("nn_lib"):
        key.update(code.co_code + repr((code.co_consts, code.co_names)).encode())
    key.update(pickle.dumps(sorted(arguments.items()), protocol=4))
    key.update(_source_digest().encode())
    folder = Path(os.environ.get(CACHE_VARIABLE) or Path(tempfile.gettempdir()) / "nn_lib_cache")
    path = folder / f"{compute.__name__}-{key.hexdigest()[:32]}.pickle"
    if path.exists():
        with open(path, "rb") as f:
            return pickle.load(f)
    result = compute(**arguments)
    folder.mkdir(parents=True, exist_ok=True)
    # Written to a temporary name first, so that a reader never sees half a file.
    partial = path.with_suffix(f".{os.getpid()}.partial")
    with open(partial, "wb") as f:
        pickle.dump(result, f, protocol=4)
    partial.replace(path)
    return result


def cached_in_parallel(compute: Callable[..., T], argument_sets: list[dict[str, Any]],
                       processes: int = 2) -> list[T]:
    """:func:`cached` for several sets of arguments, ``processes`` of them at a time.

    Independent long computations (the same training for several settings) use
    every core: each set runs in its own process (started fresh, so ``compute``
    and the arguments must be importable and picklable, as
    :func:`nn_lib.train_seeds` and NumPy arrays are), and stores its result
    where a later :func:`cached` call with the same arguments finds it.

    Parameters
    ----------
    compute : callable
        As for :func:`cached`.
    argument_sets : list of dict
        One dict of keyword arguments per computation.
    processes : int
        Number of processes, >= 1 (1 computes in this process, one after the other).

    Returns
    -------
    list
        ``[cached(compute, **arguments) for arguments in argument_sets]``.
    """
    processes = Integer(1)("processes", processes)
    if not isinstance(argument_sets, list) or not all(isinstance(a, dict) for a in argument_sets):
        raise TypeError(f"argument_sets: expected a list of dicts of keyword arguments, "
                        f"got {_describe(argument_sets)}")
    if processes == 1 or len(argument_sets) <= 1:
        return [cached(compute, **arguments) for arguments in argument_sets]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        futures = [pool.submit(cached, compute, **arguments) for arguments in argument_sets]
        return [future.result() for future in futures]

