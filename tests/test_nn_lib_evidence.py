"""nn_lib.evidence (Student-t intervals, verdict words) and the seed knob of nn_lib.notebook."""

from __future__ import annotations

import dataclasses
import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from nn_lib import notebook
from nn_lib.evidence import (HIGHER, LOWER, NO_DIFFERENCE, Interval, compare, mean_interval,
                             paired_difference_interval, t_cdf, t_quantile, verdict,
                             welch_difference_interval)

# Two-sided critical values from published tables (NIST/SEMATECH e-Handbook, table 1.3.6.7.2,
# and Abramowitz & Stegun table 26.10), to the digits printed there.
PUBLISHED = [
    (0.975, 1, 12.706205), (0.975, 2, 4.302653), (0.975, 3, 3.182446), (0.975, 7, 2.364624),
    (0.975, 10, 2.228139), (0.975, 30, 2.042272), (0.975, 100, 1.983972),
    (0.95, 5, 2.015048), (0.995, 10, 3.169273), (0.9995, 1, 636.619249), (0.9, 4, 1.533206),
]

probabilities = st.floats(min_value=0.501, max_value=0.9999)
dfs = st.floats(min_value=0.5, max_value=1e4)


@pytest.mark.parametrize("p, df, expected", PUBLISHED)
def test_t_quantile_matches_published_tables(p, df, expected):
    assert t_quantile(p, df) == pytest.approx(expected, abs=1e-6)


def test_t_quantile_tends_to_the_normal_quantile():
    # z_{0.975} = 1.959964; t_{0.975, 1e7} exceeds it by (z^3 + z) / (4 * 1e7) = 2.4e-7.
    assert t_quantile(0.975, 1e7) == pytest.approx(1.959964, abs=1e-6)
    assert t_quantile(0.995, 1e8) == pytest.approx(2.575829, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(p=st.floats(min_value=0.01, max_value=0.99))
def test_t_quantile_has_the_closed_forms_of_one_and_two_degrees_of_freedom(p):
    # df = 1 is the Cauchy distribution; for df = 2, F(t) = 1/2 + t / (2 sqrt(2 + t^2)).
    assert t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-10, abs=1e-12)
    assert t_quantile(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)),
                                             rel=1e-10, abs=1e-12)


# Textbook two-sided 95% critical values t_{0.975, df}, to the four decimals printed there.
TEXTBOOK_975 = [(1, 12.7062), (2, 4.3027), (4, 2.7764), (9, 2.2622), (29, 2.0452)]


@pytest.mark.parametrize("df, expected", TEXTBOOK_975)
def test_t_quantile_matches_the_textbook_95_percent_critical_values(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=5e-5)


@pytest.mark.parametrize("p", [0.99, 0.999, 0.9999, 1 - 1e-6, 1 - 1e-9])
def test_t_quantile_far_in_the_tail_has_the_closed_forms(p):
    # Quantiles from 7 to 3e8 need many doublings of the bisection's bracket (0.999, df = 1:
    # tan(0.499 pi) = 318.3). The Cauchy quantile tan(pi (p - 1/2)) is written as
    # 1 / tan(pi (1 - p)), well conditioned near p = 1; 1 - p is exact for p >= 1/2.
    assert t_quantile(p, 1) == pytest.approx(1 / math.tan(math.pi * (1 - p)), rel=1e-9)
    assert t_quantile(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-9)
    assert t_quantile(1 - p, 1) == -t_quantile(p, 1)


