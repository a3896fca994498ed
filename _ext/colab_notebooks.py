"""Colab notebooks: each chapter as plain Jupyter, written with the built site.

Colab renders notebook markdown as CommonMark plus MathJax, nothing more: the
MyST of a chapter (glue roles, ``{eq}``, ``{cite}``, ``{numref}``, labelled
``$$ ... $$ (label)`` equations, ``:::{exercise}`` fences) would show raw. At
the end of an HTML build this Sphinx extension takes each executed notebook
that myst-nb wrote to ``_build/jupyter_execute`` and writes a copy to
``_build/html/notebooks/<chapter>.ipynb`` in which

- glued values are the text of this build (``<chapter>.glue.json``, formatted
  by myst-nb's own ``format_plain_text``);
- ``{eq}`` references read as the HTML's equation numbers, and labelled
  equations carry ``\\tag{n}``;
- ``{cite}``, ``{ref}``, ``{numref}``, ``{doc}`` and links to other ``.md``
  pages are resolved by the Sphinx domains themselves (the same text as the
  HTML) and point at the published pages (``html_baseurl``);
- exercises become headings, solutions collapsed ``<details>`` blocks (a gated
  solution, ``{solution-start}`` ... ``{solution-end}`` around code cells, becomes
  a titled part between two rules),
  admonitions block quotes, figure captions a line under the figure;
- headings carry the HTML's section numbers; cell tags and myst-nb metadata
  are dropped (a cell hidden in the HTML shows its code in Colab);
- the install cell (the first code cell) installs nn_lib at the commit that
  built the book, and runs.

Code cells are written without outputs: running the notebook draws the
figures and prints the glued values again.

The chapter pages' Colab launch button is pointed at
``https://colab.research.google.com/github/<owner>/<repo>/blob/<colab_publish_branch>/notebooks/<chapter>.ipynb``:
the built site must be pushed to that branch (README, "Colab notebooks").

Configuration (``sphinx.config`` in ``_config.yml``): ``colab_publish_branch``
(default ``gh-pages``). The published address is ``html_baseurl``, or
``https://<owner>.github.io/<repo>/`` when that is empty.

The text rewriting (``convert_markdown``, ``convert_notebook``,
``pin_install_source``) is pure: it asks a resolver for every number, title
and link, so tests drive it with a hand-written resolver.
"""

from __future__ import annotations

import copy
import json
import os
import posixpath
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Protocol
from urllib.parse import urljoin, urlparse

import nbformat

NOTEBOOK_DIR = "notebooks"

ROLE = re.compile(r"\{(?P<name>[a-z][\w:-]*)\}`(?P<content>[^`]+)`")
EXPLICIT_TITLE = re.compile(r"^(?P<title>.+?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
DIRECTIVE_OPEN = re.compile(r"^(?P<fence>:{3,}|`{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<argument>.*?)\s*$")
CODE_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*?)\s*$")
TARGET = re.compile(r"^\((?P<label>[^()\s]+)\)=\s*$")
MATH_CLOSE = re.compile(r"^(?P<body>.*?)\$\$\s*(?:\((?P<label>[^()\s]+)\))?\s*$")
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.*)$")
# A link to another page of the book by its source file: [text](page.md#anchor)
PAGE_LINK = re.compile(r"\]\((?P<path>[^():\s#]+\.(?:md|ipynb))(?P<anchor>#[^)\s]*)?\)")
GIT_SOURCE = re.compile(r"(git\+https://github\.com/[^/\s\"'@]+/[^/\s\"'@]+)@[^\s\"')]+")

ADMONITIONS = {
    "note": "Note", "tip": "Tip", "hint": "Hint", "important": "Important", "warning": "Warning",
    "caution": "Caution", "attention": "Attention", "danger": "Danger", "error": "Error",
    "seealso": "See also",
}
BOOK_ONLY_METADATA = ("tags", "mystnb", "jupyter", "editable", "deletable")


class ConversionError(ValueError):
    """A MyST construct the converter does not know, or a reference nothing resolves."""


