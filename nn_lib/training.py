"""Mini-batches and the training loop."""

from __future__ import annotations

import math
import numbers
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import (NONNEGATIVE, Boolean, Integer, OneOf, OrNone, Seed, check_array,
                          check_parameters, check_rng, check_seed, check_X_Y, validate_params)
from .initializers import INITIALIZATION_METHODS, initialize_parameters
from . import _core
from .network import check_keep_prob
from .optimizers import GradientDescent, Optimizer
from .schedules import Schedule

__all__ = ["random_mini_batches", "train", "TrainingResult", "optimizer_path"]

Array = NDArray[np.float64]


def _mini_batches(X: Array, Y: Array, size: int, rng: np.random.Generator
                  ) -> list[tuple[Array, Array]]:
    order = rng.permutation(X.shape[1])
    X, Y = X[:, order], Y[:, order]
    return [(X[:, k:k + size], Y[:, k:k + size]) for k in range(0, X.shape[1], size)]


@validate_params(mini_batch_size=Integer(1))
def random_mini_batches(X: ArrayLike, Y: ArrayLike, mini_batch_size: int = 64,
                        seed: Seed = None) -> list[tuple[Array, Array]]:
    r"""Shuffle the examples, then cut them into mini-batches.

    The columns of ``X`` and ``Y`` are permuted together, then split into
    :math:`\lceil m / \text{mini\_batch\_size} \rceil` consecutive batches
    :math:`(X^{\{t\}}, Y^{\{t\}})`. All have ``mini_batch_size`` examples except
    the last, which holds the remaining :math:`m \bmod \text{mini\_batch\_size}`
    when that is not zero.

    Parameters
    ----------
    X : array_like of shape (n_x, m)
    Y : array_like of shape (1, m)
        Labels, 0 or 1.
    mini_batch_size : int
        >= 1. Values above ``m`` give one batch of all examples.
    seed : int, numpy.random.Generator or None
        Source of the permutation. Pass one Generator for all epochs so that each
        epoch gets a new order.

    Returns
    -------
    list of (ndarray of shape (n_x, b), ndarray of shape (1, b))
    """
    X, Y = check_X_Y(X, Y)
    return _mini_batches(X, Y, mini_batch_size, check_rng("seed", seed))


@dataclass
class TrainingResult:
    """What :func:`train` returns.

    Attributes
    ----------
    parameters : dict of str to ndarray
        The trained ``W1, b1, ..., WL, bL``.
    costs : ndarray of shape (k,)
        Cost recorded at the epochs in ``epochs``: the average over the epoch of
        the mini-batch costs (cross-entropy plus the L2 term when ``lambd > 0``),
        each computed on the batch before its update, as in the notes.
    epochs : ndarray of int, shape (k,)
        Epoch (0-based) of each entry of ``costs``.
    step_costs : ndarray of shape (num_epochs * batches_per_epoch,) or None
        The cost of every mini-batch, when ``record_steps=True``.
    learning_rates : ndarray of shape (num_epochs,)
        The learning rate used in each epoch.
    optimizer : Optimizer
        The optimizer after training, with its state per parameter block, keyed
        like the gradients: ``t`` (the number of steps taken) and, depending on the
        optimizer, ``v["dW1"], v["db1"], ..., s["dWL"], s["dbL"]``, each shaped like
        its block. Pass it (and ``parameters``) back to :func:`train` to go on.
    """

    parameters: dict[str, Array]
    costs: Array
    epochs: NDArray[np.int64]
    learning_rates: Array
    optimizer: Optimizer
    step_costs: Array | None = field(default=None)


def _seed_sequence(seed: Seed) -> list[np.random.Generator]:
    """Three independent generators: initialization, shuffling, dropout."""
    if isinstance(seed, np.random.Generator):
        return list(seed.spawn(3))
    check_seed("seed", seed)
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)]


@validate_params(num_epochs=Integer(1), mini_batch_size=OrNone(Integer(1)), lambd=NONNEGATIVE,
                 initialization=OneOf(*INITIALIZATION_METHODS), cost_every=Integer(1),
                 record_steps=Boolean(), print_every=OrNone(Integer(1)))
