"""Time nn_lib.check_gradients(method="batched") against method="loop".

Both methods compute equation 3 by evaluating the cost at every perturbed point
theta +- epsilon e_i and subtracting the two costs. "loop" runs one whole
forward pass per evaluation (254 for the network below); "batched" moves one
row of Z[l] per perturbation and runs the layers above for all perturbations of
that row at once.

Setting: the notes' regularization network [2, 20, 3, 1] (127 parameters) on
the 211 training examples of nn_lib.make_regularization_data(seed=1), at the
parameters reached after 200 steps of full-batch gradient descent (learning
rate 0.3) from nn_lib.initialize_parameters(seed=0) (so
the biases are not zero), epsilon 1e-7. The two methods run interleaved in
this process, gc.collect() before each call (every call starts cold).

Target: batched at least 8x faster than loop (time ratio <= 0.125). Printed
besides, not the verdict: the same ratio without the collector's sweep before
each call (collector disabled during the rounds, as timeit does).

Accuracy, reported beside:

(a) Correct gradient (nn_lib's backward pass): both methods must pass the 1e-7
    threshold, and max |gradapprox_batched - gradapprox_loop| must stay within
    a few times the loop's own rounding noise, eps_machine * J / epsilon per
    entry (each quotient subtracts two costs that share their leading digits).
(b) Planted bug, dW2 multiplied by 2: the two differences must agree to 1e-6
    relative and name the same worst block.

Exit code 1 if an accuracy check fails; a missed speed target only prints MISSED.

Run: python bench/gradient_check.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import nn_lib
import reference

LAYER_DIMS = [2, 20, 3, 1]
TARGET_SPEEDUP = 8.0
EPSILON = 1e-7
NOISE_FACTOR = 4.0  # batched and loop round differently: allow a few times one side's noise
AGREEMENT_RELATIVE = 1e-6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    X, Y, _, _ = nn_lib.make_regularization_data(seed=1)
    # 200 full-batch steps of the notes-style reference (nn_lib.train does the same steps).
    parameters, _ = reference.train_gd(X, Y, nn_lib.initialize_parameters(LAYER_DIMS, seed=0),
                                       learning_rate=0.3, num_iterations=200)
    size = sum(value.size for value in parameters.values())
    print(f"gradient_check: [2, 20, 3, 1] ({size} parameters), {X.shape[1]} examples, "
          f"epsilon {EPSILON:g}, parameters after 200 gradient-descent steps from seed 0, "
          f"{args.repeats} repeats")
    print(f"machine: {reference.machine_description()}")
    print(f"nn_lib: {reference.source_revision()}")

    results = {}

    def run(method):
        def call():
            results[method] = nn_lib.check_gradients(parameters, X, Y, epsilon=EPSILON,
                                                     method=method)
        return call

    wall, cpu = reference.interleaved_times({"loop": run("loop"), "batched": run("batched")},
                                            args.repeats)
    reference.report_ratio(wall, cpu, 1 / TARGET_SPEEDUP, candidate="batched", baseline="loop")
    warm_wall, warm_cpu = reference.interleaved_times(
        {"loop": run("loop"), "batched": run("batched")}, args.repeats, collect_before_each=False)
    print(f"without a collector sweep before each call (not the verdict): speed-up "
          f"{np.median(warm_wall['loop']) / np.median(warm_wall['batched']):.1f}x wall clock, "
          f"{np.median(warm_cpu['loop']) / np.median(warm_cpu['batched']):.1f}x CPU time (medians)")

    # (a) correct gradient
    loop, batched = results["loop"], results["batched"]
    _, cache = nn_lib.forward_propagation(X, parameters)
    cost = nn_lib.compute_cost_from_logits(cache.Z[-1], Y)
    noise = np.finfo(np.float64).eps * cost / EPSILON
    gap = float(np.max(np.abs(batched.gradapprox - loop.gradapprox)))
    both_pass = loop.passed and batched.passed
    close = gap <= NOISE_FACTOR * noise
    print("(a) correct gradient (nn_lib's backward pass):")
    print(f"  difference loop {loop.difference:.3e}, batched {batched.difference:.3e} "
          f"(threshold {loop.threshold:g}): {'both pass' if both_pass else 'FAILED'}")
    print(f"  the loop's rounding noise per entry: eps_machine * J / epsilon = {noise:.1e} "
          f"(J = {cost:.4f}); largest |gradapprox| {np.abs(loop.gradapprox).max():.2e}")
    print(f"  max |gradapprox_batched - gradapprox_loop| = {gap:.2e} = {gap / noise:.2f} x noise "
          f"({'within' if close else 'NOT within'} {NOISE_FACTOR:g} x noise)")

    # (b) planted bug
    grads = nn_lib.backward_propagation(Y, cache)
    grads["dW2"] = 2 * grads["dW2"]
    buggy = {method: nn_lib.check_gradients(parameters, X, Y, epsilon=EPSILON, grads=grads,
                                            method=method)
             for method in ("loop", "batched")}
    a, b = buggy["loop"].difference, buggy["batched"].difference
    planted = abs(a - b) / max(a, b)
    planted_ok = (planted <= AGREEMENT_RELATIVE
                  and buggy["loop"].worst_block == buggy["batched"].worst_block == "W2")
    print("(b) planted bug (dW2 multiplied by 2):")
    print(f"  difference loop {a:.10e}, batched {b:.10e}; worst block "
          f"{buggy['loop'].worst_block} / {buggy['batched'].worst_block}")
    print(f"  relative disagreement: {planted:.2e} (must be <= {AGREEMENT_RELATIVE:g}): "
          f"{'ok' if planted_ok else 'FAILED'}")
    return 0 if both_pass and close and planted_ok else 1


if __name__ == "__main__":
    sys.exit(main())
