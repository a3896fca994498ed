"""Plotting: every function returns an Axes and draws; matplotlib is imported lazily."""

from __future__ import annotations

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402

import nn_lib as nl  # noqa: E402
from nn_lib import plotting  # noqa: E402
from nn_lib_strategies import raises_exactly  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def moons():
    return nl.make_moons(n_samples=41, noise=0.1, seed=0)


def _scatters(ax):
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def test_import_nn_lib_does_not_import_matplotlib():
    code = "import nn_lib, sys; assert 'matplotlib' not in sys.modules, sorted(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_plot_data_draws_one_scatter_per_class(moons):
    X, Y = moons
    ax = plotting.plot_data(X, Y)
    assert isinstance(ax, Axes)
    scatters = _scatters(ax)
    assert len(scatters) == 2
    counts = sorted(len(s.get_offsets()) for s in scatters)
    assert counts == sorted([int((Y == 0).sum()), int((Y == 1).sum())]) == [20, 21]
    # the points drawn for class 1 are exactly the class-1 columns
    by_label = {s.get_label(): np.asarray(s.get_offsets()) for s in scatters}
    np.testing.assert_array_equal(by_label["class 1"], X[:, Y[0] == 1].T)
    np.testing.assert_array_equal(by_label["class 0"], X[:, Y[0] == 0].T)
    assert ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$"


def test_plot_data_on_given_axes_with_scatter_options(moons):
    X, Y = moons
    fig, ax = plt.subplots()
    out = plotting.plot_data(X, Y, ax=ax, s=50)
    assert out is ax
    assert all(np.all(s.get_sizes() == 50) for s in _scatters(ax))


def test_plot_decision_boundary_shades_the_predicted_classes(moons):
    X, Y = moons
    params = nl.initialize_parameters([2, 4, 1], seed=0)
    ax = plotting.plot_decision_boundary(params, X, Y, title="boundary", resolution=30)
    assert isinstance(ax, Axes)
    assert ax.get_title() == "boundary"
    assert sum(isinstance(c, ContourSet) for c in ax.collections) == 2  # filled regions + the line
    assert len(_scatters(ax)) == 2
    # the plane is covered around the data with the margin
    x0, x1 = ax.get_xlim()
    assert x0 <= X[0].min() - 0.25 + 1e-9 and x1 >= X[0].max() + 0.25 - 1e-9


def test_plot_decision_boundary_regions_follow_the_network():
    # a network that predicts class 1 exactly where x1 > 0
    params = {"W1": np.array([[10.0, 0.0]]), "b1": np.array([[0.0]])}
    X = np.array([[-1.0, 1.0, -0.5, 0.5], [0.0, 0.0, 1.0, -1.0]])
    Y = np.array([[0.0, 1.0, 0.0, 1.0]])
    ax = plotting.plot_decision_boundary(params, X, Y, resolution=21, margin=0.0)
    filled = [c for c in ax.collections if isinstance(c, ContourSet) and c.filled][0]
    assert list(filled.levels) == [-0.5, 0.5, 1.5]
    line = [c for c in ax.collections if isinstance(c, ContourSet) and not c.filled][0]
    assert list(line.levels) == [0.5]
    vertices = np.vstack([p.vertices for p in line.get_paths() if len(p.vertices)])
    np.testing.assert_allclose(vertices[:, 0], 0.0, atol=0.05)  # the boundary is the line x1 = 0


def test_plot_costs_draws_each_curve(moons):
    X, Y = moons
    r = nl.train(X, Y, [2, 3, 1], num_epochs=12, cost_every=4, seed=0)
    ax = plotting.plot_costs({"gd": r, "pair": (np.arange(5), np.linspace(1, 0.5, 5))}, logy=True,
                             xlabel="step", ylabel="J")
    assert isinstance(ax, Axes)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["gd", "pair"]
    np.testing.assert_array_equal(lines[0].get_xdata(), r.epochs)
    np.testing.assert_array_equal(lines[0].get_ydata(), r.costs)
    np.testing.assert_array_equal(lines[1].get_xdata(), np.arange(5))
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "step" and ax.get_ylabel() == "J"
    assert ax.get_legend() is not None
    assert plotting.plot_costs({"a": ([0, 1], [1, 0])}).get_yscale() == "linear"


