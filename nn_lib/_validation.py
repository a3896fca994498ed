"""Checks applied at nn_lib's public boundary.

Every function here raises ``ValueError`` or ``TypeError`` with a message that
names the argument, says what was expected and shows what was given.  They
are called once per public call, never inside a training loop's hot path.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import operator
from collections.abc import Callable, Mapping
from typing import ClassVar, ParamSpec, TypeAlias, TypeVar

import numpy as np

__all__: list[str] = []

# A string, so that importing nn_lib does not import numpy.random (bench/README.md).
Seed: TypeAlias = "int | np.random.Generator | None"


def _describe(value: object) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_array(name: str, value: object, ndim: int | None = 2, rows: int | None = None,
                cols: int | None = None, allow_empty: bool = False) -> np.ndarray:
    """Return ``value`` as a finite float64 array, or raise naming ``name``."""
    if type(value) is np.ndarray and value.dtype == np.float64:
        array = value
    elif isinstance(value, (str, bytes, Mapping)) or value is None:
        raise TypeError(f"{name}: expected a numeric array, got {_describe(value)}")
    else:
        try:
            array = np.asarray(value)
            # float64 conversion would drop the imaginary parts, with only a warning.
            complex_values = np.iscomplexobj(array)
            array = array if complex_values else array.astype(np.float64, copy=False)
        except (TypeError, ValueError) as error:
            raise TypeError(f"{name}: expected a numeric array, got {_describe(value)}") from error
        if complex_values:
            raise TypeError(f"{name}: expected real numbers, got complex values")
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-D array, got shape {array.shape}")
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name}: expected a non-empty array, got shape {array.shape}")
    if rows is not None and array.shape[0] != rows:
        noun = "row" if array.ndim > 1 else "entr" + ("y" if rows == 1 else "ie")
        raise ValueError(f"{name}: expected {rows} {noun}{'' if rows == 1 else 's'}, "
                         f"got shape {array.shape}")
    if cols is not None and array.shape[1] != cols:
        raise ValueError(f"{name}: expected {cols} columns, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name}: expected finite values, got NaN or infinity")
    return array


def check_labels(name: str, Y: object, m: int | None = None) -> np.ndarray:
    """Return ``Y`` as a ``(1, m)`` float64 array of 0/1 labels."""
    return check_label_values(name, check_array(name, Y, ndim=2, rows=1, cols=m))


def check_label_values(name: str, Y: np.ndarray) -> np.ndarray:
    """Check that an array already through :func:`check_array` holds only 0 and 1."""
    if not ((Y == 0) | (Y == 1)).all():
        bad = Y[(Y != 0) & (Y != 1)]
        raise ValueError(f"{name}: expected labels 0 or 1, got {bad.flat[0]!r}")
    return Y


def check_X_Y(X: object, Y: object, names: tuple[str, str] = ("X", "Y")
              ) -> tuple[np.ndarray, np.ndarray]:
    """Validate data in the notes' layout: ``X`` (n_x, m), ``Y`` (1, m); messages use ``names``."""
    x, y = names
    X = check_array(x, X, ndim=2)
    Y = check_array(y, Y, ndim=2, rows=1)
    if Y.shape[1] != X.shape[1]:
        transposed = (f"; if the {X.shape[0]} rows of {x} are the examples, pass {x}.T "
                      f"(one example per column)" if Y.shape[1] == X.shape[0] else "")
        raise ValueError(
            f"{y}: expected shape (1, {X.shape[1]}) to match the {X.shape[1]} columns "
            f"(examples) of {x}, got shape {Y.shape}{transposed}")
    return X, check_label_values(y, Y)


