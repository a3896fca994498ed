"""Run chapters under several book seeds and report every verdict word that changes.

The book promises that a rebuild under another ``NN_LIB_BOOK_SEED`` moves the
numbers and keeps the verdict words (the glued values whose names end in
``_verdict``). ``tests/test_seed_knob.py`` checks four seeds in every test run;
this script checks as many as one asks for, a chapter at a time, without
building the book. It is slow (one to two minutes per seed for all chapters on
two cores, more the first time, when the long training runs are not yet cached),
so it is a script, not a test.

    .venv/bin/python bench/seed_sweep.py 30 31 32                  # every chapter
    .venv/bin/python bench/seed_sweep.py 30-59 --chapters adam dropout
    .venv/bin/python bench/seed_sweep.py 30-39 --glue /tmp/glue   # keep every glued value too

Seed 0 (the book's default) is the reference; it is run first if not listed.
Long training runs are cached in ``NN_LIB_CACHE`` (set it to keep the cache
between runs of this script). Prints one line per chapter and seed, then every
change; exits with status 1 if any verdict changed or any chapter failed. Glued
values that look malformed whatever the seed ("nan", "+0.00 [+0.00, +0.00]",
"1 runs"...) are listed last, as values to look at.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

from myst_nb.core.read import read_myst_markdown_notebook
from nbclient import NotebookClient

BOOK = Path(__file__).resolve().parent.parent / "book"
CHAPTERS = ["why-regularize", "l2-regularization", "dropout", "gradient-checking",
            "mini-batch", "momentum", "adam"]


def glued(chapter: str, seed: int) -> dict[str, str]:
    """Every glued value (as plain text) of one chapter executed under one book seed."""
    nb = read_myst_markdown_notebook((BOOK / f"{chapter}.md").read_text(encoding="utf-8"))
    # The install cell is skipped in the build too.
    nb.cells = [cell for cell in nb.cells
                if "skip-execution" not in cell.get("metadata", {}).get("tags", [])]
    os.environ["NN_LIB_BOOK_SEED"] = str(seed)
    NotebookClient(nb, timeout=1800, resources={"metadata": {"path": str(BOOK)}}).execute()
    found = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook", {})
            if record.get("name"):
                prefix = record.get("mime_prefix", "")
                found[record["name"]] = output["data"].get(prefix + "text/plain", "")
    return found


# Glued text that is almost always a defect of the prose around it, whatever the seed.
SUSPICIOUS = {
    "not a number": re.compile(r"\b(nan|inf)\b", re.IGNORECASE),
    "a NumPy repr": re.compile(r"np\.\w+\(|array\("),
    "a zero-width interval": re.compile(r"(-?\+?[\d.]+) \[\1, \1\]"),
    "a negative zero": re.compile(r"(?<![\d.])-0\.0+(?!\d)"),
    "a singular count with a plural noun": re.compile(
        r"(?<![\d.])1 (runs|seeds|examples|points|units|networks|blocks|draws)\b"),
}


def suspicious(values: dict[str, str]) -> list[tuple[str, str, str]]:
    """``(name, value, reason)`` for every glued value that matches a pattern of SUSPICIOUS."""
    return [(name, value, reason) for name, value in values.items()
            for reason, pattern in SUSPICIOUS.items() if pattern.search(value)]


def seed_list(items: list[str]) -> list[int]:
    """``["3", "10-12"]`` -> ``[3, 10, 11, 12]``."""
    seeds = []
    for item in items:
        first, _, last = item.partition("-")
        seeds.extend(range(int(first), int(last or first) + 1))
    return seeds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", nargs="+", help="book seeds, or ranges such as 30-59")
    parser.add_argument("--chapters", nargs="+", default=CHAPTERS, choices=CHAPTERS)
    parser.add_argument("--glue", type=Path, metavar="DIR",
                        help="also write every glued value to DIR/CHAPTER.seedN.json, to check "
                             "the prose against the numbers of many seeds")
    args = parser.parse_args()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    seeds = [0] + [seed for seed in seed_list(args.seeds) if seed != 0]
    changes, failures, odd = [], [], []
    for chapter in args.chapters:
        reference: dict[str, str] = {}
        for seed in seeds:
            started = time.perf_counter()
            try:
                values = glued(chapter, seed)
            except Exception as error:   # a failing cell: report it and go on
                failures.append((chapter, seed, str(error).strip().splitlines()[-1]))
                print(f"{chapter:18s} seed {seed:3d}: FAILED", flush=True)
                continue
            if args.glue:
                args.glue.mkdir(parents=True, exist_ok=True)
                (args.glue / f"{chapter}.seed{seed}.json").write_text(
                    json.dumps(values, indent=1, ensure_ascii=False), encoding="utf-8")
            odd += [(chapter, seed, *item) for item in suspicious(values)]
            found = {name: value for name, value in values.items() if name.endswith("_verdict")}
            if seed == 0:
                reference = found
            changed = sorted(name for name in reference.keys() | found.keys()
                             if reference.get(name) != found.get(name))
            changes += [(chapter, seed, name, reference.get(name), found.get(name))
                        for name in changed]
            print(f"{chapter:18s} seed {seed:3d}: {len(found)} verdicts, "
                  f"{len(changed)} changed ({time.perf_counter() - started:.0f} s)", flush=True)
    for chapter, seed, name, before, after in changes:
        print(f"CHANGED {chapter} seed {seed}: {name}: {before} -> {after}")
    for chapter, seed, message in failures:
        print(f"FAILED {chapter} seed {seed}: {message}")
    for chapter, seed, name, value, reason in odd:    # worth a look, not a failure
        print(f"LOOK AT {chapter} seed {seed}: {name} = {value} ({reason})")
    return 1 if changes or failures else 0


if __name__ == "__main__":
    sys.exit(main())