class Resolver(Protocol):
    """What the converter asks the build for (``BuildResolver``; a dict-backed one in the tests)."""

    def glue(self, key: str, fmt: str) -> str:
        """The text of ``{glue:text}`key:fmt```."""

    def xref(self, role: str, target: str, title: str | None) -> str:
        """Markdown for ``{role}`target``` (``title``: the explicit title of ``{role}`title <target>```)."""

    def equation_number(self, label: str) -> str:
        """The number the HTML prints beside equation ``label`` (``3.1``)."""

    def exercise_title(self, label: str) -> str:
        """``Exercise 3.2``: the HTML's title of exercise ``label``."""

    def page_link(self, path: str, anchor: str) -> str:
        """The published address of the page whose source is ``path`` (relative to this page)."""


# ----------------------------------------------------------------- markdown


def convert_roles(text: str, resolver: Resolver) -> str:
    """Replace every inline MyST role of ``text`` by plain markdown, and ``.md`` links by published ones."""

    def role(match: re.Match) -> str:
        name, content = match["name"], match["content"]
        if name == "glue:text":  # "[page::]key[:format]", format "s" by default as in myst-nb
            page, sep, rest = content.rpartition("::")
            key, _, fmt = rest.partition(":")
            return resolver.glue(page + sep + key, fmt or "s")
        if name == "glue":
            return resolver.glue(content, "")
        explicit = EXPLICIT_TITLE.match(content)
        title, target = (explicit["title"], explicit["target"]) if explicit else (None, content)
        if name in ("eq", "ref", "numref", "doc", "cite") or name.startswith("cite:"):
            return resolver.xref(name, target.strip(), title)
        raise ConversionError(f"unsupported MyST role {{{name}}} in {match[0]!r}")

    text = ROLE.sub(role, text)
    return PAGE_LINK.sub(lambda m: "](" + resolver.page_link(m["path"], m["anchor"] or "") + ")", text)


@dataclass
class _Block:
    """A directive: ``:::{name} argument``, its options and its body lines."""

    name: str
    argument: str
    options: dict[str, str]
    body: list[str]


