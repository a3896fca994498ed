"""The built book in a real browser: headless Chromium through Selenium.

The HTML from the shared ``book_build`` is served on 127.0.0.1 from a thread.
For every page: no console errors, no request to another host, every image
loaded, every equation typeset by MathJax, every same-site link and anchor
resolves, the accessibility basics hold. Also: the search page finds the
dropout chapter, each chapter's Colab button names a notebook of the built site, and a
screenshot of every chapter goes to test-output/screenshots/.

Needs Debian's ``chromium`` and ``chromium-driver``. Without them the tests
skip locally and FAIL when the CI environment variable is set.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import shutil
import tempfile
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from conftest import ROOT, chapter_names, read_config, skip_or_fail, toc_docnames

pytestmark = [pytest.mark.book, pytest.mark.browser]

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMEDRIVER_CANDIDATES = ("/usr/bin/chromedriver",)
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--window-size=1280,1000",
)
PAGE_TIMEOUT = 60


def _first_existing(candidates, which_name):
    for candidate in candidates:
        if Path(candidate).exists():
            return candidate
    return shutil.which(which_name)


# ------------------------------------------------------------------ server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def book_url(book_build):
    handler = functools.partial(_QuietHandler, directory=str(book_build.html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# ------------------------------------------------------------------ browser


@pytest.fixture(scope="session")
def browser():
    chromium = _first_existing(CHROMIUM_CANDIDATES, "chromium")
    driver_path = _first_existing(CHROMEDRIVER_CANDIDATES, "chromedriver")
    if not chromium or not driver_path:
        skip_or_fail("headless Chromium is not installed (apt-get install chromium chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        skip_or_fail("selenium is not installed")

    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(PAGE_TIMEOUT)
    driver.set_script_timeout(PAGE_TIMEOUT)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _pages(html_root: Path) -> list[str]:
    """Every HTML page of the book, relative to the root (the toc pages first)."""
    pages = [f"{d}.html" for d in toc_docnames()]
    others = sorted(
        str(p.relative_to(html_root))
        for p in html_root.rglob("*.html")
        if "_static" not in p.parts and "_sources" not in p.parts
    )
    return pages + [p for p in others if p not in pages]


# JavaScript run on a loaded page.
WAIT_FOR_MATHJAX = """
const done = arguments[arguments.length - 1];
const start = Date.now();
(function poll() {
  const mj = window.MathJax;
  if (mj && mj.startup && mj.startup.promise) {
    mj.startup.promise.then(() => done("ok")).catch((e) => done("error: " + e));
  } else if (!document.querySelector(".math")) {
    done("no-math");
  } else if (Date.now() - start > 30000) {
    done("timeout: MathJax never started");
  } else {
    setTimeout(poll, 100);
  }
})();
"""

PAGE_FACTS = """
const main = document.querySelector("main") || document.body;
const clone = main.cloneNode(true);
clone.querySelectorAll("pre, code, script, style, mjx-container, .highlight, textarea").forEach((e) => e.remove());
const article = document.querySelector("article.bd-article") || main;
const headings = Array.from(article.querySelectorAll("h1, h2, h3, h4, h5, h6"))
  .filter((h) => !h.closest("nav, header, footer, .onlyprint"))
  .map((h) => [parseInt(h.tagName.substring(1)), h.textContent.trim().slice(0, 80)]);
