"""Time nn_lib.check_gradients(method="vectorized") against method="loop".

The notes' regularization network [2, 20, 3, 1] (127 parameters, so 254 cost
evaluations for the loop) on the 211 training examples of
nn_lib.make_regularization_data(seed=1), at the parameters reached after 200
epochs of GradientDescent(0.3) from seed 0 (so the biases are not zero).
The two methods run interleaved in this process.

Target: vectorized at least 20x faster than loop (time ratio <= 0.05), with the
protocol of every benchmark here: gc.collect() before each call, so every call
starts with cold caches.

Printed besides, not part of the verdict:

- The same ratio without a collector sweep before each call (the collector
  disabled during the rounds, as timeit does), where each call starts with
  whatever the previous one left in the caches.
- The shared part: check_gradients with the finite differences replaced by
  zeros (input checks, one forward and one backward pass, equation 4 per
  block), timed like the methods. Both methods pay it, so loop / shared bounds
  the speed-up of any method from above.

Accuracy, reported in two cases:

(a) Correct gradient (nn_lib's backward pass). Both must pass the 1e-7
    threshold. The loop subtracts two costs that agree in their leading
    digits, so each component of its gradapprox carries rounding noise of
    about eps_machine * J / epsilon; the vectorized check evaluates equation 3
    without that subtraction (the tests compare it with the same quotient in
    exact rational arithmetic), so its difference is much smaller and the two
    differences need not agree. The script reports the distance between the
    two gradapprox vectors against the loop's noise.
(b) Planted bug: the gradient with dW2 multiplied by 2. The difference is then
    dominated by the bug, and the two methods must agree to 1e-6 relative.

Exit code 1 if (a) does not pass for both methods, if the two gradapprox
vectors are farther apart than the loop's noise, or if (b) does not agree.

Run: python bench/gradient_check.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import nn_lib
import reference

LAYER_DIMS = [2, 20, 3, 1]
TARGET_SPEEDUP = 20.0
AGREEMENT_RELATIVE = 1e-6
EPSILON = 1e-7


def relative(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b))


def speed_up(wall, name="vectorized"):
    """Ratio of the loop's median time to ``name``'s."""
    return float(np.median(wall["loop"]) / np.median(wall[name]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    X, Y, _, _ = nn_lib.make_regularization_data(seed=1)
    parameters = nn_lib.train(X, Y, LAYER_DIMS, nn_lib.GradientDescent(0.3), num_epochs=200,
                              seed=0).parameters
    size = sum(value.size for value in parameters.values())
    print(f"gradient_check: [2, 20, 3, 1] ({size} parameters), {X.shape[1]} examples, "
          f"epsilon {EPSILON:g}, parameters after 200 epochs from seed 0, {args.repeats} repeats")
    print(f"machine: {reference.machine_description()}")
    print(f"nn_lib: {reference.source_revision()}")

    results = {}

    def run(method):
        def call():
            results[method] = nn_lib.check_gradients(parameters, X, Y, epsilon=EPSILON,
                                                     method=method)
        return call

    wall, cpu = reference.interleaved_times({"loop": run("loop"), "vectorized": run("vectorized")},
                                            args.repeats)
    reference.report_ratio(wall, cpu, 1 / TARGET_SPEEDUP, candidate="vectorized",
                           baseline="loop")

    module = sys.modules["nn_lib.gradient_checking"]
    original = module._gradapprox_vectorized
    module._gradapprox_vectorized = lambda *arguments: np.zeros(size)
    try:
        shared_wall, _ = reference.interleaved_times(
            {"loop": run("loop"), "shared": lambda: nn_lib.check_gradients(parameters, X, Y)},
            args.repeats)
    finally:
        module._gradapprox_vectorized = original
    shared = float(np.median(shared_wall["shared"]))
    print(f"shared part (checks, forward and backward pass, equation 4): {shared * 1e3:.3f} ms "
          f"per cold call, so no method can be more than {speed_up(shared_wall, 'shared'):.1f}x "
          f"faster than the loop here")
    warm_wall, _ = reference.interleaved_times(
        {"loop": run("loop"), "vectorized": run("vectorized")}, args.repeats,
        collect_before_each=False)
    print(f"without a collector sweep before each call: loop "
          f"{np.median(warm_wall['loop']) * 1e3:.3f} ms, vectorized "
          f"{np.median(warm_wall['vectorized']) * 1e3:.3f} ms (medians), "
          f"speed-up {speed_up(warm_wall):.1f}x (not the verdict)")

    # (a) correct gradient
    loop, vectorized = results["loop"], results["vectorized"]
    _, cache = nn_lib.forward_propagation(X, parameters)
    cost = nn_lib.compute_cost_from_logits(cache.Z[-1], Y)
    noise = np.finfo(np.float64).eps * cost / EPSILON
    distance = float(np.linalg.norm(vectorized.gradapprox - loop.gradapprox)
                     / np.linalg.norm(loop.gradapprox))
    expected = float(np.sqrt(size) * noise / np.linalg.norm(loop.grad))
    both_pass = loop.passed and vectorized.passed
    close = distance <= expected
    print("(a) correct gradient (nn_lib's backward pass):")
    print(f"  difference loop {loop.difference:.6e}, vectorized {vectorized.difference:.6e} "
          f"(threshold {loop.threshold:g}): {'both pass' if both_pass else 'FAILED'}")
    print(f"  the loop's rounding noise per component: eps_machine * J / epsilon = {noise:.1e} "
          f"(J = {cost:.4f}), over all {size} components sqrt(P) * noise / |grad| = {expected:.1e}")
    print(f"  relative distance between the two gradapprox vectors: {distance:.2e} "
          f"({'within' if close else 'NOT within'} the loop's noise)")

    # (b) planted bug
    grads = nn_lib.backward_propagation(Y, cache)
    grads["dW2"] = 2 * grads["dW2"]
    buggy = {method: nn_lib.check_gradients(parameters, X, Y, epsilon=EPSILON, grads=grads,
                                            method=method)
             for method in ("loop", "vectorized")}
    planted = relative(buggy["loop"].difference, buggy["vectorized"].difference)
    planted_ok = planted <= AGREEMENT_RELATIVE
    print("(b) planted bug (dW2 multiplied by 2):")
    print(f"  difference loop {buggy['loop'].difference:.10e}, "
          f"vectorized {buggy['vectorized'].difference:.10e}; worst block "
          f"{buggy['loop'].worst_block} / {buggy['vectorized'].worst_block}")
    print(f"  relative disagreement: {planted:.2e} (must be <= {AGREEMENT_RELATIVE:g}): "
          f"{'ok' if planted_ok else 'FAILED'}")
    return 0 if both_pass and close and planted_ok else 1


if __name__ == "__main__":
    sys.exit(main())
