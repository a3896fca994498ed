"""Time nn_lib.check_gradients(method="vectorized") against method="loop".

The notes' regularization network [2, 20, 3, 1] (127 parameters, so 254 cost
evaluations for the loop) on the 211 training examples of
nn_lib.make_regularization_data(seed=1), at the parameters reached after 200
epochs of GradientDescent(0.3) from seed 0 (so the biases are not zero).
The two methods run interleaved in this process.

Target: vectorized at least 20x faster than loop (time ratio <= 0.05).

Accuracy, reported in two cases:

(a) Correct gradient (nn_lib's backward pass). Both differences sit at the
    rounding-noise level of two-sided differences, about
    eps_machine * |J| / epsilon per component. The two methods sum the same
    terms in a different order, so their noise differs: their differences need
    not agree to 1e-6 relative, and the script says whether they do without
    failing on it. It checks that both pass the 1e-7 threshold, and reports the
    relative distance between the two gradapprox vectors, which is what shows
    that they compute the same finite differences.
(b) Planted bug: the gradient with dW2 multiplied by 2. The difference is then
    dominated by the bug, not by noise, and the two methods must agree to 1e-6
    relative.

Exit code 1 if (a) does not pass for both methods or (b) does not agree.

Floor. The script also times, in the same process, two things that any
vectorized NumPy check has to do: the part of check_gradients that does not
depend on the method (input checks, the forward and backward passes, equation 4
per block), and one float64 exponential for every logit that a perturbation
moves (counted by running the 2 P perturbed networks; an exact cross-entropy
needs at least one transcendental function for each of them, while an example
whose logit does not move adds exactly nothing to the numerator of equation 3).
Their sum bounds the speed-up from above.

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


def moved_logits(parameters, X):
    """How many (perturbed network, example) logits differ from the unperturbed ones.

    An example whose logit does not move adds exactly nothing to J(+) - J(-), so
    an exact check needs a transcendental function only for the moved ones."""
    theta, layout = nn_lib.dictionary_to_vector(parameters)
    _, cache = nn_lib.forward_propagation(X, parameters)
    moved = 0
    for i in range(theta.size):
        for sign in (1.0, -1.0):
            bumped = theta.copy()
            bumped[i] += sign * EPSILON
            _, bumped_cache = nn_lib.forward_propagation(
                X, nn_lib.vector_to_dictionary(bumped, layout))
            moved += int(np.count_nonzero(bumped_cache.Z[-1] != cache.Z[-1]))
    return moved


def floor(parameters, X, Y, size, loop_wall, repeats):
    """Print the lower bound described in the module docstring."""
    module = sys.modules["nn_lib.gradient_checking"]
    moved = moved_logits(parameters, X)
    logits = np.linspace(-3.0, 3.0, moved)
    original = module._gradapprox_vectorized
    module._gradapprox_vectorized = lambda *args: np.zeros(size)
    try:
        wall, _ = reference.interleaved_times({
            "shared": lambda: nn_lib.check_gradients(parameters, X, Y),
            "exp": lambda: np.exp(logits)}, repeats)
    finally:
        module._gradapprox_vectorized = original
    shared, exp = (float(np.median(wall[name])) for name in ("shared", "exp"))
    loop = float(np.median(loop_wall))
    print(f"floor: the method-independent part of check_gradients {shared * 1e3:.3f} ms + "
          f"one exponential for each of the {moved} moved logits (of {2 * size * X.shape[1]}) "
          f"{exp * 1e3:.3f} ms = {(shared + exp) * 1e3:.3f} ms; loop {loop * 1e3:.3f} ms "
          f"({loop / (2 * size) * 1e6:.0f} us per cost evaluation): no vectorized NumPy check "
          f"can be more than {loop / (shared + exp):.1f}x faster here")


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

    floor(parameters, X, Y, size, wall["loop"], args.repeats)

    # (a) correct gradient
    loop, vectorized = results["loop"], results["vectorized"]
    _, cache = nn_lib.forward_propagation(X, parameters)
    cost = nn_lib.compute_cost_from_logits(cache.Z[-1], Y)
    noise = np.finfo(np.float64).eps * cost / EPSILON
    disagreement = relative(loop.difference, vectorized.difference)
    distance = float(np.linalg.norm(vectorized.gradapprox - loop.gradapprox)
                     / np.linalg.norm(loop.gradapprox))
    expected = float(np.sqrt(size) * noise / np.linalg.norm(loop.grad))
    both_pass = loop.passed and vectorized.passed
    print("(a) correct gradient (nn_lib's backward pass):")
    print(f"  difference loop {loop.difference:.6e}, vectorized {vectorized.difference:.6e} "
          f"(threshold {loop.threshold:g}): {'both pass' if both_pass else 'FAILED'}")
    print(f"  relative disagreement of the two differences: {disagreement:.2e} "
          f"({'within' if disagreement <= AGREEMENT_RELATIVE else 'not within'} "
          f"{AGREEMENT_RELATIVE:g}; not required: both differences are rounding noise)")
    print(f"  rounding noise per component: eps_machine * J / epsilon = {noise:.1e} "
          f"(J = {cost:.4f})")
    print(f"  over all {size} components, relative to |grad| = {np.linalg.norm(loop.grad):.3e}: "
          f"sqrt(P) * noise / |grad| = {expected:.1e}")
    print(f"  relative distance between the two gradapprox vectors: {distance:.2e} "
          f"(the same finite differences up to that noise: "
          f"{'yes' if distance <= expected else 'NO'})")

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
    return 0 if both_pass and planted_ok else 1


if __name__ == "__main__":
    sys.exit(main())
