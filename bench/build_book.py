"""Time the book build: a clean build with execution, then a rebuild with nothing changed.

1. Clean: a fresh output folder (so an empty jupyter cache: every chapter
   executes), ``jupyter-book build . --path-output <tmp> -W --keep-going``
   with the book's own configuration (``execute_notebooks: cache``).
2. Rebuild: the same command again on the same output folder, nothing changed
   (Sphinx reads no page, the cache executes nothing).

Targets (2-core machine, issue 11): clean <= 150 s, rebuild <= 10 s. A missed target
does not change the exit code; a failed build does (exit 1).

Run:    python bench/build_book.py            print the results
        python bench/build_book.py --record   also write them into bench/README.md ("Book build")
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLEAN_TARGET_S = 150.0
REBUILD_TARGET_S = 10.0
SECTION = "## Book build"


def jupyter_book() -> str:
    exe = Path(sys.executable).parent / "jupyter-book"
    return str(exe) if exe.exists() else (shutil.which("jupyter-book") or "jupyter-book")


def build(out: Path) -> tuple[float, str]:
    command = [jupyter_book(), "build", str(ROOT), "--path-output", str(out), "-W", "--keep-going"]
    start = time.perf_counter()
    # A fresh folder for nn_lib.notebook.cached, so that the clean build computes the
    # chapters' shared runs (the rebuild executes nothing and reads none).
    env = dict(os.environ, NN_LIB_CACHE=str(out / "nn_lib_cache"))
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    seconds = time.perf_counter() - start
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        print(log[-4000:], file=sys.stderr)
        raise SystemExit(f"jupyter-book build failed (exit {proc.returncode})")
    return seconds, log


def per_chapter(log: str) -> list[tuple[str, float]]:
    return [(Path(p).stem, float(s)) for p, s in re.findall(r"(\S+\.md): Executed notebook in ([\d.]+) seconds", log)]


def main() -> int:
    parser = argparse.ArgumentParser(description="Time a clean book build and a no-change rebuild.")
    parser.add_argument("--record", action="store_true", help="write the results into bench/README.md")
    args = parser.parse_args()

    # matplotlib's one-off font cache build is not part of the book's build time.
    subprocess.run([sys.executable, "-c", "import matplotlib.pyplot"], check=True, capture_output=True)
    with tempfile.TemporaryDirectory(prefix="book-bench-") as tmp:
        out = Path(tmp)
        clean, clean_log = build(out)
        rebuild, rebuild_log = build(out)
    chapters = per_chapter(clean_log)
    rerun = per_chapter(rebuild_log)

    def verdict(value: float, target: float) -> str:
        return "meets the target" if value <= target else "MISSES the target"

    lines = [
        f"- clean build with execution: {clean:.1f} s (target <= {CLEAN_TARGET_S:.0f} s): {verdict(clean, CLEAN_TARGET_S)}",
        f"- rebuild, nothing changed: {rebuild:.1f} s (target <= {REBUILD_TARGET_S:.0f} s): {verdict(rebuild, REBUILD_TARGET_S)}"
        + (f"; it re-executed {len(rerun)} chapter(s)!" if rerun else ""),
        "- chapter execution times in the clean build: "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in sorted(chapters, key=lambda c: -c[1]))
        + f" (sum {sum(s for _, s in chapters):.1f} s)",
    ]
    for line in lines:
        print(line)

    if args.record:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "book", "nn_lib"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        state = f"commit {commit or 'unknown'}" + (" with uncommitted changes in book/ or nn_lib/" if dirty else "")
        body = "\n".join(
            [
                SECTION,
                "",
                "Measured by `python bench/build_book.py --record` (it rewrites this section).",
                "Clean: fresh output folder, empty jupyter cache, every chapter executes;",
                "rebuild: the same command again with nothing changed. `-W --keep-going` both times.",
                "",
                f"Recorded {datetime.date.today().isoformat()} at {state}, on {os.cpu_count()} cores, Python {platform.python_version()}, "
                f"load average {load:.1f} at the end (other work on the machine slows the clean build).",
                "",
                *lines,
                "",
            ]
        )
        readme = ROOT / "bench" / "README.md"
        text = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n\n"
        pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
        if pattern.search(text):
            text = pattern.sub(lambda _: body + "\n", text)
        else:
            text = text.rstrip("\n") + "\n\n" + body
        readme.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
        print(f"recorded in {readme.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
