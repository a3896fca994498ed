"""Time one epoch of mini-batch Adam in nn_lib.train against plain NumPy.

The notes' optimization setting: a [2, 5, 2, 1] network on two moons
(nn_lib.make_moons(300, 0.2, seed=3)), mini-batches of 64 (five per epoch, the
last one of 44), Adam(0.0007) with beta1 0.9, beta2 0.999, epsilon 1e-8. Each
epoch shuffles and partitions the data; every batch gets a forward pass, its
cost, a backward pass and an Adam step, on both sides (nn_lib records the cost
of every epoch: cost_every=1, its default). Both run --epochs epochs (default
500) from the same initial parameters, interleaved in this process; the time
per epoch is a run's time divided by the number of epochs.

Target: nn_lib / reference <= 1.0. Printed beside, not the verdict: the same
ratio for a bare loop over nn_lib's core functions (what train does minus its
divergence check and bookkeeping).

Agreement checks (exit code 1 if one fails): both take the same number of Adam
steps; and with one batch of all 300 examples per epoch (the shuffles differ
between the two sides, which only reorders sums) both reach the same
parameters to 1e-10 after a few epochs.

Run: python bench/adam_epoch.py [--repeats 7] [--epochs 500]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import nn_lib
import reference

LAYER_DIMS = [2, 5, 2, 1]
LEARNING_RATE = 0.0007
MINI_BATCH_SIZE = 64
TARGET = 1.0
AGREEMENT_EPOCHS = 10
AGREEMENT_TOLERANCE = 1e-10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=500)
    args = parser.parse_args()

    X, Y = nn_lib.make_moons(300, 0.2, seed=3)
    m = X.shape[1]
    initial = nn_lib.initialize_parameters(LAYER_DIMS, seed=0)
    print(f"adam_epoch: [2, 5, 2, 1], two moons ({m} points), mini-batches of "
          f"{MINI_BATCH_SIZE}, Adam({LEARNING_RATE}), {args.epochs} epochs per run, "
          f"{args.repeats} repeats")
    print(f"machine: {reference.machine_description()}")
    print(f"nn_lib: {reference.source_revision()}")

    # Agreement 1: full-batch Adam from the same start reaches the same parameters.
    ours = nn_lib.train(X, Y, LAYER_DIMS, nn_lib.Adam(LEARNING_RATE), mini_batch_size=m,
                        num_epochs=AGREEMENT_EPOCHS, parameters=initial, seed=0).parameters
    theirs, _, _ = reference.train_adam(X, Y, initial, LEARNING_RATE, m, AGREEMENT_EPOCHS,
                                        rng=np.random.default_rng(0))
    difference = reference.max_difference(ours, theirs)
    agree = difference <= AGREEMENT_TOLERANCE
    print(f"agreement, one batch of {m} for {AGREEMENT_EPOCHS} epochs: max |nn_lib - reference| "
          f"= {difference:.2e} (tolerance {AGREEMENT_TOLERANCE:g}): {'ok' if agree else 'FAILED'}")

    results = {}

    def run_nn_lib():
        results["nn_lib"] = nn_lib.train(
            X, Y, LAYER_DIMS, nn_lib.Adam(LEARNING_RATE), mini_batch_size=MINI_BATCH_SIZE,
            num_epochs=args.epochs, parameters=initial, seed=1)

    def run_reference():
        results["reference"] = reference.train_adam(
            X, Y, initial, LEARNING_RATE, MINI_BATCH_SIZE, args.epochs,
            rng=np.random.default_rng(1))

    def run_core_loop():
        core_loop(X, Y, initial, args.epochs, np.random.default_rng(1))

    wall, cpu = reference.interleaved_times({"reference": run_reference, "nn_lib": run_nn_lib,
                                             "core loop": run_core_loop}, args.repeats)

    # Agreement 2: the same amount of work, ceil(m / 64) Adam steps per epoch.
    steps_nn_lib, steps_reference = results["nn_lib"].optimizer.t, results["reference"][2]
    same_steps = steps_nn_lib == steps_reference == args.epochs * -(-m // MINI_BATCH_SIZE)
    print(f"Adam steps per run: nn_lib {steps_nn_lib}, reference {steps_reference}: "
          f"{'ok' if same_steps else 'FAILED'}")

    reference.report_ratio(wall, cpu, TARGET, per=args.epochs, unit="us/epoch", scale=1e6)
    reference.report_aside(wall, cpu, "core loop", "a bare loop over nn_lib's core (the same "
                           "shuffles and calls per batch, no divergence check, no bookkeeping)")
    print(f"final epoch cost (different shuffles): nn_lib {results['nn_lib'].costs[-1]:.4f}, "
          f"reference {results['reference'][1][-1]:.4f}")
    return 0 if agree and same_steps else 1


def core_loop(X, Y, parameters, epochs, rng):
    """The epochs of nn_lib.train without what train adds: for every mini-batch,
    forward, cost, backward and an Adam step."""
    from nn_lib import _core, training

    optimizer = nn_lib.Adam(LEARNING_RATE)
    optimizer.initialize(parameters)
    m = X.shape[1]
    costs = []
    for _ in range(epochs):
        total = 0.0
        for Xb, Yb in training._mini_batches(X, Y, MINI_BATCH_SIZE, rng):
            _, cache = _core.forward_propagation(Xb, parameters, 1.0, None)
            total += _core.compute_cost_from_logits(cache.Z[-1], Yb) * Xb.shape[1]
            grads = _core.backward_propagation(Yb, cache, 0.0)
            parameters = optimizer._take_step(parameters, grads)
        costs.append(total / m)
    return parameters, costs


if __name__ == "__main__":
    sys.exit(main())
