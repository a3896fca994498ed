"""The book, built once from scratch (see ``book_build`` in conftest.py), checked page by page.

The build itself runs with ``-W --keep-going`` and ``raise_on_error``: a warning
or a failing cell already fails the ``book_build`` fixture. These tests check
what the build does not: that each chapter really ran and drew its figures, that
no cell printed an error or a warning, that every glue reference and citation
in the sources has something behind it, and that the API page covers the
public API.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

import nn_lib
from conftest import ROOT, toc_docnames

pytestmark = pytest.mark.book

# ---------------------------------------------------------------- helpers


class _PageParser(HTMLParser):
    """Collects <img> tags and the ids of a page, and whether we are inside the
    main article or inside a cell output."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[dict[str, str | None]] = []  # attrs of every <img>
        self.output_images: list[dict[str, str | None]] = []  # <img> inside a cell output
        self.ids: set[str] = set()
        self.text_parts: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, is_cell_output)
        self._skip_text = 0  # depth inside <script>, <style>, <code>, <pre>: text_parts is the prose

    _VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def _in_output(self) -> bool:
        return any(flag for _, flag in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        if d.get("id"):
            self.ids.add(d["id"])
        if tag == "img":
            self.images.append(d)
            if self._in_output():
                self.output_images.append(d)
        if tag in ("script", "style", "code", "pre"):
            self._skip_text += 1
        if tag not in self._VOID:
            classes = (d.get("class") or "").split()
            self._stack.append((tag, "cell_output" in classes))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "pre") and self._skip_text:
            self._skip_text -= 1
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if not self._skip_text:
            self.text_parts.append(data)


