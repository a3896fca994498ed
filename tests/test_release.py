"""The release: a distribution PyPI can accept, built and checked as the release workflow does.

``python -m build`` makes an sdist and, from it, a wheel (into a temporary
folder); ``twine check`` accepts both; the wheel carries ``nn_lib/py.typed``.
The version is the same in ``nn_lib.__version__``, ``CITATION.cff`` and a
section of ``CHANGELOG.md``; the README's install line names the release.
The build downloads setuptools from PyPI into an isolated environment.
"""

from __future__ import annotations

import email
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile

import pytest
import yaml

import nn_lib
from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
NAME = PYPROJECT["project"]["name"]
# Projects already on PyPI whose names a new project may not equal once
# lower-cased with "-", "_" and "." removed (PyPI's rule for new names).
TAKEN = {"nnlib"}


def squashed(name: str) -> str:
    return re.sub(r"[-_.]", "", name.lower())


def test_the_distribution_name_is_free_on_pypi_and_the_import_name_is_nn_lib():
    assert squashed(NAME) not in TAKEN, f"PyPI refuses {NAME!r}: it equals an existing project once separators are removed"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", NAME), f"{NAME!r} is not in normalized form"
    assert PYPROJECT["tool"]["setuptools"]["packages"] == ["nn_lib"]
    requires = PYPROJECT["build-system"]["requires"]
    assert any(re.fullmatch(r"setuptools>=(\d+)", r) and int(r.split(">=")[1]) >= 77 for r in requires), (
        f"license = 'MIT' with license-files needs setuptools >= 77, build-system.requires is {requires}"
    )


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    # No --sdist/--wheel: build the sdist, then the wheel FROM the sdist, which
    # proves the sdist holds everything the wheel needs.
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], capture_output=True, text=True, timeout=900
    )
    assert proc.returncode == 0, f"python -m build failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    wheels, sdists = sorted(out.glob("*.whl")), sorted(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in out.iterdir())
    return wheels[0], sdists[0]


def test_twine_accepts_the_wheel_and_the_sdist(dist):
    proc = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dist)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASSED") == 2, proc.stdout


def test_the_wheel_is_nn_lib_with_py_typed_at_the_version(dist):
    wheel, sdist = dist
    version = nn_lib.__version__
    assert wheel.name == f"{NAME.replace('-', '_')}-{version}-py3-none-any.whl"
    assert sdist.name == f"{NAME.replace('-', '_')}-{version}.tar.gz"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = email.message_from_bytes(archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))))
    assert "nn_lib/py.typed" in names
    assert "nn_lib/__init__.py" in names
    assert not [n for n in names if n.startswith(("tests/", "book/", "bench/", "scripts/"))], "the wheel holds more than nn_lib"
    assert metadata["Name"] == NAME and metadata["Version"] == version
    assert metadata["License-Expression"] == "MIT"
    assert sorted(metadata.get_all("Requires-Dist", [])) == sorted(
        PYPROJECT["project"]["dependencies"] + [f'{d}; extra == "{extra}"' for extra, deps in PYPROJECT["project"]["optional-dependencies"].items() for d in deps]
    )
    with tarfile.open(sdist) as archive:
        members = {m.name.split("/", 1)[1] for m in archive.getmembers() if "/" in m.name}
    assert {"LICENSE", "README.md", "pyproject.toml", "nn_lib/py.typed"} <= members


def test_changelog_has_a_section_for_the_version():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    version = re.escape(nn_lib.__version__)
    assert re.search(rf"^## \[{version}\]", changelog, re.MULTILINE), f"CHANGELOG.md has no '## [{nn_lib.__version__}]' section"


def test_citation_version_is_the_library_version():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(cff["version"]) == nn_lib.__version__, f"CITATION.cff version {cff['version']!r}, nn_lib.__version__ {nn_lib.__version__!r}"


def test_readme_installs_the_release_with_the_git_url_as_the_alternative():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)\n```", readme, re.DOTALL)
    release = [b for b in blocks if b.strip() == f"pip install {NAME}"]
    git = [b for b in blocks if re.fullmatch(r'pip install "git\+https://github\.com/[^"]+@[\w.-]+"', b.strip())]
    assert release, f"README.md has no `pip install {NAME}` block"
    assert git, "README.md has no git-URL install block as the alternative"
    assert blocks.index(release[0]) < blocks.index(git[0]), "the release comes first, the git URL second"


def test_squashed_names():
    assert squashed("nn_lib") == squashed("nn-lib") == squashed("NN.Lib") == "nnlib"
    assert squashed("nn-lib-book") == "nnlibbook"