def train(X: ArrayLike, Y: ArrayLike, layer_dims: Sequence[int],
          optimizer: Optimizer | None = None, num_epochs: int = 1000,
          mini_batch_size: int | None = None, lambd: float = 0.0,
          keep_prob: float | Sequence[float] = 1.0, seed: Seed = None,
          initialization: str = "he", parameters: Mapping[str, ArrayLike] | None = None,
          lr_schedule: Schedule | Callable[[float, int], float] | None = None,
          cost_every: int = 1, record_steps: bool = False,
          print_every: int | None = None) -> TrainingResult:
    r"""Train a LINEAR->RELU (x L-1) -> LINEAR->SIGMOID network.

    Each epoch shuffles the data into mini-batches (or uses all of it at once
    when ``mini_batch_size`` is None) and, for every batch, runs the forward pass
    (with inverted dropout when ``keep_prob < 1``), the backward pass (with the
    L2 term when ``lambd > 0``; both may be used together) and one optimizer
    step. One epoch is one pass over the data: with full batches, one epoch is
    one iteration of the notes' loop.

    Parameters
    ----------
    X : array_like of shape (n_x, m)
    Y : array_like of shape (1, m)
        Labels, 0 or 1.
    layer_dims : sequence of int
        ``[n_x, n_1, ..., 1]``; ``layer_dims[0]`` must equal ``n_x`` and the last entry 1.
    optimizer : Optimizer, optional
        Default ``GradientDescent(learning_rate=0.01)``. It is copied: the object you
        pass is not modified, and the trained copy is returned in the result. Every
        mini-batch step calls its :meth:`~nn_lib.Optimizer.update_block` once per
        block. A copy whose state belongs to these blocks (the optimizer of an
        earlier result, passed back with its parameters) goes on from that state;
        otherwise :meth:`~nn_lib.Optimizer.initialize` starts it afresh.
    num_epochs : int
        >= 1.
    mini_batch_size : int or None
        None for full-batch training, else >= 1.
    lambd : float
        L2 strength :math:`\lambda \ge 0`. The penalty is the notes' equation 2,
        :math:`\frac{\lambda}{2m}\sum_l \lVert W^{[l]} \rVert^2`, with :math:`m` the number
        of *training examples* whatever the batch size: every mini-batch step adds
        :math:`\frac{\lambda}{m} W^{[l]}` to ``dW``, so the mini-batch gradient is an
        unbiased estimate of the full-batch gradient and ``lambd`` means the same for
        every ``mini_batch_size``.
    keep_prob : float or sequence of float
        Dropout keep probability of the hidden layers, in (0, 1].
    seed : int, numpy.random.Generator or None
        One seed drives three independent streams (initialization, shuffling,
        dropout), so the same seed gives bit-identical results, and runs that
        differ only in ``keep_prob`` or ``mini_batch_size`` start from the same weights.
    initialization : str
        Method of :func:`nn_lib.initialize_parameters` (default ``"he"``).
    parameters : dict, optional
        Start from these parameters instead of initializing.
    lr_schedule : callable, optional
        ``lr_schedule(learning_rate0, epoch) -> learning_rate``, e.g.
        :class:`nn_lib.InverseTimeDecay`; ``learning_rate0`` is the optimizer's rate.
    cost_every : int
        Record the cost every ``cost_every`` epochs (and at the last epoch).
    record_steps : bool
        Also record the cost of every mini-batch step.
    print_every : int or None
        Print the cost every ``print_every`` epochs (to stderr); None prints nothing.

    Returns
    -------
    TrainingResult
    """
    X, Y = check_X_Y(X, Y)
    if optimizer is None:
        optimizer = GradientDescent(learning_rate=0.01)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer: expected an nn_lib Optimizer such as Adam(), "
                        f"got {type(optimizer).__name__}")
    optimizer = optimizer.copy()
    if lr_schedule is not None and not callable(lr_schedule):
        raise TypeError(f"lr_schedule: expected a callable (learning_rate0, epoch) -> rate, "
                        f"got {lr_schedule!r}")
    init_rng, shuffle_rng, dropout_rng = _seed_sequence(seed)
    if parameters is None:
        parameters = initialize_parameters(layer_dims, method=initialization, seed=init_rng)
        if layer_dims[-1] != 1:
            raise ValueError(f"layer_dims: expected last entry 1 (one sigmoid output unit), "
                             f"got {list(layer_dims)!r}")
    params = check_parameters(parameters)
    L = len(params) // 2
    shapes = [params["W1"].shape[1]] + [params[f"W{l}"].shape[0] for l in range(1, L + 1)]
    if shapes[0] != X.shape[0]:
        raise ValueError(f"layer_dims: expected first entry {X.shape[0]} (the number of rows "
                         f"of X), got {list(layer_dims)!r}")
    if list(layer_dims) != shapes:
        raise ValueError(f"layer_dims: expected {shapes} to match the parameters, "
                         f"got {list(layer_dims)!r}")
    keep_prob = check_keep_prob(keep_prob, L)
    m = X.shape[1]

    optimizer._prepare(params)
    learning_rate0 = optimizer.learning_rate
    costs, epochs, step_costs, rates = [], [], [], np.empty(num_epochs)
    full_batch = [(X, Y)]
    started = time.perf_counter()
    # A diverging run is detected once per epoch, below; until then NumPy's warnings
    # about overflow would only come before that error and say less.
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(num_epochs):
            if lr_schedule is not None:
                rate = lr_schedule(learning_rate0, epoch)
                if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 < rate < np.inf:
                    raise ValueError(f"lr_schedule: expected a finite learning rate > 0, got {rate!r} "
                                     f"at epoch {epoch}")
                optimizer.learning_rate = float(rate)
            rates[epoch] = optimizer.learning_rate
            batches = (full_batch if mini_batch_size is None
                       else _mini_batches(X, Y, mini_batch_size, shuffle_rng))
            record = epoch % cost_every == 0 or epoch == num_epochs - 1
            show = print_every is not None and epoch % print_every == 0
            total = 0.0
            for Xb, Yb in batches:
                _, cache = _core.forward_propagation(Xb, params, keep_prob, dropout_rng)
                if record or show or record_steps:
                    # Equation 2 with m the number of training examples, whatever the batch.
                    cost = _core.compute_cost_from_logits(cache.Z[L], Yb)
                    if lambd:
                        cost += _core.l2_penalty(params, lambd, m)
                    total += cost * Xb.shape[1]
                    if record_steps:
                        step_costs.append(cost)
                # backward_propagation adds (lambd / batch size) W to dW; the L2 term of
                # equation 2 asks for (lambd / m) W in every step, so that each mini-batch
                # gradient estimates the gradient of the same full-batch cost.
                grads = _core.backward_propagation(Yb, cache, lambd * Xb.shape[1] / m)
                params = optimizer._take_step(params, grads)
            if not _finite(params, optimizer) or ((record or show) and not math.isfinite(total)):
                raise FloatingPointError(
                    f"train: the parameters or the cost stopped being finite at epoch {epoch}; "
                    f"the learning rate {optimizer.learning_rate} is probably too large")
            if record or show:
                cost = total / m
                if record:
                    costs.append(cost)
                    epochs.append(epoch)
                if show:
                    print(f"epoch {epoch:>6d}  cost {cost:.6f}  "
                          f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return TrainingResult(parameters=params, costs=np.array(costs),
                          epochs=np.array(epochs, dtype=np.int64), learning_rates=rates,
                          optimizer=optimizer,
                          step_costs=np.array(step_costs) if record_steps else None)


def _finite(parameters: Mapping[str, Array], optimizer: Optimizer) -> bool:
    """True when no parameter and no state of the optimizer holds NaN or infinity."""
    # One sum over everything (a NaN or an infinity anywhere makes it non-finite): a
    # reduction per block would cost more than a small epoch's optimizer steps.
    arrays = [a.ravel() for a in (*parameters.values(), *optimizer._state_arrays())]
    return bool(np.isfinite(np.add.reduce(np.concatenate(arrays))))


@validate_params(num_steps=Integer(0))
def optimizer_path(grad: Callable[[Array], ArrayLike], theta0: ArrayLike, optimizer: Optimizer,
                   num_steps: int) -> Array:
    r"""Run an optimizer on a function of a vector and return every iterate.

    Useful to draw the paths of optimizers over the contours of a 2-D cost,
    such as the notes' elongated bowl :math:`J(\theta) = \tfrac12 (a\theta_1^2 + b\theta_2^2)`.

    Parameters
    ----------
    grad : callable
        ``grad(theta)`` returns :math:`\nabla J(\theta)`, shape (d,).
    theta0 : array_like of shape (d,)
        Starting point.
    optimizer : Optimizer
        Copied before use; the object passed in is not modified. Each step is
        ``optimizer.update({"theta": theta}, {"dtheta": grad(theta)})``, so the
        state is keyed ``"dtheta"`` (``v["dtheta"]``).
    num_steps : int
        >= 0.

    Returns
    -------
    ndarray of shape (num_steps + 1, d)
        ``theta0`` followed by each iterate.

    Raises
    ------
    ValueError
        If ``grad`` returns NaN or infinity (the path has diverged).
    FloatingPointError
        If a step overflows (see :meth:`Optimizer.update`).
    """
    theta = check_array("theta0", theta0, ndim=1)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer: expected an nn_lib Optimizer, got {type(optimizer).__name__}")
    if not callable(grad):
        raise TypeError(f"grad: expected a callable theta -> gradient, got {grad!r}")
    optimizer = optimizer.copy()
    path = [theta]
    for _ in range(num_steps):
        g = check_array("grad(theta)", grad(theta), ndim=1, rows=theta.shape[0])
        theta = optimizer.update({"theta": theta}, {"dtheta": g})["theta"]
        path.append(theta)
    return np.array(path)