def parse_page(path: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def executed_notebook(build, chapter: str) -> nbformat.NotebookNode:
    path = build.executed / "book" / f"{chapter}.ipynb"
    assert path.exists(), f"{chapter}: no executed notebook at {path} (was it executed?)"
    return nbformat.read(path, as_version=4)


def stream_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Error outputs, tracebacks and warnings printed by any cell."""
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                problems.append(f"cell {index}: error output {output.get('ename')}: {output.get('evalue')}")
                continue
            texts = []
            if kind == "stream":
                texts.append((output.get("name"), output.get("text", "")))
            elif kind in ("execute_result", "display_data"):
                texts.append(("text/plain", output.get("data", {}).get("text/plain", "")))
            for name, text in texts:
                if isinstance(text, list):
                    text = "".join(text)
                if "Traceback (most recent call last)" in text:
                    problems.append(f"cell {index}: a traceback in {name}: {text[:300]!r}")
                elif name == "stderr" and re.search(r"warn", text, re.IGNORECASE):
                    problems.append(f"cell {index}: a warning on stderr: {text[:300]!r}")
                elif re.search(r"\b\w*Warning: ", text):
                    problems.append(f"cell {index}: a warning in {name}: {text[:300]!r}")
    return problems


GLUE_ROLE = re.compile(r"\{glue(?::[a-z]+)?\}`([^`]+)`")
GLUE_DIRECTIVE = re.compile(r"^[`:]{3,}\{glue(?::[a-z]+)?\}\s+(\S+)", re.MULTILINE)
CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")


def glue_references(source: str) -> list[str]:
    """The glue keys a MyST source refers to (``key`` of ``{glue:text}`key:.2f```)."""
    keys = []
    for ref in GLUE_ROLE.findall(source) + GLUE_DIRECTIVE.findall(source):
        keys.append(ref)
    return keys


def glued_keys(build, docname: str) -> set[str]:
    """The keys a page glued: myst-nb moves glue outputs out of the executed
    notebook into ``<page>.glue.json`` beside it."""
    path = build.executed / "book" / f"{docname}.glue.json"
    if not path.exists():
        return set()
    return set(json.loads(path.read_text(encoding="utf-8")))


def bib_keys() -> set[str]:
    text = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    return set(re.findall(r"^@\w+\{([^,\s]+),", text, re.MULTILINE))


# ---------------------------------------------------------------- tests


def test_every_page_exists(book_build):
    for docname in toc_docnames():
        assert (book_build.html / f"{docname}.html").exists(), f"page {docname}.html is missing from the build"


def test_build_log_has_no_warnings(book_build):
    bad = [line for line in book_build.log.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL):", line)]
    assert not bad, "the build printed warnings:\n" + "\n".join(bad[:40])


def test_each_chapter_has_two_figures_from_executed_cells(book_build, chapters):
    for chapter in chapters:
        nb = executed_notebook(book_build, chapter)
        pngs = [
            output
            for cell in nb.cells
            if cell.cell_type == "code"
            for output in cell.get("outputs", [])
            if "image/png" in output.get("data", {}) or "image/svg+xml" in output.get("data", {})
        ]
        assert len(pngs) >= 2, f"{chapter}: {len(pngs)} figure(s) from executed cells, expected at least 2"
        page = parse_page(book_build.html / "book" / f"{chapter}.html")
        assert len(page.output_images) >= 2, f"{chapter}: {len(page.output_images)} cell-output <img> in the HTML, expected >= 2"


def test_every_code_cell_was_executed(book_build, chapters):
    for chapter in chapters:
        nb = executed_notebook(book_build, chapter)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or "skip-execution" in cell.metadata.get("tags", []):
                continue
            assert cell.get("execution_count") is not None, f"{chapter}: cell {index} did not run"


def test_no_cell_output_holds_an_error_a_traceback_or_a_warning(book_build):
    notebooks = sorted(book_build.executed.rglob("*.ipynb"))
    assert notebooks, "no executed notebooks found"
    problems = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        problems += [f"{path.relative_to(book_build.executed)}: {p}" for p in stream_problems(nb)]
    assert not problems, "\n".join(problems)


def test_every_glue_reference_is_filled(book_build, chapters):
    for docname in toc_docnames():
        source = (ROOT / f"{docname}.md").read_text(encoding="utf-8")
        refs = glue_references(source)
        if not refs:
            continue
        chapter = docname.removeprefix("book/")
        executed_notebook(book_build, chapter)  # it must have run
        glued = glued_keys(book_build, chapter)
        for ref in refs:
            if "::" in ref:  # a key glued in another page: "other-page::key"
                other, _, key = ref.partition("::")
                other_glued = glued_keys(book_build, Path(other).stem)
                assert key.split(":")[0] in other_glued, f"{docname}: glue reference {ref!r} has no glued value"
            else:
                key = ref.split(":")[0]
                assert key in glued, f"{docname}: glue reference {ref!r} has no glued value (glued: {sorted(glued)})"
    for docname in toc_docnames():
        text = "".join(parse_page(book_build.html / f"{docname}.html").text_parts)
        assert "{glue" not in text, f"{docname}: an unrendered glue role is left in the HTML"
    assert not re.search(r"glue", "\n".join(l for l in book_build.log.splitlines() if "WARNING" in l))


def test_every_citation_resolves(book_build):
    known = bib_keys()
    assert known, "book/references.bib has no entries"
    for docname in toc_docnames():
        source = (ROOT / f"{docname}.md").read_text(encoding="utf-8")
        for group in CITE_ROLE.findall(source):
            for key in (k.strip() for k in group.split(",")):
                assert key in known, f"{docname}: cites {key!r}, which is not in book/references.bib"
        text = "".join(parse_page(book_build.html / f"{docname}.html").text_parts)
        assert "??" not in text, f"{docname}: an unresolved reference ('??') in the HTML"
        assert "{cite" not in text, f"{docname}: an unrendered cite role is left in the HTML"
    bibliography_html = (book_build.html / "book" / "bibliography.html").read_text(encoding="utf-8")
    entries = bibliography_html.count('role="doc-biblioentry"')
    assert entries == len(known), f"the bibliography page lists {entries} entries, references.bib has {len(known)}"
    bibliography = "".join(parse_page(book_build.html / "book" / "bibliography.html").text_parts).lower()
    # Spot-check that the bibliography page lists the entries.
    for needle in ("dropout: a simple way to prevent neural networks from overfitting", "adam", "numerical optimization"):
        assert needle in bibliography, f"bibliography page is missing {needle!r}"


def test_api_page_documents_every_public_name(book_build):
    page = parse_page(book_build.html / "book" / "api.html")
    missing = []
    for name in nn_lib.__all__:
        pattern = re.compile(r"^nn_lib(\.\w+)*\." + re.escape(name) + "$")
        if not any(pattern.match(i) for i in page.ids):
            missing.append(name)
    assert not missing, f"the API page does not document: {missing}"


def test_api_page_has_every_public_module():
    """Every public module of nn_lib has an automodule block in book/api.md."""
    import pkgutil

    api = (ROOT / "book" / "api.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\.\. automodule:: (nn_lib\.\w+)", api, re.MULTILINE))
    public = {f"nn_lib.{m.name}" for m in pkgutil.iter_modules(nn_lib.__path__) if not m.name.startswith("_")}
    assert public <= documented, f"book/api.md has no automodule for {sorted(public - documented)}"
    assert documented <= public, f"book/api.md documents modules that do not exist: {sorted(documented - public)}"


def test_api_page_links_source(book_build):
    assert (book_build.html / "_modules" / "nn_lib").is_dir(), "viewcode produced no source pages"
    assert "_modules/nn_lib/" in (book_build.html / "book" / "api.html").read_text(encoding="utf-8")


def test_every_figure_has_alt_text(book_build):
    for docname in toc_docnames():
        page = parse_page(book_build.html / f"{docname}.html")
        for img in page.images:
            alt = (img.get("alt") or "").strip()
            assert alt, f"{docname}: <img src={img.get('src')!r}> has no alt text"
            assert not alt.startswith("<Figure size"), (
                f"{docname}: <img src={img.get('src')!r}> has matplotlib's default repr as alt text; "
                "set mystnb: image: alt: in the cell metadata"
            )
            assert not alt.startswith("_images/") and not alt.endswith(".png"), f"{docname}: alt text is a file name"


def test_colab_buttons_open_the_generated_notebooks(book_build, chapters, book_config):
    """Each chapter's Colab link names notebooks/<chapter>.ipynb on the publishing branch, a file of the built site."""
    repo = urlparse(book_config["repository"]["url"]).path.strip("/")
    branch = book_config["sphinx"]["config"]["colab_publish_branch"]
    colab = book_config["launch_buttons"]["colab_url"].rstrip("/")
    prefix = f"{colab}/github/{repo}/blob/{branch}/"
    for docname in toc_docnames():
        html = (book_build.html / f"{docname}.html").read_text(encoding="utf-8")
        links = set(re.findall(r'href="(https://colab\.research\.google\.com/[^"]*)"', html))
        chapter = docname.removeprefix("book/")
        if chapter not in chapters:
            assert not links, f"{docname}: a Colab link on a page that is not a chapter: {links}"
            continue
        expected = f"{prefix}notebooks/{chapter}.ipynb"
        assert links == {expected}, f"{docname}: Colab links {links}, expected {expected}"
        path = expected.removeprefix(prefix)
        assert (book_build.html / path).is_file(), f"{docname}: the Colab button names {path}, not a file of the built site"


# ------------------------------------------------------------ the checks themselves


def test_stream_problems_finds_errors_tracebacks_and_warnings():
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="fine\n"),
        nbformat.v4.new_output("stream", name="stderr", text="/x.py:3: RuntimeWarning: overflow in exp\n"),
        nbformat.v4.new_output("error", ename="ValueError", evalue="bad", traceback=[]),
        nbformat.v4.new_output("stream", name="stdout", text="Traceback (most recent call last):\n  ...\n"),
    ]
    nb = nbformat.v4.new_notebook(cells=[cell])
    problems = stream_problems(nb)
    assert len(problems) == 3, problems
    clean = nbformat.v4.new_code_cell("y")
    clean.outputs = [nbformat.v4.new_output("stream", name="stdout", text="accuracy 0.94\n")]
    assert stream_problems(nbformat.v4.new_notebook(cells=[clean])) == []


def test_glue_references_reads_roles_and_directives():
    source = (
        "Accuracy {glue:text}`adam_acc:.3f`, count {glue}`n_steps`, other {glue:text}`page::key`.\n\n"
        "```{glue:figure} fig_key\n:name: x\n```\n"
    )
    assert glue_references(source) == ["adam_acc:.3f", "n_steps", "page::key", "fig_key"]
