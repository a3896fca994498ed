"""Mini-batches and the training loop."""

from __future__ import annotations

import inspect
import numbers
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import (NONNEGATIVE, Boolean, Constraint, Integer, OneOf, OrNone, Seed,
                          check_array, check_parameters, check_rng, check_seed, check_X_Y,
                          validate_params)
from .initializers import INITIALIZATION_METHODS, initialize_parameters
from . import _core
from .network import check_keep_prob
from .optimizers import GradientDescent, Optimizer
from .schedules import Schedule

__all__ = ["random_mini_batches", "train", "train_seeds", "TrainingResult", "optimizer_path"]

Array = NDArray[np.float64]


def _mini_batches(X: Array, Y: Array, size: int, rng: np.random.Generator | _Stack
                  ) -> list[tuple[Array, Array]]:
    order = rng.permutation(X.shape[-1])
    X, Y = _columns(X, order), _columns(Y, order)
    return [(X[..., k:k + size], Y[..., k:k + size]) for k in range(0, X.shape[-1], size)]


def _columns(A: Array, order: NDArray[np.int64]) -> Array:
    """The columns of ``A`` in ``order``: shape (m,), or (S, m) with one order per network."""
    if order.ndim == 1:
        return A[..., order]
    A = np.broadcast_to(A, (order.shape[0], *A.shape[-2:]))
    return np.take_along_axis(A, order[:, np.newaxis, :], axis=-1)


class _Stack:
    """The generators of a stack of networks, drawing as one.

    Network ``k`` of the stack gets its draws from its own generator, so that it
    sees the same shuffles and dropout masks as ``train(seed=seeds[k])``.
    """

    def __init__(self, generators: list[np.random.Generator]) -> None:
        self.generators = generators

    def random(self, shape: tuple[int, ...]) -> Array:
        return np.stack([g.random(shape[1:]) for g in self.generators])

    def permutation(self, m: int) -> NDArray[np.int64]:
        return np.stack([g.permutation(m) for g in self.generators])


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
        the mini-batch costs weighted by batch size (the per-example average, so
        a smaller last batch counts less than in a plain mean of ``step_costs``),
        each cost being cross-entropy plus the L2 term when ``lambd > 0``,
        computed on the batch before its update, as in the notes.
    epochs : ndarray of int, shape (k,)
        Epoch (0-based) of each entry of ``costs``.
    step_costs : ndarray of shape (num_epochs * batches_per_epoch,) or None
        The cost of every mini-batch, when ``record_steps=True``.
    checkpoints : list of (int, dict of str to ndarray)
        ``(epoch, parameters)`` after every ``checkpoint_every`` epochs (and after
        the last), when ``checkpoint_every`` is given; otherwise empty. ``epoch``
        counts the epochs done, so a learning curve can evaluate each network.
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
    checkpoints: list[tuple[int, dict[str, Array]]] = field(default_factory=list)


def _seed_sequence(seed: Seed) -> list[np.random.Generator]:
    """Three independent generators: initialization, shuffling, dropout."""
    if isinstance(seed, np.random.Generator):
        return list(seed.spawn(3))
    check_seed("seed", seed)
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)]


# The limits of the training options, declared once for train and train_seeds.
_TRAINING_LIMITS: dict[str, Constraint] = {
    "num_epochs": Integer(1), "mini_batch_size": OrNone(Integer(1)), "lambd": NONNEGATIVE,
    "initialization": OneOf(*INITIALIZATION_METHODS), "cost_every": Integer(1),
    "record_steps": Boolean(), "checkpoint_every": OrNone(Integer(1)),
    "print_every": OrNone(Integer(1))}