return {
  lang: document.documentElement.getAttribute("lang"),
  text: clone.textContent,
  mathElements: document.querySelectorAll(".math").length,
  untypesetMath: Array.from(document.querySelectorAll(".math")).filter((e) => !e.querySelector("mjx-container")).map((e) => e.textContent.slice(0, 80)),
  mjxContainers: document.querySelectorAll("mjx-container").length,
  mathErrors: Array.from(document.querySelectorAll("mjx-merror")).map((e) => e.textContent.slice(0, 80)),
  images: Array.from(document.images).map((img) => ({src: img.currentSrc || img.src, alt: img.getAttribute("alt"), complete: img.complete, width: img.naturalWidth})),
  figuresWithoutAlt: Array.from(main.querySelectorAll("figure")).filter((f) => { const i = f.querySelector("img"); return i && !(i.getAttribute("alt") || "").trim(); }).length,
  links: Array.from(document.querySelectorAll("a[href]")).map((a) => a.href),
  headings: headings,
};
"""

WAIT_FOR_IMAGES = """
const done = arguments[arguments.length - 1];
const images = Array.from(document.images);
images.forEach((img) => { img.loading = "eager"; });
Promise.all(images.map((img) => img.complete ? Promise.resolve() : new Promise((r) => { img.onload = r; img.onerror = r; })))
  .then(() => done(true));
