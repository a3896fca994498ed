"""Time `import nn_lib` in fresh Python processes.

Each measurement starts a new interpreter (this one, sys.executable) that
times the import statement with time.perf_counter and prints the seconds.
Three kinds of process run interleaved, after one discarded warm-up each (so
that bytecode caches exist):

* `import numpy` alone, for reference: NumPy is most of nn_lib's import time;
* `import nn_lib` (which imports NumPy);
* `import nn_lib` in a process that imported NumPy first: nn_lib's own share.

Target: median of `import nn_lib` under 0.2 s. The script also reports
whether matplotlib got imported (it must not be: nn_lib.plotting imports it
lazily) and, from one `python -X importtime` run, the slowest imports that\nnn_lib adds to a process that already has NumPy.

Run: python bench/import_time.py [--repeats 11]
"""

from __future__ import annotations

import argparse
import subprocess
import sys

import numpy as np

import reference

TARGET = 0.2

TIMER = ("import sys, time\n{before}\nstart = time.perf_counter()\nimport {module}\n"
         "elapsed = time.perf_counter() - start\n"
         "print(elapsed, 'matplotlib' in sys.modules)\n")

CASES = {
    "import numpy": TIMER.format(before="", module="numpy"),
    "import nn_lib": TIMER.format(before="", module="nn_lib"),
    "nn_lib after numpy": TIMER.format(before="import numpy", module="nn_lib"),
}


def run(code: str) -> tuple[float, bool]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[0]), out[1] == "True"


def slowest_imports(count: int = 8) -> list[tuple[int, int, str]]:
    """(cumulative us, self us, module) of the slowest imports that `import nn_lib` adds
    to a process that has imported NumPy, from one `python -X importtime` run."""
    stderr = subprocess.run([sys.executable, "-X", "importtime", "-c", "import numpy; import nn_lib"],
                            capture_output=True, text=True, check=True).stderr
    rows, after_numpy = [], False
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line[len("import time:"):].split("|")
        if after_numpy:
            rows.append((int(cumulative_us), int(self_us), name.rstrip()))
        after_numpy |= name.strip() == "numpy" and name.startswith(" numpy")
    return sorted(rows, reverse=True)[:count]


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
    times: dict[str, list[float]] = {name: [] for name in CASES}
    names = list(CASES)
    for r in range(args.repeats):
        for name in (names if r % 2 == 0 else names[::-1]):
            seconds, matplotlib = run(CASES[name])
            times[name].append(seconds)
            matplotlib_seen |= matplotlib
    for name, ts in times.items():
        print(f"  {name:<20} median {np.median(ts) * 1e3:7.1f} ms   min {min(ts) * 1e3:7.1f} ms")
    median = float(np.median(times["import nn_lib"]))
    print(f"  import nn_lib median {median:.3f} s; target < {TARGET} s: "
          f"{'met' if median < TARGET else 'MISSED'}")
    print(f"  matplotlib imported by `import nn_lib`: {'YES' if matplotlib_seen else 'no'}")
    print("  slowest imports that nn_lib adds after NumPy (python -X importtime, one run):")
    print("    cumulative /  self")
    for cumulative, own, name in slowest_imports():
        print(f"    {cumulative / 1e3:7.1f} ms / {own / 1e3:5.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