def test_plot_optimizer_paths_draws_contours_and_paths():
    grad = lambda t: np.array([t[0], 10 * t[1]])
    paths = {name: nl.optimizer_path(grad, [-1.5, 1.0], opt, 20)
             for name, opt in [("gd", nl.GradientDescent(0.05)), ("adam", nl.Adam(0.1))]}
    J = lambda a, b: 0.5 * (a ** 2 + 10 * b ** 2)
    ax = plotting.plot_optimizer_paths(J, paths, xlim=(-2, 2), ylim=(-1.5, 1.5), minimum=(0, 0), levels=7)
    assert isinstance(ax, Axes)
    assert sum(isinstance(c, ContourSet) for c in ax.collections) == 1
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["gd", "adam", "minimum"]
    np.testing.assert_array_equal(lines[0].get_xdata(), paths["gd"][:, 0])
    np.testing.assert_array_equal(lines[1].get_ydata(), paths["adam"][:, 1])
    assert ax.get_xlim() == (-2, 2) and ax.get_ylim() == (-1.5, 1.5)
    no_star = plotting.plot_optimizer_paths(J, {"gd": paths["gd"]}, (-2, 2), (-2, 2))
    assert len(no_star.get_lines()) == 1


def test_use_book_style_sets_the_defaults():
    with matplotlib.rc_context():
        plotting.use_book_style()
        assert matplotlib.rcParams["axes.grid"] is True
        assert matplotlib.rcParams["axes.spines.top"] is False
        colors = [c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]]
        assert [c.lower() for c in colors] == [c.lower() for c in plotting.COLORS]
    assert len(plotting.CLASS_COLORS) == 2


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------

X0, Y0 = nl.make_moons(10, seed=1)
P3 = nl.initialize_parameters([3, 2, 1], seed=0)
J0 = lambda a, b: a ** 2 + b ** 2


@pytest.mark.parametrize("call, argument", [
    pytest.param(lambda: plotting.plot_data(np.ones((3, 10)), Y0), "X", id="data-X-rows"),
    pytest.param(lambda: plotting.plot_data(X0, Y0[:, :4]), "Y", id="data-Y-width"),
    pytest.param(lambda: plotting.plot_data(X0, Y0 * 2), "Y", id="data-Y-labels"),
    pytest.param(lambda: plotting.plot_data(X0 * np.nan, Y0), "X", id="data-X-nan"),
    pytest.param(lambda: plotting.plot_data(np.zeros((2, 0)), np.zeros((1, 0))), "X", id="data-empty"),
    pytest.param(lambda: plotting.plot_decision_boundary(P3, X0, Y0), r"parameters\['W1'\]", id="db-inputs"),
    pytest.param(lambda: plotting.plot_decision_boundary({"W1": 1}, X0, Y0), "parameters", id="db-params"),
    pytest.param(lambda: plotting.plot_decision_boundary(nl.initialize_parameters([2, 1]), X0, Y0,
                                                         resolution=1), "resolution", id="db-resolution"),
    pytest.param(lambda: plotting.plot_decision_boundary(nl.initialize_parameters([2, 1]), X0, Y0 * 3),
                 "Y", id="db-labels"),
    pytest.param(lambda: plotting.plot_costs({}), "curves", id="costs-empty"),
    pytest.param(lambda: plotting.plot_costs([([0], [1])]), "curves", id="costs-list"),
    pytest.param(lambda: plotting.plot_costs({"a": ([0, 1], [1.0])}), r"curves\['a'\]", id="costs-length"),
    pytest.param(lambda: plotting.plot_costs({"a": ([0, 1], [1.0, np.nan])}), r"curves\['a'\]",
                 id="costs-nan"),
    pytest.param(lambda: plotting.plot_optimizer_paths(J0, {"a": np.ones((4, 3))}, (0, 1), (0, 1)),
                 r"paths\['a'\]", id="paths-columns"),
    pytest.param(lambda: plotting.plot_optimizer_paths(J0, {"a": np.ones(4)}, (0, 1), (0, 1)),
                 r"paths\['a'\]", id="paths-1d"),
    # X of three rows with a three-input network: the plane needs two features, not other weights.
    pytest.param(lambda: plotting.plot_decision_boundary(P3, np.ones((3, 10)), Y0), "X", id="db-X-rows"),
    pytest.param(lambda: plotting.plot_data(X0, Y0, c="red"), "scatter", id="data-scatter-c"),
    pytest.param(lambda: plotting.plot_costs({"s": nl.train_seeds(X0, Y0, [2, 1], [0, 1], num_epochs=2)}),
                 r"curves\['s'\]", id="costs-list-of-results"),
    pytest.param(lambda: plotting.plot_optimizer_paths(J0, {}, (0, 1), (0, 1), minimum=(0.5,)),
                 "minimum", id="paths-minimum"),
    pytest.param(lambda: plotting.plot_optimizer_paths(lambda a, b: a[:10], {}, (0, 1), (0, 1)),
                 r"J\(theta1, theta2\)", id="paths-J-shape"),
    pytest.param(lambda: plotting.plot_optimizer_paths(J0, {}, (0, 1), (0, 1), levels=5.0),
                 "levels", id="paths-levels-float"),
    pytest.param(lambda: plotting.plot_optimizer_paths(J0, {"a": np.ones((4, 2)), "b": np.ones(3)},
                                                       (0, 1), (0, 1)), r"paths\['b'\]", id="paths-late"),
])
def test_plotting_refuses_bad_input_naming_the_argument(call, argument):
    with pytest.raises((ValueError, TypeError), match=f"^{argument}"):
        call()
    assert not plt.get_fignums()    # checked before drawing: no half-drawn figure is left open


