"""Learning-rate decay schedules: callables ``schedule(learning_rate0, epoch) -> learning_rate``."""

from __future__ import annotations

import numpy as np

from ._validation import NONNEGATIVE, POSITIVE, Integer, Real, Validated

__all__ = ["Schedule", "InverseTimeDecay", "StepDecay", "ExponentialDecay"]


class Schedule(Validated):
    """Base class. ``schedule(learning_rate0, epoch)`` gives the rate for ``epoch`` (0-based).

    A subclass implements :meth:`rate` and keeps its hyperparameters under the
    names of its ``__init__`` arguments, which its ``repr`` then shows; calling the
    schedule checks the two arguments and calls :meth:`rate`. :func:`nn_lib.train`
    without a schedule keeps the rate constant.
    """

    def __call__(self, learning_rate0: float, epoch: int) -> float:
        return self.rate(POSITIVE("learning_rate0", learning_rate0), Integer(0)("epoch", epoch))

    def rate(self, learning_rate0: float, epoch: int) -> float:
        """The learning rate of ``epoch`` (0-based), starting from ``learning_rate0``."""
        raise NotImplementedError


class InverseTimeDecay(Schedule):
    r"""Inverse-time decay per epoch.

    .. math:: \alpha = \frac{\alpha_0}{1 + \text{decay\_rate} \cdot \text{epoch}}

    Parameters
    ----------
    decay_rate : float
        >= 0; 0 keeps the rate constant.
    """

    _parameter_constraints = {"decay_rate": NONNEGATIVE}

    def __init__(self, decay_rate: float = 1.0) -> None:
        self.decay_rate = decay_rate

    def rate(self, learning_rate0: float, epoch: int) -> float:
        return learning_rate0 / (1.0 + self.decay_rate * epoch)


class StepDecay(Schedule):
    r"""Inverse-time decay applied in steps, every ``time_interval`` epochs.

    .. math:: \alpha = \frac{\alpha_0}{1 + \text{decay\_rate} \cdot
              \lfloor \text{epoch} / \text{time\_interval} \rfloor}

    Parameters
    ----------
    decay_rate : float
        >= 0.
    time_interval : int
        Number of epochs between two decreases, >= 1.
    """

    _parameter_constraints = {"decay_rate": NONNEGATIVE, "time_interval": Integer(1)}

    def __init__(self, decay_rate: float = 1.0, time_interval: int = 1000) -> None:
        self.decay_rate = decay_rate
        self.time_interval = time_interval

    def rate(self, learning_rate0: float, epoch: int) -> float:
        return learning_rate0 / (1.0 + self.decay_rate * (epoch // self.time_interval))


class ExponentialDecay(Schedule):
    r"""Exponential decay, :math:`\alpha = \alpha_0 \cdot \text{base}^{\text{epoch}}`.

    For ``base < 1`` the rate underflows to 0 once it drops below the smallest
    float64, about 5e-324 (with :math:`\alpha_0 = 0.1`: at epoch 14,485 for base
    0.95, 1,072 for base 0.5); :func:`nn_lib.train` then stops with ``ValueError``.

    Parameters
    ----------
    base : float
        In (0, 1], e.g. 0.95.
    """

    _parameter_constraints = {"base": Real(0.0, 1.0, closed="right")}

    def __init__(self, base: float = 0.95) -> None:
        self.base = base

    def rate(self, learning_rate0: float, epoch: int) -> float:
        return learning_rate0 * float(np.power(self.base, epoch))