class Real:
    """A finite real number in an interval; calling it checks a value and returns it as a float.

    Parameters
    ----------
    low, high : float
        Ends of the interval (``math.inf`` for no upper end).
    closed : {"neither", "left", "right", "both"}
        Which ends belong to the interval.
    noun : str
        How the message names the value ("a number", "a probability").
    """

    def __init__(self, low: float = -math.inf, high: float = math.inf, closed: str = "both",
                 noun: str = "a number") -> None:
        self.low, self.high, self.closed, self.noun = low, high, closed, noun

    @property
    def description(self) -> str:
        left_closed = self.closed in ("left", "both")
        right_closed = self.closed in ("right", "both")
        if self.high == math.inf:
            return f"{self.noun} {'>=' if left_closed else '>'} {self.low:g}"
        return (f"{self.noun} in {'[' if left_closed else '('}{self.low:g}, "
                f"{self.high:g}{']' if right_closed else ')'}")

    def __call__(self, name: str, value: object) -> float:
        # Plain floats and ints skip the numbers.Real test (bench/README.md).
        if type(value) is not float and type(value) is not int and (
                isinstance(value, bool) or not isinstance(value, numbers.Real)):
            raise TypeError(f"{name}: expected a real number, got {_describe(value)}")
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{name}: expected a finite number, got {number!r}")
        too_low = number < self.low if self.closed in ("left", "both") else number <= self.low
        too_high = number > self.high if self.closed in ("right", "both") else number >= self.high
        if too_low or too_high:
            raise ValueError(f"{name}: expected {self.description}, got {number!r}")
        return number


class Integer:
    """An integer ``>= minimum``; calling it checks a value and returns it as an int."""

    def __init__(self, minimum: int) -> None:
        self.minimum = minimum

    def __call__(self, name: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name}: expected an integer, got {_describe(value)}")
        if value < self.minimum:
            raise ValueError(f"{name}: expected an integer >= {self.minimum}, got {value!r}")
        return int(value)


class OneOf:
    """One of a fixed set of values (strings, usually)."""

    def __init__(self, *options: object) -> None:
        self.options = options

    def __call__(self, name: str, value: object) -> object:
        if value not in self.options:
            raise ValueError(f"{name}: expected one of {self.options}, got {value!r}")
        return value


class Boolean:
    """True or False (NumPy booleans too)."""

    def __call__(self, name: str, value: object) -> bool:
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name}: expected True or False, got {value!r}")
        return bool(value)


class OrNone:
    """``None``, or a value that ``constraint`` accepts."""

    def __init__(self, constraint: Constraint) -> None:
        self.constraint = constraint

    def __call__(self, name: str, value: object) -> object:
        return None if value is None else self.constraint(name, value)


Constraint: TypeAlias = "Real | Integer | OneOf | Boolean | OrNone"

#: The limits that recur across nn_lib, named once.
POSITIVE = Real(0.0, math.inf, closed="neither")
NONNEGATIVE = Real(0.0, math.inf, closed="left")
BETA = Real(0.0, 1.0, closed="left")
PROBABILITY = Real(0.0, 1.0, closed="right", noun="a probability")

P = ParamSpec("P")
R = TypeVar("R")