@pytest.mark.parametrize("kwargs, argument", [
    (dict(paths=[[0.0, 0.0]]), "paths"), (dict(J=3), "J"), (dict(levels=-1), "levels"),
    (dict(xlim=(0.0, float("nan"))), "xlim"), (dict(ylim=3), "ylim"),
])
def test_plot_optimizer_paths_validates_its_arguments(kwargs, argument):
    args = dict(J=J0, paths={}, xlim=(0.0, 1.0), ylim=(0.0, 1.0)) | kwargs
    with pytest.raises((ValueError, TypeError), match=f"^{argument}"):
        plotting.plot_optimizer_paths(**args)


def test_plot_optimizer_paths_draws_every_path_or_refuses():
    # One colour per path: eight are drawn, a ninth would have been dropped silently.
    eight = {f"p{k}": np.array([[0.1 * k, 0.0], [0.1 * k, 0.5]]) for k in range(len(plotting.COLORS))}
    ax = plotting.plot_optimizer_paths(J0, eight, xlim=(0.0, 1.0), ylim=(0.0, 1.0))
    assert [line.get_label() for line in ax.lines] == list(eight)
    nine = eight | {"p8": np.array([[0.9, 0.0], [0.9, 0.5]])}
    with raises_exactly(ValueError, "paths: expected at most 8 paths (one colour each), got 9"):
        plotting.plot_optimizer_paths(J0, nine, xlim=(0.0, 1.0), ylim=(0.0, 1.0))


def test_plot_costs_refuses_a_logy_that_is_not_a_boolean():
    with raises_exactly(TypeError, "logy: expected True or False, got 'no'"):
        plotting.plot_costs({"a": ((0, 1), (1.0, 0.5))}, logy="no")


def test_plot_costs_refuses_an_empty_dict_as_a_value_error():
    with raises_exactly(ValueError, "curves: expected at least one curve, got an empty dict"):
        plotting.plot_costs({})


def test_plot_costs_refuses_a_curve_that_is_not_a_pair():
    with pytest.raises(TypeError, match=r"^curves\['a'\]"):
        plotting.plot_costs({"a": 3})


def test_plot_decision_boundary_refuses_a_nan_margin():
    with pytest.raises(ValueError, match="^margin"):
        plotting.plot_decision_boundary(nl.initialize_parameters([2, 1]), X0, Y0, margin=float("nan"))


def test_plot_optimizer_paths_accepts_explicit_levels_and_refuses_decreasing_ones():
    ax = plotting.plot_optimizer_paths(J0, {}, xlim=(0.0, 1.0), ylim=(0.0, 1.0),
                                       levels=[0.1, 0.5, 1.0])
    assert ax.collections
    with pytest.raises(ValueError, match="^levels"):
        plotting.plot_optimizer_paths(J0, {}, xlim=(0.0, 1.0), ylim=(0.0, 1.0), levels=[1.0, 0.5])
