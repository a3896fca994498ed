#!/usr/bin/env python3
"""The reader's side of the built site: downloads, search, one search box.

Loaded by the book build as a Sphinx extension (``_config.yml``:
``sphinx.local_extensions``), so that ``jupyter-book build .`` alone leaves a
complete site. When the HTML build finishes it writes, into
``_build/html/downloads/`` (the front page links both):

- ``nn-lib-book-notebooks.zip``: every chapter notebook. These are the
  ``.ipynb`` files that the build leaves in ``_build/html/notebooks/`` (the
  notebooks the Colab buttons open); when that folder holds none, the chapters'
  committed jupytext twins ``book/*.ipynb`` instead;
- ``nn-lib-book-site.zip``: the whole built site, readable offline from
  ``index.html`` (MathJax and every other asset is bundled), the notebooks zip
  included.

It runs after the other ``build-finished`` handlers (priority 900), so that
notebooks written by another extension are in the zip. A step that writes
notebooks after the build can re-make both zips from the command line:

    python _ext/site_downloads.py _build/html

It also

- adds the glossary's Chinese terms to the dictionary of ``jieba``, which
  Sphinx's Chinese search support (``html_search_language: zh``) uses to split
  text into words: without them a term such as 正则化 is indexed only as its
  parts, and the search page, which looks a query up as one word, misses it;
- removes the header bar's search field (``navbar_persistent``), which
  pydata-sphinx-theme 0.17 shows in addition to the sidebar's: one search box.
  The option goes in here because ``_config.yml`` cannot add one theme option
  without replacing the whole set Jupyter Book derives from it;
- on the search page, adds a small script: Sphinx's result snippets are
the text of each page's main block, which holds raw TeX (MathJax has not run on
the fetched page) and the labels of the page's buttons; the script drops those
before the snippet is cut.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import zipfile
from pathlib import Path

DOWNLOADS = "downloads"
NOTEBOOKS_ZIP = "nn-lib-book-notebooks.zip"
SITE_ZIP = "nn-lib-book-site.zip"
# The folder each archive unpacks into.
NOTEBOOKS_FOLDER = "nn-lib-book-notebooks"
SITE_FOLDER = "nn-lib-book-site"

# Elements of a fetched page that must not reach a search snippet: buttons and
# their menus (labels such as "Copy", ".ipynb", "Open issue"), the collapsed-
# cell toggles, the page's header and footer bars, the print-only table of
# contents. Math (its raw TeX) becomes an ellipsis.
SNIPPET_FILTER_JS = """
(function () {
  "use strict";
  const REMOVE = [
    "button", "summary", ".dropdown-menu", ".onlyprint", ".headerlink",
    ".bd-header-article", ".header-article-items", ".prev-next-area",
    ".bd-footer-article", ".bd-sidebar-secondary",
  ].join(", ");
  function install() {
    if (typeof Search === "undefined" || Search.nnLibSnippetFilter) return;
    const htmlToText = Search.htmlToText;
    Search.htmlToText = function (htmlString, anchor) {
      const doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll(REMOVE).forEach((element) => element.remove());
      doc.querySelectorAll(".math").forEach((element) => element.replaceWith(" \u2026 "));
      return htmlToText(doc.documentElement.outerHTML, anchor).replace(/\\s+/g, " ");
    };
    Search.nnLibSnippetFilter = true;
  }
  install();
  document.addEventListener("DOMContentLoaded", install);
})();
"""


GLOSSARY = Path("book") / "glossary.md"
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


def glossary_chinese_terms(glossary: Path) -> list[str]:
    """The Chinese words of the glossary table's second column ("中文")."""
    terms: list[str] = []
    for line in glossary.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and len(cells) >= 2:
            terms += [t for t in CJK_RUN.findall(cells[1]) if t not in terms]
    return terms


def search_words(terms: list[str]) -> list[str]:
    """The words to add to jieba's dictionary: each term, and the parts that
    jieba's own segmentation finds in it (随机失活: 随机, 失活). With the parts in
    the dictionary too, the index holds both the term and its parts, so both
    正则化 and 正则, both 随机失活 and 失活 are found."""
    import jieba

    plain = jieba.Tokenizer()  # without our words, so it shows the parts
    words: list[str] = []
    for term in terms:
        for word in [term, *plain.lcut(term)]:
            if len(word) > 1 and word not in words:
                words.append(word)
    return words


def _config_inited(app, config) -> None:
    config.html_theme_options.setdefault("navbar_persistent", [])
    glossary = Path(app.srcdir) / GLOSSARY
    if (config.html_search_language or "").startswith("zh") and glossary.is_file():
        # jieba reports the loading of its dictionary on stderr at DEBUG level;
        # importing it resets that level, so import it first.
        import jieba

        jieba.setLogLevel(logging.WARNING)
        words = Path(app.doctreedir) / "glossary-words.txt"
        words.parent.mkdir(parents=True, exist_ok=True)
        words.write_text("".join(f"{w}\n" for w in search_words(glossary_chinese_terms(glossary))), encoding="utf-8")
        config.html_search_options = {**(config.html_search_options or {}), "dict": str(words)}


def chapter_notebooks(html: Path, srcdir: Path) -> list[Path]:
    """The notebooks that go into the notebooks zip (see the module docstring)."""
    generated = sorted((html / "notebooks").glob("*.ipynb"))
    if generated:
        return generated
    return sorted((srcdir / "book").glob("*.ipynb"))


def _write_zip(target: Path, files: list[tuple[Path, str]]) -> None:
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path, name in files:
            archive.write(path, name)
    partial.replace(target)


def make_downloads(html: Path, srcdir: Path) -> tuple[Path, Path]:
    """Write both zips into ``<html>/downloads/`` and return their paths."""
    html, srcdir = Path(html), Path(srcdir)
    if not (html / "index.html").is_file():
        raise FileNotFoundError(f"{html} is not a built HTML site (no index.html)")
    folder = html / DOWNLOADS
    folder.mkdir(exist_ok=True)

    notebooks = folder / NOTEBOOKS_ZIP
    _write_zip(notebooks, [(p, f"{NOTEBOOKS_FOLDER}/{p.name}") for p in chapter_notebooks(html, srcdir)])

    site = folder / SITE_ZIP
    # Not the site zip itself (nor a half-written one), nor Sphinx's build stamp.
    skip = {site, site.with_name(site.name + ".partial"), html / ".buildinfo"}
    files = sorted(p for p in html.rglob("*") if p.is_file() and p not in skip)
    _write_zip(site, [(p, f"{SITE_FOLDER}/{p.relative_to(html).as_posix()}") for p in files])
    return notebooks, site


def _build_finished(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        make_downloads(Path(app.outdir), Path(app.srcdir))


def _page_context(app, pagename, templatename, context, doctree) -> None:
    if pagename == "search":
        app.add_js_file(None, body=SNIPPET_FILTER_JS)


def setup(app):
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _build_finished, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the notebooks zip and the offline-site zip of a built book.")
    parser.add_argument("html", type=Path, nargs="?", default=Path("_build/html"), help="the built site (default: _build/html)")
    parser.add_argument("--source", type=Path, default=Path(__file__).resolve().parent.parent, help="the book's source folder")
    args = parser.parse_args(argv)
    for path in make_downloads(args.html, args.source):
        with zipfile.ZipFile(path) as archive:
            print(f"{path}: {len(archive.namelist())} files, {path.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
