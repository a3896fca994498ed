"""The repository address lives in one place, and every copy agrees with it.

The one place: ``repository.url`` and ``repository.branch`` in ``_config.yml``
(and ``sphinx.config.colab_publish_branch``, where the built site and its Colab
notebooks are published). The copies: ``pyproject.toml`` [project.urls],
``CITATION.cff``, the README's Colab badges and commands, every chapter's
install cell, the front page's ``pip install`` line, and the GitHub Pages
address of the published site (``html.baseurl`` in ``_config.yml``, the
README's link, pyproject's Documentation URL).
``scripts/set_repository.py`` rewrites the copies after a change.

Also: the README starts with the two commands, and ``.ci/run`` runs exactly
the README's test command.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from conftest import ROOT, chapter_names

INSTALL_CELL = """\
# In a fresh runtime (Google Colab), install nn_lib from the book's repository.
import importlib.util, os, subprocess, sys
if importlib.util.find_spec("nn_lib") is None:
    source = os.environ.get("NN_LIB_SOURCE", "git+{url}@{branch}")
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", source])"""

BUILD_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt && "
    ".venv/bin/jupyter-book build . -W --keep-going"
)
TEST_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt && .venv/bin/python -m pytest"

GIT_SOURCE = re.compile(r"git\+https?://[^\s\"'`)\\]+")
COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/[^\s\"')\]]+")
GITHUB_LINK = re.compile(r"https://github\.com/[^\s\"')\]>]+")
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def first_code_cell(markdown: str) -> tuple[str, list[str]] | None:
    """The source and tags of the first ``{code-cell}`` of a MyST notebook (``:tags: [...]`` option lines)."""
    match = CODE_CELL.search(markdown)
    if match is None:
        return None
    lines = match.group(1).split("\n")
    tags: list[str] = []
    while lines and re.match(r"^:[\w-]+:", lines[0]):
        option = re.match(r"^:tags:\s*\[(.*)\]\s*$", lines.pop(0))
        if option:
            tags += [t.strip().strip("'\"") for t in option.group(1).split(",") if t.strip()]
    return "\n".join(lines).strip(), tags


def publish_branch(config: dict) -> str:
    return config["sphinx"]["config"]["colab_publish_branch"]


PAGES_LINK = re.compile(r"https://[\w.-]+\.github\.io/[^\s\"')\]>]*")


def expected_pages_url(url: str) -> str:
    """Where GitHub Pages publishes a repository's site (GitHub's rule, written out
    here independently of scripts/set_repository.py)."""
    owner, repo = url.removeprefix("https://github.com/").split("/")
    if repo.lower() == f"{owner.lower()}.github.io":
        return f"https://{owner.lower()}.github.io/"
    return f"https://{owner.lower()}.github.io/{repo}/"


