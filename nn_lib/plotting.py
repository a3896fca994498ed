"""Figures in one style for the whole book. matplotlib is imported only when a function runs."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import (NONNEGATIVE, Boolean, Integer, check_array, check_parameters,
                          check_X_Y, validate_params)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["COLORS", "CLASS_COLORS", "use_book_style", "plot_data", "plot_decision_boundary",
           "plot_costs", "plot_optimizer_paths"]

#: Okabe-Ito palette: distinguishable with the common forms of colour blindness.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
#: Colours of class 0 and class 1.
CLASS_COLORS = ("#D55E00", "#0072B2")


def use_book_style() -> None:
    """Set matplotlib's defaults to the book's figure style (sizes, fonts, grid, colours).

    It changes the global ``matplotlib.rcParams`` for the rest of the session; inside
    ``with matplotlib.rc_context():`` the change ends with the block.
    """
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update({
        "figure.figsize": (6.4, 4.0), "figure.dpi": 110, "savefig.dpi": 110,
        "figure.constrained_layout.use": True,
        "axes.grid": True, "grid.alpha": 0.3, "axes.spines.top": False,
        "axes.spines.right": False, "axes.titlesize": 11, "axes.labelsize": 10,
        "legend.fontsize": 9, "legend.frameon": False,
        "axes.prop_cycle": cycler(color=COLORS),
    })


def _axes(ax: Axes | None) -> Axes:
    # Called after every check, so that a refused call leaves no empty figure behind.
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots()[1]


def plot_data(X: ArrayLike, Y: ArrayLike, ax: Axes | None = None, **scatter: Any) -> Axes:
    """Scatter a 2-D, two-class data set, class 0 and class 1 in :data:`CLASS_COLORS`.

    The two classes are labelled "class 0" and "class 1"; no legend is drawn, so
    that several panels can share one: ``ax.legend()`` adds it to these axes.

    Parameters
    ----------
    X : array_like of shape (2, m)
    Y : array_like of shape (1, m)
        Labels, 0 or 1.
    ax : matplotlib.axes.Axes, optional
    **scatter
        Passed to :meth:`matplotlib.axes.Axes.scatter`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    X, Y = _check_plane(X, Y)
    fixed = sorted({"c", "color", "marker", "label"} & set(scatter))
    if fixed:
        raise TypeError(f"scatter: expected options other than c, color, marker and label "
                        f"(plot_data sets them per class), got {fixed}")
    ax = _axes(ax)
    options: dict[str, Any] = {"s": 18, "edgecolors": "white", "linewidths": 0.5} | scatter
    for label, marker in ((0, "o"), (1, "s")):
        keep = Y[0] == label
        ax.scatter(X[0, keep], X[1, keep], c=CLASS_COLORS[label], marker=marker,
                   label=f"class {label}", **options)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal", adjustable="box")
    return ax


