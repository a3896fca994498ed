"""Gradient descent, momentum, RMSprop and Adam as objects that keep their own state.

Every optimizer updates any dict of float arrays ``{"W1": ..., "b1": ...}`` from
a dict of gradients with the same names prefixed by ``d`` (``{"dW1": ..., "db1": ...}``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from ._validation import BETA, POSITIVE, check_array

__all__ = ["Optimizer", "GradientDescent", "Momentum", "RMSprop", "Adam"]

Array = NDArray[np.float64]


class Optimizer:
    """Base class: holds the learning rate and the per-parameter state.

    :meth:`update` validates its inputs once per call and returns new arrays;
    the caller's arrays are never modified.

    **Writing an optimizer.** Subclass :class:`Optimizer` and implement
    ``_step(parameters, grads) -> dict``, which receives validated float arrays
    (``grads["d" + name]`` for every ``name``), must not modify them, and returns
    the new parameters; keep per-parameter state in ``dict`` attributes (so that
    :meth:`reset` clears it) and count steps in ``self.t``. :meth:`update`,
    :func:`nn_lib.train` and :func:`nn_lib.optimizer_path` all call ``_step``;
    ``train`` passes the whole network flattened into one vector named ``"theta"``.

    Parameters
    ----------
    learning_rate : float
        Step size :math:`\\alpha > 0`. May be changed between updates (learning-rate
        decay does that).
    """

    def __init__(self, learning_rate: float) -> None:
        self.learning_rate = learning_rate
        self.t = 0

    @property
    def learning_rate(self) -> float:
        """The step size :math:`\\alpha`, a finite number > 0."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self._learning_rate = POSITIVE("learning_rate", value)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name.lstrip('_')}={value!r}" for name, value in vars(self).items()
                           if not isinstance(value, dict) and name != "t")
        return f"{type(self).__name__}({fields})"

    def reset(self) -> None:
        """Forget the state (step counter and moving averages)."""
        self.t = 0
        for name, value in vars(self).items():
            if isinstance(value, dict):
                setattr(self, name, {})

    def copy(self) -> Optimizer:
        """An independent copy, state included."""
        return copy.deepcopy(self)

    def update(self, parameters: Mapping[str, Array], grads: Mapping[str, Array]
               ) -> dict[str, Array]:
        """Take one step: return the updated parameters.

        Parameters
        ----------
        parameters : dict of str to ndarray
            Arrays of any shape, e.g. ``W1, b1, ..., WL, bL``.
        grads : dict of str to ndarray
            ``grads["d" + name]`` has the shape of ``parameters[name]``.

        Returns
        -------
        dict of str to ndarray
            New arrays; ``parameters`` is left unchanged.
        """
        if not isinstance(parameters, Mapping) or not parameters:
            raise TypeError(f"parameters: expected a non-empty dict of arrays, got {parameters!r:.80}")
        if not isinstance(grads, Mapping):
            raise TypeError(f"grads: expected a dict of arrays, got {grads!r:.80}")
        checked_params: dict[str, Array] = {}
        checked_grads: dict[str, Array] = {}
        for name, value in parameters.items():
            value = check_array(f"parameters[{name!r}]", value, ndim=None)
            if "d" + name not in grads:
                raise ValueError(f"grads: expected key {'d' + name!r} for parameter {name!r}, "
                                 f"got keys {sorted(grads)}")
            grad = check_array(f"grads['d{name}']", grads["d" + name], ndim=None)
            if grad.shape != value.shape:
                raise ValueError(f"grads['d{name}']: expected shape {value.shape} like "
                                 f"parameters[{name!r}], got shape {grad.shape}")
            state = self._state_shape(name)
            if state is not None and state != value.shape:
                raise ValueError(f"parameters[{name!r}]: expected shape {state} as in earlier "
                                 f"updates (call reset() for a new model), got {value.shape}")
            checked_params[name], checked_grads["d" + name] = value, grad
        return self._step(checked_params, checked_grads)

    def _state_shape(self, name: str) -> tuple[int, ...] | None:
        for value in vars(self).values():
            if isinstance(value, dict) and name in value:
                return value[name].shape
        return None

    def _step(self, parameters: Mapping[str, Array], grads: Mapping[str, Array]
              ) -> dict[str, Array]:
        raise NotImplementedError


def _squared_gradient(g: Array, name: str) -> Array:
    """``g * g``, or a FloatingPointError naming ``grads['d' + name]`` if it overflows."""
    try:
        with np.errstate(over="raise"):
            return g * g
    except FloatingPointError:
        raise FloatingPointError(
            f"grads['d{name}']: its square overflows float64 (an entry above about 1.3e154); "
            f"training has diverged: lower the learning rate or rescale the inputs") from None


class GradientDescent(Optimizer):
    r"""Plain (mini-batch) gradient descent.

    .. math:: \theta \leftarrow \theta - \alpha\, d\theta

    Parameters
    ----------
    learning_rate : float
        :math:`\alpha > 0`.
    """

    def __init__(self, learning_rate: float = 0.01) -> None:
        super().__init__(learning_rate)

    def _step(self, parameters: Mapping[str, Array], grads: Mapping[str, Array]
              ) -> dict[str, Array]:
        self.t += 1
        lr = self.learning_rate
        return {name: p - lr * grads["d" + name] for name, p in parameters.items()}