def disagreements(root: Path) -> list[str]:
    """Every copy of the repository address under ``root`` that disagrees with _config.yml."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"]
    branch = config["repository"]["branch"]
    owner_repo = urlparse(url).path.strip("/")
    git_source = f"git+{url}@{branch}"
    colab_branch = publish_branch(config)
    found: list[str] = []

    def expect(condition: bool, message: str) -> None:
        if not condition:
            found.append(message)

    expect(re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url) is not None, f"_config.yml: repository.url {url!r} is not a GitHub repository")
    expect(branch == "main", f"_config.yml: repository.branch is {branch!r}; the book's branch is main")
    expect(config.get("html", {}).get("use_repository_button") is True, "_config.yml: html.use_repository_button is not true")
    pages = expected_pages_url(url)
    baseurl = config.get("html", {}).get("baseurl")
    expect(baseurl == pages, f"_config.yml: html.baseurl is {baseurl!r}, expected {pages!r}")

    # pyproject.toml [project.urls]
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    urls = pyproject.get("project", {}).get("urls", {})
    expect(bool(urls), "pyproject.toml: no [project.urls]")
    for key, value in urls.items():
        if key == "Documentation":
            expect(value == pages, f"pyproject.toml: [project.urls] Documentation = {value!r}, expected the site {pages!r}")
        else:
            expect(value == url or value.startswith(url + "/"), f"pyproject.toml: [project.urls] {key} = {value!r}, expected {url!r}")
    expect(url in urls.values(), f"pyproject.toml: no [project.urls] entry equals {url!r}")

    # CITATION.cff
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    expect(cff.get("repository-code") == url, f"CITATION.cff: repository-code {cff.get('repository-code')!r}, expected {url!r}")
    expect(cff.get("url", url) == url, f"CITATION.cff: url {cff.get('url')!r}, expected {url!r}")
    for ref in cff.get("references", []):
        for key in ("repository-code", "url"):
            if key in ref:
                expect(ref[key] == url, f"CITATION.cff: references {ref.get('title')!r} {key} {ref[key]!r}, expected {url!r}")

    # Every chapter's install cell (the Colab notebooks pin it to the commit that built them).
    expected_cell = INSTALL_CELL.format(url=url, branch=branch)
    for chapter in chapter_names(root):
        path = root / "book" / f"{chapter}.md"
        if not path.exists():
            found.append(f"book/{chapter}.md: missing")
            continue
        first = first_code_cell(path.read_text(encoding="utf-8"))
        if first is None:
            found.append(f"book/{chapter}.md: no code cell")
            continue
        source, tags = first
        expect(source == expected_cell, f"book/{chapter}.md: the first code cell is not the standard install cell for {git_source}")
        expect("skip-execution" in tags, f"book/{chapter}.md: the install cell is not tagged skip-execution")

    # Any other git+ source in the book (the front page's pip install line).
    for path in sorted((root / "book").glob("*.md")):
        for source in GIT_SOURCE.findall(path.read_text(encoding="utf-8")):
            expect(source == git_source, f"book/{path.name}: {source!r}, expected {git_source!r}")

    # README: Colab badges for exactly the chapters, commands, links.
    readme = (root / "README.md").read_text(encoding="utf-8")
    colab_links = set(COLAB_LINK.findall(readme))
    expected_links = {
        f"https://colab.research.google.com/github/{owner_repo}/blob/{colab_branch}/notebooks/{chapter}.ipynb"
        for chapter in chapter_names(root)
    }
    expect(colab_links == expected_links, f"README.md: Colab links {sorted(colab_links - expected_links)} unexpected, {sorted(expected_links - colab_links)} missing")
    for source in GIT_SOURCE.findall(readme):
        expect(source == git_source, f"README.md: {source!r}, expected {git_source!r}")
    for link in GITHUB_LINK.findall(readme):
        link = link.rstrip(".,;")
        expect(link == url or link.startswith((url + "/", url + ".git", url + "@")), f"README.md: link {link!r} is not {url!r}")
    site_links = [link.rstrip(".,;") for link in PAGES_LINK.findall(readme)]
    expect(bool(site_links), "README.md: no link to the published site")
    for link in site_links:
        expect(link.startswith(pages), f"README.md: link {link!r} is not on the published site {pages!r}")
    return found


def test_pages_address_rule():
    assert expected_pages_url("https://github.com/nn-lib-book/nn-lib-book") == "https://nn-lib-book.github.io/nn-lib-book/"
    assert expected_pages_url("https://github.com/Ann/Ann.github.io") == "https://ann.github.io/"


def test_every_copy_of_the_repository_address_agrees():
    problems = disagreements(ROOT)
    assert not problems, "run `python scripts/set_repository.py` (see README):\n" + "\n".join(problems)


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```(?:bash|sh|console)?\n(.*?)\n```", readme, re.DOTALL)
    assert len(commands) >= 2, "README.md has fewer than two code blocks"
    assert commands[0].strip() == BUILD_COMMAND, f"README's first command is {commands[0]!r}"
    assert commands[1].strip() == TEST_COMMAND, f"README's second command is {commands[1]!r}"
    first_blocks = readme.index("```")
    assert first_blocks < 600, "the README does not START with the commands"
    assert "_build/html/index.html" in readme[: readme.index(commands[1])], "README does not say where to open the built book"


def test_ci_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line.strip() for line in script.splitlines()]
    assert TEST_COMMAND in lines, ".ci/run does not run the README's test command verbatim"
    assert "apt-get install -y chromium chromium-driver" in lines
    assert re.search(r'"\$status" -eq 5', script), ".ci/run must turn pytest's exit code 5 (no tests) into a failure"
    assert (ROOT / ".ci" / "run").stat().st_mode & 0o111, ".ci/run is not executable"


def test_front_page_install_and_example_agree_with_readme():
    intro = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert BUILD_COMMAND in intro and TEST_COMMAND in intro, "book/intro.md must show the README's two commands"
    example = re.search(r"```python\n(from nn_lib import .*?)```", readme, re.DOTALL)
    assert example, "README.md has no nn_lib example"
    assert "from nn_lib import make_moons, train, Adam, accuracy, predict" in example.group(1)


def _load_script():
    spec = importlib.util.spec_from_file_location("set_repository", ROOT / "scripts" / "set_repository.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_fork_command_rewrites_every_copy(tmp_path):
    """Follow the README's fork instructions on a copy of the repository."""
    for name in ("_config.yml", "_toc.yml", "pyproject.toml", "CITATION.cff", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "book", tmp_path / "book")
    assert disagreements(tmp_path) == []

    fork, fork_branch = "https://github.com/someone-else/my-fork", "main"
    config_text = (tmp_path / "_config.yml").read_text(encoding="utf-8")
    original = yaml.safe_load(config_text)["repository"]["url"]
    (tmp_path / "_config.yml").write_text(config_text.replace(f"url: {original}", f"url: {fork}"), encoding="utf-8")
    assert disagreements(tmp_path), "changing _config.yml alone must make the copies disagree"

    script = _load_script()
    assert script.main(["--root", str(tmp_path), "--check"]) == 1
    assert script.main(["--root", str(tmp_path)]) == 0
    assert disagreements(tmp_path) == [], disagreements(tmp_path)
    assert script.main(["--root", str(tmp_path), "--check"]) == 0
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    colab_branch = publish_branch(yaml.safe_load(config_text))
    assert f"colab.research.google.com/github/someone-else/my-fork/blob/{colab_branch}/notebooks/" in readme
    assert original not in readme
    assert original not in (tmp_path / "book" / "dropout.md").read_text(encoding="utf-8")
    assert f"git+{fork}@{fork_branch}" in (tmp_path / "book" / "dropout.md").read_text(encoding="utf-8")
    assert "https://someone-else.github.io/my-fork/" in readme
    config = yaml.safe_load((tmp_path / "_config.yml").read_text(encoding="utf-8"))
    assert config["html"]["baseurl"] == "https://someone-else.github.io/my-fork/"
    assert config["repository"]["url"] == fork
    # The rest of pyproject.toml is untouched.
    before = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    after = tomllib.loads((tmp_path / "pyproject.toml").read_text(encoding="utf-8"))
    before["project"].pop("urls"), after["project"].pop("urls")
    assert before == after


def test_one_source_per_chapter():
    """The Colab notebooks are generated by the build (notebooks/ in the site): no .ipynb is committed beside a chapter."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files", "book"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    notebooks = [path for path in tracked if path.endswith(".ipynb")]
    assert not notebooks, f"committed notebooks beside the MyST sources: {notebooks}"


def test_first_code_cell_reads_the_cell_and_its_tags():
    text = "# T\n\n```{code-cell} ipython3\n:tags: [skip-execution, hide-input]\n\nimport os\n```\n\n```{code-cell} ipython3\nx = 1\n```\n"
    assert first_code_cell(text) == ("import os", ["skip-execution", "hide-input"])
    assert first_code_cell("no cells") is None