def _check_plane(X: ArrayLike, Y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    X, Y = check_X_Y(X, Y)
    if X.shape[0] != 2:
        raise ValueError(f"X: expected 2 rows (two features) to plot, got shape {X.shape}")
    return X, Y


@validate_params(resolution=Integer(2), margin=NONNEGATIVE)
def plot_decision_boundary(parameters: Mapping[str, ArrayLike], X: ArrayLike, Y: ArrayLike,
                           ax: Axes | None = None, title: str | None = None,
                           resolution: int = 250, margin: float = 0.25) -> Axes:
    """Shade the plane by the network's predicted class and draw the data on top.

    Parameters
    ----------
    parameters : dict of str to array_like
        A network with two inputs.
    X : array_like of shape (2, m)
    Y : array_like of shape (1, m)
        Labels, 0 or 1.
    ax : matplotlib.axes.Axes, optional
    title : str, optional
    resolution : int
        Grid points per axis, >= 2.
    margin : float
        Extra room around the data, in the units of ``X``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.colors import ListedColormap

    from .network import predict_proba

    X, Y = _check_plane(X, Y)
    params = check_parameters(parameters, n_x=2)
    ax = _axes(ax)
    x1 = np.linspace(X[0].min() - margin, X[0].max() + margin, resolution)
    x2 = np.linspace(X[1].min() - margin, X[1].max() + margin, resolution)
    G1, G2 = np.meshgrid(x1, x2)
    P = predict_proba(np.vstack([G1.ravel(), G2.ravel()]), params).reshape(G1.shape)
    ax.contourf(G1, G2, (P > 0.5).astype(float), levels=[-0.5, 0.5, 1.5],
                cmap=ListedColormap(CLASS_COLORS), alpha=0.18)
    ax.contour(G1, G2, P, levels=[0.5], colors="0.25", linewidths=1.0)
    plot_data(X, Y, ax=ax)
    if title:
        ax.set_title(title)
    return ax


@validate_params(logy=Boolean())
def plot_costs(curves: Mapping[str, Any], ax: Axes | None = None, xlabel: str = "epoch",
               ylabel: str = "cost", logy: bool = False) -> Axes:
    """Draw several cost curves on one axis.

    Parameters
    ----------
    curves : dict
        Label to either a :class:`nn_lib.TrainingResult` (its ``epochs`` and
        ``costs`` are drawn) or a tuple ``(x, y)`` of equal-length 1-D arrays.
    ax : matplotlib.axes.Axes, optional
    xlabel, ylabel : str
        Axis labels.
    logy : bool
        Logarithmic cost axis (costs <= 0 are then left out of the curve, as
        matplotlib does).

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not isinstance(curves, Mapping):
        raise TypeError(f"curves: expected a dict of label to result or (x, y), got {curves!r:.80}")
    if not curves:
        raise ValueError("curves: expected at least one curve, got an empty dict")
    checked = {}
    for label, curve in curves.items():
        if hasattr(curve, "costs") and hasattr(curve, "epochs"):
            x, y = curve.epochs, curve.costs
        elif isinstance(curve, tuple) and len(curve) == 2:
            x, y = curve
        else:
            raise TypeError(f"curves[{label!r}]: expected a TrainingResult or a tuple (x, y), "
                            f"got {curve!r:.80}")
        x = check_array(f"curves[{label!r}] x", x, ndim=1)
        checked[label] = x, check_array(f"curves[{label!r}] y", y, ndim=1, rows=x.shape[0])
    ax = _axes(ax)
    for label, (x, y) in checked.items():
        ax.plot(x, y, label=label, linewidth=1.3)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    ax.legend()
    return ax


def _check_range(name: str, value: object) -> tuple[float, float]:
    pair = check_array(name, value, ndim=1, rows=2)
    if not pair[0] < pair[1]:
        raise ValueError(f"{name}: expected (low, high) with low < high, got {tuple(pair)}")
    return float(pair[0]), float(pair[1])


def plot_optimizer_paths(J: Callable[[NDArray[np.float64], NDArray[np.float64]], ArrayLike],
                         paths: Mapping[str, ArrayLike], xlim: Sequence[float],
                         ylim: Sequence[float], ax: Axes | None = None,
                         levels: int | ArrayLike = 20,
                         minimum: Sequence[float] | None = None) -> Axes:
    r"""Optimizer iterates drawn over the contours of a function of two variables.

    Parameters
    ----------
    J : callable
        ``J(theta1, theta2)`` evaluated element-wise on grids of equal shape.
    paths : dict
        Label to an array of shape (k, 2) of iterates, e.g. from
        :func:`nn_lib.optimizer_path`. At most 8 paths, one per colour of
        :data:`COLORS`.
    xlim, ylim : pair of float
        Range of :math:`\theta_1` and :math:`\theta_2`.
    ax : matplotlib.axes.Axes, optional
    levels : int or array_like
        About how many contour levels (matplotlib picks at most ``levels + 1``
        round values), or the increasing levels themselves.
    minimum : pair of float, optional
        Where to mark the minimum with a star.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not callable(J):
        raise TypeError(f"J: expected a callable J(theta1, theta2), got {J!r:.80}")
    if not isinstance(paths, Mapping):
        raise TypeError(f"paths: expected a dict of label to (k, 2) array, got {paths!r:.80}")
    if len(paths) > len(COLORS):
        raise ValueError(f"paths: expected at most {len(COLORS)} paths (one colour each), "
                         f"got {len(paths)}")
    if isinstance(levels, (int, np.integer)) and not isinstance(levels, bool):
        levels = Integer(1)("levels", levels)
    elif np.ndim(levels) == 0:
        raise TypeError(f"levels: expected an integer or increasing levels, got {levels!r:.80}")
    else:
        levels = check_array("levels", levels, ndim=1)
        if np.any(np.diff(levels) <= 0):
            raise ValueError("levels: expected increasing contour levels")
    xlim, ylim = _check_range("xlim", xlim), _check_range("ylim", ylim)
    checked = {}
    for label, path in paths.items():
        checked[label] = check_array(f"paths[{label!r}]", path, ndim=2)
        if checked[label].shape[1] != 2:
            raise ValueError(f"paths[{label!r}]: expected shape (k, 2), got {checked[label].shape}")
    star = None if minimum is None else check_array("minimum", minimum, ndim=1, rows=2)
    t1, t2 = np.meshgrid(np.linspace(*xlim, 300), np.linspace(*ylim, 300))
    heights = np.asarray(J(t1, t2), dtype=np.float64)   # NaN or inf leave gaps in the contours
    if heights.shape != t1.shape:
        raise ValueError(f"J(theta1, theta2): expected shape {t1.shape}, like its arguments, "
                         f"got shape {heights.shape}")
    ax = _axes(ax)
    ax.contour(t1, t2, heights, levels=levels, colors="0.7", linewidths=0.7)
    for color, (label, path) in zip(COLORS, checked.items()):
        ax.plot(path[:, 0], path[:, 1], "o-", color=color, markersize=2.5, linewidth=1.0,
                label=label)
    if star is not None:
        ax.plot(*star, "*", color="black", markersize=10, label="minimum")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel(r"$\theta_1$")
    ax.set_ylabel(r"$\theta_2$")
    if paths or star is not None:
        ax.legend(loc="upper right")
    return ax
