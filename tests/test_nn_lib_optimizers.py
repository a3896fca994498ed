"""Optimizers (hand-computed steps, properties, convergence) and learning-rate schedules."""

from __future__ import annotations

import math

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
    assert opt.v["w"][0] == pytest.approx(0.122, rel=1e-14)


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


# Above ~1.3e154 the square of g overflows and Adam refuses the gradient (tested below).
@given(g=st.floats(5e-324, 1e150), negative=st.booleans())
@settings(max_examples=60, deadline=None)
def test_adam_first_step_never_exceeds_learning_rate_and_has_the_right_sign(g, negative):
    g = -g if negative else g
    with np.errstate(over="ignore"):
        new = _step(nl.Adam(learning_rate=0.5), [0.0], [g])[0]
    assert abs(new) <= 0.5 * (1 + 1e-12)
    assert new == 0.0 or math.copysign(1.0, new) == -math.copysign(1.0, g)


@pytest.mark.parametrize("make", [lambda: nl.Adam(0.1), lambda: nl.RMSprop(0.1, epsilon=1e-8)])
def test_adam_and_rmsprop_refuse_gradients_whose_square_overflows(make):
    # |g| > ~1.3e154: g * g is inf in float64, which would silently give a zero step.
    with pytest.raises(FloatingPointError, match=r"^grads\['dw'\]"):
        _step(make(), [0.0], [1e200])


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
    assert all(value == {} for value in vars(opt).values() if isinstance(value, dict))
    np.testing.assert_array_equal(_step(opt, [1.0, 2.0], [0.3, -0.7]), first)


@pytest.mark.parametrize("make", OPTIMIZERS[1:])
def test_shape_change_between_updates_raises(make):
    opt = make()
    _step(opt, [1.0, 2.0], [0.1, 0.1])
    with pytest.raises(ValueError, match=r"^parameters\['w'\]"):
        _step(opt, [1.0, 2.0, 3.0], [0.1, 0.1, 0.1])
    opt.reset()
    assert _step(opt, [1.0, 2.0, 3.0], [0.1, 0.1, 0.1]).shape == (3,)


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


def test_learning_rate_can_change_between_updates():
    opt = nl.GradientDescent(0.1)
    theta = _step(opt, [1.0], [1.0])
    opt.learning_rate = 0.01
    theta = _step(opt, theta, [1.0])
    assert theta[0] == pytest.approx(1.0 - 0.1 - 0.01, rel=1e-15)


def test_base_optimizer_has_no_step():
    with pytest.raises(NotImplementedError):
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
    assert nl.ConstantLearningRate()(0.7, 99) == 0.7


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