def _read_directive(lines: list[str], start: int) -> tuple[_Block, int]:
    """The directive opening at ``lines[start]`` and the index after its closing fence."""
    opening = DIRECTIVE_OPEN.match(lines[start])
    fence = opening["fence"]
    closing = re.compile("^" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$")
    index = start + 1
    options: dict[str, str] = {}
    while index < len(lines) and (option := OPTION.match(lines[index])):
        options[option["key"]] = option["value"]
        index += 1
    body: list[str] = []
    depth = 0  # nested fences of the same character, as long or longer than ours, close inner blocks first
    while index < len(lines):
        line = lines[index]
        inner = DIRECTIVE_OPEN.match(line)
        if inner and inner["fence"][0] == fence[0] and len(inner["fence"]) >= len(fence):
            depth += 1
        elif closing.match(line):
            if depth == 0:
                return _Block(opening["name"], opening["argument"], options, body), index + 1
            depth -= 1
        body.append(line)
        index += 1
    raise ConversionError(f"the directive {lines[start]!r} is never closed")


def _quote(lines: list[str]) -> list[str]:
    return [("> " + line) if line.strip() else ">" for line in lines]


@dataclass
class MarkdownState:
    """What carries over from one markdown cell to the next: the heading level, the section numbers."""

    section_numbers: Iterator[str] | None = None
    heading_level: int = 1


def convert_markdown(text: str, resolver: Resolver, state: MarkdownState | None = None) -> str:
    """Plain Jupyter markdown for one MyST markdown cell."""
    state = state or MarkdownState()
    return "\n".join(_convert_lines(text.split("\n"), resolver, state, top=True))


def _convert_lines(lines: list[str], resolver: Resolver, state: MarkdownState, top: bool) -> list[str]:
    out: list[str] = []
    index = 0
    prose: list[str] = []  # roles are rewritten per run of prose lines: a role may wrap a line

    def flush() -> None:
        if prose:
            out.extend(convert_roles("\n".join(prose), resolver).split("\n"))
            prose.clear()

    while index < len(lines):
        line = lines[index]
        if DIRECTIVE_OPEN.match(line):
            flush()
            block, index = _read_directive(lines, index)
            out.extend(_convert_directive(block, resolver, state))
            continue
        if fence := CODE_FENCE.match(line):  # a literal code block: copied as it is
            flush()
            closing = re.compile("^" + re.escape(fence["fence"][0]) + "{" + str(len(fence["fence"])) + r",}\s*$")
            out.append(line)
            index += 1
            while index < len(lines):
                out.append(lines[index])
                index += 1
                if closing.match(out[-1]):
                    break
            continue
        if TARGET.match(line):  # "(label)=": the anchor lives on the published page
            flush()
            index += 1
            continue
        if line.strip().startswith("$$"):
            flush()
            index = _convert_math(lines, index, resolver, out)
            continue
        heading = HEADING.match(line)
        if heading and top:
            flush()
            level = len(heading["hashes"])
            state.heading_level = level
            title = convert_roles(heading["title"], resolver)
            if state.section_numbers is not None:
                number = next(state.section_numbers, None)
                if number is None:
                    raise ConversionError(f"more headings than the page has sections: {line!r}")
                title = f"{number} {title}" if number else title
            out.append(f"{heading['hashes']} {title}")
            index += 1
            continue
        prose.append(line)
        index += 1
    flush()
    return out


def _convert_math(lines: list[str], start: int, resolver: Resolver, out: list[str]) -> int:
    """Copy the display equation opening at ``lines[start]``; a label becomes ``\\tag{n}``.

    Lines keep their indentation, so an equation inside a list item stays there.
    """
    opening = lines[start]
    indent = opening[: len(opening) - len(opening.lstrip())]

    def tag(label: str | None) -> str:
        return f"\\tag{{{resolver.equation_number(label)}}}" if label else ""

    if close := MATH_CLOSE.match(opening.strip()[2:]):  # "$$ x $$ (label)" on one line
        out.append(f"{indent}$${close['body']}{tag(close['label'])}$$")
        return start + 1
    out.append(opening)
    for index in range(start + 1, len(lines)):
        close = MATH_CLOSE.match(lines[index].strip())
        if close is None:
            out.append(lines[index])
            continue
        out.extend(indent + part for part in (close["body"], tag(close["label"])) if part.strip())
        out.append(indent + "$$")
        return index + 1
    raise ConversionError(f"the display equation at {opening!r} is never closed")


def _convert_directive(block: _Block, resolver: Resolver, state: MarkdownState) -> list[str]:
    body = _convert_lines(block.body, resolver, state, top=False)
    while body and not body[0].strip():
        body.pop(0)
    if block.name == "exercise":
        label = block.options.get("label")
        if not label:
            raise ConversionError("an exercise without :label: has no number to show")
        title = resolver.exercise_title(label)
        if block.argument:
            title += f" ({convert_roles(block.argument, resolver)})"
        hashes = "#" * min(state.heading_level + 1, 6)
        return [f"{hashes} {title}", "", *body]
    if block.name == "solution":
        summary = "Solution to " + resolver.exercise_title(block.argument)
        return ["<details>", f"<summary>{summary}</summary>", "", *body, "", "</details>"]
    # A gated solution spans cells (its code cells run in the build), and a <details>
    # block cannot hold a notebook's code cells: it becomes a titled, ruled-off part.
    if block.name == "solution-start":
        return ["---", "", f"**Solution to {resolver.exercise_title(block.argument)}**", "", *body]
    if block.name == "solution-end":
        return ["---"]
    if block.name == "admonition" or block.name in ADMONITIONS:
        title = convert_roles(block.argument, resolver) if block.name == "admonition" else ADMONITIONS[block.name]
        return _quote([f"**{title}**", "", *body])
    raise ConversionError(f"unsupported MyST directive {{{block.name}}}")


# ----------------------------------------------------------------- notebook


def pin_install_source(source: str, revision: str) -> str:
    """The install cell with its ``git+https://github.com/<owner>/<repo>@<ref>`` pinned to ``revision``."""
    pinned, count = GIT_SOURCE.subn(lambda m: f"{m[1]}@{revision}", source)
    if count != 1:
        raise ConversionError(f"the install cell must name one git+https://github.com source, found {count}")
    return pinned


def convert_notebook(
    nb: nbformat.NotebookNode,
    resolver: Resolver,
    *,
    revision: str,
    section_numbers: list[str] | None = None,
    figure_label: Callable[[str], str] = lambda name: name,
    preface: str | None = None,
) -> nbformat.NotebookNode:
    """The Colab notebook for an executed chapter notebook ``nb`` (which is not modified).

    ``revision`` pins the install cell (the first code cell); ``section_numbers``
    (``"3."``, ``"3.1."``, ... in heading order) number the headings;
    ``figure_label(name)`` gives ``Fig. 3.1`` for a figure's ``mystnb.figure.name``;
    ``preface`` is a markdown cell put after the first cell.
    """
    state = MarkdownState(iter(section_numbers) if section_numbers is not None else None)
    cells = []
    seen_code = False
    for cell in nb.cells:
        cell = copy.deepcopy(cell)
        figure = cell.metadata.get("mystnb", {}).get("figure", {})
        for key in BOOK_ONLY_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type == "markdown":
            cell.source = convert_markdown(cell.source, resolver, state)
        elif cell.cell_type == "code":
            # No outputs: the reader's run draws the figures (and myst-nb's
            # cache mode leaves no outputs in the executed notebook anyway).
            cell.outputs, cell.execution_count = [], None
            if not seen_code:
                cell.source = pin_install_source(cell.source, revision)
                seen_code = True
        cells.append(cell)
        if figure.get("caption"):
            caption = convert_roles(figure["caption"], resolver)
            label = figure_label(figure["name"]) if figure.get("name") else "Figure"
            cells.append(nbformat.v4.new_markdown_cell(f"**{label}** {caption}"))
    if section_numbers is not None and next(state.section_numbers, None) is not None:
        raise ConversionError("fewer headings than the page has sections: the section numbers would be wrong")
    if preface is not None:
        cells.insert(1 if cells else 0, nbformat.v4.new_markdown_cell(preface))
    out = nbformat.v4.new_notebook(cells=cells)
    out.metadata = {k: copy.deepcopy(v) for k, v in nb.metadata.items() if k in ("kernelspec", "language_info")}
    return out


# ----------------------------------------------------------------- Sphinx


def site_url(config) -> str:
    """The published address of the site, ending in "/"."""
    base = (config.html_baseurl or "").strip()
    if not base:
        owner_repo = urlparse(config.html_theme_options.get("repository_url", "")).path.strip("/")
        owner, _, repo = owner_repo.partition("/")
        if not owner or not repo:
            raise ConversionError("set html_baseurl or repository.url: published links need the site's address")
        base = f"https://{owner}.github.io/{repo}/"
    return base.rstrip("/") + "/"


def colab_url(config, chapter: str) -> str:
    """The Colab address of ``notebooks/<chapter>.ipynb`` on the publishing branch."""
    owner_repo = urlparse(config.html_theme_options.get("repository_url", "")).path.strip("/")
    colab = config.html_theme_options.get("launch_buttons", {}).get("colab_url") or "https://colab.research.google.com"
    return f"{colab.rstrip('/')}/github/{owner_repo}/blob/{config.colab_publish_branch}/{NOTEBOOK_DIR}/{chapter}.ipynb"


def build_revision(srcdir: str, fallback: str) -> str:
    """The commit being built (``git rev-parse HEAD``; ``GITHUB_SHA`` outside git; else ``fallback``)."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=srcdir, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        head = None
    if head is not None and head.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", head.stdout.strip()):
        return head.stdout.strip()
    return os.environ.get("GITHUB_SHA") or fallback


class BuildResolver:
    """Numbers, titles, glue and links for one page, read from the finished Sphinx build."""

    def __init__(self, app, docname: str, glue_dir: Path):
        from myst_nb.core.variables import format_plain_text

        self.app, self.env, self.docname = app, app.env, docname
        self.base = site_url(app.config)
        self._format = format_plain_text
        self._glue_dir = glue_dir
        self._glue: dict[str, dict] = {}

    def _glue_data(self, docname: str) -> dict:
        if docname not in self._glue:
            path = self._glue_dir / f"{docname}.glue.json"
            self._glue[docname] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        return self._glue[docname]

    def glue(self, key: str, fmt: str) -> str:
        docname = self.docname
        if "::" in key:
            page, _, key = key.partition("::")
            docname = posixpath.normpath(posixpath.join(posixpath.dirname(self.docname), page)).removesuffix(".md").removesuffix(".ipynb")
        data = self._glue_data(docname).get(key)
        if data is None or "text/plain" not in data.get("data", {}):
            raise ConversionError(f"{self.docname}: no glued text for {key!r} in {docname}")
        return self._format(data["data"]["text/plain"], fmt)

    def _url(self, refuri: str) -> str:
        return urljoin(self.base + self.app.builder.get_target_uri(self.docname), refuri)

    def _markdown(self, node) -> str:
        from docutils import nodes

        if isinstance(node, nodes.Text):  # brackets around a link ("[Hinton et al., 2012]") stay text
            return node.astext().replace("[", "\\[").replace("]", "\\]")
        inner = "".join(self._markdown(child) for child in node.children)
        if isinstance(node, nodes.reference):
            uri = node.get("refuri") or ("#" + node["refid"] if node.get("refid") else "")
            return f"[{inner}]({self._url(uri)})" if uri else inner
        if isinstance(node, nodes.emphasis):
            return f"*{inner}*"
        if isinstance(node, nodes.strong):
            return f"**{inner}**"
        if isinstance(node, nodes.literal):
            return f"`{inner}`"
        return inner

    def _resolve(self, domain: str, typ: str, target: str, title: str | None):
        from docutils import nodes
        from sphinx import addnodes

        text = title if title is not None else target
        contnode = nodes.inline(text, text)
        node = addnodes.pending_xref("", contnode, refdomain=domain, reftype=typ, reftarget=target,
                                     refexplicit=title is not None, refdoc=self.docname, refwarn=True)
        result = self.env.get_domain(domain).resolve_xref(self.env, self.docname, self.app.builder, typ, target, node, contnode)
        if result is None:
            raise ConversionError(f"{self.docname}: {{{typ}}}`{target}` resolves to nothing")
        return result

    def _is_exercise(self, label: str) -> bool:
        docname, labelid = self.env.get_domain("std").anonlabels.get(label, ("", ""))
        return labelid in self.env.toc_fignumbers.get(docname, {}).get("exercise", {})

    def xref(self, role: str, target: str, title: str | None) -> str:
        if role == "eq":
            result = self._resolve("math", "eq", target, None)
            same_page = self.env.get_domain("math").equations[target][0] == self.docname
            return result.astext() if same_page else self._markdown(result)
        if role.startswith("cite"):
            return self._markdown(self._resolve("cite", role.partition(":")[2] or "p", target, title))
        if role == "ref" and title is None and self._is_exercise(target.lower()):
            role = "numref"  # as sphinx-exercise does: an exercise is referred to by its number
        if role in ("ref", "numref"):
            target = target.lower()
        return self._markdown(self._resolve("std", role, target, title))

    def equation_number(self, label: str) -> str:
        text = self._resolve("math", "eq", label, None).astext()
        return text.removeprefix("(").removesuffix(")")

    def exercise_title(self, label: str) -> str:
        docname, labelid = self.env.get_domain("std").anonlabels.get(label, ("", ""))
        number = self.env.toc_fignumbers.get(docname, {}).get("exercise", {}).get(labelid)
        if number is None:
            raise ConversionError(f"{self.docname}: exercise {label!r} has no number")
        return self.app.config.numfig_format["exercise"] % ".".join(map(str, number))

    def figure_label(self, name: str) -> str:
        number = self.env.toc_fignumbers.get(self.docname, {}).get("figure", {}).get(name)
        if number is None:
            raise ConversionError(f"{self.docname}: figure {name!r} has no number")
        return self.app.config.numfig_format["figure"] % ".".join(map(str, number))

    def page_link(self, path: str, anchor: str) -> str:
        docname = posixpath.normpath(posixpath.join(posixpath.dirname(self.docname), path)).rsplit(".", 1)[0]
        if docname not in self.env.all_docs:
            raise ConversionError(f"{self.docname}: a link to {path!r}, which is not a page of the book")
        return self.base + self.app.builder.get_target_uri(docname) + anchor

    def section_numbers(self) -> list[str]:
        """``"3."``, ``"3.1."``, ... for the page's sections in document order (as the HTML headings show them)."""
        from docutils import nodes

        numbers = self.env.toc_secnumbers.get(self.docname, {})
        found = []
        for section in self.env.get_doctree(self.docname).findall(nodes.section):
            if not isinstance(section.parent, (nodes.section, nodes.document)):
                continue  # a section inside an exercise or solution is not a heading of the page
            anchor = "" if not found else "#" + section["ids"][0]
            number = numbers.get(anchor)
            found.append(".".join(map(str, number)) + "." if number else "")
        return found


def _chapters(app) -> list[str]:
    """The notebook pages of the book (a kernelspec in their metadata), in build order."""
    return [d for d in sorted(app.env.found_docs) if "kernelspec" in app.env.metadata.get(d, {})]


def write_notebooks(app, exception) -> None:
    """``build-finished``: write ``notebooks/<chapter>.ipynb`` into the HTML output."""
    if exception is not None or app.builder.format != "html":
        return
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    executed = Path(app.outdir).parent / "jupyter_execute"
    branch = app.config.html_theme_options.get("repository_branch") or "main"
    revision = build_revision(app.srcdir, branch)
    target_dir = Path(app.outdir) / NOTEBOOK_DIR
    target_dir.mkdir(exist_ok=True)
    for docname in _chapters(app):
        source = executed / f"{docname}.ipynb"
        if not source.exists():
            logger.warning(f"no executed notebook for {docname} at {source}: no Colab notebook", location=docname)
            continue
        resolver = BuildResolver(app, docname, executed)
        page = resolver.base + app.builder.get_target_uri(docname)
        preface = (
            f"*This notebook is generated from [this chapter of the book]({page}), built from nn_lib at commit "
            f"`{revision}`. Its first code cell installs that nn_lib when it is missing; run the cells from the top "
            "to draw the figures and recompute every number. Links lead to the book's pages.*"
        )
        try:
            nb = convert_notebook(
                nbformat.read(source, as_version=4), resolver, revision=revision,
                section_numbers=resolver.section_numbers(), figure_label=resolver.figure_label, preface=preface,
            )
        except ConversionError as exc:
            logger.warning(f"Colab notebook not written: {exc}", location=docname)
            continue
        nb.metadata["nn_lib_book"] = {"source": app.env.doc2path(docname, False), "revision": revision}
        nbformat.write(nb, target_dir / f"{Path(docname).name}.ipynb")
    logger.info(f"Colab notebooks written to {target_dir}")


def point_colab_button(app, pagename, templatename, context, doctree) -> None:
    """``html-page-context``, after sphinx-book-theme: the Colab launch button opens the generated notebook."""
    chapter = Path(pagename).name
    generated = "kernelspec" in app.env.metadata.get(pagename, {})
    for group in context.get("header_buttons", []):
        buttons = group.get("buttons")
        if not isinstance(buttons, list):
            continue
        for button in list(buttons):
            if "colab.research.google.com" in str(button.get("url", "")):
                if generated:
                    button["url"] = colab_url(app.config, chapter)
                else:
                    buttons.remove(button)


def setup(app):
    app.add_config_value("colab_publish_branch", "gh-pages", "html", types=[str])
    app.connect("html-page-context", point_colab_button, priority=900)
    app.connect("build-finished", write_notebooks)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
