"""Optimizers (hand-computed steps, properties, convergence) and learning-rate schedules."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn_lib as nl

OPTIMIZERS = [
    lambda: nl.GradientDescent(0.1),
    lambda: nl.Momentum(0.1, 0.9),
    lambda: nl.RMSprop(0.01, 0.9),
    lambda: nl.Adam(0.01),
]


def _step(opt, theta, g):
    return opt.update({"w": np.array(theta, dtype=float)}, {"dw": np.array(g, dtype=float)})["w"]


# ---------------------------------------------------------------------------
# First steps by hand
# ---------------------------------------------------------------------------

def test_gradient_descent_two_steps_by_hand():
    opt = nl.GradientDescent(learning_rate=0.1)
    theta = _step(opt, [1.0, -2.0], [0.5, -0.25])
    assert theta.tolist() == pytest.approx([0.95, -1.975], rel=1e-15)
    theta = _step(opt, theta, [0.2, 0.4])
    assert theta.tolist() == pytest.approx([0.93, -2.015], rel=1e-15)
    assert opt.t == 2


def test_momentum_three_steps_by_hand():
    # beta = 0.9, alpha = 0.1, theta0 = 1, gradients 2, -1, 0.5:
    # v1 = 0.1*2 = 0.2            theta1 = 1 - 0.1*0.2 = 0.98
    # v2 = 0.9*0.2 + 0.1*(-1) = 0.08   theta2 = 0.98 - 0.008 = 0.972
    # v3 = 0.9*0.08 + 0.1*0.5 = 0.122  theta3 = 0.972 - 0.0122 = 0.9598
    opt = nl.Momentum(learning_rate=0.1, beta=0.9)
    expected = [0.98, 0.972, 0.9598]
    theta = [1.0]
    for g, want in zip([2.0, -1.0, 0.5], expected):
        theta = _step(opt, theta, [g])
        assert theta[0] == pytest.approx(want, rel=1e-14)
    assert opt.v["dw"][0] == pytest.approx(0.122, rel=1e-14)
    assert opt.t == 3


def test_rmsprop_three_steps_by_hand():
    alpha, beta, eps = 0.01, 0.9, 1e-8
    opt = nl.RMSprop(learning_rate=alpha, beta=beta, epsilon=eps)
    theta = [1.0, -3.0]
    gradients = [[2.0, -0.5], [-1.0, 0.25], [0.5, 4.0]]
    ours, s = [1.0, -3.0], [0.0, 0.0]
    for g in gradients:
        for i in range(2):
            s[i] = beta * s[i] + (1 - beta) * g[i] ** 2
            ours[i] = ours[i] - alpha * g[i] / (math.sqrt(s[i]) + eps)
        theta = _step(opt, theta, g)
        assert theta.tolist() == pytest.approx(ours, rel=1e-14)
    # first step by hand: s = 0.1*4 = 0.4, theta = 1 - 0.01*2/sqrt(0.4)
    first = _step(nl.RMSprop(alpha, beta, eps), [1.0], [2.0])
    assert first[0] == pytest.approx(1 - 0.02 / (math.sqrt(0.4) + 1e-8), rel=1e-15)


def test_adam_three_steps_by_hand():
    alpha, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    opt = nl.Adam(learning_rate=alpha, beta1=b1, beta2=b2, epsilon=eps)
    theta = [1.0, -3.0]
    gradients = [[2.0, -0.5], [-1.0, 0.25], [0.5, 4.0]]
    ours, v, s = [1.0, -3.0], [0.0, 0.0], [0.0, 0.0]
    for t, g in enumerate(gradients, start=1):
        for i in range(2):
            v[i] = b1 * v[i] + (1 - b1) * g[i]
            s[i] = b2 * s[i] + (1 - b2) * g[i] ** 2
            v_hat = v[i] / (1 - b1 ** t)
            s_hat = s[i] / (1 - b2 ** t)
            ours[i] = ours[i] - alpha * v_hat / (math.sqrt(s_hat) + eps)
        theta = _step(opt, theta, g)
        assert theta.tolist() == pytest.approx(ours, rel=1e-13)
    assert opt.t == 3
    # first step by hand: v_hat = g, s_hat = g^2, so theta = 1 - 0.01 * 2 / (2 + 1e-8).
    # (The notes' bug, s corrected with beta1, would move it by 10x as much.)
    first = _step(nl.Adam(alpha), [1.0], [2.0])
    assert first[0] == pytest.approx(1 - 0.01 * 2 / (2 + 1e-8), rel=1e-15)


@given(theta=st.floats(-100, 100), g=st.floats(1e-3, 1e100), negative=st.booleans(),
       alpha=st.floats(1e-4, 1.0))
@settings(max_examples=100, deadline=None)
def test_adam_first_step_moves_by_learning_rate_against_the_gradient(theta, g, negative, alpha):
    g = -g if negative else g
    new = _step(nl.Adam(learning_rate=alpha), [theta], [g])[0]
    step = new - theta
    assert math.copysign(1.0, step) == -math.copysign(1.0, g)
    assert abs(step) == pytest.approx(alpha, rel=1e-4, abs=1e-13)


# Above ~1.3e154 the square of g overflows and update refuses the step (tested below).
@given(g=st.floats(5e-324, 1e150), negative=st.booleans())
@settings(max_examples=60, deadline=None)
def test_adam_first_step_never_exceeds_learning_rate_and_has_the_right_sign(g, negative):
    g = -g if negative else g
    new = _step(nl.Adam(learning_rate=0.5), [0.0], [g])[0]
    assert abs(new) <= 0.5 * (1 + 1e-12)
    assert new == 0.0 or math.copysign(1.0, new) == -math.copysign(1.0, g)


def test_adam_adds_epsilon_outside_the_square_root():
    # g = 1e-8 = epsilon: the first step is alpha g / (|g| + eps) = alpha / 2. With epsilon
    # inside the root (the notes' bug 2) it would be alpha g / sqrt(g^2 + eps), about 1e-4 alpha.
    assert _step(nl.Adam(0.1, epsilon=1e-8), [0.0], [1e-8])[0] == pytest.approx(-0.05, rel=1e-12)
    assert _step(nl.RMSprop(0.1, beta=0.0, epsilon=1e-8), [0.0], [1e-8])[0] == pytest.approx(
        -0.05, rel=1e-12)


def test_defaults_are_the_notes_and_papers_values():
    gd, momentum, rmsprop, adam = nl.GradientDescent(), nl.Momentum(), nl.RMSprop(), nl.Adam()
    assert gd.learning_rate == 0.01
    assert (momentum.learning_rate, momentum.beta) == (0.01, 0.9)
    assert (rmsprop.learning_rate, rmsprop.beta, rmsprop.epsilon) == (0.001, 0.9, 1e-8)
    assert (adam.learning_rate, adam.beta1, adam.beta2, adam.epsilon) == (0.001, 0.9, 0.999, 1e-8)


# ---------------------------------------------------------------------------
# Per-block state, as in the notes: initialize, then v["dW1"], s["db1"], t
# ---------------------------------------------------------------------------

BLOCKS = {"W1": [[0.5, -1.0], [2.0, 0.25]], "b1": [[0.1], [-0.3]], "W2": [[1.5, -0.5]], "b2": [[0.0]]}
GRADIENTS = [
    {"dW1": [[0.2, -0.4], [1.0, 3.0]], "db1": [[-0.5], [0.05]], "dW2": [[2.0, -1.0]], "db2": [[0.3]]},
    {"dW1": [[-0.1, 0.6], [0.5, -2.0]], "db1": [[0.5], [0.02]], "dW2": [[-1.0, 0.5]], "db2": [[-0.2]]},
    {"dW1": [[0.3, 0.3], [-0.7, 1.0]], "db1": [[-0.1], [0.4]], "dW2": [[0.25, 4.0]], "db2": [[0.9]]},
    {"dW1": [[1.0, -1.0], [0.0, 0.5]], "db1": [[0.2], [-0.6]], "dW2": [[-3.0, 0.1]], "db2": [[0.0]]},
]


def _entries(block):
    """(row, column, value) of every entry of a nested list."""
    return [(i, j, x) for i, row in enumerate(block) for j, x in enumerate(row)]


def _by_hand(kind, steps, alpha, beta1=0.9, beta2=0.999, eps=1e-8):
    """The notes' update_parameters_with_*, one scalar at a time in plain Python floats.

    Returns the parameters and the state dicts v, s (keyed dW1, db1, ...) after ``steps``."""
    params = {name: [list(row) for row in block] for name, block in BLOCKS.items()}
    v = {"d" + name: [[0.0] * len(row) for row in block] for name, block in BLOCKS.items()}
    s = {"d" + name: [[0.0] * len(row) for row in block] for name, block in BLOCKS.items()}
    for t, grads in enumerate(GRADIENTS[:steps], start=1):
        for name in params:
            key = "d" + name
            for i, j, g in _entries(grads[key]):
                if kind == "gd":
                    step = g
                elif kind == "momentum":
                    v[key][i][j] = beta1 * v[key][i][j] + (1 - beta1) * g
                    step = v[key][i][j]
                elif kind == "rmsprop":
                    s[key][i][j] = beta1 * s[key][i][j] + (1 - beta1) * g * g
                    step = g / (math.sqrt(s[key][i][j]) + eps)
                else:
                    v[key][i][j] = beta1 * v[key][i][j] + (1 - beta1) * g
                    s[key][i][j] = beta2 * s[key][i][j] + (1 - beta2) * g * g
                    v_corrected = v[key][i][j] / (1 - beta1 ** t)
                    s_corrected = s[key][i][j] / (1 - beta2 ** t)
                    step = v_corrected / (math.sqrt(s_corrected) + eps)
                params[name][i][j] -= alpha * step
    return params, v, s


@pytest.mark.parametrize("kind, make, state_names", [
    ("gd", lambda: nl.GradientDescent(0.1), ()),
    ("momentum", lambda: nl.Momentum(0.1, beta=0.8), ("v",)),
    ("rmsprop", lambda: nl.RMSprop(0.01, beta=0.7, epsilon=1e-3), ("s",)),
    ("adam", lambda: nl.Adam(0.01, beta1=0.8, beta2=0.9, epsilon=1e-3), ("v", "s")),
])
def test_each_update_matches_the_notes_equations_block_by_block(kind, make, state_names):
    opt = make()
    hyper = {"momentum": dict(beta1=0.8), "rmsprop": dict(beta1=0.7, eps=1e-3),
             "adam": dict(beta1=0.8, beta2=0.9, eps=1e-3)}.get(kind, {})
    assert opt.state_names == state_names
    params = {name: np.array(block) for name, block in BLOCKS.items()}
    for steps, grads in enumerate(GRADIENTS, start=1):
        params = opt.update(params, {key: np.array(g) for key, g in grads.items()})
        assert opt.t == steps
        want, v, s = _by_hand(kind, steps, opt.learning_rate, **hyper)
        for name in BLOCKS:
            np.testing.assert_allclose(params[name], want[name], rtol=1e-13, atol=1e-15)
        for state, expected in (("v", v), ("s", s)):
            if state in state_names:
                held = getattr(opt, state)
                assert sorted(held) == sorted(GRADIENTS[0])
                for key in expected:
                    np.testing.assert_allclose(held[key], expected[key], rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize("make", [nl.GradientDescent, nl.Momentum, nl.RMSprop, nl.Adam])
def test_initialize_creates_zeros_shaped_like_each_block(make):
    opt = make()
    params = {name: np.array(block) for name, block in BLOCKS.items()}
    assert opt.t == 0 and all(getattr(opt, state) == {} for state in opt.state_names)
    opt.update(params, {key: np.array(g) for key, g in GRADIENTS[0].items()})
    opt.initialize(params)
    assert opt.t == 0
    for state in opt.state_names:
        held = getattr(opt, state)
        assert sorted(held) == ["dW1", "dW2", "db1", "db2"]
        for name, block in params.items():
            assert held["d" + name].shape == block.shape and not held["d" + name].any()


@pytest.mark.parametrize("bad", [[np.zeros(2)], {}, None])
def test_initialize_refuses_anything_but_a_dict_of_blocks(bad):
    with pytest.raises(TypeError, match="^parameters: expected a non-empty dict"):
        nl.Adam().initialize(bad)


def test_adam_corrected_moments_by_hand():
    opt = nl.Adam(0.01, beta1=0.8, beta2=0.9)
    with pytest.raises(ValueError, match="^t: "):
        opt.corrected()
    params = {name: np.array(block) for name, block in BLOCKS.items()}
    for steps in (1, 2, 3):
        params = opt.update(params, {k: np.array(g) for k, g in GRADIENTS[steps - 1].items()})
        _, v, s = _by_hand("adam", steps, 0.01, beta1=0.8, beta2=0.9)
        v_hat, s_hat = opt.corrected()
        for key in v:
            np.testing.assert_allclose(v_hat[key], np.array(v[key]) / (1 - 0.8 ** steps), rtol=1e-13)
            np.testing.assert_allclose(s_hat[key], np.array(s[key]) / (1 - 0.9 ** steps), rtol=1e-13)
    # at t = 1 the corrections undo the zero start exactly: v_hat = dW, s_hat = dW^2
    first = nl.Adam()
    first.update({"w": np.array([1.0, 2.0])}, {"dw": np.array([0.5, -3.0])})
    v_hat, s_hat = first.corrected()
    np.testing.assert_allclose(v_hat["dw"], [0.5, -3.0], rtol=1e-13)
    np.testing.assert_allclose(s_hat["dw"], [0.25, 9.0], rtol=1e-12)


class SignGD(nl.Optimizer):
    """theta <- theta - alpha sign(dtheta): an optimizer written through the public extension point."""

    def update_block(self, name, param, grad):
        return param - self.learning_rate * np.sign(grad)


class CountingMomentum(nl.Optimizer):
    """PyTorch-style momentum u <- mu u + g with its own state dict, and a record of t."""

    state_names = ("u",)

    def __init__(self, learning_rate, mu):
        super().__init__(learning_rate)
        self.mu, self.seen = mu, []

    def update_block(self, name, param, grad):
        self.seen.append((self.t, name))
        self.u["d" + name] = self.mu * self.u["d" + name] + grad
        return param - self.learning_rate * self.u["d" + name]


def test_a_subclass_through_update_block():
    new = SignGD(0.5).update({"a": np.array([1.0, -2.0, 3.0]), "b": np.array([[4.0]])},
                             {"da": np.array([2.0, -1e-9, 0.0]), "db": np.array([[-7.0]])})
    np.testing.assert_array_equal(new["a"], [0.5, -1.5, 3.0])
    np.testing.assert_array_equal(new["b"], [[4.5]])
    opt = CountingMomentum(0.1, mu=0.5)
    params = {"w": np.array([1.0]), "c": np.array([0.0])}
    for g in (2.0, 4.0):
        params = opt.update(params, {"dw": np.array([g]), "dc": np.array([-g])})
    # u = 2, then 0.5 * 2 + 4 = 5: w = 1 - 0.2 - 0.5
    assert params["w"][0] == pytest.approx(0.3, rel=1e-15)
    assert opt.u["dc"][0] == -5.0
    assert opt.seen == [(1, "w"), (1, "c"), (2, "w"), (2, "c")]


@pytest.mark.parametrize("make, params, grads, where", [
    (lambda: nl.GradientDescent(10.0), [1e308], [-1e308], r"the new parameters\['w'\]"),
    (lambda: nl.Momentum(10.0), [1e308], [-1e308], r"the new parameters\['w'\]"),
    # |g| > ~1.3e154: g ** 2 overflows; the step itself would silently be 0 or NaN
    (lambda: nl.Adam(0.1), [0.0], [1e200], r"s\['dw'\]"),
    (lambda: nl.RMSprop(0.1), [0.0], [1e200], r"s\['dw'\]"),
])
def test_an_update_that_overflows_is_a_clear_error_without_warnings(make, params, grads, where):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(FloatingPointError, match=rf"^grads\['dw'\]: .*{where} is not finite"):
            _step(make(), params, grads)


# ---------------------------------------------------------------------------
# Convergence and the momentum forms
# ---------------------------------------------------------------------------

def _run(opt, theta0, grad, steps):
    params = {"theta": np.array(theta0, dtype=float)}
    for _ in range(steps):
        params = opt.update(params, {"dtheta": grad(params["theta"])})
    return params["theta"]


@pytest.mark.parametrize("make, tol", [
    (lambda: nl.GradientDescent(0.05), 1e-8), (lambda: nl.Momentum(0.05, 0.9), 1e-8),
    # with a constant rate RMSprop and Adam end up hovering within about alpha of the minimum
    (lambda: nl.RMSprop(0.01, 0.9), 0.02), (lambda: nl.Adam(0.01), 0.02),
])
def test_each_optimizer_converges_on_a_convex_quadratic(make, tol):
    # J = 1/2 (theta - c)^T A (theta - c), minimum at c
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    c = np.array([1.0, -2.0])
    grad = lambda t: A @ (t - c)
    theta = _run(make(), [4.0, 3.0], grad, 2000)
    assert np.linalg.norm(theta - c) < tol


def _steps_to_converge(opt, a=1.0, b=100.0, tol=1e-6, n=4000):
    path = nl.optimizer_path(lambda t: np.array([a * t[0], b * t[1]]), [1.0, 1.0], opt, n)
    below = np.nonzero(np.linalg.norm(path, axis=1) < tol)[0]
    assert below.size, "did not converge"
    return int(below[0])


def test_momentum_needs_fewer_steps_than_gradient_descent_on_an_elongated_bowl():
    # J = (theta1^2 + 100 theta2^2) / 2 with alpha = 0.0199 just below GD's limit 2/100:
    # GD zig-zags along theta2 (factor |1 - 1.99| = 0.99 per step), momentum damps it.
    gd = _steps_to_converge(nl.GradientDescent(0.0199))
    momentum = _steps_to_converge(nl.Momentum(0.0199, beta=0.9))
    assert momentum < 0.6 * gd
    # and GD's count is the closed form: max(|1 - alpha a|, |1 - alpha b|)^k < 1e-6 / sqrt(2)
    rate = max(abs(1 - 0.0199), abs(1 - 0.0199 * 100))
    assert abs(gd - math.log(1e-6) / math.log(rate)) < 5


@given(alpha=st.floats(1e-3, 0.5), beta=st.floats(0.0, 0.99),
       c=st.lists(st.floats(0.1, 3.0), min_size=2, max_size=2),
       d=st.lists(st.floats(-2.0, 2.0), min_size=2, max_size=2), steps=st.integers(1, 15))
@settings(max_examples=60, deadline=None)
def test_notes_momentum_equals_pytorch_form(alpha, beta, c, d, steps):
    # PyTorch SGD(momentum=mu): v = mu v + g, theta -= eta v; here mu = beta, eta = alpha (1 - beta)
    mu, eta = beta, alpha * (1 - beta)
    theta_t, v_t = [1.0, -1.0], [0.0, 0.0]
    grad = lambda th: [c[i] * th[i] + d[i] for i in range(2)]
    opt = nl.Momentum(learning_rate=alpha, beta=beta)
    theta = np.array([1.0, -1.0])
    for _ in range(steps):
        g = grad(theta_t)
        for i in range(2):
            v_t[i] = mu * v_t[i] + g[i]
            theta_t[i] -= eta * v_t[i]
        theta = _step(opt, theta, grad(list(theta)))
        scale = 1 + max(abs(x) for x in theta_t)
        assert np.allclose(theta, theta_t, rtol=1e-9, atol=1e-11 * scale)


def test_momentum_with_beta_zero_is_gradient_descent():
    a, b = nl.Momentum(0.3, beta=0.0), nl.GradientDescent(0.3)
    ta = tb = np.array([1.0, 2.0])
    for g in ([0.5, -1.0], [2.0, 0.1], [-0.3, 0.3]):
        ta, tb = _step(a, ta, g), _step(b, tb, g)
        np.testing.assert_array_equal(ta, tb)


# ---------------------------------------------------------------------------
# State handling
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("make", OPTIMIZERS)
def test_update_does_not_modify_the_callers_arrays(make):
    opt = make()
    params = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[0.5]])}
    grads = {"dW1": np.array([[0.1, -0.2]]), "db1": np.array([[0.3]])}
    saved_p = {k: v.copy() for k, v in params.items()}
    saved_g = {k: v.copy() for k, v in grads.items()}
    for _ in range(2):
        new = opt.update(params, grads)
    for k in params:
        np.testing.assert_array_equal(params[k], saved_p[k])
        assert not np.shares_memory(new[k], params[k])
        assert not np.array_equal(new[k], params[k])
    for k in grads:
        np.testing.assert_array_equal(grads[k], saved_g[k])


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_reset_clears_state(make):
    opt = make()
    first = _step(opt, [1.0, 2.0], [0.3, -0.7])
    for g in ([1.0, 1.0], [-2.0, 0.5]):
        _step(opt, [1.0, 2.0], g)
    opt.reset()
    assert opt.t == 0
    assert all(getattr(opt, state) == {} for state in opt.state_names)
    np.testing.assert_array_equal(_step(opt, [1.0, 2.0], [0.3, -0.7]), first)


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_new_blocks_start_a_new_run(make):
    # a change of shape or of names calls initialize(): t = 0 and zero state, as a new optimizer
    for second in ({"w": [1.0, 2.0, 3.0]}, {"u": [1.0, 2.0]}):
        opt, fresh = make(), make()
        for g in ([0.1, 0.1], [0.3, -0.2]):
            _step(opt, [1.0, 2.0], g)
        name = next(iter(second))
        grads = {"d" + name: np.full(len(second[name]), 0.25)}
        np.testing.assert_array_equal(opt.update(second, grads)[name],
                                      fresh.update(second, grads)[name])
        assert opt.t == 1
        for state in opt.state_names:
            assert list(getattr(opt, state)) == ["d" + name]


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_state_is_kept_per_parameter_name(make):
    # updating {"a", "b"} together equals updating each with its own optimizer
    joint, only_a, only_b = make(), make(), make()
    pa, pb = np.array([1.0, -1.0]), np.array([[2.0]])
    qa, qb = pa, pb
    for ga, gb in (([0.5, 0.2], [[1.0]]), ([-0.1, 0.4], [[-3.0]]), ([0.3, 0.3], [[0.5]])):
        out = joint.update({"a": pa, "b": pb}, {"da": np.array(ga), "db": np.array(gb)})
        pa, pb = out["a"], out["b"]
        qa = only_a.update({"a": qa}, {"da": np.array(ga)})["a"]
        qb = only_b.update({"b": qb}, {"db": np.array(gb)})["b"]
    np.testing.assert_array_equal(pa, qa)
    np.testing.assert_array_equal(pb, qb)


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_copy_is_independent_and_repr_names_the_class(make):
    opt = make()
    _step(opt, [1.0], [1.0])
    clone = opt.copy()
    assert type(clone) is type(opt) and clone.t == opt.t == 1
    a = _step(opt, [1.0], [0.5])
    b = _step(clone, [1.0], [0.5])
    np.testing.assert_array_equal(a, b)
    assert clone is not opt
    text = repr(opt)
    assert text.startswith(type(opt).__name__ + "(") and "learning_rate=" in text


def test_repr_of_a_subclass_shows_its_new_hyperparameter():
    class AdamW(nl.Adam):          # as a user (or the book's Adam chapter) writes it
        def __init__(self, learning_rate=0.001, weight_decay=0.0):
            super().__init__(learning_rate)
            self.weight_decay = weight_decay

    class Decayed(nl.Adam):        # new arguments first, the rest passed through
        def __init__(self, kappa, **adam_options):
            self.kappa = kappa
            super().__init__(**adam_options)

    assert repr(AdamW(0.01, 0.5)) == ("AdamW(learning_rate=0.01, weight_decay=0.5, beta1=0.9, "
                                      "beta2=0.999, epsilon=1e-08)")
    assert repr(Decayed(0.1, beta1=0.5)) == ("Decayed(kappa=0.1, learning_rate=0.001, beta1=0.5, "
                                             "beta2=0.999, epsilon=1e-08)")


def test_learning_rate_can_change_between_updates():
    opt = nl.GradientDescent(0.1)
    theta = _step(opt, [1.0], [1.0])
    opt.learning_rate = 0.01
    theta = _step(opt, theta, [1.0])
    assert theta[0] == pytest.approx(1.0 - 0.1 - 0.01, rel=1e-15)


def test_base_optimizer_has_no_update_block():
    with pytest.raises(NotImplementedError, match="update_block"):
        nl.Optimizer(0.1).update({"w": np.zeros(1)}, {"dw": np.zeros(1)})


def test_update_accepts_scalars_and_lists():
    opt = nl.GradientDescent(0.5)
    out = opt.update({"w": 2.0, "v": [1.0, 1.0]}, {"dw": 1.0, "dv": [2.0, -2.0]})
    assert float(out["w"]) == 1.5
    assert out["v"].tolist() == [0.0, 2.0]


# ---------------------------------------------------------------------------
# Learning-rate schedules
# ---------------------------------------------------------------------------

def test_schedules_by_hand():
    assert nl.InverseTimeDecay(0.5)(0.1, 4) == pytest.approx(0.1 / 3, rel=1e-15)
    assert nl.InverseTimeDecay(1.0)(0.3, 0) == 0.3
    assert nl.InverseTimeDecay(0.0)(0.3, 1000) == 0.3
    assert nl.StepDecay(1.0, 10)(0.2, 9) == 0.2
    assert nl.StepDecay(1.0, 10)(0.2, 10) == pytest.approx(0.1, rel=1e-15)
    assert nl.StepDecay(1.0, 10)(0.2, 25) == pytest.approx(0.2 / 3, rel=1e-15)
    assert nl.StepDecay(0.5, 1000)(1.0, 3500) == pytest.approx(1 / 2.5, rel=1e-15)
    assert nl.ExponentialDecay(0.5)(0.8, 3) == pytest.approx(0.1, rel=1e-15)
    assert nl.ExponentialDecay(1.0)(0.8, 50) == 0.8
    assert nl.ExponentialDecay()(1.0, 2) == pytest.approx(0.95 ** 2, rel=1e-15)


@given(lr0=st.floats(1e-6, 10.0), epoch=st.integers(0, 10_000), rate=st.floats(0.0, 10.0),
       interval=st.integers(1, 500), base=st.floats(0.5, 1.0))
@settings(max_examples=80, deadline=None)
def test_schedules_follow_their_formulas(lr0, epoch, rate, interval, base):
    assert nl.InverseTimeDecay(rate)(lr0, epoch) == pytest.approx(lr0 / (1 + rate * epoch), rel=1e-14)
    assert nl.StepDecay(rate, interval)(lr0, epoch) == pytest.approx(
        lr0 / (1 + rate * (epoch // interval)), rel=1e-14)
    assert nl.ExponentialDecay(base)(lr0, epoch) == pytest.approx(lr0 * base ** epoch, rel=1e-10, abs=1e-300)


def test_schedule_repr_and_base_class():
    assert repr(nl.StepDecay(0.5, 7)) == "StepDecay(decay_rate=0.5, time_interval=7)"
    with pytest.raises(NotImplementedError):
        nl.Schedule()(0.1, 0)


def test_schedule_defaults_are_pinned():
    assert nl.InverseTimeDecay().decay_rate == 1.0
    step = nl.StepDecay()
    assert (step.decay_rate, step.time_interval) == (1.0, 1000)
    assert nl.ExponentialDecay().base == 0.95


def test_an_optimizer_without_update_block_says_so():
    class Unfinished(nl.Optimizer):
        pass

    with pytest.raises(NotImplementedError, match="^Unfinished must implement update_block$"):
        Unfinished(0.1).update({"W": np.ones(2)}, {"dW": np.ones(2)})


def test_a_missing_gradient_is_named_with_its_d_prefix():
    with pytest.raises(ValueError, match=r"^grads: expected key 'dW' for parameter 'W', got keys \['W'\]$"):
        nl.Adam().update({"W": np.ones(2)}, {"W": np.ones(2)})
