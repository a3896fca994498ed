"""The private numerics of nn_lib.evidence, checked against independent computations.

The public tests (test_nn_lib_evidence.py) see the incomplete beta function only through
t_cdf and t_quantile, mostly at df = 1 and 2. Here each helper is checked on its own
against closed forms: I_x(a, 1) = x^a, I_x(1, b) = 1 - (1 - x)^b, the arcsine law, the
binomial tail identity (exact sums with fractions), the Student t tails for df = 1 to 4,
math.lgamma and products of integers for the log-gamma helpers, and hand-worked intervals.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from nn_lib import evidence
from nn_lib.evidence import (HIGHER, LOWER, NO_DIFFERENCE, Interval, compare,
                             paired_difference_interval, verdict, welch_difference_interval)
from nn_lib_strategies import raises_exactly

# Dyadic points: x and 1 - x are both exact floats, so (x, 1 - x) is a consistent pair.
DYADIC = [1 / 64, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 63 / 64]


def regularized_beta(a, b, x):
    return evidence._regularized_beta(a, b, x, 1.0 - x)


# --- the regularized incomplete beta function -----------------------------------------------

@pytest.mark.parametrize("a", [0.5, 1.0, 2.5, 7.0, 40.0, 300.0])
@pytest.mark.parametrize("x", DYADIC)
def test_incomplete_beta_with_b_one_is_x_to_the_a(a, x):
    # I_x(a, 1) = x^a. The switch-over point (a + 1) / (a + 3) is below some of these x and
    # above others, so both the direct fraction and the symmetric one are exercised.
    assert regularized_beta(a, 1.0, x) == pytest.approx(x ** a, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("b", [0.5, 1.0, 2.5, 7.0, 40.0, 300.0])
@pytest.mark.parametrize("x", DYADIC)
def test_incomplete_beta_with_a_one_is_one_minus_a_power_of_one_minus_x(b, x):
    # I_x(1, b) = 1 - (1 - x)^b, written with expm1/log1p to keep its digits near x = 0.
    expected = -math.expm1(b * math.log1p(-x))
    assert regularized_beta(1.0, b, x) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("x", DYADIC)
def test_incomplete_beta_of_one_half_and_one_half_is_the_arcsine_law(x):
    # I_x(1/2, 1/2) = (2 / pi) asin(sqrt(x)).
    expected = 2 / math.pi * math.asin(math.sqrt(x))
    assert regularized_beta(0.5, 0.5, x) == pytest.approx(expected, rel=1e-12)


def _binomial_upper_tail(n, k, p):
    """P(Binomial(n, p) >= k), summed exactly with fractions."""
    p = Fraction(p)
    return float(sum(math.comb(n, j) * p ** j * (1 - p) ** (n - j) for j in range(k, n + 1)))


@pytest.mark.parametrize("n", [1, 2, 5, 20, 60])
@pytest.mark.parametrize("p", [0.125, 0.5, 0.625, 0.875])
def test_incomplete_beta_with_integer_parameters_is_a_binomial_tail(n, p):
    # I_p(k, n - k + 1) = P(Binomial(n, p) >= k) for k = 1, ..., n.
    for k in range(1, n + 1):
        assert regularized_beta(k, n - k + 1, p) == pytest.approx(
            _binomial_upper_tail(n, k, p), rel=1e-11, abs=1e-300)


@pytest.mark.parametrize("a, b", [(0.3, 0.7), (2.5, 4.0), (10.0, 0.5), (150.0, 3.5)])
@pytest.mark.parametrize("x", DYADIC)
def test_incomplete_beta_is_symmetric(a, b, x):
    # I_x(a, b) = 1 - I_{1-x}(b, a); the two sides take opposite branches of the switch-over.
    assert regularized_beta(a, b, x) == pytest.approx(1 - regularized_beta(b, a, 1 - x),
                                                      rel=1e-11, abs=1e-14)


def test_incomplete_beta_is_exactly_zero_and_one_at_the_ends():
    # x = 0 or y = 0 would take the logarithm of zero; the ends are returned as they are.
    assert evidence._regularized_beta(2.0, 3.0, 0.0, 1.0) == 0.0
    assert evidence._regularized_beta(2.0, 3.0, 1.0, 0.0) == 1.0
    # t = 1e200 squares to infinity: x = 0 and y = inf / inf = nan; x decides first.
    assert evidence._regularized_beta(2.0, 0.5, 0.0, math.nan) == 0.0


def test_continued_fraction_survives_a_zero_first_denominator():
    # a = 1, b = 3, x = 1/2: 1 - (a + b) x / (a + 1) = 0 exactly, the case the modified Lentz
    # method replaces by a tiny number. The fraction is I_x(a, b) a B(a, b) / (x^a (1 - x)^b)
    # = (7/8) (1/3) / (1/16) = 14/3.
    assert evidence._beta_continued_fraction(1.0, 3.0, 0.5) == pytest.approx(14 / 3, rel=1e-14)


def test_continued_fraction_survives_a_zero_denominator_inside_the_loop():
    # a = 1, b = 4, x = 1/2: the first denominator is 1 - 5/4 = -1/4, and the next one,
    # 1 + d_2 / (-1/4) with d_2 = 1 * 3 * (1/2) / (2 * 3) = 1/4, is exactly zero. The value is
    # I_x(1, 4) * 1 * B(1, 4) / (x (1 - x)^4) = (15/16) (1/4) / (1/32) = 7.5.
    assert evidence._beta_continued_fraction(1.0, 4.0, 0.5) == pytest.approx(7.5, rel=1e-14)


def test_continued_fraction_that_does_not_converge_is_an_error_naming_its_arguments():
    # x = inf makes every convergent inf or nan, so the loop runs out of terms.
    message = "the incomplete beta continued fraction did not converge for a=2.0, b=3.0, x=inf"
    with raises_exactly(ArithmeticError, message):
        evidence._beta_continued_fraction(2.0, 3.0, math.inf)


# --- Student t tails from the incomplete beta function ---------------------------------------

def _tail_closed_form(t, df):
    """P(T > t) for t >= 0, in forms without cancellation for df = 1, 2 (and mild for 3, 4)."""
    if df == 1:
        return math.atan2(1.0, t) / math.pi
    if df == 2:
        s = math.sqrt(2 + t * t)
        return 1 / (s * (s + t))
    if df == 3:
        u = t / math.sqrt(3)
        return (math.atan2(1.0, u) - u / (1 + u * u)) / math.pi
    u = t / math.sqrt(1 + t * t / 4)
    return 0.5 - 3 / 8 * u * (1 - t * t / (12 * (1 + t * t / 4)))


@pytest.mark.parametrize("df", [1, 2, 3, 4])
@pytest.mark.parametrize("t", [0.0, 0.1, 0.5, 1.0, 2.0, 5.0, 30.0])
def test_upper_tail_has_the_closed_forms_of_one_to_four_degrees_of_freedom(t, df):
    assert evidence._upper_tail(t, df) == pytest.approx(_tail_closed_form(t, df), rel=1e-10)


def test_upper_tail_far_out_has_the_closed_forms():
    # Tails of 1e-6 to 1e-12, where a wrong sign or factor in the fraction cannot hide.
    for t in (1e3, 1e6):
        assert evidence._upper_tail(t, 1) == pytest.approx(math.atan2(1.0, t) / math.pi, rel=1e-12)
        s = math.sqrt(2 + t * t)
        assert evidence._upper_tail(t, 2) == pytest.approx(1 / (s * (s + t)), rel=1e-12)


@pytest.mark.parametrize("df", [0.5, 1.0, 7.0, 1e4, 1e8])
def test_upper_tail_at_zero_is_one_half(df):
    assert evidence._upper_tail(0.0, df) == 0.5


# --- the log-gamma helpers ---------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [(0.5, 0.5), (1.0, 1.0), (2.5, 0.5), (0.1, 30.0), (7.0, 3.0),
                                  (1e3, 0.5), (99_999.0, 2.0)])
def test_log_gamma_sum_ratio_of_moderate_arguments_is_minus_log_beta(a, b):
    expected = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    assert evidence._log_gamma_sum_ratio(a, b) == pytest.approx(expected, rel=1e-13, abs=1e-13)
    assert evidence._log_gamma_sum_ratio(b, a) == pytest.approx(expected, rel=1e-13, abs=1e-13)


@pytest.mark.parametrize("big", [1e5, 2.5e5, 1e7, 1e12])
@pytest.mark.parametrize("small", [1, 2, 3, 5])
def test_log_gamma_sum_ratio_of_a_large_argument_matches_the_integer_closed_form(big, small):
    # For an integer b, 1 / B(a, b) = a (a + 1) ... (a + b - 1) / (b - 1)!, so -ln B(a, b) is a
    # sum of logarithms. math.lgamma differences lose up to 4e-10 at a = 1e5 (and 2e-3 at
    # 1e12); Stirling's series, used from a = 1e5 on, keeps all the digits.
    expected = sum(math.log(big + i) for i in range(small)) - math.log(math.factorial(small - 1))
    assert evidence._log_gamma_sum_ratio(big, float(small)) == pytest.approx(expected, abs=1e-12)
    assert evidence._log_gamma_sum_ratio(float(small), big) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("big", [1e5, 3e6])
@pytest.mark.parametrize("small", [0.5, 2.75, 40.5])
def test_log_gamma_sum_ratio_of_a_large_argument_and_a_fraction(big, small):
    # Gamma(a + b) / Gamma(a) = a^b (1 + b (b - 1) / (2a) + O(a^-2)): the leading terms of
    # the asymptotic ratio (Tricomi & Erdelyi 1951), accurate to about b^4 / a^2 here.
    expected = (small * math.log(big) + math.log1p(small * (small - 1) / (2 * big))
                - math.lgamma(small))
    tolerance = 10 * small ** 4 / big ** 2
    assert evidence._log_gamma_sum_ratio(big, small) == pytest.approx(expected, abs=tolerance)
    assert evidence._log_gamma_sum_ratio(small, big) == pytest.approx(expected, abs=tolerance)


@pytest.mark.parametrize("a, b", [(2.0, 3.0), (0.5, 0.5), (3.5, 0.5)])
@pytest.mark.parametrize("x", [0.125, 0.5, 0.875])
def test_log_front_is_the_log_of_the_prefactor(a, b, x):
    # ln(x^a y^b / B(a, b)) directly, where nothing is near rounding.
    y = 1 - x
    expected = math.log(x ** a * y ** b) + math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    assert evidence._log_front(a, b, x, y) == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("a, b", [(5e7, 0.5), (0.5, 5e7)])
def test_log_front_uses_the_small_complement_when_the_other_is_near_one(a, b):
    # y = 1e-10 while x = 1 - y is rounded: ln x must come from y, as ln(1 - y) =
    # -y - y^2/2 - ..., not from the rounded x (an error of 1e-17 in x, times a = 5e7, is
    # 5e-10 in the result). The same with the roles of x and y exchanged.
    small = 1e-10
    log_near_one = -small - small ** 2 / 2
    if a > b:
        x, y = 1 - small, small
        expected_powers = a * log_near_one + b * math.log(small)
    else:
        x, y = small, 1 - small
        expected_powers = a * math.log(small) + b * log_near_one
    expected = expected_powers + math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    # lgamma's own rounding at 5e7 is about 1e-9 in absolute terms; compare the powers part.
    got_powers = evidence._log_front(a, b, x, y) - evidence._log_gamma_sum_ratio(a, b)
    assert got_powers == pytest.approx(expected_powers, rel=1e-15, abs=1e-16)
    assert evidence._log_front(a, b, x, y) == pytest.approx(expected, abs=1e-7)


# --- intervals and verdicts ---------------------------------------------------------------------

def test_interval_is_the_mean_plus_and_minus_the_t_quantile_times_the_standard_error():
    # Confidence 0.5 at df = 1: t_{0.75, 1} = tan(pi / 4) = 1, so the half width is the SE.
    interval = evidence._interval(1.0, 2.0, 5, 1.0, 0.5, "samples")
    assert interval == Interval(mean=1.0, low=pytest.approx(-1.0, abs=1e-14),
                                high=pytest.approx(3.0, abs=1e-14), n=5, confidence=0.5, df=1.0)
    # Confidence 0.9 at df = 2: t_{0.95, 2} = 0.9 / sqrt(2 * 0.95 * 0.05) = 2.919986.
    interval = evidence._interval(-3.0, 0.5, 3, 2.0, 0.9, "samples")
    half = 0.9 / math.sqrt(2 * 0.95 * 0.05) * 0.5
    assert (interval.low, interval.high) == (pytest.approx(-3.0 - half, rel=1e-12),
                                             pytest.approx(-3.0 + half, rel=1e-12))
    assert (interval.mean, interval.n, interval.confidence, interval.df) == (-3.0, 3, 0.9, 2.0)


def test_check_samples_returns_float_measurements_and_names_the_argument():
    samples = evidence._check_samples("a", [1, 2, 3])
    assert samples.dtype == np.float64 and samples.tolist() == [1.0, 2.0, 3.0]
    with raises_exactly(
            ValueError, "a: expected a 1-D sequence of measurements, got shape (2, 2)"):
        evidence._check_samples("a", [[1.0, 2.0], [3.0, 4.0]])
    with raises_exactly(
            ValueError, "b: expected at least 2 measurements for an interval, got 1"):
        evidence._check_samples("b", [1.0])
    # A scalar is 0-D, not a sequence, even though it holds a measurement.
    with raises_exactly(
            ValueError, "b: expected a 1-D sequence of measurements, got shape ()"):
        evidence._check_samples("b", 3.0)


def test_verdict_refuses_anything_but_an_interval_and_shows_what_it_got():
    message = "interval: expected an nn_lib.evidence.Interval, got (-1.0, 1.0)"
    with raises_exactly(TypeError, message):
        verdict((-1.0, 1.0))


@pytest.mark.parametrize("paired", [True, np.True_])
def test_compare_paired_is_the_paired_interval_and_its_verdict(paired):
    a, b = [0.90, 0.92, 0.95, 0.93], [0.80, 0.83, 0.84, 0.82]
    interval, word = compare(a, b, paired=paired, confidence=0.9)
    assert interval == paired_difference_interval(a, b, 0.9)
    # differences 0.10, 0.09, 0.11, 0.11: all well above zero
    assert word == HIGHER


@pytest.mark.parametrize("paired", [False, np.False_])
def test_compare_unpaired_is_welchs_interval_and_its_verdict(paired):
    # Independent samples of different sizes are only possible without pairing.
    a, b = [0.70, 0.72, 0.71], [0.90, 0.91, 0.92, 0.90, 0.93]
    interval, word = compare(a, b, paired=paired, confidence=0.8)
    assert interval == welch_difference_interval(a, b, 0.8)
    assert (interval.n, interval.confidence) == (8, 0.8)
    assert word == LOWER


@pytest.mark.parametrize("paired", ["yes", 1, None])
def test_compare_refuses_a_paired_that_is_not_a_bool(paired):
    message = f"paired: expected True or False, got {paired!r}"
    with raises_exactly(TypeError, message):
        compare([1.0, 2.0], [1.0, 2.0], paired=paired)


def test_compare_of_equal_measurements_finds_no_difference():
    # Zero differences give the point interval [0, 0], which covers zero.
    interval, word = compare([0.5, 0.7, 0.6], [0.5, 0.7, 0.6])
    assert (interval.low, interval.high) == (0.0, 0.0)
    assert word == NO_DIFFERENCE
