"""Each chapter's MyST notebook (.md, the source of the book page) and its paired
.ipynb (what the Colab button opens) hold the same cells.

Re-pair after editing a chapter with one command (see README):

    .venv/bin/jupytext --sync book/*.md
"""

from __future__ import annotations

import jupytext
import pytest

from conftest import ROOT, chapter_names

SYNC_COMMAND = ".venv/bin/jupytext --sync book/*.md"
# Cell metadata that jupytext or Jupyter may add on one side only.
VOLATILE_METADATA = {"execution", "collapsed", "scrolled", "jp-MarkdownHeadingCollapsed", "editable", "deletable", "trusted"}


def _cells(notebook):
    cells = []
    for cell in notebook.cells:
        metadata = {k: v for k, v in cell.metadata.items() if k not in VOLATILE_METADATA}
        cells.append((cell.cell_type, cell.source.strip(), metadata))
    return cells


@pytest.mark.parametrize("chapter", chapter_names())
def test_chapter_is_a_paired_notebook(chapter):
    md = jupytext.read(ROOT / "book" / f"{chapter}.md")
    formats = md.metadata.get("jupytext", {}).get("formats", "")
    assert "ipynb" in formats and "md:myst" in formats, (
        f"book/{chapter}.md: front matter must pair it with an .ipynb (jupytext formats: md:myst,ipynb), got {formats!r}"
    )
    assert md.metadata.get("kernelspec", {}).get("name") == "python3", f"book/{chapter}.md: kernelspec name must be python3"


@pytest.mark.parametrize("chapter", chapter_names())
def test_pair_has_not_drifted(chapter):
    md_path = ROOT / "book" / f"{chapter}.md"
    ipynb_path = ROOT / "book" / f"{chapter}.ipynb"
    assert ipynb_path.exists(), f"book/{chapter}.ipynb is missing: run `{SYNC_COMMAND}` and commit it"
    md_cells = _cells(jupytext.read(md_path))
    ipynb = jupytext.read(ipynb_path)
    ipynb_cells = _cells(ipynb)
    assert len(md_cells) == len(ipynb_cells), (
        f"book/{chapter}: {len(md_cells)} cells in the .md, {len(ipynb_cells)} in the .ipynb; run `{SYNC_COMMAND}`"
    )
    for index, (a, b) in enumerate(zip(md_cells, ipynb_cells)):
        assert a == b, f"book/{chapter}: cell {index} differs between .md and .ipynb; run `{SYNC_COMMAND}`\n.md:    {a!r:.400}\n.ipynb: {b!r:.400}"
    assert ipynb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("chapter", chapter_names())
def test_committed_notebook_has_no_outputs(chapter):
    ipynb = jupytext.read(ROOT / "book" / f"{chapter}.ipynb")
    for index, cell in enumerate(ipynb.cells):
        if cell.cell_type == "code":
            assert not cell.get("outputs"), f"book/{chapter}.ipynb cell {index} has outputs: commit it clean"
