"""Run every speed benchmark in bench/, one after the other, each in its own process.

With --runs N the four benchmarks run N times in turn, each time in fresh
processes, and a summary gives every headline ratio of every run and their
median. One run does not settle a ratio on this machine: two processes of the
same code, minutes apart, measured 1.16 and 1.45 for train_step (bench/README.md),
so a target is judged on the median over several runs.

Exit code 1 if any benchmark exited non-zero: one of its accuracy or agreement
checks failed, or it crashed. A missed speed target does not change the exit
code; read the printed verdicts.

Run: python bench/run_all.py [--runs 5]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
from pathlib import Path

BENCHMARKS = ["train_step.py", "adam_epoch.py", "gradient_check.py", "import_time.py"]

# The headline lines printed by reference.report_ratio, reference.report_aside and
# import_time.py, as (label, pattern): the last group is the value, a first group the target.
RATIO = r"target ratio <= ([\d.]+): .*wall-clock medians ([\d.]+)"
BARE_LOOP = r"not the verdict: .*reference: ([\d.]+) wall"
HEADLINES = {
    "train_step.py": [("nn_lib/reference", RATIO), ("bare core loop/reference", BARE_LOOP)],
    "adam_epoch.py": [("nn_lib/reference", RATIO), ("bare core loop/reference", BARE_LOOP)],
    "gradient_check.py": [("batched/loop", RATIO)],
    "import_time.py": [("import nn_lib, s",
                        r"target: import nn_lib median < ([\d.]+) s: .*wall clock ([\d.]+) s")],
}


def headline_values(name: str, output: str) -> dict[str, tuple[float, float | None]]:
    """Each headline of one benchmark's output: label -> (value, target or None)."""
    values = {}
    for label, pattern in HEADLINES[name]:
        found = re.search(pattern, output)
        if found is None:
            raise RuntimeError(f"{name}: no line matching {pattern!r} in its output")
        numbers = [float(group) for group in found.groups()]
        values[label] = (numbers[-1], numbers[0] if len(numbers) == 2 else None)
    return values


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1,
                        help="run the four benchmarks this many times and summarize the medians")
    args = parser.parse_args()
    here = Path(__file__).resolve().parent
    failed = []
    values: dict[tuple[str, str], list[float]] = {}
    targets: dict[tuple[str, str], float | None] = {}
    for run in range(args.runs):
        for name in BENCHMARKS:
            print(f"=== python bench/{name}" + (f" (run {run + 1} of {args.runs})"
                                                if args.runs > 1 else ""), flush=True)
            done = subprocess.run([sys.executable, str(here / name)], capture_output=True,
                                  text=True)
            print(done.stdout, end="")
            print(done.stderr, end="", file=sys.stderr)
            if done.returncode != 0:
                failed.append(f"{name} (exit code {done.returncode})")
            else:
                for label, (value, target) in headline_values(name, done.stdout).items():
                    values.setdefault((name, label), []).append(value)
                    targets[name, label] = target
            print(flush=True)
    if args.runs > 1 and values:
        print(f"=== summary of {args.runs} runs: the headline of each run, and their median")
        for (name, label), run_values in values.items():
            median = statistics.median(run_values)
            target = targets[name, label]
            strict = name == "import_time.py"      # its target is "< 0.2 s", the others "<="
            met = target is not None and (median < target if strict else median <= target)
            verdict = ("" if target is None else f"  target {'<' if strict else '<='} {target:g}: "
                                                 f"{'met' if met else 'MISSED'}")
            print(f"  {name:<18} {label:<25} {', '.join(f'{v:.3f}' for v in run_values)}"
                  f"  median {median:.3f}{verdict}")
    if failed:
        print(f"failed (a check failed or the script crashed): {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