def validate_params(**constraints: Constraint) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare the limits of a function's scalar arguments in one place.

    Every argument named in ``constraints`` is checked (and converted: ints to
    floats for :class:`Real`) before the function body runs, including one passed
    through a ``**options`` parameter; defaults are not re-checked. Arrays, whose
    checks depend on one another (``Y`` must have as many columns as ``X``), are
    checked in the body.
    """
    def check(name: str, value: object) -> object:
        return constraints[name](name, value) if name in constraints else value

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as error:
                # bind's own message does not say which function refused the call.
                raise TypeError(f"{function.__name__}(): {error}; its arguments are "
                                f"{', '.join(signature.parameters)}") from None
            for name, value in bound.arguments.items():
                if signature.parameters[name].kind is inspect.Parameter.VAR_KEYWORD:
                    bound.arguments[name] = {key: check(key, v) for key, v in value.items()}
                else:
                    bound.arguments[name] = check(name, value)
            return function(*bound.args, **bound.kwargs)
        # Introspection (the API page, help()) shows the function's own signature.
        checked.__signature__ = signature  # type: ignore[attr-defined]
        return checked
    return decorate


class Validated:
    """Base of classes whose hyperparameters are declared in ``_parameter_constraints``.

    Every assignment to a declared attribute is checked, in ``__init__`` and
    afterwards (a learning-rate schedule that sets ``learning_rate`` too). The
    ``repr`` shows the arguments of ``__init__`` stored under their own names,
    so that a user's subclass with a new hyperparameter shows it without
    declaring it.
    """

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {}

    def __setattr__(self, name: str, value: object) -> None:
        constraint = type(self)._parameter_constraints.get(name)
        if constraint is not None:
            value = constraint(name, value)
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        # The arguments of __init__ kept under their own names (a subclass's new ones
        # too, declared or not; "self" is no attribute), then any declared
        # hyperparameter __init__ does not name.
        names = [*inspect.signature(type(self).__init__).parameters,
                 *type(self)._parameter_constraints]
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in dict.fromkeys(names)
                           if hasattr(self, name))
        return f"{type(self).__name__}({fields})"


def check_mask(name: str, value: object, shape: tuple[int, ...]) -> np.ndarray:
    """Return a dropout mask as a boolean array of ``shape``: booleans or 0/1 values."""
    mask = np.asarray(value)
    if mask.shape != shape:
        raise ValueError(f"{name}: expected shape {shape}, got {mask.shape}")
    if mask.dtype != bool and not np.all((mask == 0) | (mask == 1)):
        raise ValueError(f"{name}: expected booleans or 0/1 values, got other values")
    return mask.astype(bool)


def check_seed(name: str, value: object) -> None:
    """Check that ``seed`` is None, a non-negative integer or a Generator."""
    if value is None or isinstance(value, np.random.Generator):
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected None, a non-negative integer or a "
                        f"numpy.random.Generator, got {_describe(value)}")
    if value < 0:
        raise ValueError(f"{name}: expected a non-negative integer seed, got {value!r}")


def check_rng(name: str, value: object) -> np.random.Generator:
    """Turn ``seed`` (None, an int or a Generator) into a Generator."""
    check_seed(name, value)
    if isinstance(value, np.random.Generator):
        return value
    return np.random.default_rng(None if value is None else operator.index(value))  # type: ignore[arg-type]


def num_layers(parameters: object) -> int:
    """Number of layers L of a parameter dict holding ``W1, b1, ..., WL, bL``."""
    if not isinstance(parameters, Mapping):
        raise TypeError(f"parameters: expected a dict with keys 'W1', 'b1', ..., "
                        f"got {_describe(parameters)}")
    L = len(parameters) // 2
    expected = {f"{kind}{layer}" for layer in range(1, L + 1) for kind in "Wb"}
    if L == 0 or len(parameters) % 2 or set(parameters) != expected:
        raise ValueError(f"parameters: expected keys 'W1', 'b1', ..., 'WL', 'bL', "
                         f"got keys {sorted(parameters)}")
    return L


def check_parameters(parameters: object, n_x: int | None = None) -> dict[str, np.ndarray]:
    """Validate a parameter dict: keys, matching shapes and finite float values."""
    L = num_layers(parameters)
    checked: dict[str, np.ndarray] = {}
    n_prev = n_x
    for layer in range(1, L + 1):
        W = check_array(f"parameters['W{layer}']", parameters[f"W{layer}"], ndim=2)  # type: ignore[index]
        if n_prev is not None and W.shape[1] != n_prev:
            source = ("rows of X (X has shape (n_x, m), one example per column)" if layer == 1
                      else f"rows of W{layer - 1}")
            raise ValueError(f"parameters['W{layer}']: expected {n_prev} columns to match "
                             f"the {source}, got shape {W.shape}")
        b = check_array(f"parameters['b{layer}']", parameters[f"b{layer}"], ndim=2,  # type: ignore[index]
                        rows=W.shape[0], cols=1)
        checked[f"W{layer}"], checked[f"b{layer}"] = W, b
        n_prev = W.shape[0]
    if checked[f"W{L}"].shape[0] != 1:
        raise ValueError(f"parameters['W{L}']: expected 1 row (one sigmoid output unit), "
                         f"got shape {checked[f'W{L}'].shape}")
    return checked


def check_grads(grads: object, parameters: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Validate a gradient dict against ``parameters`` (blocks of any shape): keys ``dW1``,
    ``db1``... with the same shapes."""
    if not isinstance(grads, Mapping):
        raise TypeError(f"grads: expected a dict with keys 'dW1', 'db1', ..., got {_describe(grads)}")
    checked = {}
    for key, value in parameters.items():
        gkey = "d" + key
        if gkey not in grads:
            raise ValueError(f"grads: expected key {gkey!r} for parameter {key!r}, "
                             f"got keys {sorted(grads)}")
        grad = check_array(f"grads[{gkey!r}]", grads[gkey], ndim=value.ndim,
                           rows=value.shape[0], cols=value.shape[1] if value.ndim > 1 else None)
        if grad.shape != value.shape:  # blocks of three or more dimensions
            raise ValueError(f"grads[{gkey!r}]: expected shape {value.shape}, got {grad.shape}")
        checked[gkey] = grad
    return checked
