"""Plain NumPy reference implementations that the benchmarks time nn_lib against.

Written the straightforward way the notes' code is written: parameters in a dict
``W1, b1, ..., WL, bL``, a forward pass that keeps a cache, a cost computed from
the sigmoid output, a backward pass, and an update loop over the layers with
string keys. No input checks, no flattening, no tricks: this is the code a
reader of the notes would write, and nn_lib has to be at least as fast.

Nothing from nn_lib is imported here. The end of the file holds the helpers
the benchmark scripts share: interleaved timing, the machine description and
the report of a ratio.
"""

from __future__ import annotations

import datetime
import gc
import os
import platform
import subprocess
import time
from pathlib import Path

import numpy as np


def relu(Z):
    return np.maximum(0, Z)


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def forward(X, parameters):
    """LINEAR->RELU x (L-1) -> LINEAR->SIGMOID; returns the output and the cache."""
    L = len(parameters) // 2
    A = X
    caches = [(None, X)]  # caches[l] = (Z_l, A_l); A_0 = X
    for l in range(1, L + 1):
        Z = np.dot(parameters["W" + str(l)], A) + parameters["b" + str(l)]
        A = sigmoid(Z) if l == L else relu(Z)
        caches.append((Z, A))
    return A, caches


def compute_cost(AL, Y):
    """Cross-entropy, equation 1 of the notes."""
    m = Y.shape[1]
    logprobs = np.multiply(-np.log(AL), Y) + np.multiply(-np.log(1 - AL), 1 - Y)
    return 1.0 / m * np.sum(logprobs)


def backward(Y, caches, parameters):
    L = len(parameters) // 2
    m = Y.shape[1]
    grads = {}
    dZ = caches[L][1] - Y
    for l in range(L, 0, -1):
        A_prev = caches[l - 1][1]
        grads["dW" + str(l)] = 1.0 / m * np.dot(dZ, A_prev.T)
        grads["db" + str(l)] = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
        if l > 1:
            dA_prev = np.dot(parameters["W" + str(l)].T, dZ)
            dZ = dA_prev * (caches[l - 1][0] > 0)
    return grads


def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


def train_gd(X, Y, parameters, learning_rate=0.3, num_iterations=30000, record_every=1000):
    """Full-batch gradient descent as in the notes' model(): the cost is computed on
    every iteration and recorded every ``record_every`` iterations."""
    parameters = {key: value.copy() for key, value in parameters.items()}
    costs = []
    for i in range(num_iterations):
        AL, caches = forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = backward(Y, caches, parameters)
        parameters = update_parameters(parameters, grads, learning_rate)
        if i % record_every == 0:
            costs.append(cost)
    return parameters, costs


def random_mini_batches(X, Y, mini_batch_size, rng):
    """Shuffle the columns, then cut them into batches (the last one smaller)."""
    m = X.shape[1]
    permutation = rng.permutation(m)
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation]
    mini_batches = []
    for k in range(0, m, mini_batch_size):
        mini_batches.append((shuffled_X[:, k:k + mini_batch_size],
                             shuffled_Y[:, k:k + mini_batch_size]))
    return mini_batches


def initialize_adam(parameters):
    L = len(parameters) // 2
    v, s = {}, {}
    for l in range(1, L + 1):
        for name in ("W" + str(l), "b" + str(l)):
            v["d" + name] = np.zeros(parameters[name].shape)
            s["d" + name] = np.zeros(parameters[name].shape)
    return v, s


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01,
                                beta1=0.9, beta2=0.999, epsilon=1e-8):
    """Adam as the notes write it, with their two bugs fixed: the second moment is
    corrected with beta2, and epsilon is added after the square root."""
    L = len(parameters) // 2
    v_corrected, s_corrected = {}, {}
    for l in range(1, L + 1):
        for name in ("W" + str(l), "b" + str(l)):
            g = grads["d" + name]
            v["d" + name] = beta1 * v["d" + name] + (1 - beta1) * g
            v_corrected["d" + name] = v["d" + name] / (1 - beta1 ** t)
            s["d" + name] = beta2 * s["d" + name] + (1 - beta2) * np.square(g)
            s_corrected["d" + name] = s["d" + name] / (1 - beta2 ** t)
            parameters[name] = parameters[name] - learning_rate * v_corrected["d" + name] / (
                np.sqrt(s_corrected["d" + name]) + epsilon)
    return parameters, v, s