class Momentum(Optimizer):
    r"""Gradient descent with momentum, in the notes' exponentially weighted form.

    .. math::
        v_{d\theta} \leftarrow \beta\, v_{d\theta} + (1 - \beta)\, d\theta, \qquad
        \theta \leftarrow \theta - \alpha\, v_{d\theta}

    with :math:`v_{d\theta} = 0` before the first step (no bias correction, as
    in the notes). PyTorch's ``SGD(momentum=mu)`` uses
    :math:`v \leftarrow \mu v + d\theta`, :math:`\theta \leftarrow \theta - \eta v`:
    the same iterates when :math:`\mu = \beta` and :math:`\eta = \alpha (1 - \beta)`.

    Parameters
    ----------
    learning_rate : float
        :math:`\alpha > 0`.
    beta : float
        :math:`\beta \in [0, 1)`; 0 gives plain gradient descent.
    """

    def __init__(self, learning_rate: float = 0.01, beta: float = 0.9) -> None:
        super().__init__(learning_rate)
        self.beta = BETA("beta", beta)
        self.v: dict[str, Array] = {}

    def _step(self, parameters: Mapping[str, Array], grads: Mapping[str, Array]
              ) -> dict[str, Array]:
        self.t += 1
        beta, lr, v = self.beta, self.learning_rate, self.v
        updated = {}
        for name, p in parameters.items():
            g = grads["d" + name]
            v[name] = beta * v[name] + (1.0 - beta) * g if name in v else (1.0 - beta) * g
            updated[name] = p - lr * v[name]
        return updated


class RMSprop(Optimizer):
    r"""RMSprop (Tieleman and Hinton, 2012): divide the step by a running RMS of the gradient.

    .. math::
        s_{d\theta} \leftarrow \beta\, s_{d\theta} + (1 - \beta)\, d\theta^2, \qquad
        \theta \leftarrow \theta - \alpha\, \frac{d\theta}{\sqrt{s_{d\theta}} + \varepsilon}

    Squares and square roots are element-wise; :math:`s_{d\theta} = 0` before
    the first step. :math:`\varepsilon` sits *outside* the square root.

    Parameters
    ----------
    learning_rate : float
        :math:`\alpha > 0`.
    beta : float
        :math:`\beta \in [0, 1)`.
    epsilon : float
        :math:`\varepsilon > 0`, guards against division by zero.
    """

    def __init__(self, learning_rate: float = 0.001, beta: float = 0.9,
                 epsilon: float = 1e-8) -> None:
        super().__init__(learning_rate)
        self.beta = BETA("beta", beta)
        self.epsilon = POSITIVE("epsilon", epsilon)
        self.s: dict[str, Array] = {}

    def _step(self, parameters: Mapping[str, Array], grads: Mapping[str, Array]
              ) -> dict[str, Array]:
        self.t += 1
        beta, lr, eps, s = self.beta, self.learning_rate, self.epsilon, self.s
        updated = {}
        for name, p in parameters.items():
            g = grads["d" + name]
            g2 = _squared_gradient(g, name)
            s[name] = beta * s[name] + (1.0 - beta) * g2 if name in s else (1.0 - beta) * g2
            updated[name] = p - lr * g / (np.sqrt(s[name]) + eps)
        return updated


class Adam(Optimizer):
    r"""Adam (Kingma and Ba, 2015): momentum and RMSprop with bias correction.

    At step :math:`t = 1, 2, \dots`:

    .. math::
        v_{d\theta} &\leftarrow \beta_1 v_{d\theta} + (1 - \beta_1)\, d\theta, &
        \hat v_{d\theta} &= \frac{v_{d\theta}}{1 - \beta_1^t}, \\
        s_{d\theta} &\leftarrow \beta_2 s_{d\theta} + (1 - \beta_2)\, d\theta^2, &
        \hat s_{d\theta} &= \frac{s_{d\theta}}{1 - \beta_2^t}, \\
        \theta &\leftarrow \theta - \alpha\, \frac{\hat v_{d\theta}}{\sqrt{\hat s_{d\theta}} + \varepsilon}.

    The second moment is corrected with :math:`\beta_2` (the notes wrongly use
    :math:`\beta_1`) and :math:`\varepsilon` is added *after* the square root
    (the notes put it inside). At :math:`t = 1` the step is
    :math:`\alpha\, d\theta / (|d\theta| + \varepsilon)`: about :math:`\alpha`
    against the sign of every gradient component.

    Parameters
    ----------
    learning_rate : float
        :math:`\alpha > 0`.
    beta1 : float
        :math:`\beta_1 \in [0, 1)`, decay of the first moment.
    beta2 : float
        :math:`\beta_2 \in [0, 1)`, decay of the second moment.
    epsilon : float
        :math:`\varepsilon > 0`.
    """

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8) -> None:
        super().__init__(learning_rate)
        self.beta1 = BETA("beta1", beta1)
        self.beta2 = BETA("beta2", beta2)
        self.epsilon = POSITIVE("epsilon", epsilon)
        self.v: dict[str, Array] = {}
        self.s: dict[str, Array] = {}

    def _step(self, parameters: Mapping[str, Array], grads: Mapping[str, Array]
              ) -> dict[str, Array]:
        self.t += 1
        beta1, beta2, eps, v, s = self.beta1, self.beta2, self.epsilon, self.v, self.s
        correction1 = 1.0 - beta1 ** self.t
        correction2 = 1.0 - beta2 ** self.t
        lr = self.learning_rate
        updated = {}
        for name, p in parameters.items():
            g = grads["d" + name]
            g2 = _squared_gradient(g, name)
            if name in v:
                v[name] = beta1 * v[name] + (1.0 - beta1) * g
                s[name] = beta2 * s[name] + (1.0 - beta2) * g2
            else:
                v[name] = (1.0 - beta1) * g
                s[name] = (1.0 - beta2) * g2
            v_hat = v[name] / correction1
            s_hat = s[name] / correction2
            updated[name] = p - lr * v_hat / (np.sqrt(s_hat) + eps)
        return updated