@pytest.mark.parametrize("p", [1e-3, 1e-9, 1e-14, 1e-16, 5e-17, 1e-100])
def test_t_quantile_of_a_small_p_keeps_its_digits(p):
    # 1 - p would round p away (to 1.0 below 1.1e-16): the lower tail is solved as it is.
    # Cauchy: tan(pi (p - 1/2)) = -1 / tan(pi p); df = 2 as above.
    assert t_quantile(p, 1) == pytest.approx(-1 / math.tan(math.pi * p), rel=1e-12)
    assert t_quantile(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-12)
    assert t_cdf(t_quantile(p, 3), 3) == pytest.approx(p, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(t=st.floats(min_value=-1e6, max_value=1e6))
def test_t_cdf_has_the_closed_forms_of_one_and_two_degrees_of_freedom(t):
    # df = 1 (Cauchy): 1/2 + atan(t) / pi; df = 2: 1/2 + t / (2 sqrt(2 + t^2)).
    assert t_cdf(t, 1) == pytest.approx(0.5 + math.atan(t) / math.pi, rel=1e-12, abs=1e-15)
    assert t_cdf(t, 2) == pytest.approx(0.5 + t / (2 * math.sqrt(2 + t * t)), rel=1e-12,
                                        abs=1e-15)


def _upper_tail(t, df):
    """P(T > t): t_cdf(-t) by symmetry, which t_cdf returns without the rounding of 1 - tail."""
    return t_cdf(-t, df)


@settings(max_examples=100, deadline=None)
@given(p=st.floats(min_value=0.5, max_value=1 - 1e-12, exclude_min=True),
       df=st.sampled_from([0.5, 1, 2, 3, 7, 30, 1000]))
@example(p=1.0 - t_cdf(-1.0, 1), df=1)   # P(T > 1) exactly at the bracket's first end, 1
@example(p=1.0 - t_cdf(-4.0, 1), df=1)   # ... at its third end, 4
@example(p=1.0 - t_cdf(-0.5, 1), df=1)   # ... at the first midpoint of the bisection
def test_t_quantile_is_the_float_where_the_upper_tail_crosses_1_minus_p(p, df):
    # "To the last bit": q has P(T > q) <= 1 - p, and the float just below q still has
    # P(T > t) > 1 - p, both evaluated with the same rounded tail. Where the rounded tail
    # is flat over several floats (it often is) and equal to 1 - p, q is the plateau's first
    # float, as for the quantile's definition min{t : P(T > t) <= 1 - p}; 1 - p is exact for
    # p > 1/2.
    q = t_quantile(p, df)
    assert q > 0
    assert _upper_tail(q, df) <= 1 - p < _upper_tail(np.nextafter(q, 0.0), df)


@pytest.mark.parametrize("df", [0.7, 3, 12.5, 60])
def test_t_cdf_matches_the_integral_of_the_density(df):
    # Trapezoid rule on the density c (1 + s^2/df)^(-(df+1)/2), independent of the beta function.
    c = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)
    s = np.linspace(0.0, 4.0, 400_001)
    density = c * (1 + s ** 2 / df) ** (-(df + 1) / 2)
    cumulative = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2 * np.diff(s))])
    for t in (0.5, 1.0, 2.0, 4.0):
        expected = 0.5 + cumulative[np.searchsorted(s, t)]
        assert t_cdf(t, df) == pytest.approx(expected, abs=1e-9)
        assert t_cdf(-t, df) == pytest.approx(1 - expected, abs=1e-9)
    assert t_cdf(0.0, df) == 0.5
    # Beyond t = 1e154, t^2 overflows: the tails are exactly 0 and 1.
    assert (t_cdf(-1e200, df), t_cdf(1e200, df)) == (0.0, 1.0)


@settings(max_examples=60, deadline=None)
@given(p=probabilities, df=dfs)
def test_t_cdf_inverts_t_quantile(p, df):
    assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(p=probabilities, q=probabilities, df=dfs)
def test_t_quantile_increases_with_the_probability(p, q, df):
    low, high = sorted((p, q))
    assert t_quantile(low, df) <= t_quantile(high, df)
    if high - low > 1e-6:
        assert t_quantile(low, df) < t_quantile(high, df)


@settings(max_examples=60, deadline=None)
@given(p=probabilities, df=dfs, factor=st.floats(min_value=1.01, max_value=100))
def test_t_quantile_decreases_with_the_degrees_of_freedom(p, df, factor):
    # Heavier tails with fewer degrees of freedom: the upper quantiles shrink towards z_p.
    assert t_quantile(p, df * factor) < t_quantile(p, df)


@settings(max_examples=60, deadline=None)
@given(p=probabilities, df=dfs, t=st.floats(min_value=0.0, max_value=50.0))
def test_t_distribution_is_symmetric(p, df, t):
    assert t_quantile(1 - p, df) == pytest.approx(-t_quantile(p, df), rel=1e-9)
    assert t_cdf(-t, df) == pytest.approx(1 - t_cdf(t, df), abs=1e-14)


def test_t_quantile_of_one_half_is_zero():
    assert t_quantile(0.5, 4) == 0.0


@pytest.mark.parametrize("call, message", [
    (lambda: t_quantile(0.0, 3), "p: expected a probability in (0, 1)"),
    (lambda: t_quantile(1.0, 3), "p: expected a probability in (0, 1)"),
    (lambda: t_quantile(0.9, 0), "df: expected degrees of freedom"),
    (lambda: t_quantile(0.9, 1e9), "df: expected degrees of freedom"),
    (lambda: t_cdf(float("nan"), 3), "t: expected a finite number"),
    (lambda: t_cdf(1.0, -2), "df: expected degrees of freedom"),
])
def test_t_functions_reject_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_mean_interval_matches_a_hand_computation():
    # Samples 1, 2, 3, 4: mean 2.5, s = sqrt(5/3), SE = s / 2, t_{0.975, 3} = 3.182446.
    interval = mean_interval([1.0, 2.0, 3.0, 4.0])
    half = 3.182446 * math.sqrt(5 / 3) / 2
    assert interval.mean == 2.5
    assert interval.low == pytest.approx(2.5 - half, abs=1e-5)
    assert interval.high == pytest.approx(2.5 + half, abs=1e-5)
    assert interval.half_width == pytest.approx(half, abs=1e-5)
    assert (interval.n, interval.confidence, interval.df) == (4, 0.95, 3.0)


