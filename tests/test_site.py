"""The built site's extras (_ext/site_downloads.py): the two zips the front page
links, the Chinese words in the search index, the settings behind the phone layout.

The zips are checked in the shared book build (marker ``book``) and, for the
choice of notebooks, on a small fake site.
"""

from __future__ import annotations

import importlib.util
import json
import re
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, chapter_names, read_config


def _load_script():
    spec = importlib.util.spec_from_file_location("site_downloads", ROOT / "_ext" / "site_downloads.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


site_downloads = _load_script()
GLOSSARY_CELL = re.compile(r"^\|[^|]+\|([^|]+)\|", re.MULTILINE)
CJK = re.compile(r"[\u4e00-\u9fff]+")


def search_index(html: Path) -> dict:
    text = (html / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def pages_holding(index: dict, word: str) -> set[str]:
    """The pages whose text or headings hold ``word``, as the index records it."""
    pages = set()
    for table in ("terms", "titleterms"):
        found = index[table].get(word, [])
        found = [found] if isinstance(found, int) else found
        pages |= {index["docnames"][i] for i in found}
    return pages


# ------------------------------------------------------------ in the book build


@pytest.mark.book
def test_front_page_links_both_zips_and_they_exist(book_build):
    intro = (book_build.html / "book" / "intro.html").read_text(encoding="utf-8")
    for name in (site_downloads.NOTEBOOKS_ZIP, site_downloads.SITE_ZIP):
        assert f'href="../downloads/{name}"' in intro, f"the front page does not link downloads/{name}"
        assert zipfile.is_zipfile(book_build.html / "downloads" / name), f"downloads/{name} is not a zip"


@pytest.mark.book
def test_notebooks_zip_holds_every_chapter(book_build):
    with zipfile.ZipFile(book_build.html / "downloads" / site_downloads.NOTEBOOKS_ZIP) as archive:
        names = archive.namelist()
        notebooks = {Path(n).stem for n in names if n.endswith(".ipynb")}
        for name in names:
            json.loads(archive.read(name))  # each one is a notebook file
    assert set(chapter_names()) <= notebooks, f"missing from the notebooks zip: {sorted(set(chapter_names()) - notebooks)}"
    assert all(n.startswith(site_downloads.NOTEBOOKS_FOLDER + "/") for n in names)


@pytest.mark.book
def test_site_zip_holds_the_whole_site(book_build):
    html = book_build.html
    with zipfile.ZipFile(html / "downloads" / site_downloads.SITE_ZIP) as archive:
        names = {n.removeprefix(site_downloads.SITE_FOLDER + "/") for n in archive.namelist()}
    on_disk = {p.relative_to(html).as_posix() for p in html.rglob("*") if p.is_file()}
    missing = on_disk - names - {f"downloads/{site_downloads.SITE_ZIP}", ".buildinfo"}
    assert not missing, f"not in the site zip: {sorted(missing)[:20]}"
    for needed in ("index.html", "search.html", "searchindex.js", "_static/mathjax/tex-chtml.js",
                   f"downloads/{site_downloads.NOTEBOOKS_ZIP}", "book/dropout.html"):
        assert needed in names, f"{needed} is not in the site zip"


@pytest.mark.book
def test_search_index_holds_every_chinese_glossary_term(book_build):
    index = search_index(book_build.html)
    glossary = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8")
    terms = {t for cell in GLOSSARY_CELL.findall(glossary) for t in CJK.findall(cell) if len(t) > 1} - {"中文"}
    assert len(terms) >= 20, f"only {len(terms)} Chinese terms found in the glossary"
    missing = sorted(t for t in terms if "book/glossary" not in pages_holding(index, t))
    assert not missing, f"the search index does not lead to the glossary for {missing}"
    # Parts of a term are words too: 失活 (in 随机失活), 正则 (in 正则化), 动量 (in 动量梯度下降法).
    for part in ("失活", "正则", "动量"):
        assert "book/glossary" in pages_holding(index, part), part
    # English is still indexed, stemmed.
    assert "book/dropout" in pages_holding(index, "mask")


@pytest.mark.book
def test_api_page_names_functions_without_the_module_prefix(book_build):
    api = (book_build.html / "book" / "api.html").read_text(encoding="utf-8")
    assert 'id="nn_lib.training.train"' in api
    assert '<span class="sig-prename descclassname"><span class="pre">nn_lib.training.' not in api


def test_phone_settings_are_in_the_configuration():
    config = read_config()["sphinx"]["config"]
    assert config["add_module_names"] is False
    assert 40 <= config["maximum_signature_line_length"] <= 70
    assert config["html_search_language"] == "zh"
    css = (ROOT / "_static" / "book.css").read_text(encoding="utf-8")
    assert 'html[data-theme="dark"]' in css
    assert not list((ROOT / "_static").rglob("*.js")), "Jupyter Book would load every .js in _static on every page"


# ------------------------------------------------------------ the script on a fake site


def _fake_site(tmp_path: Path) -> tuple[Path, Path]:
    html, source = tmp_path / "html", tmp_path / "source"
    (html / "_static").mkdir(parents=True)
    (html / "index.html").write_text("<html></html>")
    (html / "_static" / "a.css").write_text("body {}")
    (html / ".buildinfo").write_text("stamp")
    (source / "book").mkdir(parents=True)
    for name in ("one", "two"):
        (source / "book" / f"{name}.ipynb").write_text('{"cells": []}')
    return html, source


def _names(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as archive:
        return set(archive.namelist())


def test_notebooks_zip_falls_back_to_the_committed_notebooks(tmp_path):
    html, source = _fake_site(tmp_path)
    notebooks, site = site_downloads.make_downloads(html, source)
    assert _names(notebooks) == {"nn-lib-book-notebooks/one.ipynb", "nn-lib-book-notebooks/two.ipynb"}
    assert _names(site) == {
        "nn-lib-book-site/index.html",
        "nn-lib-book-site/_static/a.css",
        "nn-lib-book-site/downloads/nn-lib-book-notebooks.zip",
    }


def test_notebooks_zip_prefers_the_generated_notebooks(tmp_path):
    html, source = _fake_site(tmp_path)
    (html / "notebooks").mkdir()
    (html / "notebooks" / "three.ipynb").write_text('{"cells": []}')
    notebooks, site = site_downloads.make_downloads(html, source)
    assert _names(notebooks) == {"nn-lib-book-notebooks/three.ipynb"}
    # Run again: the old site zip is not zipped into the new one.
    notebooks, site = site_downloads.make_downloads(html, source)
    assert not [n for n in _names(site) if n.endswith(site_downloads.SITE_ZIP)]
    assert "nn-lib-book-site/notebooks/three.ipynb" in _names(site)


def test_make_downloads_refuses_a_folder_that_is_not_a_site(tmp_path):
    with pytest.raises(FileNotFoundError, match="index.html"):
        site_downloads.make_downloads(tmp_path, tmp_path)


def test_glossary_terms_and_their_parts(tmp_path):
    glossary = tmp_path / "glossary.md"
    glossary.write_text(
        "| English | 中文 | Definition |\n|---|---|---|\n"
        "| dropout | 随机失活 | x 动量 |\n| epoch | 代 / 轮 (epoch) | y |\n| Adam | Adam 优化算法 | z |\n",
        encoding="utf-8",
    )
    terms = site_downloads.glossary_chinese_terms(glossary)
    assert terms == ["中文", "随机失活", "代", "轮", "优化算法"]  # the second column only
    words = site_downloads.search_words(terms)
    assert {"随机失活", "失活", "优化算法"} <= set(words)
    assert all(len(w) > 1 for w in words)
