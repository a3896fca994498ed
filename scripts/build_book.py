"""Build the book: execute the chapters in parallel, then run ``jupyter-book build``.

Jupyter Book 1 executes notebooks one after the other while Sphinx reads them,
and Sphinx cannot read in parallel here (some extensions do not declare
themselves parallel-safe). This script fills the book's execution cache first,
running the chapters whose code changed on all cores at once, with the same
reader, runner and settings myst-nb uses; ``jupyter-book build`` then finds
every chapter in the cache, exactly as after a previous build. A chapter that
fails is left out of the cache, so the build runs it again and reports the
error the usual way.

Usage::

    python scripts/build_book.py [--path-output DIR] [--jobs N] [-- extra jupyter-book arguments]

The build is strict: warnings are errors (``-W --keep-going``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution
from myst_nb.core.read import is_myst_markdown_notebook, read_myst_markdown_notebook

ROOT = Path(__file__).resolve().parent.parent


def chapter_paths() -> list[Path]:
    """The MyST notebooks listed in _toc.yml."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]
    stack = list(toc.get("parts", [])) + list(toc.get("chapters", []))
    while stack:
        entry = stack.pop()
        if "file" in entry:
            names.append(entry["file"])
        stack.extend(entry.get("chapters", []) + entry.get("sections", []))
    paths = [ROOT / f"{name}.md" for name in names]
    return sorted(path for path in paths
                  if path.exists() and is_myst_markdown_notebook(path.read_text(encoding="utf-8")))


def execute(path: Path, timeout: int) -> tuple[Path, object, float, str | None]:
    notebook = read_myst_markdown_notebook(path.read_text(encoding="utf-8"), path=path)
    result = single_nb_execution(notebook, cwd=str(path.parent), timeout=timeout,
                                 allow_errors=False, meta_override=True)
    error = None if result.err is None else f"{type(result.err).__name__}: {result.err}"
    return path, notebook, result.time, error


def fill_cache(cache_path: Path, jobs: int, timeout: int) -> None:
    cache = get_cache(str(cache_path))
    pending = []
    for path in chapter_paths():
        notebook = read_myst_markdown_notebook(path.read_text(encoding="utf-8"), path=path)
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            pending.append(path)
    if not pending:
        print("build_book: every chapter is in the execution cache")
        return
    # Longest chapters first, so that the workers finish together.
    pending.sort(key=lambda p: p.stat().st_size, reverse=True)
    print(f"build_book: executing {len(pending)} chapter(s) on {jobs} worker(s)", flush=True)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for path, notebook, seconds, error in pool.map(execute, pending, [timeout] * len(pending)):
            name = path.relative_to(ROOT)
            if error is not None:
                print(f"build_book: {name} failed ({error}); the build will run it again",
                      flush=True)
                continue
            record = cache.add_nb_to_project(str(path))
            cache.cache_notebook_bundle(CacheBundleIn(notebook, record.uri,
                                                      data={"execution_seconds": seconds}),
                                        check_validity=False, overwrite=True)
            print(f"build_book: {name} executed in {seconds:.1f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path-output", type=Path, default=ROOT,
                        help="folder that receives _build/ (default: the repository)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="chapters executed at once (default: number of CPUs)")
    parser.add_argument("extra", nargs="*", help="further arguments for jupyter-book build")
    args = parser.parse_args()
    # The "python3" kernel must be this environment's Python, even when a user-wide
    # kernelspec of that name exists; the build's kernels inherit this too.
    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    execute_config = config.get("execute", {})
    started = time.perf_counter()
    if execute_config.get("execute_notebooks") == "cache":
        fill_cache(args.path_output.resolve() / "_build" / ".jupyter_cache", max(1, args.jobs),
                   int(execute_config.get("timeout", 30)))
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [str(jupyter_book), "build", str(ROOT), "--path-output", str(args.path_output),
               "-W", "--keep-going", *args.extra]
    status = subprocess.call(command)
    print(f"build_book: finished in {time.perf_counter() - started:.1f} s", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
