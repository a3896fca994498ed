"""Learning-rate decay schedules: callables ``schedule(learning_rate0, epoch) -> learning_rate``."""

from __future__ import annotations

import numpy as np

from ._validation import check_int, check_nonnegative, check_positive

__all__ = ["Schedule", "ConstantLearningRate", "InverseTimeDecay", "StepDecay",
           "ExponentialDecay"]


class Schedule:
    """Base class. ``schedule(learning_rate0, epoch)`` gives the rate for ``epoch`` (0-based)."""

    def __call__(self, learning_rate0: float, epoch: int) -> float:
        learning_rate0 = check_positive("learning_rate0", learning_rate0)
        epoch = check_int("epoch", epoch, 0)
        return self._rate(learning_rate0, epoch)

    def _rate(self, learning_rate0: float, epoch: int) -> float:
        raise NotImplementedError

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in vars(self).items())
        return f"{type(self).__name__}({fields})"


class ConstantLearningRate(Schedule):
    r"""No decay: :math:`\alpha = \alpha_0`."""

    def _rate(self, learning_rate0: float, epoch: int) -> float:
        return learning_rate0


class InverseTimeDecay(Schedule):
    r"""Inverse-time decay per epoch.

    .. math:: \alpha = \frac{\alpha_0}{1 + \text{decay\_rate} \cdot \text{epoch}}

    Parameters
    ----------
    decay_rate : float
        >= 0; 0 keeps the rate constant.
    """

    def __init__(self, decay_rate: float = 1.0) -> None:
        self.decay_rate = check_nonnegative("decay_rate", decay_rate)

    def _rate(self, learning_rate0: float, epoch: int) -> float:
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

    def __init__(self, decay_rate: float = 1.0, time_interval: int = 1000) -> None:
        self.decay_rate = check_nonnegative("decay_rate", decay_rate)
        self.time_interval = check_int("time_interval", time_interval, 1)

    def _rate(self, learning_rate0: float, epoch: int) -> float:
        return learning_rate0 / (1.0 + self.decay_rate * (epoch // self.time_interval))


class ExponentialDecay(Schedule):
    r"""Exponential decay, :math:`\alpha = \alpha_0 \cdot \text{base}^{\text{epoch}}`.

    Parameters
    ----------
    base : float
        In (0, 1], e.g. 0.95.
    """

    def __init__(self, base: float = 0.95) -> None:
        base = check_positive("base", base)
        if base > 1:
            raise ValueError(f"base: expected a number in (0, 1], got {base!r}")
        self.base = base

    def _rate(self, learning_rate0: float, epoch: int) -> float:
        return learning_rate0 * float(np.power(self.base, epoch))
