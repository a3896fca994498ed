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
import re
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
            # The root index.html is Jupyter Book's bare redirect page: it has no icon link, so
            # Chrome asks the server root for /favicon.ico, and whether that 404 is logged
            # before the redirect depends on timing. (On GitHub Pages a project site's root is
            # not the server's root, so no file of ours could answer it.) Real pages declare
            # the book's favicon and are held to no console error at all.
            if page == "index.html" and "/favicon.ico " in entry.get("message", ""):
                continue
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


# ------------------------------------------------------------ the reader's side: phone, search, dark mode

PHONE_WIDTH = 390  # px, a common phone's CSS width
# Labels of the page's buttons and menus: none may show in a search snippet.
BUTTON_LABELS = ("Open issue", "Suggest edit", ".pdf", "Download source file", "Print to PDF", "Fullscreen mode",
                 "Show code cell source", "Copy to clipboard")
RAW_TEX = re.compile(r"\$\$|\\[()\[\]]|\\(?:frac|hat|beta|alpha|lambda|epsilon|sum|sqrt|left|right|mathbf|lVert|partial|cdot)\b")


def test_no_page_scrolls_sideways_on_a_phone(browser, book_url, book_build):
    """At a 390 px wide viewport, every page is at most 390 px wide."""
    wide = []
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": PHONE_WIDTH, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    )
    try:
        for page in _pages(book_build.html):
            _load(browser, f"{book_url}/{page}")
            browser.execute_async_script(WAIT_FOR_MATHJAX)
            width, viewport = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth];")
            assert viewport == PHONE_WIDTH, f"{page}: the viewport is {viewport} px, not {PHONE_WIDTH} (no viewport meta tag?)"
            if width > PHONE_WIDTH:
                wide.append(f"{page}: {width} px wide")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.get_log("browser")
    assert not wide, f"pages that scroll sideways at {PHONE_WIDTH} px:\n" + "\n".join(wide)


def test_one_search_box_at_desktop_width(browser, book_url):
    for page in ("book/intro.html", "book/dropout.html", "book/api.html"):
        browser.get(f"{book_url}/{page}")
        boxes = browser.execute_script(
            "return Array.from(document.querySelectorAll('.search-button-field, form.bd-search input'))"
            ".filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0"
            " && getComputedStyle(e).visibility !== 'hidden'; }).length;"
        )
        assert boxes == 1, f"{page}: {boxes} search boxes visible at 1280 px, expected one"
    browser.get_log("browser")


def _search(browser, book_url, query: str) -> list[tuple[str, str]]:
    """(result link, snippet) for each result of the search page, once it has finished."""
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{book_url}/search.html?q={query}")

    def finished(driver):
        status = driver.execute_script(
            "const s = document.querySelector('#search-results .search-summary'); return s ? s.textContent : '';"
        )
        return status if ("finished" in status or "did not match" in status) else False

    WebDriverWait(browser, PAGE_TIMEOUT).until(finished)
    return [
        tuple(item)
        for item in browser.execute_script(
            "return Array.from(document.querySelectorAll('#search-results li')).map((li) => "
            "[li.querySelector('a').href, (li.querySelector('p.context') || {textContent: ''}).textContent]);"
        )
    ]


@pytest.mark.parametrize(
    "query, page",
    [
        ("动量", "book/glossary.html"),  # momentum
        ("失活", "book/glossary.html"),  # (drop)out, part of 随机失活
        ("随机失活", "book/glossary.html"),  # dropout
        ("正则化", "book/glossary.html"),  # regularization
        ("学习率", "book/glossary.html"),  # learning rate
        ("momentum", "book/momentum.html"),
        ("regularization", "book/l2-regularization.html"),
        ("gradient", "book/gradient-checking.html"),
    ],
)
def test_search_finds_chinese_and_english_terms(browser, book_url, query, page):
    results = _search(browser, book_url, query)
    assert any(urlparse(href).path.endswith(page) for href, _ in results), f"search for {query!r} returned {results}"
    browser.get_log("browser")


def test_search_snippets_show_no_tex_and_no_button_labels(browser, book_url):
    browser.get(f"{book_url}/book/dropout.html")
    labels = browser.execute_script("return document.querySelector('.bd-header-article').textContent;")
    assert "Open issue" in labels and "Suggest edit" in labels, "the chapter page has no issue and edit buttons"
    problems = []
    snippets = 0
    for query in ("dropout", "regularization", "adam", "正则化", "cost"):
        for href, snippet in _search(browser, book_url, query):
            snippets += bool(snippet.strip())
            if RAW_TEX.search(snippet):
                problems.append(f"{query!r} -> {href}: raw TeX in {snippet!r}")
            problems += [f"{query!r} -> {href}: button label {label!r} in {snippet!r}" for label in BUTTON_LABELS if label in snippet]
    assert snippets >= 10, f"only {snippets} snippets were shown"
    assert not problems, "\n".join(problems)
    browser.get_log("browser")


def test_edit_and_issue_buttons_point_at_the_repository(browser, book_url):
    config = read_config()
    url, branch = config["repository"]["url"], config["repository"]["branch"]
    browser.get(f"{book_url}/book/dropout.html")
    hrefs = browser.execute_script("return Array.from(document.querySelectorAll('a[href]')).map((a) => a.href);")
    assert f"{url}/edit/{branch}/book/dropout.md" in hrefs, "no 'Suggest edit' link to book/dropout.md"
    assert any(h.startswith(f"{url}/issues/new") for h in hrefs), "no 'Open issue' link"
    browser.get_log("browser")


def test_dark_mode_puts_every_figure_on_white(browser, book_url):
    """Figures are drawn with dark ink: in dark mode each sits on a white card."""
    problems = []
    checked = 0
    for chapter in chapter_names():
        _load(browser, f"{book_url}/book/{chapter}.html")
        browser.execute_script("document.documentElement.dataset.theme = 'dark'; document.documentElement.dataset.mode = 'dark';")
        facts = browser.execute_script(
            "return [getComputedStyle(document.body).backgroundColor,"
            " Array.from(document.querySelectorAll('.bd-content img')).map((i) => [i.src, getComputedStyle(i).backgroundColor])];"
        )
        page_background, images = facts
        assert page_background != "rgb(255, 255, 255)", f"{chapter}: dark mode did not switch on"
        for src, background in images:
            checked += 1
            if background != "rgb(255, 255, 255)":
                problems.append(f"{chapter}: {src} has background {background} in dark mode")
    assert checked >= 2 * len(chapter_names()), f"only {checked} figures checked"
    assert not problems, "\n".join(problems)
    browser.get_log("browser")
