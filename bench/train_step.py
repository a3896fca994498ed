"""Time one full-batch gradient-descent step of nn_lib.train against plain NumPy.

The notes' regularization setting: a [2, 20, 3, 1] network on the 211 training
examples of nn_lib.make_regularization_data(seed=1), learning rate 0.3, one
step per epoch. Both compute and record the cost on every step, as the notes'
loop computes it on every iteration (nn_lib: cost_every=1).
Both run --epochs epochs (default 2000) from the same initial parameters,
interleaved in this process; the time per step is a run's time divided by the
number of epochs.

Target: nn_lib / reference <= 1.0. Printed beside, not the verdict: the same
ratio for a bare loop over nn_lib's core functions (what train does minus its
divergence check and bookkeeping). Agreement check: after a few steps from the
same parameters both give the same parameters to 1e-10 (exit code 1 otherwise).

With --parts, also time the parts of one step on both sides (CPU time, best of
9 x 500 calls): forward pass, cost, backward pass, parameter update, and the
once-per-epoch divergence check of nn_lib.train.

Run: python bench/train_step.py [--repeats 7] [--epochs 2000] [--parts]
"""

from __future__ import annotations

import argparse
import sys
import time

import nn_lib
import reference

LAYER_DIMS = [2, 20, 3, 1]
LEARNING_RATE = 0.3
COST_EVERY = 1
TARGET = 1.0
AGREEMENT_STEPS = 10
AGREEMENT_TOLERANCE = 1e-10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=2000)
    parser.add_argument("--parts", action="store_true", help="also time the parts of one step")
    args = parser.parse_args()

    X, Y, _, _ = nn_lib.make_regularization_data(seed=1)
    initial = nn_lib.initialize_parameters(LAYER_DIMS, seed=0)
    print(f"train_step: [2, 20, 3, 1], {X.shape[1]} examples, full batch, "
          f"GradientDescent({LEARNING_RATE}), {args.epochs} epochs per run, "
          f"{args.repeats} repeats")
    print(f"machine: {reference.machine_description()}")
    print(f"nn_lib: {reference.source_revision()}")

    # Agreement: the same parameters after a few steps from the same start.
    ours = nn_lib.train(X, Y, LAYER_DIMS, nn_lib.GradientDescent(LEARNING_RATE),
                        num_epochs=AGREEMENT_STEPS, parameters=initial).parameters
    theirs, _ = reference.train_gd(X, Y, initial, LEARNING_RATE, AGREEMENT_STEPS)
    difference = reference.max_difference(ours, theirs)
    agree = difference <= AGREEMENT_TOLERANCE
    print(f"agreement after {AGREEMENT_STEPS} steps: max |nn_lib - reference| = "
          f"{difference:.2e} (tolerance {AGREEMENT_TOLERANCE:g}): {'ok' if agree else 'FAILED'}")

    results = {}

    def run_nn_lib():
        results["nn_lib"] = nn_lib.train(
            X, Y, LAYER_DIMS, nn_lib.GradientDescent(LEARNING_RATE), num_epochs=args.epochs,
            parameters=initial, cost_every=COST_EVERY)

    def run_reference():
        results["reference"] = reference.train_gd(X, Y, initial, LEARNING_RATE, args.epochs,
                                                  COST_EVERY)

    def run_core_loop():
        core_loop(X, Y, initial, args.epochs)

    wall, cpu = reference.interleaved_times({"reference": run_reference, "nn_lib": run_nn_lib,
                                             "core loop": run_core_loop}, args.repeats)
    reference.report_ratio(wall, cpu, TARGET, per=args.epochs, unit="us/step", scale=1e6)
    reference.report_aside(wall, cpu, "core loop", "a bare loop over nn_lib's core (the same "
                           "four calls per step, no divergence check, no bookkeeping)")
    # Informational: the long runs end close together too (not checked: 2000 steps
    # through ReLU kinks may amplify rounding differences).
    final = reference.max_difference(results["nn_lib"].parameters, results["reference"][0])
    print(f"after {args.epochs} epochs: max |nn_lib - reference| = {final:.2e}; "
          f"final cost nn_lib {results['nn_lib'].costs[-1]:.6f}")
    if args.parts:
        time_parts(X, Y, initial)
    return 0 if agree else 1


def core_loop(X, Y, parameters, epochs):
    """The steps of nn_lib.train without what train adds: forward, cost, backward, update."""
    from nn_lib import _core

    optimizer = nn_lib.GradientDescent(LEARNING_RATE)
    optimizer.initialize(parameters)
    costs = []
    for _ in range(epochs):
        _, cache = _core.forward_propagation(X, parameters, 1.0, None)
        costs.append(_core.compute_cost_from_logits(cache.Z[-1], Y))
        grads = _core.backward_propagation(Y, cache, 0.0)
        parameters = optimizer._take_step(parameters, grads)
    return parameters, costs


def time_parts(X, Y, parameters):
    """CPU time of each part of one step, nn_lib's internals against the reference."""
    from nn_lib import _core, training

    optimizer = nn_lib.GradientDescent(LEARNING_RATE)
    optimizer.initialize(parameters)
    _, cache = _core.forward_propagation(X, parameters, 1.0, None)
    grads = _core.backward_propagation(Y, cache, 0.0)
    AL, caches = reference.forward(X, parameters)
    ref_grads = reference.backward(Y, caches, parameters)
    parts = [
        ("forward", lambda: _core.forward_propagation(X, parameters, 1.0, None),
         lambda: reference.forward(X, parameters)),
        ("cost", lambda: _core.compute_cost_from_logits(cache.Z[-1], Y),
         lambda: reference.compute_cost(AL, Y)),
        ("backward", lambda: _core.backward_propagation(Y, cache, 0.0),
         lambda: reference.backward(Y, caches, parameters)),
        ("update", lambda: optimizer._take_step(parameters, grads),
         lambda: reference.update_parameters(dict(parameters), ref_grads, LEARNING_RATE)),
        ("divergence check", lambda: training._finite(parameters, optimizer, 0.0), None),
    ]

    def best(function, number=500, repeat=9):
        times = []
        for _ in range(repeat):
            start = time.process_time()
            for _ in range(number):
                function()
            times.append((time.process_time() - start) / number)
        return min(times) * 1e6

    print("  parts of one step, CPU time (us, best of 9 x 500 calls):")
    for name, ours, theirs in parts:
        print(f"    {name:<17} nn_lib {best(ours):7.1f}   reference "
              + (f"{best(theirs):7.1f}" if theirs is not None else "      -"))


if __name__ == "__main__":
    sys.exit(main())