"""


def _load(driver, url: str) -> None:
    driver.get(url)
    driver.execute_async_script(WAIT_FOR_IMAGES)


class _IdParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("id", "name") and value:
                self.ids.add(value)


@functools.lru_cache(maxsize=None)
def _ids_in(path: Path) -> frozenset[str]:
    parser = _IdParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


def _check_link(html_root: Path, base: str, href: str) -> str | None:
    """None if a same-site link resolves, else a message. Links to other sites are not checked."""
    parsed = urlparse(href)
    if parsed.scheme not in ("http", "https") or not href.startswith(base):
        return None
    target = html_root / unquote(parsed.path).lstrip("/")
    if target.is_dir():
        target = target / "index.html"
    if not target.exists():
        return f"{href}: no such file"
    if parsed.fragment and target.suffix == ".html":
        fragment = unquote(parsed.fragment)
        if fragment not in _ids_in(target):
            return f"{href}: no element with id {fragment!r} in {target.name}"
    return None


def _external_requests(driver, base: str) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") != "Network.requestWillBeSent":
            continue
        url = message["params"]["request"]["url"]
        if url.startswith(("data:", "blob:", "about:", "chrome:", "chrome-extension:", "devtools:")):
            continue
        if not url.startswith(base):
            urls.append(url)
    return urls


# ------------------------------------------------------------------ tests


def test_every_page_in_the_browser(browser, book_url, book_build):
    """One pass over every page, collecting every problem, reported together."""
    html_root = book_build.html
    problems: list[str] = []
    checked_links: dict[str, str | None] = {}
    pages = _pages(html_root)
    browser.get_log("browser")
    browser.get_log("performance")
    for page in pages:
        url = f"{book_url}/{page}"
        _load(browser, url)
        mathjax = browser.execute_async_script(WAIT_FOR_MATHJAX)
        facts = browser.execute_script(PAGE_FACTS)
        say = lambda message: problems.append(f"{page}: {message}")  # noqa: E731

        # Console errors and requests to other hosts.
        for entry in browser.get_log("browser"):
            if entry.get("level") == "SEVERE":
                say(f"console error: {entry.get('message')}")
        for request in _external_requests(browser, book_url):
            say(f"requested another host: {request}")

        # Images.
        for img in facts["images"]:
            if not img["complete"] or img["width"] <= 0:
                say(f"image did not load: {img['src']}")
            if not (img["alt"] or "").strip():
                say(f"image without alt text: {img['src']}")
        if facts["figuresWithoutAlt"]:
            say(f"{facts['figuresWithoutAlt']} figure(s) without alt text")

        # Math.
        if facts["mathElements"]:
            if mathjax != "ok":
                say(f"MathJax did not finish: {mathjax}")
            if facts["untypesetMath"]:
                say(f"equations not typeset by MathJax: {facts['untypesetMath'][:5]}")
            if not facts["mjxContainers"]:
                say("page has math but no mjx-container")
        if facts["mathErrors"]:
            say(f"MathJax errors: {facts['mathErrors'][:5]}")
        for raw in ("$$", "\\(", "\\)", "\\[", "\\]"):
            if raw in facts["text"]:
                at = facts["text"].index(raw)
                say(f"raw TeX {raw!r} left in the visible text: ...{facts['text'][max(0, at - 60):at + 60]!r}...")

        # Accessibility.
        if not (facts["lang"] or "").strip():
            say("<html> has no lang attribute")
        levels = [level for level, _ in facts["headings"]]
        if levels and levels[0] != 1:
            say(f"the first heading is h{levels[0]}, expected h1")
        for (before, _), (after, title) in zip(facts["headings"], facts["headings"][1:]):
            if after > before + 1:
                say(f"heading level skips from h{before} to h{after} at {title!r}")

        # Same-site links and anchors.
        for href in facts["links"]:
            if href not in checked_links:
                checked_links[href] = _check_link(html_root, book_url, href)
            if checked_links[href]:
                say(f"broken link {checked_links[href]}")

    assert len(pages) >= len(toc_docnames()), pages
    assert not problems, f"{len(problems)} problem(s) in {len(pages)} pages:\n" + "\n".join(problems)


def test_search_finds_the_dropout_chapter(browser, book_url):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{book_url}/search.html?q=dropout")

    def results(driver):
        links = driver.execute_script(
            "return Array.from(document.querySelectorAll('#search-results a')).map((a) => a.href);"
        )
        summary = driver.execute_script(
            "const s = document.querySelector('#search-results .search-summary, #search-results p');"
            "return s ? s.textContent : '';"
        )
        return links if (links or "did not match" in summary) else False

    links = WebDriverWait(browser, PAGE_TIMEOUT).until(results)
    assert any("book/dropout.html" in href for href in links), f"search for 'dropout' returned {links}"
    browser.get_log("browser")


def test_colab_buttons_point_at_generated_notebooks(browser, book_url, book_build):
    config = read_config()
    repo = urlparse(config["repository"]["url"]).path.strip("/")
    branch = config["sphinx"]["config"]["colab_publish_branch"]  # where the built site is published
    colab = config["launch_buttons"]["colab_url"].rstrip("/")
    for chapter in chapter_names():
        browser.get(f"{book_url}/book/{chapter}.html")
        hrefs = browser.execute_script(
            "return Array.from(document.querySelectorAll('a[href]')).map((a) => a.getAttribute('href'))"
            ".filter((h) => h.includes('colab.research.google.com'));"
        )
        expected = f"{colab}/github/{repo}/blob/{branch}/notebooks/{chapter}.ipynb"
        assert hrefs, f"{chapter}: no Colab launch button"
        assert set(hrefs) == {expected}, f"{chapter}: Colab link {hrefs}, expected {expected}"
        path = hrefs[0].removeprefix(f"{colab}/github/{repo}/blob/{branch}/")
        assert (book_build.html / path).is_file(), f"{chapter}: the Colab button names {path}, not in the built site"
    browser.get_log("browser")


def test_screenshot_of_every_chapter(browser, book_url, test_output_dir):
    folder = test_output_dir / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for chapter in chapter_names():
        _load(browser, f"{book_url}/book/{chapter}.html")
        browser.execute_async_script(WAIT_FOR_MATHJAX)
        size = browser.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight];"
        )
        height = min(int(size[1]), 12000)
        shot = browser.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": int(size[0]), "height": height, "scale": 1},
            },
        )
        target = folder / f"{chapter}.png"
        target.write_bytes(base64.b64decode(shot["data"]))
        assert target.stat().st_size > 10_000, f"{chapter}: the screenshot looks empty"
    browser.get_log("browser")


def test_link_checker_itself(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.html").write_text('<h1 id="top">A</h1><a name="old">x</a>')
    base = "http://127.0.0.1:9"
    assert _check_link(tmp_path, base, f"{base}/book/a.html#top") is None
    assert _check_link(tmp_path, base, f"{base}/book/a.html#old") is None
    assert _check_link(tmp_path, base, "https://example.org/missing.html") is None  # other sites: not checked
    assert "no such file" in _check_link(tmp_path, base, f"{base}/book/b.html")
    assert "no element" in _check_link(tmp_path, base, f"{base}/book/a.html#nowhere")