def test_mean_interval_at_another_confidence():
    # t_{0.95, 4} = 2.131847 for a two-sided 90% interval; samples with mean 10 and s = 1.
    samples = 10 + np.array([-1.0, 1.0, -1.0, 1.0, 0.0]) * math.sqrt(4 / 4)
    s = np.std(samples, ddof=1)
    interval = mean_interval(samples, confidence=0.90)
    assert interval.high - interval.mean == pytest.approx(2.131847 * s / math.sqrt(5), abs=1e-6)


def test_interval_is_frozen_and_prints_its_numbers():
    interval = mean_interval([1.0, 3.0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        interval.mean = 0.0  # type: ignore[misc]
    assert str(interval).startswith("2 (95% interval")


@pytest.mark.parametrize("interval, spec, text", [
    (Interval(0.0123, 0.0081, 0.0162, 10, 0.95, 9.0), "+.3f", "+0.012 [+0.008, +0.016]"),
    (Interval(0.0123, 0.0081, 0.0162, 10, 0.95, 9.0), ".1%", "1.2% [0.8%, 1.6%]"),
    (Interval(0.0123, 0.0081, 0.0162, 10, 0.95, 9.0), ".1e", "1.2e-02 [8.1e-03, 1.6e-02]"),
    # An end printing like the mean: one decimal more.
    (Interval(0.9121, 0.91182, 0.91248, 10, 0.95, 9.0), ".3f", "0.9121 [0.9118, 0.9125]"),
    # An end printing like zero without being zero: decimals until it does not.
    (Interval(0.0003, 0.00001, 0.0006, 10, 0.95, 9.0), "+.3f", "+0.00030 [+0.00001, +0.00060]"),
    (Interval(-0.004, -0.0061, -0.0019, 10, 0.95, 9.0), ".0%", "-0.4% [-0.6%, -0.2%]"),
    # A mean printing like zero without being zero: the same.
    (Interval(-0.0004, -0.0014, 0.0006, 10, 0.95, 9.0), "+.3f", "-0.0004 [-0.0014, +0.0006]"),
    # Six decimals at most; what they cannot tell apart is shown as equal.
    (Interval(0.0, -1e-9, 1e-9, 10, 0.95, 9.0), "+.3f", "+0.000 [+0.000, +0.000]"),
    (Interval(1e-14, -0.1246, 0.1246, 10, 0.95, 9.0), "+.3f", "+0.000 [-0.125, +0.125]"),
    (Interval(-1e-14, -0.1246, 0.1246, 10, 0.95, 9.0), "+.3f", "+0.000 [-0.125, +0.125]"),
    (Interval(-2e-11, -3e-11, 1e-11, 10, 0.95, 9.0), ".1%", "0.0% [0.0%, 0.0%]"),
    # ... except where it decides the verdict: an interval clear of zero never shows a zero.
    (Interval(-2e-11, -3e-11, -1e-11, 10, 0.95, 9.0), ".1%",
     "-2.00e-09% [-3.00e-09%, -1.00e-09%]"),
    (Interval(-0.012, -0.024, -4e-7, 10, 0.95, 9.0), "+.3f", "-1.20e-02 [-2.40e-02, -4.00e-07]"),
    (Interval(2e-7, 1e-7, 3e-7, 10, 0.95, 9.0), ".3f", "2.00e-07 [1.00e-07, 3.00e-07]"),
    (Interval(0.012, -1e-8, 0.024, 10, 0.95, 9.0), "+.3f", "+0.012 [+0.000, +0.024]"),
    (Interval(-1e-9, -0.02, 0.0, 10, 0.95, 9.0), "+.3f", "+0.000 [-0.020, +0.000]"),  # ends at 0
    (Interval(0.9, 0.9 - 1e-9, 0.9 + 1e-9, 10, 0.95, 9.0), ".3f", "0.900 [0.900, 0.900]"),
    (Interval(0.9, 0.9 - 1e-9, 0.9005, 10, 0.95, 9.0), ".3f", "0.9000 [0.9000, 0.9005]"),
    (Interval(0.5, 0.5, 0.5, 10, 0.95, 9.0), ".3f", "0.500 [0.500, 0.500]"),
    (Interval(1234.5, 1200.0, 1300.0, 10, 0.95, 9.0), ",.0f", "1,234 [1,200, 1,300]"),
])
def test_interval_formats_as_mean_and_ends(interval, spec, text):
    assert format(interval, spec) == text


def test_str_shows_the_confidence_level_unrounded_and_no_negative_zero():
    assert str(mean_interval([1.0, 2.0, 3.0], confidence=0.995)).startswith("2 (99.5% interval ")
    assert str(Interval(-0.0, -0.0, 0.0, 5, 0.95, 4.0)) == "0 (95% interval 0 to 0, n = 5)"


@pytest.mark.parametrize("call, names", [
    (lambda: mean_interval([1e308, 1.7e308]), "samples"),
    (lambda: paired_difference_interval([1e308, -1e308], [-1e308, 1e308]), "a, b"),
    (lambda: welch_difference_interval([1e308, 1.7e308], [1.0, 2.0]), "a, b"),
    (lambda: mean_interval([1e200, -1e200]), "samples"),        # the spread's squares overflow
    # Pairwise sums of +inf and -inf: a NaN mean, refused as well.
    (lambda: mean_interval([1.7e308, 1.7e308, -1.7e308, -1.7e308]), "samples"),
    (lambda: welch_difference_interval([1.7e308, 1.7e308, -1.7e308, -1.7e308], [1.0, 2.0]), "a, b"),
])
def test_measurements_that_overflow_are_refused_not_turned_into_nan(call, names):
    with warnings.catch_warnings():
        warnings.simplefilter("error")     # refused by nn_lib, before any NumPy warning
        with pytest.raises(ValueError, match=f"^{re.escape(names)}: expected measurements whose "
                                             f"mean and spread fit in float64"):
            call()


@pytest.mark.parametrize("scale", [1e-150, 1.0, 1e150])
def test_welch_degrees_of_freedom_do_not_depend_on_the_scale(scale):
    a, b = np.array([1.0, 2.0, 4.0, 7.0]), np.array([3.0, 1.0, 2.0, 2.0, 9.0])
    # By hand: a has mean 3.5 and s_a^2 = 21/3 = 7; b has mean 3.4 and s_b^2 = 41.2/4 = 10.3.
    va, vb = 7.0 / 4, 10.3 / 5
    df = (va + vb) ** 2 / (va ** 2 / 3 + vb ** 2 / 4)
    assert welch_difference_interval(a * scale, b * scale).df == pytest.approx(df, rel=1e-12)


def test_map_names_a_function_that_does_not_return_numbers():
    # The message shows what came back for the low end (-0.48 here; the mean is 2).
    with pytest.raises(TypeError, match="^function: expected a number for each end and for the "
                                        "mean, got 'low'$"):
        mean_interval([1.0, 2.0, 3.0]).map(lambda v: "low" if v < 1 else "not low")


@pytest.mark.parametrize("spec", [".0f", "+.3f", ".1%", ".3g"])
def test_a_negative_zero_is_shown_as_zero(spec):
    text = format(Interval(-0.0, -0.0, 0.0, 5, 0.95, 4.0), spec)
    assert "-" not in text and text.count("0") >= 3


def test_interval_formats_as_its_str_without_a_spec():
    interval = mean_interval([1.0, 3.0])
    assert f"{interval}" == str(interval)


@given(st.floats(-10, 10), st.floats(0, 1), st.floats(0, 1), st.integers(0, 4),
       st.sampled_from(["", "+"]))
def test_interval_format_shows_ends_apart_from_the_mean_and_from_zero(mean, below, above,
                                                                      digits, sign):
    interval = Interval(mean, mean - below, mean + above, 5, 0.95, 4.0)
    text = format(interval, f"{sign}.{digits}f")
    mean_text, low_text, high_text = re.fullmatch(r"(\S+) \[(\S+), (\S+)\]", text).groups()
    clear_of_zero = interval.low > 0 or interval.high < 0
    if "e" in text:    # six decimals would show a number of an interval clear of zero as zero
        assert clear_of_zero
        for number_text, value in zip((mean_text, low_text, high_text),
                                      (interval.mean, interval.low, interval.high)):
            assert float(number_text) == pytest.approx(value, rel=0.006)
            assert (float(number_text) > 0) == (value > 0)
        return
    shown = len(mean_text.partition(".")[2])
    assert digits <= shown <= max(digits, 6)
    assert len(low_text.partition(".")[2]) == len(high_text.partition(".")[2]) == shown
    # What a reader should see: what six decimals cannot tell apart is equal.
    mean, low, high = (0.0 if abs(x) < 0.5e-6 and not clear_of_zero else x
                       for x in (mean, interval.low, interval.high))
    low, high = (mean if f"{end:.6f}" == f"{mean:.6f}" else end for end in (low, high))
    for end, end_text in [(low, low_text), (high, high_text)]:
        assert abs(float(end_text) - end) <= 0.5 * 10.0 ** -shown + 1e-12
        if shown < 6:
            assert end == mean or end_text != mean_text
            assert end == 0 or float(end_text) != 0
    if shown < 6:
        assert mean == 0 or float(mean_text) != 0
    for text, value in [(mean_text, mean), (low_text, low), (high_text, high)]:
        assert value != 0 or not text.startswith("-")


def test_equal_samples_give_a_point_interval():
    interval = mean_interval([0.5, 0.5, 0.5])
    assert (interval.low, interval.mean, interval.high) == (0.5, 0.5, 0.5)


def test_paired_interval_where_the_evidence_does_not_decide():
    # Differences 0.02, 0.01, 0.05: mean 0.026667, s = 0.020817, t_{0.975, 2} = 4.302653,
    # so the interval [-0.025, 0.078] covers zero although every difference is positive.
    a, b = [0.90, 0.92, 0.95], [0.88, 0.91, 0.90]
    interval, word = compare(a, b)
    half = 4.302653 * 0.0208167 / math.sqrt(3)
    assert interval.mean == pytest.approx(0.0266667, abs=1e-6)
    assert interval.low == pytest.approx(0.0266667 - half, abs=1e-5)
    assert interval.high == pytest.approx(0.0266667 + half, abs=1e-5)
    assert word == NO_DIFFERENCE


def test_pairing_removes_the_shared_seed_effect():
    # Each seed shifts both runs by the same large amount; a is always 0.01 above b.
    shift = np.array([0.0, 0.1, -0.05, 0.07, -0.02, 0.03])
    b = 0.8 + shift
    a = b + 0.01 + np.array([1, -1, 1, -1, 1, -1]) * 1e-3
    paired, paired_word = compare(a, b, paired=True)
    welch, welch_word = compare(a, b, paired=False)
    assert paired_word == HIGHER
    assert welch_word == NO_DIFFERENCE
    assert paired.mean == pytest.approx(welch.mean)
    assert paired.half_width < welch.half_width


def test_paired_interval_is_the_interval_of_the_differences():
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=9), rng.normal(size=9)
    assert paired_difference_interval(a, b) == mean_interval(a - b)


def test_welch_interval_matches_its_formula():
    a, b = np.array([1.0, 2.0, 4.0, 7.0]), np.array([2.0, 2.5, 3.0])
    va, vb = np.var(a, ddof=1) / 4, np.var(b, ddof=1) / 3
    df = (va + vb) ** 2 / (va ** 2 / 3 + vb ** 2 / 2)
    interval = welch_difference_interval(a, b)
    half = t_quantile(0.975, df) * math.sqrt(va + vb)
    assert interval.df == pytest.approx(df)
    assert interval.mean == pytest.approx(3.5 - 2.5)
    assert interval.low == pytest.approx(1.0 - half)
    assert interval.n == 7


def test_welch_interval_of_small_measurements_by_hand():
    # a = (1, 2, 4, 7) / 8, b = (2, 2.5, 3) / 8 (exact in binary): s_a^2 / n_a = 7/4 / 64,
    # s_b^2 / n_b = 1/12 / 64, so SE^2 = 11/6 / 64 and the Welch-Satterthwaite
    # df = (11/6)^2 / ((7/4)^2 / 3 + (1/12)^2 / 2) = 968/295 (the scale cancels), however
    # small the variances (their squares sum to 2.5e-4 here).
    a = np.array([1.0, 2.0, 4.0, 7.0]) / 8
    b = np.array([2.0, 2.5, 3.0]) / 8
    interval = welch_difference_interval(a, b)
    assert interval.df == pytest.approx(968 / 295, rel=1e-13)
    se = math.sqrt(11 / 6) / 8
    assert interval.mean == 1 / 8
    # t_{0.975} at df = 968/295 = 3.28: between t_{0.975, 3} = 3.182 and t_{0.975, 4} = 2.776
    # of the tables; t_cdf of the half width in SE units must be 0.975.
    ratio = (interval.high - interval.mean) / se
    assert 2.7764 < ratio < 3.1825
    assert t_cdf(ratio, 968 / 295) == pytest.approx(0.975, abs=1e-12)
    assert interval.low == pytest.approx(1 / 8 - t_quantile(0.975, 968 / 295) * se, rel=1e-12)
    assert interval.high == pytest.approx(1 / 8 + t_quantile(0.975, 968 / 295) * se, rel=1e-12)
    assert (interval.n, interval.confidence) == (7, 0.95)


def test_welch_interval_without_spread_uses_the_pooled_degrees_of_freedom():
    interval = welch_difference_interval([1.0, 1.0], [0.0, 0.0, 0.0])
    assert (interval.low, interval.high, interval.df) == (1.0, 1.0, 3.0)


@pytest.mark.parametrize("n", [3, 8])
def test_intervals_cover_the_true_mean_at_their_confidence(n):
    # 2000 intervals from normal samples: the count that covers the mean is Binomial(2000, 0.95),
    # standard deviation 9.7; 4 standard deviations either side fail by chance once in 15,000 runs.
    rng = np.random.default_rng(20261126)
    samples = rng.normal(loc=3.0, scale=2.0, size=(2000, n))
    covered = sum(iv.low <= 3.0 <= iv.high for iv in map(mean_interval, samples))
    assert abs(covered - 1900) <= 4 * math.sqrt(2000 * 0.95 * 0.05)
    # The normal quantile 1.96 in place of t would cover clearly less often for small n.
    if n == 3:
        z_covered = sum(abs(row.mean() - 3.0) <= 1.959964 * row.std(ddof=1) / math.sqrt(n)
                        for row in samples)
        assert z_covered < 1900 - 4 * math.sqrt(2000 * 0.95 * 0.05)


def test_paired_intervals_cover_the_true_difference():
    rng = np.random.default_rng(7)
    seed_effect = rng.normal(scale=5.0, size=(2000, 8))
    a = seed_effect + 0.3 + rng.normal(size=(2000, 8))
    b = seed_effect + rng.normal(size=(2000, 8))
    intervals = [paired_difference_interval(x, y) for x, y in zip(a, b)]
    covered = sum(interval.low <= 0.3 <= interval.high for interval in intervals)
    assert abs(covered - 1900) <= 4 * math.sqrt(2000 * 0.95 * 0.05)


def test_map_reads_fishers_z_interval_back_as_correlations():
    r = np.array([0.97, 0.99, 0.95, 0.98])
    z = np.arctanh(r)
    # By hand: mean of z, its standard error, t_{0.975, 3} from the published table.
    half = 3.182446 * z.std(ddof=1) / 2.0
    interval = mean_interval(z).map(np.tanh)
    assert interval.mean == pytest.approx(math.tanh(z.mean()), rel=1e-12)
    assert interval.low == pytest.approx(math.tanh(z.mean() - half), rel=1e-6)
    assert interval.high == pytest.approx(math.tanh(z.mean() + half), rel=1e-6)
    assert (interval.n, interval.confidence, interval.df) == (4, 0.95, 3.0)
    assert f"{interval:.2f}" == "0.98 [0.93, 0.99]"
    # A t-interval of the correlations themselves passes 1; the mapped one cannot.
    skewed = np.array([0.99, 0.9, 0.999, 0.95])
    assert mean_interval(skewed).high > 1
    assert -1 < mean_interval(np.arctanh(skewed)).map(np.tanh).high < 1


@given(st.lists(st.floats(-100, 100), min_size=2, max_size=12), st.floats(0.01, 100),
       st.floats(-100, 100))
def test_map_of_an_affine_function_is_the_interval_of_the_mapped_samples(x, scale, shift):
    x = np.array(x)
    mapped = mean_interval(x).map(lambda v: scale * v + shift)
    direct = mean_interval(scale * x + shift)
    for a, b in [(mapped.mean, direct.mean), (mapped.low, direct.low),
                 (mapped.high, direct.high)]:
        assert a == pytest.approx(b, rel=1e-9, abs=1e-9 * (1 + scale * np.abs(x).max()))


def test_map_reads_a_bounded_quantity_within_its_bound():
    accuracies = [0.99, 1.0, 0.97, 1.0]
    interval = mean_interval(accuracies)
    # Mean 0.99, s = 0.0141421, t_{0.975, 3} = 3.182446: the t-interval passes 1.
    assert interval.high == pytest.approx(0.99 + 3.182446 * 0.0141421356 / 2, rel=1e-6)
    capped = interval.map(lambda v: min(v, 1.0))
    assert (capped.mean, capped.low, capped.high) == (interval.mean, interval.low, 1.0)
    assert f"{capped:.3f}" == "0.990 [0.967, 1.000]"


def test_map_and_its_inverse_give_the_interval_back():
    interval = Interval(0.3, -0.2, 0.8, 6, 0.9, 5.0)
    back = interval.map(lambda d: 10 ** d).map(math.log10)
    assert back == Interval(pytest.approx(0.3), pytest.approx(-0.2), pytest.approx(0.8), 6, 0.9, 5.0)


@pytest.mark.parametrize("function, error, message", [
    (np.negative, ValueError, "function: expected a non-decreasing function with finite values, "
                              "got 0.2, -0.3, -0.8 for the low end, the mean and the high end"),
    (lambda d: 1 / d, ValueError, "function: expected a non-decreasing function with finite values"),
    (lambda d: math.inf, ValueError, "got inf, inf, inf"),
    ("tanh", TypeError, "function: expected a callable float -> float, got 'tanh'"),
])
def test_map_refuses_what_would_misplace_the_ends(function, error, message):
    interval = Interval(0.3, -0.2, 0.8, 6, 0.95, 5.0)
    with pytest.raises(error, match=re.escape(message)):
        interval.map(function)


def _interval(low, high):
    return Interval(mean=(low + high) / 2, low=low, high=high, n=8, confidence=0.95, df=7.0)


@pytest.mark.parametrize("low, high, word", [
    (0.001, 0.02, HIGHER), (1e-15, 1e-14, HIGHER),
    (-0.02, -0.001, LOWER), (-1e-14, -1e-15, LOWER),
    (-0.01, 0.01, NO_DIFFERENCE), (-1.0, 1e-15, NO_DIFFERENCE),
    # Closed interval: an end point exactly at zero covers zero.
    (0.0, 0.02, NO_DIFFERENCE), (-0.02, 0.0, NO_DIFFERENCE), (0.0, 0.0, NO_DIFFERENCE),
])
def test_verdict_reads_the_interval(low, high, word):
    assert verdict(_interval(low, high)) == word


@pytest.mark.parametrize("low, high, phrase", [
    (0.001, 0.02, "lies above zero"), (1e-15, 1e-14, "lies above zero"),
    (-0.02, -0.001, "lies below zero"), (-1e-14, -1e-15, "lies below zero"),
    (-0.01, 0.01, "includes zero"), (0.0, 0.02, "includes zero"),
    (-0.02, 0.0, "includes zero"), (0.0, 0.0, "includes zero"),
])
def test_where_zero_describes_the_interval_as_verdict_reads_it(low, high, phrase):
    interval = _interval(low, high)
    assert interval.where_zero() == phrase
    assert {"lies above zero": HIGHER, "lies below zero": LOWER,
            "includes zero": NO_DIFFERENCE}[phrase] == verdict(interval)


def test_a_tiny_but_consistent_difference_is_a_verdict_and_a_single_run_is_none():
    # No tolerance: the interval, not the size, decides.
    assert compare([1.0 + 1e-12, 1.0 + 1e-12], [1.0, 1.0])[1] == HIGHER
    with pytest.raises(ValueError, match="a: expected at least 2 measurements"):
        compare([0.95], [0.94])


def test_compare_returns_the_verdict_of_its_interval():
    interval, word = compare([0.8, 0.81, 0.79, 0.8], [0.9, 0.92, 0.91, 0.9])
    assert word == LOWER == verdict(interval)
    assert interval.high < 0


@pytest.mark.parametrize("call, error, message", [
    (lambda: mean_interval([1.0]), ValueError,
     "samples: expected at least 2 measurements for an interval, got 1"),
    (lambda: mean_interval([]), ValueError,
     "samples: expected at least 2 measurements for an interval, got 0"),
    (lambda: mean_interval([1.0, float("nan")]), ValueError, "samples: expected finite values"),
    (lambda: mean_interval([1.0, float("inf")]), ValueError, "samples: expected finite values"),
    (lambda: mean_interval([[1.0, 2.0]]), ValueError, "samples: expected a 1-D sequence"),
    (lambda: mean_interval("12"), TypeError, "samples: expected a numeric array"),
    (lambda: mean_interval([1.0, 2.0], confidence=1.0), ValueError,
     "confidence: expected a level in"),
    (lambda: mean_interval([1.0, 2.0], confidence=0), ValueError, "confidence: expected a level"),
    (lambda: mean_interval([1.0, 2.0], confidence=True), TypeError,
     "confidence: expected a real number"),
    (lambda: paired_difference_interval([1.0, 2.0], [1.0, 2.0, 3.0]), ValueError,
     "b: expected 2 measurements paired with those of a, got 3"),
    (lambda: paired_difference_interval([1.0, 2.0], [1.0]), ValueError,
     "b: expected at least 2 measurements"),
    (lambda: welch_difference_interval([1.0, 2.0], [3.0]), ValueError,
     "b: expected at least 2 measurements"),
    (lambda: welch_difference_interval([3.0], [1.0, 2.0]), ValueError,
     "a: expected at least 2 measurements for an interval, got 1"),
    (lambda: welch_difference_interval([[1.0, 2.0]], [1.0, 2.0]), ValueError,
     "a: expected a 1-D sequence of measurements, got shape (1, 2)"),
    (lambda: compare([1.0, 2.0], [1.0, 2.0], paired="yes"), TypeError,
     "paired: expected True or False"),
    (lambda: verdict((0.0, 1.0)), TypeError, "interval: expected an nn_lib.evidence.Interval"),
])
def test_bad_inputs_are_named(call, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()


# --- the book's seed knob -------------------------------------------------------------------

def test_book_seed_defaults_when_the_variable_is_unset_or_empty(monkeypatch):
    monkeypatch.delenv(notebook.BOOK_SEED_VARIABLE, raising=False)
    assert notebook.book_seed() == 0
    assert notebook.book_seed(default=5) == 5
    monkeypatch.setenv("NN_LIB_BOOK_SEED", "  ")
    assert notebook.book_seed() == 0


@pytest.mark.parametrize("text, value", [("7", 7), (" 12 ", 12), ("0", 0), ("4294967296", 2 ** 32)])
def test_book_seed_reads_the_variable(monkeypatch, text, value):
    monkeypatch.setenv("NN_LIB_BOOK_SEED", text)
    assert notebook.book_seed() == value


@pytest.mark.parametrize("text", ["-1", "1.5", "seven", "0x10", "+3", "1e3", "٣"])
def test_book_seed_rejects_anything_but_a_non_negative_integer(monkeypatch, text):
    monkeypatch.setenv("NN_LIB_BOOK_SEED", text)
    with pytest.raises(ValueError, match="NN_LIB_BOOK_SEED: expected a non-negative integer"):
        notebook.book_seed()


def test_book_seed_rejects_a_bad_default():
    with pytest.raises(ValueError, match="default: expected an integer >= 0"):
        notebook.book_seed(default=-1)


def test_seeds_follow_the_seed_sequence_of_book_seed_and_stream(monkeypatch):
    import zlib
    monkeypatch.setenv("NN_LIB_BOOK_SEED", "3")
    expected = [int(child.generate_state(1)[0]) for child in
                np.random.SeedSequence([3, zlib.crc32(b"dropout/keep_prob")]).spawn(4)]
    assert notebook.seeds(4, stream="dropout/keep_prob") == expected
    assert notebook.seeds(4, stream="dropout/keep_prob", seed=3) == expected


def test_seeds_are_reproducible_prefix_stable_and_distinct(monkeypatch):
    monkeypatch.delenv("NN_LIB_BOOK_SEED", raising=False)
    eight = notebook.seeds(8, stream="l2")
    assert notebook.seeds(8, stream="l2") == eight
    assert notebook.seeds(3, stream="l2") == eight[:3]
    assert len(set(eight)) == 8
    assert all(isinstance(s, int) and 0 <= s < 2 ** 32 for s in eight)
    assert set(notebook.seeds(8, stream="dropout")).isdisjoint(eight)
    monkeypatch.setenv("NN_LIB_BOOK_SEED", "7")
    assert set(notebook.seeds(8, stream="l2")).isdisjoint(eight)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"n": 0, "stream": "a"}, ValueError, "n: expected an integer >= 1"),
    ({"n": 2.0, "stream": "a"}, TypeError, "n: expected an integer"),
    ({"n": 2, "stream": ""}, TypeError, "stream: expected a non-empty string"),
    ({"n": 2, "stream": 3}, TypeError, "stream: expected a non-empty string"),
    ({"n": 2, "stream": "a", "seed": -1}, ValueError, "seed: expected an integer >= 0"),
])
def test_seeds_reject_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        notebook.seeds(**kwargs)


def test_seeds_report_a_bad_environment_variable(monkeypatch):
    monkeypatch.setenv("NN_LIB_BOOK_SEED", "abc")
    with pytest.raises(ValueError, match="NN_LIB_BOOK_SEED"):
        notebook.seeds(2, stream="a")


@pytest.mark.parametrize("paired", [True, False])
def test_compare_passes_its_confidence_on(paired):
    a = np.array([0.91, 0.93, 0.92, 0.95, 0.90])
    b = np.array([0.90, 0.90, 0.93, 0.91, 0.89])
    narrow, _ = compare(a, b, paired=paired, confidence=0.5)
    wide, _ = compare(a, b, paired=paired, confidence=0.95)
    assert narrow.confidence == 0.5 and wide.confidence == 0.95
    assert narrow.half_width < wide.half_width
