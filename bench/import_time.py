"""Time `import nn_lib` in fresh Python processes.

Each measurement starts a new interpreter (this one, sys.executable) that
times the import statement with time.perf_counter (wall clock) and
time.process_time (CPU time, steadier on a busy machine) and prints both.
Three kinds of process run interleaved, after one discarded warm-up each (so
that bytecode caches exist; PYTHONDONTWRITEBYTECODE is removed from their
environment for that):

* `import numpy` alone, for reference: NumPy is most of nn_lib's import time;
* `import nn_lib` (which imports NumPy);
* `import nn_lib` in a process that imported NumPy first: nn_lib's own share.

Target: median wall-clock time of `import nn_lib` under 0.2 s. The script also reports
whether matplotlib got imported (it must not be: nn_lib.plotting imports it
lazily) and, from one `python -X importtime` run, the slowest imports that\nnn_lib adds to a process that already has NumPy.

Run: python bench/import_time.py [--repeats 11]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import numpy as np

import reference

TARGET = 0.2

TIMER = ("import sys, time\n{before}\n"
         "start, start_cpu = time.perf_counter(), time.process_time()\nimport {module}\n"
         "print(time.perf_counter() - start, time.process_time() - start_cpu, "
         "'matplotlib' in sys.modules)\n")

CASES = {
    "import numpy": TIMER.format(before="", module="numpy"),
    "import nn_lib": TIMER.format(before="", module="nn_lib"),
    "nn_lib after numpy": TIMER.format(before="import numpy", module="nn_lib"),
}


# The warm-up must leave bytecode caches behind, as an installed package has them
# (pip compiles them); where PYTHONDONTWRITEBYTECODE forbids writing them, every
# run would time the compilation of every module instead of the import.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def run(code: str) -> tuple[float, float, bool]:
    """Wall-clock and CPU seconds of the import, and whether matplotlib got imported."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=ENV).stdout.split()
    return float(out[0]), float(out[1]), out[2] == "True"


def slowest_imports(runs: int = 5, count: int = 8) -> list[tuple[int, int, str]]:
    """(cumulative us, self us, module) of the slowest imports that `import nn_lib` adds
    to a process that has imported NumPy, from `python -X importtime` (wall clock,
    so the smallest of ``runs`` runs is kept for each module)."""
    best: dict[str, tuple[int, int]] = {}
    for _ in range(runs):
        stderr = subprocess.run([sys.executable, "-X", "importtime", "-c",
                                 "import numpy; import nn_lib"],
                                capture_output=True, text=True, check=True, env=ENV).stderr
        after_numpy = False
        for line in stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, cumulative_us, name = line[len("import time:"):].split("|")
            if after_numpy:
                name = name.rstrip()
                old = best.get(name, (sys.maxsize, sys.maxsize))
                best[name] = (min(old[0], int(cumulative_us)), min(old[1], int(self_us)))
            after_numpy |= name.strip() == "numpy" and name.startswith(" numpy")
    return sorted(((c, o, name) for name, (c, o) in best.items()), reverse=True)[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11)
    args = parser.parse_args()
    print(f"import_time: fresh `{sys.executable}` processes, {args.repeats} runs each")
    print(f"machine: {reference.machine_description()}")
    print(f"nn_lib: {reference.source_revision()}")

    matplotlib_seen = False
    for code in CASES.values():  # warm-up
        run(code)
    wall: dict[str, list[float]] = {name: [] for name in CASES}
    cpu: dict[str, list[float]] = {name: [] for name in CASES}
    names = list(CASES)
    for r in range(args.repeats):
        for name in (names if r % 2 == 0 else names[::-1]):
            seconds, cpu_seconds, matplotlib = run(CASES[name])
            wall[name].append(seconds)
            cpu[name].append(cpu_seconds)
            matplotlib_seen |= matplotlib
    for kind, times in (("wall", wall), ("cpu", cpu)):
        for name, ts in times.items():
            print(f"  {kind:<4} {name:<20} median {np.median(ts) * 1e3:7.1f} ms   "
                  f"min {min(ts) * 1e3:7.1f} ms")
    median = float(np.median(wall["import nn_lib"]))
    median_cpu = float(np.median(cpu["import nn_lib"]))
    print(f"  target: import nn_lib median < {TARGET} s: {'met' if median < TARGET else 'MISSED'} "
          f"(wall clock {median:.3f} s; CPU time {median_cpu:.3f} s: "
          f"{'met' if median_cpu < TARGET else 'missed'})")
    print(f"  matplotlib imported by `import nn_lib`: {'YES' if matplotlib_seen else 'no'}")
    print("  slowest imports that nn_lib adds after NumPy (python -X importtime, min of 5 runs):")
    print("    cumulative /  self")
    for cumulative, own, name in slowest_imports():
        print(f"    {cumulative / 1e3:7.1f} ms / {own / 1e3:5.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
