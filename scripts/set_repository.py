#!/usr/bin/env python3
"""Point every derived copy of the repository address at the one in _config.yml.

The repository address lives in ONE place: ``repository.url`` and
``repository.branch`` in ``_config.yml`` (with ``sphinx.config.colab_publish_branch``,
the branch the built site is published to, where Colab finds the notebooks).
These files carry copies of it:

- ``pyproject.toml``: the ``[project.urls]`` table (Documentation is the
  published site, below);
- ``CITATION.cff``: ``repository-code`` and ``url`` (also in ``references``);
- ``README.md``: the "Open in Colab" badges (``.../blob/<publish branch>/notebooks/...``),
  the clone and pip commands;
- ``book/*.md``: each chapter's install cell (``git+<url>@<branch>``) and the
  ``pip install`` line of the front page.
- ``_config.yml`` itself: ``html.baseurl``, the GitHub Pages address of the
  published site (``https://<owner>.github.io/<repo>/``), also named in the
  README.

To move the book to a fork: edit ``_config.yml``, then run

    python scripts/set_repository.py           # rewrite the copies
    python scripts/set_repository.py --check   # only report (exit 1 if any copy disagrees)

``tests/test_repository_links.py`` fails while any copy disagrees.
Standard library only (plus PyYAML, which the book needs anyway).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

import yaml

GIT_SOURCE = re.compile(r"git\+https://github\.com/[^/\s\"'`]+/[^/@\s\"'`]+@[^\s\"'`)\\]+")
COLAB = re.compile(r"https://colab\.research\.google\.com/github/[^/\s]+/[^/\s]+/blob/[^/\s]+/")
BASEURL = re.compile(r"^([ \t]+baseurl:[ \t]*).*$", re.MULTILINE)
CFF_KEYS = re.compile(r"^([ \t]*(?:-[ \t]+)?(?:repository-code|url):[ \t]*)\"?([^\"\s]+)\"?[ \t]*$", re.MULTILINE)


def publish_branch(config: dict) -> str:
    """The branch the built site (with its Colab notebooks) is published to."""
    branch = ((config.get("sphinx") or {}).get("config") or {}).get("colab_publish_branch")
    if not isinstance(branch, str) or not re.fullmatch(r"[\w.-]+", branch):
        raise SystemExit(f"_config.yml sphinx.config.colab_publish_branch must be a plain branch name, got {branch!r}")
    return branch


def canonical(root: Path) -> tuple[str, str]:
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"].rstrip("/")
    branch = config["repository"]["branch"]
    parsed = urlparse(url)
    if parsed.netloc != "github.com" or len(parsed.path.strip("/").split("/")) != 2:
        raise SystemExit(f"_config.yml repository.url must be https://github.com/<owner>/<repo>, got {url!r}")
    if not re.fullmatch(r"[\w.-]+", branch):
        raise SystemExit(f"_config.yml repository.branch must be a plain branch name, got {branch!r}")
    return url, branch


def pages_url(url: str) -> str:
    """The GitHub Pages address of a repository's site (with a final slash).

    https://github.com/<owner>/<repo> publishes at https://<owner>.github.io/<repo>/,
    except the repository named <owner>.github.io, which publishes at the root.
    """
    owner, repo = urlparse(url).path.strip("/").split("/")
    host = f"{owner.lower()}.github.io"
    return f"https://{host}/" if repo.lower() == host else f"https://{host}/{repo}/"


def previous_url(root: Path) -> str | None:
    """The address the copies hold now (read from CITATION.cff's repository-code)."""
    path = root / "CITATION.cff"
    if not path.exists():
        return None
    cff = yaml.safe_load(path.read_text(encoding="utf-8"))
    value = cff.get("repository-code")
    return value.rstrip("/") if value else None


def rewrite_text(text: str, url: str, branch: str, old: str | None, colab_branch: str) -> str:
    owner_repo = urlparse(url).path.strip("/")
    text = GIT_SOURCE.sub(f"git+{url}@{branch}", text)
    text = COLAB.sub(f"https://colab.research.google.com/github/{owner_repo}/blob/{colab_branch}/", text)
    if old and old != url:
        text = re.sub(re.escape(old) + r"(?![\w.-])", url, text)
        text = text.replace(pages_url(old), pages_url(url))
    return text


def rewrite_config(text: str, url: str) -> str:
    """Rewrite only the html.baseurl line of _config.yml."""
    return BASEURL.sub(lambda m: m.group(1) + pages_url(url), text)


def rewrite_pyproject(text: str, url: str, old: str | None) -> str:
    """Rewrite only the [project.urls] table."""
    match = re.search(r"^\[project\.urls\]\n(.*?)(?=^\[|\Z)", text, re.MULTILINE | re.DOTALL)
    if not match:
        return text
    table = match.group(1)
    if old and old != url:
        table = re.sub(re.escape(old) + r"(?![\w.-])", url, table)
        table = table.replace(pages_url(old), pages_url(url))
    return text[: match.start(1)] + table + text[match.end(1):]


def rewrite_cff(text: str, url: str, old: str | None) -> str:
    def fix(m: re.Match) -> str:
        value = m.group(2).rstrip("/")
        if old and (value == old or value.startswith(old + "/")):
            value = url + value[len(old):]
        return f'{m.group(1)}"{value}"'

    return CFF_KEYS.sub(fix, text)


def derived_files(root: Path) -> list[Path]:
    files = [root / "_config.yml", root / "README.md", root / "CITATION.cff", root / "pyproject.toml"]
    files += sorted((root / "book").glob("*.md"))
    return [f for f in files if f.exists()]


def plan(root: Path) -> dict[Path, str]:
    """The files whose text would change, with their new text."""
    url, branch = canonical(root)
    colab_branch = publish_branch(yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")))
    old = previous_url(root)
    changes = {}
    for path in derived_files(root):
        text = path.read_text(encoding="utf-8")
        if path.name == "_config.yml":
            new = rewrite_config(text, url)
        elif path.name == "pyproject.toml":
            new = rewrite_pyproject(text, url, old)
        elif path.name == "CITATION.cff":
            new = rewrite_cff(text, url, old)
        else:
            new = rewrite_text(text, url, branch, old, colab_branch)
        if new != text:
            changes[path] = new
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--check", action="store_true", help="report the files that disagree; change nothing")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    url, branch = canonical(root)
    changes = plan(root)
    for path in changes:
        print(f"{'would update' if args.check else 'updated'} {path.relative_to(root)}")
        if not args.check:
            path.write_text(changes[path], encoding="utf-8")
    if not changes:
        print(f"every copy already names {url} (branch {branch})")
    return 1 if (args.check and changes) else 0


if __name__ == "__main__":
    sys.exit(main())
