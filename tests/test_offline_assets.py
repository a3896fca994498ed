"""The built book works with no internet: nothing is loaded from another host.

Scans every built HTML page, and every local style sheet the pages link, for
scripts, style sheets, fonts, images, frames or media whose address names
another host (``http://``, ``https://`` or protocol-relative ``//``). Plain
links (``<a href>``) to other sites are fine: they load nothing.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

pytestmark = pytest.mark.book

EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)|@import\s+['\"]([^'\"]+)['\"]", re.IGNORECASE)
# <link rel=...> values that make the browser fetch (or connect to) the target.
LOADING_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch", "icon", "shortcut", "manifest", "apple-touch-icon"}
# tag -> attributes that load a resource
LOADING_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
}


class _AssetParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[tuple[str, str]] = []  # (what, address)
        self.stylesheets: list[str] = []  # local style sheet addresses
        self.inline_css: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = {k: (v or "") for k, v in attrs}
        if tag == "link":
            rels = set(d.get("rel", "").lower().split())
            if rels & LOADING_RELS:
                self.loads.append((f"<link rel={d.get('rel')}>", d.get("href", "")))
                if "stylesheet" in rels or d.get("as") == "style":
                    self.stylesheets.append(d.get("href", ""))
        for attr in LOADING_ATTRS.get(tag, ()):
            value = d.get(attr, "")
            if not value:
                continue
            if attr == "srcset":
                for candidate in value.split(","):
                    self.loads.append((f"<{tag} {attr}>", candidate.strip().split(" ")[0]))
            else:
                self.loads.append((f"<{tag} {attr}>", value))
        if "style" in d:
            self.inline_css.append(d["style"])
        if tag == "style":
            self._in_style = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.inline_css.append(data)


def css_addresses(css: str) -> list[str]:
    return [a or b for a, b in CSS_URL.findall(css)]


def external_loads_in_css(path: Path, seen: set[Path]) -> list[str]:
    """External addresses in a local CSS file and the local CSS files it imports."""
    if path in seen or not path.exists():
        return []
    seen.add(path)
    problems = []
    for address in css_addresses(path.read_text(encoding="utf-8", errors="replace")):
        if EXTERNAL.match(address):
            problems.append(f"{path.name}: url({address})")
        elif address.endswith(".css") and not address.startswith("data:"):
            target = (path.parent / urlparse(address).path).resolve()
            problems += external_loads_in_css(target, seen)
    return problems


def html_pages(html_root: Path) -> list[Path]:
    return sorted(p for p in html_root.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)


def test_no_page_loads_anything_from_another_host(book_build):
    pages = html_pages(book_build.html)
    assert len(pages) >= 10, f"only {len(pages)} pages were built"
    problems: list[str] = []
    seen_css: set[Path] = set()
    for page in pages:
        parser = _AssetParser()
        parser.feed(page.read_text(encoding="utf-8"))
        rel = page.relative_to(book_build.html)
        for what, address in parser.loads:
            if EXTERNAL.match(address):
                problems.append(f"{rel}: {what} loads {address}")
        for css in parser.inline_css:
            for address in css_addresses(css):
                if EXTERNAL.match(address):
                    problems.append(f"{rel}: inline style loads {address}")
        for href in parser.stylesheets:
            if EXTERNAL.match(href):
                continue  # already reported
            target = Path(urlparse(urljoin(page.as_uri(), href)).path)
            problems += [f"{rel}: {p}" for p in external_loads_in_css(target, seen_css)]
    assert not problems, "resources loaded from another host:\n" + "\n".join(sorted(set(problems)))
    assert seen_css, "no local style sheet was found to scan"


def test_mathjax_is_bundled_and_served_locally(book_build):
    mathjax = book_build.html / "_static" / "mathjax" / "tex-chtml.js"
    assert mathjax.exists(), "MathJax is not bundled into _static/mathjax (sphinx-mathjax-offline)"
    page = (book_build.html / "book" / "intro.html").read_text(encoding="utf-8")
    assert re.search(r'<script[^>]+src="[./]*_static/mathjax/tex-chtml\.js', page), (
        "the intro page does not load the bundled MathJax"
    )
    fonts = list((book_build.html / "_static" / "mathjax").rglob("*.woff"))
    assert fonts, "MathJax's web fonts are not bundled"


# ------------------------------------------------------------ the scanner itself


def _external(html: str) -> list[str]:
    parser = _AssetParser()
    parser.feed(html)
    found = [address for _, address in parser.loads if EXTERNAL.match(address)]
    found += [a for css in parser.inline_css for a in css_addresses(css) if EXTERNAL.match(a)]
    return found


@pytest.mark.parametrize(
    "html",
    [
        '<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script>',
        '<link rel="stylesheet" href="//fonts.googleapis.com/css?family=Lato">',
        '<link rel="preload" as="font" href="http://example.org/font.woff2">',
        '<img src="https://example.org/figure.png" alt="x">',
        '<style>@font-face { src: url("https://example.org/font.woff2"); }</style>',
        '<div style="background: url(//example.org/bg.png)"></div>',
        '<iframe src="https://example.org/embed"></iframe>',
    ],
)
def test_scanner_flags_loads_from_another_host(html):
    assert _external(html), html


@pytest.mark.parametrize(
    "html",
    [
        '<a href="https://colab.research.google.com/github/o/r/blob/main/book/x.ipynb">Colab</a>',
        '<script src="../_static/mathjax/tex-chtml.js"></script>',
        '<link rel="stylesheet" href="_static/styles/theme.css">',
        '<link rel="canonical" href="https://example.org/page.html">',
        '<img src="data:image/png;base64,AAAA" alt="x">',
    ],
)
def test_scanner_accepts_local_loads_and_plain_links(html):
    assert not _external(html), html


def test_css_scan_follows_local_imports(tmp_path):
    (tmp_path / "a.css").write_text('@import "b.css"; body { color: red; }')
    (tmp_path / "b.css").write_text('@font-face { src: url(https://example.org/f.woff2); }')
    assert external_loads_in_css(tmp_path / "a.css", set()) == ["b.css: url(https://example.org/f.woff2)"]
