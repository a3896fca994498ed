"""Every generated Colab notebook runs top to bottom in a Colab-like environment.

A fresh virtual environment holds only what a Colab runtime ships, at Colab's
versions: the pins in ``tests/colab-runtime.txt`` (installed from PyPI). No
myst-nb, no nn_lib. A kernelspec for it is registered in a temporary
JUPYTER_PATH, and each chapter's notebook as the build publishes it
(``_build/html/notebooks/<chapter>.ipynb`` of the shared ``book_build``) runs
with nbclient, INCLUDING the install cell. The install cell reads
``NN_LIB_SOURCE``: the test points it at a copy of this checkout, so nn_lib is
installed from local files (not editable) as Colab installs it from the
repository at the pinned commit.

Not skipped in CI; it needs PyPI for the pinned packages.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT, chapter_names, in_ci, warm_matplotlib_cache

pytestmark = pytest.mark.colab

KERNEL_NAME = "nn-lib-colab-test"
COLAB_PINS = ROOT / "tests" / "colab-runtime.txt"
# What a reader's clone of the repository holds; left out of the copy of the checkout.
NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git", ".venv", "_build", "build", "test-output", "*.egg-info", "__pycache__",
    ".pytest_cache", ".hypothesis", ".jupyter_cache", ".ipynb_checkpoints", ".coverage*",
)


def _python_in(venv: Path) -> Path:
    return venv / "bin" / "python"


@pytest.fixture(scope="module")
def colab_env(tmp_path_factory):
    """A fresh venv with Colab's pinned packages, and a kernelspec for it."""
    base = tmp_path_factory.mktemp("colab")
    venv = base / "venv"
    # The base interpreter, not this virtual environment's packages.
    python = getattr(sys, "_base_executable", None) or sys.executable
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=300)
    vpython = _python_in(venv)
    install = subprocess.run(
        [str(vpython), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(COLAB_PINS)],
        capture_output=True, text=True, timeout=900,
    )
    if install.returncode != 0:
        message = f"could not install {COLAB_PINS.name} from PyPI:\n{install.stdout}\n{install.stderr}"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)

    jupyter_path = base / "jupyter"
    subprocess.run(
        [str(vpython), "-m", "ipykernel", "install", "--prefix", str(jupyter_path), "--name", KERNEL_NAME,
         "--display-name", "Colab-like test kernel"],
        check=True, capture_output=True, timeout=300,
    )
    kernels = jupyter_path / "share" / "jupyter"
    spec = json.loads((kernels / "kernels" / KERNEL_NAME / "kernel.json").read_text())
    assert Path(spec["argv"][0]).resolve() == vpython.resolve(), spec

    source = base / "nn-lib-checkout"
    shutil.copytree(ROOT, source, ignore=NOT_IN_A_CLONE)

    warm_matplotlib_cache(str(vpython))
    workdir = base / "content"  # Colab's working directory is /content: not the repository
    workdir.mkdir()
    return {"venv": venv, "python": vpython, "jupyter_path": kernels, "source": source, "workdir": workdir}


def _importable(python: Path, module: str) -> bool:
    # Run outside the checkout: from its root, "import nn_lib" would find the source folder.
    return subprocess.run([str(python), "-c", f"import {module}"], capture_output=True, cwd="/").returncode == 0


def colab_pins() -> dict[str, str]:
    """``{package: version}`` from tests/colab-runtime.txt."""
    pins = {}
    for line in COLAB_PINS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"{COLAB_PINS.name}: {line!r} is not pinned with =="
            pins[name.strip().lower()] = version.strip()
    return pins


def test_the_pins_are_dated_and_cover_what_the_chapters_need():
    text = COLAB_PINS.read_text(encoding="utf-8")
    assert re.search(r"read \d{4}-\d{2}-\d{2}", text), "the pins must say when Colab's list was read"
    assert {"numpy", "matplotlib", "ipykernel", "ipython", "nbformat"} <= set(colab_pins())


def test_the_environment_is_like_colab(colab_env):
    python = colab_env["python"]
    for package, version in colab_pins().items():
        show = subprocess.run([str(python), "-m", "pip", "show", package], capture_output=True, text=True)
        installed = re.search(r"^Version: (\S+)$", show.stdout, re.MULTILINE)
        assert installed and installed.group(1) == version, f"{package}: {installed and installed.group(1)}, Colab has {version}"
    assert not _importable(python, "myst_nb"), "myst_nb must not be importable: the glue fallback is under test"


def _run_notebook(path: Path, env: dict) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=600,
        startup_timeout=120,
        allow_errors=False,
        skip_cells_with_tag="never-skip-in-the-colab-test",  # run the install cell too
        resources={"metadata": {"path": str(env["workdir"])}},
    )
    client.execute()
    return nb


def _problems(nb: nbformat.NotebookNode) -> list[str]:
    problems = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                problems.append(f"cell {index}: {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr" and re.search("warn|error|traceback", output.text, re.I):
                problems.append(f"cell {index}: stderr: {output.text[:300]!r}")
            elif output.output_type == "stream" and "Traceback (most recent call last)" in output.text:
                problems.append(f"cell {index}: a traceback: {output.text[:300]!r}")
    return problems


def _figures(nb: nbformat.NotebookNode) -> int:
    return sum(
        1
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if output.output_type in ("display_data", "execute_result") and "image/png" in output.get("data", {})
    )


def test_every_chapter_runs_in_a_colab_like_runtime(colab_env, book_build, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(colab_env["jupyter_path"]))
    monkeypatch.setenv("NN_LIB_SOURCE", str(colab_env["source"]))
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")

    python = colab_env["python"]
    assert not _importable(python, "nn_lib"), "nn_lib is already installed in the fresh environment"

    failures = []
    for chapter in chapter_names():
        path = book_build.html / "notebooks" / f"{chapter}.ipynb"
        assert path.exists(), f"{chapter}: the build wrote no Colab notebook {path}"
        try:
            nb = _run_notebook(path, colab_env)
        except Exception as exc:  # CellExecutionError, timeouts: report and go on to the next chapter
            failures.append(f"{chapter}: {type(exc).__name__}: {str(exc)[-2000:]}")
            continue
        failures += [f"{chapter}: {p}" for p in _problems(nb)]
        figures = _figures(nb)
        if figures < 2:
            failures.append(f"{chapter}: {figures} figure(s), expected at least 2")

    # The install cell installed nn_lib, from the local copy, not editable.
    show = subprocess.run([str(python), "-m", "pip", "show", "-f", "nn-lib-book"], capture_output=True, text=True)
    assert show.returncode == 0, "the install cell did not install nn_lib"
    location = re.search(r"^Location: (.+)$", show.stdout, re.MULTILINE).group(1)
    assert Path(location).resolve().is_relative_to(colab_env["venv"].resolve()), show.stdout
    assert "Editable project location" not in show.stdout, "nn_lib was installed editable"
    assert not _importable(python, "myst_nb")
    assert not failures, "\n".join(failures)
