"""Shared fixtures for the book, notebook, browser and Colab tests.

The whole book is built ONCE per test session (``book_build``), from scratch:
a fresh output folder (so a fresh jupyter cache) and ``execute_notebooks:
force``, with warnings as errors. The build tests, the offline-asset scan and
the browser tests all read that one build.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

# In CI, Hypothesis replays the same examples on every run, so that a red build
# always comes from a change and its log reproduces the failure; local runs keep
# drawing new examples, which is how new counterexamples get found (and then
# pinned with @example).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
TEST_OUTPUT = ROOT / "test-output"

# The part of _toc.yml whose pages are reference pages, not executable chapters.
REFERENCE_PART = "Reference"


def read_config(root: Path = ROOT) -> dict:
    with open(root / "_config.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def toc_docnames(root: Path = ROOT) -> list[str]:
    """Every page of the book in table-of-contents order (``book/intro``, ...)."""
    with open(root / "_toc.yml", encoding="utf-8") as f:
        toc = yaml.safe_load(f)
    names = [toc["root"]]
    for part in toc.get("parts", []):
        names += [entry["file"] for entry in part.get("chapters", [])]
    return names


def chapter_names(root: Path = ROOT) -> list[str]:
    """The executable chapters: every page outside the reference part, minus the root."""
    with open(root / "_toc.yml", encoding="utf-8") as f:
        toc = yaml.safe_load(f)
    names = []
    for part in toc.get("parts", []):
        if part.get("caption") == REFERENCE_PART:
            continue
        for entry in part.get("chapters", []):
            docname = entry["file"]
            assert docname.startswith("book/"), docname
            names.append(docname.removeprefix("book/"))
    return names


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def skip_or_fail(reason: str) -> None:
    """Skip locally when a tool is missing; in CI a missing tool is a failure."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set: this test must not be skipped)")
    pytest.skip(reason)


@dataclasses.dataclass(frozen=True)
class BookBuild:
    out: Path  # the --path-output folder
    html: Path  # <out>/_build/html
    executed: Path  # <out>/_build/jupyter_execute (the executed notebooks)
    log: str  # stdout + stderr of the build
    seconds: float


def _jupyter_book_command() -> list[str]:
    exe = Path(sys.executable).parent / "jupyter-book"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("jupyter-book")
    if found is None:
        pytest.fail("jupyter-book is not installed (pip install -r requirements.txt)")
    return [found]


def warm_matplotlib_cache(python: str = sys.executable) -> None:
    """Build matplotlib's font cache now, so that its one-off "building the font
    cache" message does not land in the stderr of a notebook cell."""
    subprocess.run(
        [python, "-c", "import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot"],
        check=True,
        capture_output=True,
        timeout=600,
    )


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def chapters() -> list[str]:
    return chapter_names()


@pytest.fixture(scope="session")
def book_config() -> dict:
    return read_config()


@pytest.fixture(scope="session")
def test_output_dir() -> Path:
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT


@pytest.fixture(scope="session")
def book_build(tmp_path_factory: pytest.TempPathFactory, test_output_dir: Path) -> BookBuild:
    """Build the whole book once, from scratch, with every notebook executed."""
    out = tmp_path_factory.mktemp("book")
    # Same configuration, but force execution (the default is the cache, which
    # does not notice changes inside nn_lib).
    config = read_config()
    config.setdefault("execute", {})["execute_notebooks"] = "force"
    # Jupyter Book resolves local extension paths against the config file's folder.
    extensions = config.get("sphinx", {}).get("local_extensions") or {}
    for name, path in extensions.items():
        extensions[name] = str((ROOT / path).resolve())
    config_path = out / "_config.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")

    warm_matplotlib_cache()
    command = _jupyter_book_command() + [
        "build",
        str(ROOT),
        "--path-output",
        str(out),
        "--config",
        str(config_path),
        "-W",
        "--keep-going",
    ]
    # The "python3" kernel must be this environment's Python, even if a user-wide
    # kernelspec of that name exists (~/.local/share/jupyter wins by default).
    # A fresh folder for nn_lib.notebook.cached: the chapters compute their shared runs
    # in this build instead of reading an earlier build's.
    env = dict(os.environ, JUPYTER_PREFER_ENV_PATH="1", NN_LIB_CACHE=str(out / "nn_lib_cache"))
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, timeout=1800, cwd=ROOT, env=env)
    seconds = time.perf_counter() - start
    log = proc.stdout + "\n" + proc.stderr
    (test_output_dir / "book-build.log").write_text(log, encoding="utf-8")
    if proc.returncode != 0:
        pytest.fail(
            f"jupyter-book build failed (exit {proc.returncode}, {seconds:.0f} s); "
            f"full log in test-output/book-build.log. Last lines:\n{log[-6000:]}",
            pytrace=False,
        )
    html = out / "_build" / "html"
    assert (html / "index.html").exists(), log[-3000:]
    return BookBuild(out=out, html=html, executed=out / "_build" / "jupyter_execute", log=log, seconds=seconds)