def train_adam(X, Y, parameters, learning_rate=0.0007, mini_batch_size=64, num_epochs=5000,
               rng=None, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """Mini-batch Adam as in the notes' optimization model(): shuffle and partition
    every epoch, and for every batch forward, cost, backward and an Adam step.
    Returns the parameters, the per-epoch average costs and the step counter t."""
    parameters = {key: value.copy() for key, value in parameters.items()}
    v, s = initialize_adam(parameters)
    t = 0
    m = X.shape[1]
    costs = []
    for epoch in range(num_epochs):
        cost_total = 0.0
        for batch_X, batch_Y in random_mini_batches(X, Y, mini_batch_size, rng):
            AL, caches = forward(batch_X, parameters)
            cost_total += compute_cost(AL, batch_Y) * batch_X.shape[1]
            grads = backward(batch_Y, caches, parameters)
            t = t + 1
            parameters, v, s = update_parameters_with_adam(parameters, grads, v, s, t,
                                                           learning_rate, beta1, beta2, epsilon)
        costs.append(cost_total / m)
    return parameters, costs, t


# --- Helpers shared by the benchmark scripts ---

def max_difference(a, b):
    """Largest absolute difference between two parameter dicts with the same keys."""
    return max(float(np.max(np.abs(a[key] - b[key]))) for key in a)


def interleaved_times(functions, repeats, collect_before_each=True):
    """Call each function of the dict ``functions`` once per round, ``repeats``
    rounds, alternating the order every round.

    With ``collect_before_each`` (the default, used for every verdict),
    ``gc.collect()`` runs before each call, so that no call pays for collecting
    another's garbage; the collector's sweep also evicts the caches, so every
    call starts cold. Without it, the collector runs once before the first
    round and is disabled during the rounds, as :mod:`timeit` does.

    Returns ``(wall, cpu)``, two dicts ``{name: [seconds, ...]}``: elapsed time
    (time.perf_counter) and this process's CPU time (time.process_time). On a
    machine shared with other work the CPU time is the steadier of the two: it
    does not count the time the process waits for a core."""
    names = list(functions)
    wall = {name: [] for name in names}
    cpu = {name: [] for name in names}
    if not collect_before_each:
        gc.collect()
        gc.disable()
    try:
        for r in range(repeats):
            for name in (names if r % 2 == 0 else names[::-1]):
                if collect_before_each:
                    gc.collect()
                start, start_cpu = time.perf_counter(), time.process_time()
                functions[name]()
                wall[name].append(time.perf_counter() - start)
                cpu[name].append(time.process_time() - start_cpu)
    finally:
        gc.enable()
    return wall, cpu


def machine_description():
    """One line: CPU model, logical cores, Python and NumPy versions, date, 1-minute load."""
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        load = f", load average {os.getloadavg()[0]:.1f}"
    except OSError:
        load = ""
    return (f"{cpu}, {os.cpu_count()} logical cores, Python {platform.python_version()}, "
            f"NumPy {np.__version__}, {datetime.date.today().isoformat()}{load}")


def source_revision():
    """The git commit of the tree holding bench/, and whether nn_lib/ has uncommitted changes."""
    top = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=top,
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "nn_lib"], cwd=top,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown revision"
    return f"commit {commit}" + (" + uncommitted changes in nn_lib/" if dirty else "")


def report_ratio(wall, cpu, target, per=1, unit="ms", scale=1e3, candidate="nn_lib",
                 baseline="reference"):
    """Print the median and min times of both sides and the ratio candidate/baseline.

    ``wall`` and ``cpu`` come from :func:`interleaved_times`; every time is
    divided by ``per`` (epochs per run, say) and shown in ``unit`` (``scale``
    units per second). The ratio is given as the ratio of the medians, of the
    minima, and as the median of the per-round ratios (the two sides of one
    round ran back to back and saw the same machine load). The verdict is the
    ratio of the wall-clock medians; the CPU-time ratio is printed beside it."""
    for kind, times in (("wall", wall), ("cpu", cpu)):
        for name in (baseline, candidate):
            ts = np.array(times[name]) / per
            print(f"  {kind:<4} {name:<11} median {np.median(ts) * scale:10.3f} {unit}   "
                  f"min {np.min(ts) * scale:10.3f} {unit}")
    ratios = {}
    for kind, times in (("wall", wall), ("cpu", cpu)):
        a, b = np.array(times[candidate]), np.array(times[baseline])
        ratios[kind] = float(np.median(a) / np.median(b))
        print(f"  {kind} ratio {candidate}/{baseline}: {ratios[kind]:.3f} (medians), "
              f"{np.min(a) / np.min(b):.3f} (minima), {np.median(a / b):.3f} (median of "
              f"paired rounds); speed-up {1 / ratios[kind]:.1f}x")
    print(f"  target ratio <= {target:g}: {'met' if ratios['wall'] <= target else 'MISSED'} "
          f"(wall-clock medians {ratios['wall']:.3f}; CPU-time medians {ratios['cpu']:.3f}: "
          f"{'met' if ratios['cpu'] <= target else 'missed'})")


def report_aside(wall, cpu, name, description, baseline="reference"):
    """Print the ratio name/baseline of the medians, marked as not the verdict."""
    ratios = {kind: np.median(times[name]) / np.median(times[baseline])
              for kind, times in (("wall", wall), ("cpu", cpu))}
    print(f"  not the verdict: {description} / {baseline}: {ratios['wall']:.3f} wall, "
          f"{ratios['cpu']:.3f} CPU (medians)")
