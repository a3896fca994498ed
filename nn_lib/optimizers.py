r"""Gradient descent, momentum, RMSprop and Adam, the notes' ``update_parameters_with_*``.

Every optimizer updates a dict of float arrays ``{"W1": ..., "b1": ...}`` (the
*blocks*) from a dict of gradients with the same names prefixed by ``d``
(``{"dW1": ..., "db1": ...}``). Its state is kept per block and keyed like the
gradients, as in the notes: ``v["dW1"]``, ``s["db2"]``, and the step counter ``t``.

A learner can follow one step by hand::

    adam = Adam(learning_rate=0.01)
    adam.initialize(parameters)          # v, s: zeros shaped like each block; t = 0
    parameters = adam.update(parameters, grads)
    adam.t, adam.v["dW1"], adam.s["dW1"]  # 1, (1 - beta1) dW1, (1 - beta2) dW1**2
    v_hat, s_hat = adam.corrected()      # the bias-corrected moments of that step
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from ._validation import BETA, POSITIVE, Constraint, Validated, check_array

__all__ = ["Optimizer", "GradientDescent", "Momentum", "RMSprop", "Adam"]

Array = NDArray[np.float64]


class Optimizer(Validated):
    """Base class: the learning rate, the step counter ``t`` and the per-block state.

    :meth:`update` is the public way to take a step. It checks its inputs,
    calls :meth:`initialize` on first use (or when the blocks change), adds 1
    to ``t``, calls :meth:`update_block` once per block and returns the new
    blocks; the caller's arrays are never modified. :func:`nn_lib.train` and
    :func:`nn_lib.optimizer_path` step through the same :meth:`update_block`.

    **Writing an optimizer.** Subclass :class:`Optimizer` (or one of the
    optimizers below) and

    - list the names of its per-block state in ``state_names``, e.g.
      ``("v", "s")``: :meth:`initialize` then sets ``self.v`` and ``self.s``
      to dicts of zeros keyed like the gradients (``self.v["dW1"]``);
    - implement :meth:`update_block`, which receives one block and its
      gradient, updates that block's state and returns the new block (a new
      array: never modify ``param`` or ``grad`` in place).

    ``self.t`` already counts the current step when :meth:`update_block` runs.
    Keep each new hyperparameter under the name of its ``__init__`` argument
    (``self.weight_decay = weight_decay``): the ``repr`` shows it then.

    Parameters
    ----------
    learning_rate : float
        Step size :math:`\\alpha > 0`. May be changed between updates (learning-rate
        decay does that).

    Attributes
    ----------
    t : int
        Number of steps taken since :meth:`initialize` (0 before the first).
    """

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {"learning_rate": POSITIVE}

    #: Names of the per-block state dicts that :meth:`initialize` creates.
    state_names: ClassVar[tuple[str, ...]] = ()

    t: int
    _shapes: dict[str, tuple[int, ...]] | None

    def __init__(self, learning_rate: float) -> None:
        self.learning_rate = learning_rate
        self.reset()

    def initialize(self, parameters: Mapping[str, Array]) -> None:
        """Start a new run: ``t = 0`` and zero state shaped like every block.

        The notes' ``initialize_velocity`` and ``initialize_adam``: for every
        name in ``state_names`` (``"v"``, ``"s"``...), the attribute of that name
        becomes ``{"d" + name: zeros shaped like parameters[name]}``.
        :meth:`update` calls it on first use and when the names or shapes of
        the blocks change.

        Parameters
        ----------
        parameters : dict of str to ndarray
            The blocks the next updates will receive, e.g. ``W1, b1, ..., WL, bL``.
        """
        if not isinstance(parameters, Mapping) or not parameters:
            raise TypeError(f"parameters: expected a non-empty dict of arrays, got {parameters!r:.80}")
        self.t = 0
        self._shapes = {name: np.shape(p) for name, p in parameters.items()}
        for state in self.state_names:
            setattr(self, state, {"d" + name: np.zeros(np.shape(p))
                                  for name, p in parameters.items()})

    def reset(self) -> None:
        """Forget the state: ``t = 0`` and empty state dicts until the next :meth:`update`."""
        self.t = 0
        self._shapes = None
        for state in self.state_names:
            setattr(self, state, {})

    def copy(self) -> Optimizer:
        """An independent copy, state included."""
        return copy.deepcopy(self)

    def update_block(self, name: str, param: Array, grad: Array) -> Array:
        """One step for one block: return the new ``param``; implemented by each optimizer.

        Parameters
        ----------
        name : str
            The block's name, e.g. ``"W1"``; its state is ``self.v["d" + name]``...
        param : ndarray
            The block, e.g. :math:`W^{[1]}`. Do not modify it.
        grad : ndarray
            Its gradient, e.g. :math:`dW^{[1]}`, of the same shape. Do not modify it.

        Returns
        -------
        ndarray
            The updated block.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement update_block")

    def update(self, parameters: Mapping[str, Array], grads: Mapping[str, Array]
               ) -> dict[str, Array]:
        """Take one step: return the updated parameters (the notes' ``update_parameters_with_*``).

        Checks the arrays, calls :meth:`initialize` if the state does not belong
        to these blocks yet, adds 1 to ``t``, then calls :meth:`update_block`
        for every block, where each optimizer's equations are.

        Parameters
        ----------
        parameters : dict of str to ndarray
            Arrays of any shape, e.g. ``W1, b1, ..., WL, bL``.
        grads : dict of str to ndarray
            ``grads["d" + name]`` has the shape of ``parameters[name]``.

        Returns
        -------
        dict of str to ndarray
            New arrays; ``parameters`` and ``grads`` are left unchanged.

        Raises
        ------
        TypeError
            If ``parameters`` is not a non-empty dict or ``grads`` not a dict, or
            an entry is not numeric.
        ValueError
            If a key ``"d" + name`` is missing from ``grads``, a gradient's shape
            differs from its block's, or an entry holds NaN or infinity.
        FloatingPointError
            If the step overflows float64 (a diverged run): some new block or
            some state is no longer finite. Call :meth:`reset` before going on.
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
            checked_params[name], checked_grads["d" + name] = value, grad
        self._prepare(checked_params)
        with np.errstate(over="ignore", invalid="ignore"):
            updated = self._take_step(checked_params, checked_grads)
        # Checked once, after the step: an overflow inside it (g ** 2 above about
        # 1.3e154, say) leaves an infinity or a NaN in the new block or in the state.
        for name, value in updated.items():
            results = {f"the new parameters[{name!r}]": value}
            results.update({f"{state}['d{name}']": getattr(self, state)["d" + name]
                            for state in self.state_names})
            for where, array in results.items():
                if not np.isfinite(array).all():
                    raise FloatingPointError(
                        f"grads['d{name}']: the step overflowed float64 ({where} is not "
                        f"finite): the run has diverged; lower the learning rate or rescale "
                        f"the inputs, then call reset()")
        return updated

    def _prepare(self, parameters: Mapping[str, Array]) -> None:
        # initialize() on first use, after reset(), and when the blocks change.
        if self._shapes != {name: np.shape(p) for name, p in parameters.items()}:
            self.initialize(parameters)

    def _take_step(self, parameters: Mapping[str, Array], grads: Mapping[str, Array]
                   ) -> dict[str, Array]:
        # Unchecked: the caller has validated the arrays and called _prepare().
        self.t += 1
        return {name: self.update_block(name, p, grads["d" + name])
                for name, p in parameters.items()}

    def _state_arrays(self) -> Iterator[Array]:
        for state in self.state_names:
            yield from getattr(self, state).values()


class GradientDescent(Optimizer):
    r"""Plain (mini-batch) gradient descent, the notes' ``update_parameters_with_gd``.

    .. math:: W^{[l]} \leftarrow W^{[l]} - \alpha\, dW^{[l]}, \qquad
              b^{[l]} \leftarrow b^{[l]} - \alpha\, db^{[l]}

    Parameters
    ----------
    learning_rate : float
        :math:`\alpha > 0`.
    """

    def __init__(self, learning_rate: float = 0.01) -> None:
        super().__init__(learning_rate)

    def update_block(self, name: str, param: Array, grad: Array) -> Array:
        """:math:`W \\leftarrow W - \\alpha\\, dW` for one block."""
        return param - self.learning_rate * grad


class Momentum(Optimizer):
    r"""Gradient descent with momentum, in the notes' exponentially weighted form.

    .. math::
        v_{dW} \leftarrow \beta\, v_{dW} + (1 - \beta)\, dW, \qquad
        W \leftarrow W - \alpha\, v_{dW}

    for every block (``W1``, ``b1``, ...), with the velocity ``v["dW1"]``...
    zero before the first step (:meth:`initialize`; no bias correction, as in
    the notes). PyTorch's ``SGD(momentum=mu)`` uses
    :math:`v \leftarrow \mu v + dW`, :math:`W \leftarrow W - \eta v`:
    the same iterates when :math:`\mu = \beta` and :math:`\eta = \alpha (1 - \beta)`.

    Parameters
    ----------
    learning_rate : float
        :math:`\alpha > 0`.
    beta : float
        :math:`\beta \in [0, 1)`; 0 gives plain gradient descent.

    Attributes
    ----------
    v : dict of str to ndarray
        The velocities ``v["dW1"], v["db1"], ...``.
    """

    _parameter_constraints = {**Optimizer._parameter_constraints, "beta": BETA}
    state_names = ("v",)
    v: dict[str, Array]

    def __init__(self, learning_rate: float = 0.01, beta: float = 0.9) -> None:
        self.beta = beta
        super().__init__(learning_rate)

    def update_block(self, name: str, param: Array, grad: Array) -> Array:
        """The two equations above, for one block."""
        v, dW = self.v, "d" + name
        v[dW] = self.beta * v[dW] + (1 - self.beta) * grad
        return param - self.learning_rate * v[dW]


class RMSprop(Optimizer):
    r"""RMSprop (Tieleman and Hinton, 2012): divide the step by a running RMS of the gradient.

    .. math::
        s_{dW} \leftarrow \beta\, s_{dW} + (1 - \beta)\, dW^2, \qquad
        W \leftarrow W - \alpha\, \frac{dW}{\sqrt{s_{dW}} + \varepsilon}

    for every block. Squares and square roots are element-wise; ``s["dW1"]``...
    are zero before the first step. :math:`\varepsilon` sits *outside* the square root.

    Parameters
    ----------
    learning_rate : float
        :math:`\alpha > 0`.
    beta : float
        :math:`\beta \in [0, 1)`.
    epsilon : float
        :math:`\varepsilon > 0`, guards against division by zero.

    Attributes
    ----------
    s : dict of str to ndarray
        The running averages of the squared gradients, ``s["dW1"], s["db1"], ...``.
    """

    _parameter_constraints = {**Optimizer._parameter_constraints, "beta": BETA,
                              "epsilon": POSITIVE}
    state_names = ("s",)
    s: dict[str, Array]

    def __init__(self, learning_rate: float = 0.001, beta: float = 0.9,
                 epsilon: float = 1e-8) -> None:
        self.beta = beta
        self.epsilon = epsilon
        super().__init__(learning_rate)

    def update_block(self, name: str, param: Array, grad: Array) -> Array:
        """The two equations above, for one block."""
        s, dW = self.s, "d" + name
        s[dW] = self.beta * s[dW] + (1 - self.beta) * grad ** 2
        return param - self.learning_rate * grad / (np.sqrt(s[dW]) + self.epsilon)


class Adam(Optimizer):
    r"""Adam (Kingma and Ba, 2015): momentum and RMSprop with bias correction.

    At step :math:`t = 1, 2, \dots`, for every block :math:`W` (``W1``, ``b1``, ...):

    .. math::
        v_{dW} &\leftarrow \beta_1 v_{dW} + (1 - \beta_1)\, dW, &
        \qquad v^{corrected}_{dW} &= \frac{v_{dW}}{1 - \beta_1^t}, \\
        s_{dW} &\leftarrow \beta_2 s_{dW} + (1 - \beta_2)\, dW^2, &
        \qquad s^{corrected}_{dW} &= \frac{s_{dW}}{1 - \beta_2^t}, \\
        W &\leftarrow W - \alpha\, \frac{v^{corrected}_{dW}}{\sqrt{s^{corrected}_{dW}} + \varepsilon}.

    The second moment is corrected with :math:`\beta_2` (the notes wrongly use
    :math:`\beta_1`) and :math:`\varepsilon` is added *after* the square root
    (the notes put it inside). At :math:`t = 1` the step is
    :math:`\alpha\, dW / (|dW| + \varepsilon)`: about :math:`\alpha`
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

    Attributes
    ----------
    v, s : dict of str to ndarray
        The first and second moments ``v["dW1"], s["dW1"], ...``, before correction.
    """

    _parameter_constraints = {**Optimizer._parameter_constraints, "beta1": BETA, "beta2": BETA,
                              "epsilon": POSITIVE}
    state_names = ("v", "s")
    v: dict[str, Array]
    s: dict[str, Array]

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8) -> None:
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        super().__init__(learning_rate)

    def update_block(self, name: str, param: Array, grad: Array) -> Array:
        """The three lines of the equations above, for one block at step ``self.t``."""
        v, s, t, dW = self.v, self.s, self.t, "d" + name
        v[dW] = self.beta1 * v[dW] + (1 - self.beta1) * grad
        s[dW] = self.beta2 * s[dW] + (1 - self.beta2) * grad ** 2
        v_corrected = v[dW] / (1 - self.beta1 ** t)
        s_corrected = s[dW] / (1 - self.beta2 ** t)
        return param - self.learning_rate * v_corrected / (np.sqrt(s_corrected) + self.epsilon)

    def corrected(self) -> tuple[dict[str, Array], dict[str, Array]]:
        r"""The bias-corrected moments of the last step, :math:`v/(1-\beta_1^t)` and :math:`s/(1-\beta_2^t)`.

        Returns
        -------
        v_corrected, s_corrected : dict of str to ndarray
            Keyed like ``v`` and ``s`` (``"dW1"``, ...).

        Raises
        ------
        ValueError
            Before the first step (``t = 0``), where the corrections divide by zero.
        """
        if self.t == 0:
            raise ValueError("t: expected at least one step before the bias correction, got t = 0")
        return ({key: value / (1 - self.beta1 ** self.t) for key, value in self.v.items()},
                {key: value / (1 - self.beta2 ** self.t) for key, value in self.s.items()})