@validate_params(**_TRAINING_LIMITS)
def train(X: ArrayLike, Y: ArrayLike, layer_dims: Sequence[int],
          optimizer: Optimizer | None = None, num_epochs: int = 1000,
          mini_batch_size: int | None = None, lambd: float = 0.0,
          keep_prob: float | Sequence[float] = 1.0, seed: Seed = None,
          initialization: str = "he", parameters: Mapping[str, ArrayLike] | None = None,
          lr_schedule: Schedule | Callable[[float, int], float] | None = None,
          cost_every: int = 1, record_steps: bool = False,
          checkpoint_every: int | None = None, print_every: int | None = None) -> TrainingResult:
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
        block. When ``parameters`` are given and the optimizer's state has their
        names and shapes (the optimizer of an earlier result, passed back with its
        parameters), training goes on from that state; otherwise
        :meth:`~nn_lib.Optimizer.initialize` starts it afresh. Its ``learning_rate``
        is taken as it is (after a schedule, the rate the schedule ended with).
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
        Dropout keep probability of the hidden layers, in (0, 1]: one number for
        all of them, or one per hidden layer (``len(layer_dims) - 2`` values). A
        network without hidden layers has no unit to drop: there it changes nothing.
    seed : int, numpy.random.Generator or None
        One seed drives three independent streams (initialization, shuffling,
        dropout), so the same seed gives bit-identical results, and runs that
        differ only in ``keep_prob`` or ``mini_batch_size`` start from the same weights.
    initialization : str
        Method of :func:`nn_lib.initialize_parameters` (default ``"he"``).
    parameters : dict, optional
        Start from these parameters instead of initializing; their shapes must
        match ``layer_dims``.
    lr_schedule : callable, optional
        ``lr_schedule(learning_rate0, epoch) -> learning_rate``, e.g.
        :class:`nn_lib.InverseTimeDecay`; ``learning_rate0`` is the optimizer's rate
        when ``train`` is called, and ``epoch`` counts from 0 in every call (a run
        continued from an earlier result restarts the schedule from the rate it
        ended with).
    cost_every : int
        Record the cost every ``cost_every`` epochs (and at the last epoch).
    record_steps : bool
        Also record the cost of every mini-batch step.
    checkpoint_every : int or None
        Keep a copy of the parameters every ``checkpoint_every`` epochs (and at the
        end) in ``checkpoints``, to follow accuracy along training; None keeps none.
    print_every : int or None
        Print the cost every ``print_every`` epochs (to stderr); None prints nothing.

    Returns
    -------
    TrainingResult

    Raises
    ------
    FloatingPointError
        If the parameters, the optimizer's state or the recorded cost stop being
        finite (a diverged run; checked at the end of every epoch).
    ValueError
        If an argument is out of range, the shapes disagree, or ``lr_schedule``
        returns a rate that is not finite and > 0.
    """
    X, Y = check_X_Y(X, Y)
    optimizer = _checked_optimizer(optimizer)
    init_rng, shuffle_rng, dropout_rng = _seed_sequence(seed)
    if parameters is None:
        parameters = _initialized(layer_dims, initialization, init_rng)
        optimizer.reset()  # a new network: no state of an earlier run carries over
    params = _checked_network(parameters, layer_dims, X.shape[0])
    return _fit(X, Y, params, optimizer, shuffle_rng, dropout_rng, num_epochs=num_epochs,
                mini_batch_size=mini_batch_size, lambd=lambd, keep_prob=keep_prob,
                lr_schedule=lr_schedule, cost_every=cost_every, record_steps=record_steps,
                checkpoint_every=checkpoint_every, print_every=print_every)[0]


@validate_params(**_TRAINING_LIMITS)
def train_seeds(X: ArrayLike, Y: ArrayLike, layer_dims: Sequence[int], seeds: Sequence[int],
                **options: Any) -> list[TrainingResult]:
    r"""Train one network per seed, all of them at once.

    The networks are stacked along a new leading axis (``W1`` of shape
    ``(S, n_1, n_x)`` for ``S`` seeds), and every step of :func:`train` runs once
    for the whole stack: the equations of :mod:`nn_lib._core` are written so that
    they apply to each network of a stack. Network ``k`` starts from the weights
    of ``train(seed=seeds[k])`` and draws its shuffles and dropout masks from the
    same streams, so result ``k`` equals ``train(X, Y, layer_dims,
    seed=seeds[k], **options)`` (with ``X[k], Y[k]`` when each seed has its own
    data set) up to rounding, several times faster than ``S`` separate calls for
    small networks.

    Parameters
    ----------
    X : array_like of shape (n_x, m) or (S, n_x, m)
        One data set for every network, or one per seed (for instance a new
        draw of the data for each seed).
    Y : array_like of shape (1, m) or (S, 1, m)
        Labels, 0 or 1, shaped like ``X``.
    layer_dims : sequence of int
        As for :func:`train`.
    seeds : sequence of int or 1-D array of int
        ``S >= 1`` non-negative integer seeds, one per network.
    **options
        Any keyword of :func:`train` except ``seed``, ``parameters`` and
        ``print_every``: ``optimizer``, ``num_epochs``, ``mini_batch_size``,
        ``lambd``, ``keep_prob``, ``initialization``, ``lr_schedule``,
        ``cost_every``, ``record_steps``, ``checkpoint_every``.

    Returns
    -------
    list of TrainingResult
        One per seed, in the order of ``seeds``.
    """
    refused = sorted({"seed", "parameters", "print_every"} & set(options))
    if refused:
        raise TypeError(f"train_seeds: expected keywords of train other than seed, parameters "
                        f"and print_every (they are for one run at a time), got {refused}")
    allowed = [name for name in inspect.signature(train).parameters
               if name not in ("X", "Y", "layer_dims", "seed", "parameters", "print_every")]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise TypeError(f"train_seeds(): got unexpected keyword argument(s) {unknown}; its options "
                        f"are the keywords of train {', '.join(allowed)}")
    if isinstance(seeds, np.ndarray) and seeds.ndim == 1:
        seeds = list(seeds)
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or not seeds:
        raise TypeError(f"seeds: expected a non-empty list of integer seeds, got {seeds!r:.80}")
    for k, seed in enumerate(seeds):
        Integer(0)(f"seeds[{k}]", seed)
    X, Y = _checked_data_sets(X, Y, len(seeds))
    optimizer = _checked_optimizer(options.pop("optimizer", None))
    optimizer.reset()  # new networks: no state of an earlier run carries over
    initialization = options.pop("initialization", "he")
    streams = [_seed_sequence(seed) for seed in seeds]
    networks = [_initialized(layer_dims, initialization, init) for init, _, _ in streams]
    stacked = {key: np.stack([p[key] for p in networks]) for key in networks[0]}
    _checked_network(networks[0], layer_dims, X.shape[-2])
    shuffle = _Stack([shuffle for _, shuffle, _ in streams])
    dropout = _Stack([dropout for _, _, dropout in streams])
    return _fit(X, Y, stacked, optimizer, shuffle, dropout, **options)


def _checked_optimizer(optimizer: object) -> Optimizer:
    """A copy of ``optimizer`` (default: gradient descent with rate 0.01)."""
    if optimizer is None:
        return GradientDescent(learning_rate=0.01)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer: expected an nn_lib Optimizer such as Adam(), "
                        f"got {type(optimizer).__name__}")
    return optimizer.copy()


def _initialized(layer_dims: Sequence[int], initialization: str,
                 rng: np.random.Generator) -> dict[str, Array]:
    parameters = initialize_parameters(layer_dims, method=initialization, seed=rng)
    if layer_dims[-1] != 1:
        raise ValueError(f"layer_dims: expected last entry 1 (one sigmoid output unit), "
                         f"got {list(layer_dims)!r}")
    return parameters


def _checked_network(parameters: Mapping[str, ArrayLike], layer_dims: Sequence[int],
                     n_x: int) -> dict[str, Array]:
    params = check_parameters(parameters)
    L = len(params) // 2
    shapes = [params["W1"].shape[1]] + [params[f"W{l}"].shape[0] for l in range(1, L + 1)]
    if shapes[0] != n_x:
        raise ValueError(f"layer_dims: expected first entry {n_x} (the number of rows "
                         f"of X), got {list(layer_dims)!r}")
    if list(layer_dims) != shapes:
        raise ValueError(f"layer_dims: expected {shapes} to match the parameters, "
                         f"got {list(layer_dims)!r}")
    return params


def _checked_data_sets(X: ArrayLike, Y: ArrayLike, S: int) -> tuple[Array, Array]:
    """One data set shared by ``S`` networks, or a stack of ``S`` data sets."""
    if np.ndim(X) != 3:
        return check_X_Y(X, Y)
    X = check_array("X", X, ndim=3)
    Y = check_array("Y", Y, ndim=3)
    if X.shape[0] != S or Y.shape[0] != S:
        raise ValueError(f"X, Y: expected one data set per seed ({S}), got X of shape "
                         f"{X.shape} and Y of shape {Y.shape}")
    for k in range(S):
        check_X_Y(X[k], Y[k], names=(f"X[{k}]", f"Y[{k}]"))
    return X, Y


def _fit(X: Array, Y: Array, params: dict[str, Array], optimizer: Optimizer,
         shuffle_rng: np.random.Generator | _Stack, dropout_rng: np.random.Generator | _Stack,
         num_epochs: int = 1000, mini_batch_size: int | None = None, lambd: float = 0.0,
         keep_prob: float | Sequence[float] = 1.0,
         lr_schedule: Schedule | Callable[[float, int], float] | None = None,
         cost_every: int = 1, record_steps: bool = False, checkpoint_every: int | None = None,
         print_every: int | None = None) -> list[TrainingResult]:
    """The training loop of :func:`train`, for one network or a stack of them."""
    if lr_schedule is not None and not callable(lr_schedule):
        raise TypeError(f"lr_schedule: expected a callable (learning_rate0, epoch) -> rate, "
                        f"got {lr_schedule!r}")
    L = len(params) // 2
    keep_prob = check_keep_prob(keep_prob, L)
    m = X.shape[-1]
    optimizer._prepare(params)
    learning_rate0 = optimizer.learning_rate
    costs, epochs, step_costs, rates = [], [], [], np.empty(num_epochs)
    checkpoints: list[tuple[int, dict[str, Array]]] = []
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
                # (a _Stack draws like a Generator: one mask per network of the stack)
                _, cache = _core.forward_propagation(Xb, params, keep_prob,
                                                     dropout_rng)  # type: ignore[arg-type]
                if record or show or record_steps:
                    # Equation 2 with m the number of training examples, whatever the batch.
                    cost = _core.compute_cost_from_logits(cache.Z[L], Yb)
                    if lambd:
                        cost += _core.l2_penalty(params, lambd, m)
                    total += cost * Xb.shape[-1]
                    if record_steps:
                        step_costs.append(cost)
                # backward_propagation adds (lambd / batch size) W to dW; the L2 term of
                # equation 2 asks for (lambd / m) W in every step, so that each mini-batch
                # gradient estimates the gradient of the same full-batch cost.
                grads = _core.backward_propagation(Yb, cache, lambd * Xb.shape[-1] / m)
                params = optimizer._take_step(params, grads)
            if not _finite(params, optimizer, total):
                raise FloatingPointError(
                    f"train: the parameters or the cost stopped being finite at epoch {epoch}; "
                    f"the learning rate {optimizer.learning_rate} is probably too large")
            if checkpoint_every is not None and ((epoch + 1) % checkpoint_every == 0
                                                 or epoch == num_epochs - 1):
                checkpoints.append((epoch + 1, {key: p.copy() for key, p in params.items()}))
            if record or show:
                cost = total / m
                if record:
                    costs.append(cost)
                    epochs.append(epoch)
                if show:
                    print(f"epoch {epoch:>6d}  cost {cost:.6f}  "
                          f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    result = TrainingResult(parameters=params, costs=np.array(costs),
                            epochs=np.array(epochs, dtype=np.int64), learning_rates=rates,
                            optimizer=optimizer,
                            step_costs=np.array(step_costs) if record_steps else None,
                            checkpoints=checkpoints)
    return [result] if isinstance(dropout_rng, np.random.Generator) else _unstacked(result)


def _unstacked(result: TrainingResult) -> list[TrainingResult]:
    """One result per network of a stack trained by :func:`train_seeds`."""
    results = []
    for k in range(result.costs.shape[-1]):
        parameters = {key: value[k].copy() for key, value in result.parameters.items()}
        optimizer = result.optimizer.copy()
        optimizer.initialize(parameters)
        optimizer.t = result.optimizer.t
        for state in optimizer.state_names:
            for key, value in getattr(result.optimizer, state).items():
                getattr(optimizer, state)[key] = value[k].copy()
        results.append(TrainingResult(
            parameters=parameters, costs=result.costs[:, k], epochs=result.epochs,
            learning_rates=result.learning_rates, optimizer=optimizer,
            step_costs=None if result.step_costs is None else result.step_costs[:, k],
            checkpoints=[(epoch, {key: value[k] for key, value in network.items()})
                         for epoch, network in result.checkpoints]))
    return results


def _finite(parameters: Mapping[str, Array], optimizer: Optimizer, cost: Any) -> bool:
    """True when no parameter, no state of the optimizer and no cost holds NaN or infinity."""
    # A NaN or an infinity anywhere makes the sum non-finite (so do finite values
    # large enough to overflow it: a run that far gone has diverged). One sum, not
    # one per block, for speed: bench/README.md.
    everything = np.concatenate([*parameters.values(), *optimizer._state_arrays(), cost],
                                axis=None)
    return bool(np.isfinite(everything.sum()))


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
        If a step overflows float64 (the path has diverged), naming the step.
    """
    theta = check_array("theta0", theta0, ndim=1)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer: expected an nn_lib Optimizer, got {type(optimizer).__name__}")
    if not callable(grad):
        raise TypeError(f"grad: expected a callable theta -> gradient, got {grad!r}")
    optimizer = optimizer.copy()
    path = [theta]
    for step in range(1, num_steps + 1):
        g = check_array("grad(theta)", grad(theta), ndim=1, rows=theta.shape[0])
        try:
            theta = optimizer.update({"theta": theta}, {"dtheta": g})["theta"]
        except FloatingPointError as error:   # the copy is private: no reset() to offer
            raise FloatingPointError(f"optimizer: step {step} overflowed float64, the path has "
                                     f"diverged; lower the learning rate") from error
        path.append(theta)
    return np.array(path)
