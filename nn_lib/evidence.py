r"""Turn repeated measurements into a mean, a 95% interval and a verdict word.

The book compares settings (with and without dropout, two optimizers, ...) by
training each one under several seeds. This module reads such measurements
the way the book's prose must: as a mean with a Student-t confidence interval,
and, for a comparison, as the interval of the difference. The word the prose
uses comes from the interval alone (:func:`verdict`): "higher" or "lower" when
the interval of the difference excludes zero, "no detectable difference" when
it covers zero. There is no tolerance: a difference is a verdict exactly when
the evidence separates it from zero.

The Student t distribution is computed here from the regularized incomplete
beta function (a continued fraction and :func:`math.lgamma`), so ``nn_lib``
needs no SciPy.

Examples
--------
>>> from nn_lib.evidence import compare
>>> interval, word = compare([0.93, 0.94, 0.92, 0.95], [0.91, 0.92, 0.91, 0.93])
>>> word
'higher'
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import Real, _describe, check_array, validate_params

__all__ = ["Interval", "t_cdf", "t_quantile", "mean_interval", "paired_difference_interval",
           "welch_difference_interval", "verdict", "compare", "HIGHER", "LOWER",
           "NO_DIFFERENCE"]

HIGHER = "higher"
"""Verdict when the whole interval of the difference lies above zero."""
LOWER = "lower"
"""Verdict when the whole interval of the difference lies below zero."""
NO_DIFFERENCE = "no detectable difference"
"""Verdict when the interval of the difference contains zero (end points included)."""

# The continued fraction needs about sqrt(max(a, b)) terms near its switch-over point
# (Press et al., Numerical Recipes, section 6.4); this bound covers df up to _MAX_DF.
_MAX_TERMS = 1_000_000
_TINY = 1e-300
# From here on the O(a^-3) remainder of Stirling's series is below 1e-15.
_STIRLING_FROM = 1e5
# Beyond this the continued fraction, with about sqrt(df) terms, slowly loses
# accuracy (to about 1e-9 in t at 1e8), while t equals the normal quantile to within 1e-6.
_MAX_DF = 1e8

#: The limits of the arguments, declared once.
_DF = Real(0.0, _MAX_DF, closed="right", noun="degrees of freedom")
_CONFIDENCE = Real(0.0, 1.0, closed="neither", noun="a level")
_PROBABILITY = Real(0.0, 1.0, closed="neither", noun="a probability")
# A few units in the last place: the last factor d * c rounds to within this of 1 at convergence.
_CONVERGED = 4 * np.finfo(np.float64).eps


@dataclass(frozen=True)
class Interval:
    r"""A mean with a two-sided Student-t confidence interval.

    ``f"{interval:.3f}"`` prints ``"0.912 [0.905, 0.919]"`` (mean, then the two
    ends; ``"+.3f"`` signs a difference), with more decimals while an end would
    print like the mean, or a number like zero: see :meth:`__format__`.

    Attributes
    ----------
    mean : float
        Sample mean :math:`\bar x` (of the differences, for a comparison).
    low, high : float
        End points :math:`\bar x \mp t_{(1+c)/2,\,\nu}\, \mathrm{SE}`.
    n : int
        Number of measurements (for :func:`welch_difference_interval`, the two sample
        sizes added together).
    confidence : float
        Confidence level :math:`c`, for example 0.95.
    df : float
        Degrees of freedom :math:`\nu` of the t quantile (``n - 1`` for one sample
        or paired differences; the Welch-Satterthwaite value for two samples).
    """

    mean: float
    low: float
    high: float
    n: int
    confidence: float
    df: float

    @property
    def half_width(self) -> float:
        """Half the width of the interval, :math:`t_{(1+c)/2,\\,\\nu}\\, \\mathrm{SE}`."""
        return (self.high - self.low) / 2

    def where_zero(self) -> str:
        """Where zero lies against this interval, as a phrase for prose.

        ``"lies above zero"`` when ``low > 0``, ``"lies below zero"`` when
        ``high < 0``, otherwise ``"includes zero"`` (closed, as :func:`verdict`).
        :func:`verdict` draws a conclusion about the effect; this phrase only
        describes one interval, for a comparison too close to settle with the
        measurements at hand, whose interval may fall on either side of zero
        from one set of seeds to the next.
        """
        if self.low > 0:
            return "lies above zero"
        if self.high < 0:
            return "lies below zero"
        return "includes zero"

    def map(self, function: Callable[[float], Any]) -> Interval:
        r"""The interval read on another scale: its mean and ends passed through ``function``.

        Some measurements are averaged on one scale and read on another: ratios that
        span orders of magnitude as differences of logarithms,
        :math:`d = \log_{10} a - \log_{10} b`, read as :math:`10^{d}`; correlations as
        Fisher's :math:`z = \operatorname{artanh} r` (Fisher, 1921), read as
        :math:`\tanh z`. A t-interval of a bounded quantity near its bound, such as
        accuracies or correlations close to 1, can pass the bound; ``lambda v: min(v,
        1.0)`` reads it within the values the quantity can take. For a non-decreasing
        :math:`f`, whenever :math:`[\text{low}, \text{high}]` covers :math:`\mu`, the
        interval :math:`[f(\text{low}), f(\text{high})]` covers :math:`f(\mu)`, so the
        confidence level carries over. The mapped mean :math:`f(\bar x)` is not the
        mean of the :math:`f(x_i)`: for ratios it is the geometric mean.

        Read :func:`verdict` and :meth:`where_zero` before mapping: they compare with
        zero, and after :math:`10^{d}` no difference is 1.

        Parameters
        ----------
        function : callable float -> float
            Non-decreasing on :math:`[\text{low}, \text{high}]`, with finite values:
            ``lambda d: 10 ** d``, ``numpy.tanh``, ``lambda v: min(v, 1.0)``.

        Returns
        -------
        Interval
            ``mean``, ``low`` and ``high`` mapped; ``n``, ``confidence`` and ``df``
            unchanged.

        Examples
        --------
        >>> from nn_lib.evidence import mean_interval
        >>> accuracies = [0.99, 1.0, 0.97, 1.0]
        >>> f"{mean_interval(accuracies):.3f}"
        '0.990 [0.967, 1.013]'
        >>> f"{mean_interval(accuracies).map(lambda v: min(v, 1.0)):.3f}"
        '0.990 [0.967, 1.000]'
        """
        if not callable(function):
            raise TypeError(f"function: expected a callable float -> float, "
                            f"got {_describe(function)}")
        values = [function(x) for x in (self.low, self.mean, self.high)]
        try:
            low, mean, high = (float(v) for v in values)
        except (TypeError, ValueError) as error:
            raise TypeError(f"function: expected a number for each end and for the mean, got "
                            f"{_describe(values[0])}") from error
        if not (math.isfinite(low) and math.isfinite(high) and low <= mean <= high):
            raise ValueError(f"function: expected a non-decreasing function with finite values, "
                             f"got {low!r}, {mean!r}, {high!r} for the low end, the mean and "
                             f"the high end")
        return Interval(mean=mean, low=low, high=high, n=self.n, confidence=self.confidence,
                        df=self.df)

    def __str__(self) -> str:
        mean, low, high = (0.0 if x == 0 else x for x in (self.mean, self.low, self.high))
        return (f"{mean:.4g} ({100 * self.confidence:g}% interval "
                f"{low:.4g} to {high:.4g}, n = {self.n})")

    def __format__(self, spec: str) -> str:
        """``"mean [low, high]"``, the three numbers formatted with ``spec``.

        ``f"{interval:+.3f}"`` gives ``"+0.012 [+0.008, +0.016]"``. For a fixed-point
        or percent spec (``".3f"``, ``"+.4f"``, ``".1%"``), up to six decimals are
        used while an end prints like the mean without being equal to it, or any of
        the three numbers prints like zero without being zero: only an interval of
        zero width looks like one, an interval that stops just short of zero does not
        seem to touch it, and a small difference does not read "-0.000". What six
        decimals cannot tell apart is shown as equal, with the spec's own decimals: a
        number that prints like zero is shown as zero, an end that prints like the
        mean as the mean. Such a difference is a rounding residue (the 1e-14 left by
        a mean of differences that cancel, or the ends of an interval of equal
        measurements), not something a reader needs to see, except where it decides
        the verdict: in an interval that lies above or below zero no number is shown
        as zero, and if six decimals print one as zero, all three are printed with
        three significant digits (``"+1.00e-07 [+5.00e-08, +1.50e-07]"``), so that the
        text never contradicts :func:`verdict`. An empty spec gives ``str(interval)``.
        """
        if not spec:
            return str(self)
        fixed = re.fullmatch(r"(.*\.)(\d+)([f%])", spec)
        # A zero is shown as "0", never "-0" (a mean of -0.0, say, from differences that cancel).
        mean, low, high = (0.0 if x == 0 else x for x in (self.mean, self.low, self.high))

        def looks_like_zero(x: float, spec: str) -> bool:
            return x != 0 and float(format(x, spec).rstrip("%").replace(",", "")) == 0

        def looks_wrong(spec: str) -> bool:
            return (looks_like_zero(mean, spec)
                    or any(looks_like_zero(end, spec)
                           or (end != mean and format(end, spec) == format(mean, spec))
                           for end in (low, high)))

        if fixed:
            head, digits, kind = fixed[1], int(fixed[2]), fixed[3]
            finest = f"{head}6{kind}"
            if low <= 0 <= high:  # residue is zero only where zero is inside the interval
                mean, low, high = (0.0 if looks_like_zero(x, finest) else x
                                   for x in (mean, low, high))
            low, high = (mean if format(end, finest) == format(mean, finest) else end
                         for end in (low, high))
            while digits < 6 and looks_wrong(spec):
                digits += 1
                spec = f"{head}{digits}{kind}"
            if any(looks_like_zero(x, spec) for x in (mean, low, high)):
                scale, unit = (100.0, "%") if kind == "%" else (1.0, "")
                numbers = (f"{scale * x:{head}2e}{unit}" for x in (self.mean, self.low, self.high))
                return "{} [{}, {}]".format(*numbers)
        return f"{mean:{spec}} [{low:{spec}}, {high:{spec}}]"


def _check_samples(name: str, samples: object) -> NDArray[np.float64]:
    array = check_array(name, samples, ndim=None, allow_empty=True)
    if array.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D sequence of measurements, "
                         f"got shape {array.shape}")
    if array.size < 2:
        raise ValueError(f"{name}: expected at least 2 measurements for an interval, "
                         f"got {array.size}")
    return array


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    r"""The continued fraction of :math:`I_x(a, b)`, evaluated by the modified Lentz method.

    .. math::
        I_x(a, b) = \frac{x^a (1-x)^b}{a\, B(a, b)}
        \cfrac{1}{1 + \cfrac{d_1}{1 + \cfrac{d_2}{1 + \cdots}}},\quad
        d_{2k+1} = -\frac{(a+k)(a+b+k)\,x}{(a+2k)(a+2k+1)},\quad
        d_{2k} = \frac{k(b-k)\,x}{(a+2k-1)(a+2k)}
    """
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for k in range(1, _MAX_TERMS):
        k2 = 2 * k
        for coefficient in (k * (b - k) * x / ((qam + k2) * (a + k2)),
                            -(a + k) * (qab + k) * x / ((a + k2) * (qap + k2))):
            d = 1.0 + coefficient * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + coefficient / c
            c = c if abs(c) > _TINY else _TINY
            h *= d * c
        if abs(d * c - 1.0) <= _CONVERGED:
            return h
    raise ArithmeticError(f"the incomplete beta continued fraction did not converge for "
                          f"a={a!r}, b={b!r}, x={x!r}")


def _log_gamma_sum_ratio(a: float, b: float) -> float:
    r""":math:`-\ln B(a, b) = \ln\Gamma(a+b) - \ln\Gamma(a) - \ln\Gamma(b)`, also for large a or b.

    When one argument, say :math:`a`, is large, :math:`\ln\Gamma(a+b) - \ln\Gamma(a)` is
    a small difference of two huge numbers; Stirling's series for both gives it directly:

    .. math::
        \ln\frac{\Gamma(a+b)}{\Gamma(a)} = (a - \tfrac12)\ln\!\left(1 + \tfrac{b}{a}\right)
        + b \ln(a+b) - b + \frac{1}{12(a+b)} - \frac{1}{12a} + O(a^{-3}).
    """
    big, small = max(a, b), min(a, b)
    if big < _STIRLING_FROM:
        return math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    ratio = ((big - 0.5) * math.log1p(small / big) + small * math.log(big + small) - small
             + 1.0 / (12.0 * (big + small)) - 1.0 / (12.0 * big))
    return ratio - math.lgamma(small)


def _log_front(a: float, b: float, x: float, y: float) -> float:
    r""":math:`\ln\left(x^a y^b / B(a, b)\right)` with :math:`y = 1 - x`."""
    # log1p keeps a * log(x) accurate when x is within rounding of 1 (t near 0 or large df).
    log_x = math.log1p(-y) if x > 0.5 else math.log(x)
    log_y = math.log1p(-x) if y > 0.5 else math.log(y)
    return _log_gamma_sum_ratio(a, b) + a * log_x + b * log_y


def _regularized_beta(a: float, b: float, x: float, y: float) -> float:
    r""":math:`I_x(a, b)`, given both :math:`x` and :math:`y = 1 - x` computed accurately.

    The continued fraction is evaluated where it converges quickly,
    :math:`x < (a+1)/(a+b+2)`; otherwise :math:`I_x(a, b) = 1 - I_{1-x}(b, a)`.
    """
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(_log_front(a, b, x, y)) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(_log_front(b, a, y, x)) * _beta_continued_fraction(b, a, y) / b


def _upper_tail(t: float, df: float) -> float:
    r""":math:`P(T > t)` for :math:`t \ge 0`: :math:`\tfrac12 I_{\nu/(\nu+t^2)}(\nu/2, 1/2)`."""
    t2 = t * t
    return 0.5 * _regularized_beta(df / 2.0, 0.5, df / (df + t2), t2 / (df + t2))


@validate_params(t=Real(), df=_DF)
def t_cdf(t: float, df: float) -> float:
    r"""Cumulative distribution function of Student's t with ``df`` degrees of freedom.

    .. math::
        F_\nu(t) = 1 - \tfrac12 I_{\nu/(\nu+t^2)}\!\left(\tfrac{\nu}{2}, \tfrac12\right)
        \quad (t \ge 0), \qquad F_\nu(-t) = 1 - F_\nu(t),

    where :math:`I_x(a, b)` is the regularized incomplete beta function, evaluated by
    its continued fraction with :func:`math.lgamma` for the beta function.

    Parameters
    ----------
    t : float
        Any finite real number.
    df : float
        Degrees of freedom :math:`\nu` in (0, 1e8] (need not be an integer; beyond
        1e8 Student's t equals the standard normal to within 1e-6 in :math:`t`).

    Returns
    -------
    float
        :math:`P(T \le t)`.
    """
    tail = _upper_tail(abs(t), df)
    return 1.0 - tail if t >= 0 else tail


@validate_params(p=_PROBABILITY, df=_DF)
def t_quantile(p: float, df: float) -> float:
    r"""Quantile of Student's t: the :math:`t` with :math:`F_\nu(t) = p`.

    The smaller tail, :math:`P(T > t) = \min(p, 1 - p)`, is solved for :math:`t > 0`
    by bisection (the tail decreases in :math:`t`), until the bracket is two adjacent
    float64 values; :math:`t_{1-p} = -t_p` gives the sign. Solving the smaller tail
    itself, rather than :math:`1 - p` for a small :math:`p`, keeps the digits that
    forming :math:`1 - p` would round away. The result is as accurate as the computed
    tail allows, and agrees with published tables to all their digits (relative error
    below about 1e-12 for :math:`\nu \le 1000`, absolute error about 1e-9 at
    :math:`\nu = 10^8`, where the continued fraction needs many terms), for tails down
    to the one at :math:`t = 10^{154}`, beyond which :math:`t^2` overflows.

    Parameters
    ----------
    p : float
        Probability in (0, 1), for example 0.975 for a two-sided 95% interval.
    df : float
        Degrees of freedom :math:`\nu` in (0, 1e8].

    Returns
    -------
    float
        :math:`t_{p,\nu}`; for example :math:`t_{0.975,7} = 2.3646\ldots`.
    """
    if p == 0.5:
        return 0.0
    target = min(p, 1.0 - p)  # 1 - p is exact for p >= 1/2
    low, high = 0.0, 1.0
    while _upper_tail(high, df) > target:
        low, high = high, 2.0 * high
    while (middle := 0.5 * (low + high)) not in (low, high):
        if _upper_tail(middle, df) > target:
            low = middle
        else:
            high = middle
    return high if p > 0.5 else -high


def _interval(mean: float, standard_error: float, n: int, df: float,
              confidence: float, names: str) -> Interval:
    # A standard error that fits in float64 is below 1e155 (its squares must fit too), so
    # the ends mean -/+ half cannot overflow where the mean does not.
    if not (math.isfinite(mean) and math.isfinite(standard_error)):
        raise ValueError(f"{names}: expected measurements whose mean and spread fit in "
                         f"float64, got values so large that they overflow")
    half = t_quantile((1.0 + confidence) / 2.0, df) * standard_error
    return Interval(mean=mean, low=mean - half, high=mean + half, n=n,
                    confidence=confidence, df=df)


@validate_params(confidence=_CONFIDENCE)
def mean_interval(samples: ArrayLike, confidence: float = 0.95) -> Interval:
    r"""Mean of ``samples`` with its Student-t confidence interval.

    .. math::
        \bar x \pm t_{(1+c)/2,\, n-1}\, \frac{s}{\sqrt n},\qquad
        s^2 = \frac{1}{n-1}\sum_{i=1}^{n} (x_i - \bar x)^2 .

    The interval assumes independent measurements from a distribution close enough
    to normal for the mean (seeds of a training run are independent by construction).
    When all samples are equal the interval has zero width up to rounding: the
    computed mean can differ from the common value by an ulp, and the interval then
    spans a few ulps around it.

    Parameters
    ----------
    samples : array_like of shape (n,)
        Finite measurements, :math:`n \ge 2`, for example one test accuracy per seed.
    confidence : float
        Level :math:`c` in (0, 1).

    Returns
    -------
    Interval
    """
    x = _check_samples("samples", samples)
    n = x.size
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused by _interval
        return _interval(float(x.mean()), float(x.std(ddof=1)) / math.sqrt(n), n, n - 1.0,
                         confidence, "samples")


@validate_params(confidence=_CONFIDENCE)
def paired_difference_interval(a: ArrayLike, b: ArrayLike, confidence: float = 0.95) -> Interval:
    r"""Interval of the mean difference ``a - b`` for measurements paired by seed.

    ``a[i]`` and ``b[i]`` must come from runs that share everything random (the
    seed of the initialization, the data draw, ...), so that the seed's own effect
    cancels in :math:`d_i = a_i - b_i`. The interval is :func:`mean_interval` of the
    differences:

    .. math:: \bar d \pm t_{(1+c)/2,\, n-1}\, \frac{s_d}{\sqrt n}.

    Parameters
    ----------
    a, b : array_like of shape (n,)
        Finite measurements, :math:`n \ge 2`, in the same order of seeds.
    confidence : float
        Level :math:`c` in (0, 1).

    Returns
    -------
    Interval
        ``mean > 0`` means ``a`` is higher on average.
    """
    a = _check_samples("a", a)
    b = _check_samples("b", b)
    if a.shape != b.shape:
        raise ValueError(f"b: expected {a.size} measurements paired with those of a, "
                         f"got {b.size}")
    n = a.size
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused by _interval
        d = a - b
        return _interval(float(d.mean()), float(d.std(ddof=1)) / math.sqrt(n), n, n - 1.0,
                         confidence, "a, b")


@validate_params(confidence=_CONFIDENCE)
def welch_difference_interval(a: ArrayLike, b: ArrayLike, confidence: float = 0.95) -> Interval:
    r"""Interval of the difference of means ``mean(a) - mean(b)`` for independent samples.

    Welch's interval, which does not assume equal variances:

    .. math::
        \bar a - \bar b \pm t_{(1+c)/2,\,\nu}\, \sqrt{\frac{s_a^2}{n_a} + \frac{s_b^2}{n_b}},
        \qquad
        \nu = \frac{\left(s_a^2/n_a + s_b^2/n_b\right)^2}
                   {\frac{(s_a^2/n_a)^2}{n_a - 1} + \frac{(s_b^2/n_b)^2}{n_b - 1}}.

    Use :func:`paired_difference_interval` instead when the runs share seeds: pairing
    removes the seed-to-seed spread and gives a narrower, still valid interval.

    Parameters
    ----------
    a : array_like of shape (n_a,)
    b : array_like of shape (n_b,)
        Finite measurements, at least 2 in each.
    confidence : float
        Level :math:`c` in (0, 1).

    Returns
    -------
    Interval
        With ``n = n_a + n_b`` and the Welch-Satterthwaite ``df`` (``n - 2`` when both
        computed variances are exactly 0; equal measurements can leave a variance of
        rounding size, and then the Welch-Satterthwaite formula applies).
    """
    a = _check_samples("a", a)
    b = _check_samples("b", b)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused by _interval
        va, vb = float(a.var(ddof=1)) / a.size, float(b.var(ddof=1)) / b.size
        difference = float(a.mean() - b.mean())
        # The degrees of freedom do not change when both variances are scaled alike; scaled
        # by the larger one, their squares cannot overflow.
        top = max(va, vb)
        ra, rb = (va / top, vb / top) if top > 0 else (0.0, 0.0)
        denominator = ra ** 2 / (a.size - 1) + rb ** 2 / (b.size - 1)
        df = (ra + rb) ** 2 / denominator if denominator > 0 else a.size + b.size - 2.0
    return _interval(difference, math.sqrt(va + vb), a.size + b.size, df, confidence, "a, b")


def verdict(interval: Interval) -> str:
    """The word the evidence supports for a difference ``a - b``.

    Parameters
    ----------
    interval : Interval
        Interval of a difference, from :func:`paired_difference_interval` or
        :func:`welch_difference_interval`.

    Returns
    -------
    str
        ``"higher"`` when ``interval.low > 0``, ``"lower"`` when ``interval.high < 0``,
        otherwise ``"no detectable difference"``. The interval is closed: an end point
        exactly at zero counts as covering zero, so zero spread around a mean difference
        of exactly zero gives "no detectable difference". There is deliberately no
        tolerance: however small the difference, the verdict follows the interval.
    """
    if not isinstance(interval, Interval):
        raise TypeError(f"interval: expected an nn_lib.evidence.Interval, "
                        f"got {_describe(interval)}")
    if interval.low > 0:
        return HIGHER
    if interval.high < 0:
        return LOWER
    return NO_DIFFERENCE


def compare(a: ArrayLike, b: ArrayLike, paired: bool = True,
            confidence: float = 0.95) -> tuple[Interval, str]:
    """Compare measurements ``a`` with ``b``: the interval of ``a - b`` and its verdict.

    Parameters
    ----------
    a, b : array_like of shape (n,)
        Finite measurements, for example held-out accuracies, one per seed.
    paired : bool
        True (the default) when ``a[i]`` and ``b[i]`` share a seed:
        :func:`paired_difference_interval`; False for independent samples, possibly of
        different sizes: :func:`welch_difference_interval`.
    confidence : float
        Level in (0, 1).

    Returns
    -------
    interval : Interval
    word : str
        :func:`verdict` of the interval: ``a`` is "higher" or "lower" than ``b``, or
        there is "no detectable difference".
    """
    if not isinstance(paired, (bool, np.bool_)):
        raise TypeError(f"paired: expected True or False, got {_describe(paired)}")
    interval = (paired_difference_interval(a, b, confidence) if paired
                else welch_difference_interval(a, b, confidence))
    return interval, verdict(interval)
