"""The Colab notebooks that ``_ext/colab_notebooks.py`` writes into the built site.

Unit tests drive the converter's pure functions with small hand-written MyST
and a dict-backed resolver. The ``book`` tests read the shared build: no
notebook keeps MyST in its markdown, and its equation and exercise numbers are
the ones the HTML pages show (read from the HTML, not from the converter).
"""

from __future__ import annotations

import re
import sys

import nbformat
import pytest

from conftest import ROOT, chapter_names

sys.path.insert(0, str(ROOT / "_ext"))  # where _config.yml's sphinx.local_extensions finds it
import colab_notebooks as cn  # noqa: E402

SHA = "0123456789abcdef0123456789abcdef01234567"

# What a notebook must not show: a role, a directive fence, a labelled
# equation, a target, a link to a MyST source file.
LEFTOVERS = {
    "role": re.compile(r"\{[A-Za-z][\w:-]*\}`"),
    "directive fence": re.compile(r"^[ \t>]*(?::{3,}|`{3,}|~{3,})\{", re.MULTILINE),
    "labelled equation": re.compile(r"\$\$[ \t]*\([^()\s]+\)"),
    "target": re.compile(r"^[ \t>]*\([^()\s]+\)=[ \t]*$", re.MULTILINE),
    "link to a .md source": re.compile(r"\]\((?![a-z]+://)[^)\s]*\.md(?:#[^)]*)?\)"),
}


def myst_leftovers(markdown: str) -> list[str]:
    return [f"{kind}: {m.group(0)!r}" for kind, pattern in LEFTOVERS.items() for m in pattern.finditer(markdown)]


class FakeResolver:
    """Answers from dicts; every xref is written as <role|target|title> so the tests see the routing."""

    glued = {"acc": "0.93125", "n": "12", "word": "'higher'"}
    equations = {"eq-a": "2.1", "eq-b": "2.2"}
    exercises = {"ex-one": "Exercise 2.1", "ex-two": "Exercise 2.2"}

    def __init__(self):
        self.calls = []

    def glue(self, key, fmt):
        text = self.glued[key]
        value = text.strip("'") if text.startswith("'") else float(text)
        return format(value, fmt) if fmt not in ("", "s") else str(value if isinstance(value, str) else text)

    def xref(self, role, target, title):
        self.calls.append((role, target, title))
        return f"<{role}|{target}|{title}>"

    def equation_number(self, label):
        return self.equations[label]

    def exercise_title(self, label):
        return self.exercises[label]

    def page_link(self, path, anchor):
        return f"https://site.example/book/{path.rsplit('.', 1)[0]}.html{anchor}"


def convert(text, state=None):
    return cn.convert_markdown(text, FakeResolver(), state)


# ------------------------------------------------------------ roles


def test_glue_roles_become_the_formatted_values():
    out = convert("Accuracy {glue:text}`acc:.3f` over {glue:text}`n` seeds, {glue:text}`word` than before.")
    assert out == "Accuracy 0.931 over 12 seeds, higher than before."


def test_glue_from_another_page_with_and_without_a_format():
    calls = []

    class Recorder(FakeResolver):
        def glue(self, key, fmt):
            calls.append((key, fmt))
            return "x"

    cn.convert_markdown("{glue:text}`dropout.md::acc:.2f` and {glue:text}`dropout.md::n`", Recorder())
    assert calls == [("dropout.md::acc", ".2f"), ("dropout.md::n", "s")]


def test_a_role_that_wraps_a_line_is_still_found():
    resolver = FakeResolver()
    out = cn.convert_markdown("see {cite:t}`kingma2015adam,\nloshchilov2019` here", resolver)
    assert out == "see <cite:t|kingma2015adam,\nloshchilov2019|None> here"


def test_references_are_routed_with_their_explicit_titles():
    resolver = FakeResolver()
    text = ("{eq}`eq-a`, {cite:p}`a,b`, {cite}`c`, {ref}`the pitfalls <l2-pitfalls>`, "
            "{numref}`fig-x`, {numref}`Figure {number} <fig-y>`, {doc}`bibliography`")
    cn.convert_markdown(text, resolver)
    assert resolver.calls == [
        ("eq", "eq-a", None), ("cite:p", "a,b", None), ("cite", "c", None),
        ("ref", "l2-pitfalls", "the pitfalls"), ("numref", "fig-x", None),
        ("numref", "fig-y", "Figure {number}"), ("doc", "bibliography", None),
    ]


def test_links_to_other_chapters_point_at_published_pages():
    out = convert("the [previous chapter](l2-regularization.md) and [its pitfalls](dropout.md#pitfalls); "
                  "[external](https://example.org/a.md) stays")
    assert out == ("the [previous chapter](https://site.example/book/l2-regularization.html) and "
                   "[its pitfalls](https://site.example/book/dropout.html#pitfalls); "
                   "[external](https://example.org/a.md) stays")


def test_an_unknown_role_is_an_error_not_a_silent_leftover():
    with pytest.raises(cn.ConversionError, match=r"\{term\}"):
        convert("a {term}`gradient` here")


def test_code_blocks_are_copied_verbatim():
    text = "Run:\n\n```python\nprint(f\"{x}`\")  # {eq}`not-a-role`\n```\n\nthen {glue:text}`n`."
    assert convert(text) == "Run:\n\n```python\nprint(f\"{x}`\")  # {eq}`not-a-role`\n```\n\nthen 12."


# ------------------------------------------------------------ blocks


def test_a_labelled_equation_gets_its_number_as_a_tag():
    text = "The cost\n\n$$\nJ = \\frac{1}{m}\n$$ (eq-a)\n\nand\n\n$$\nK = 0\n$$\n"
    assert convert(text) == "The cost\n\n$$\nJ = \\frac{1}{m}\n\\tag{2.1}\n$$\n\nand\n\n$$\nK = 0\n$$\n"


def test_an_equation_inside_a_list_item_keeps_its_indentation():
    text = "1. Update:\n\n   $$\n   v = \\beta v\n   $$ (eq-b)\n"
    assert convert(text) == "1. Update:\n\n   $$\n   v = \\beta v\n   \\tag{2.2}\n   $$\n"


def test_a_one_line_labelled_equation():
    assert convert("$$ x = 1 $$ (eq-a)") == "$$ x = 1 \\tag{2.1}$$"


def test_targets_disappear_and_headings_get_section_numbers():
    state = cn.MarkdownState(iter(["2.", "2.1.", ""]))
    text = "# L2\n\nIntro.\n\n(l2-pitfalls)=\n## Pitfalls\n\n### Deep `heading`\n"
    assert convert(text, state) == "# 2. L2\n\nIntro.\n\n## 2.1. Pitfalls\n\n### Deep `heading`\n"


def test_exercises_become_headings_and_solutions_collapsed_details():
    text = (
        "## Exercises\n\n"
        ":::{exercise}\n:label: ex-one\nShow {eq}`eq-a`.\n:::\n\n"
        ":::{solution} ex-one\n:class: dropdown\nBy hand:\n\n```python\nx = 1\n```\n:::\n"
    )
    resolver = FakeResolver()
    out = cn.convert_markdown(text, resolver, cn.MarkdownState())
    assert out == (
        "## Exercises\n\n"
        "### Exercise 2.1\n\nShow <eq|eq-a|None>.\n\n"
        "<details>\n<summary>Solution to Exercise 2.1</summary>\n\nBy hand:\n\n```python\nx = 1\n```\n\n</details>\n"
    )


def test_a_gated_solution_becomes_a_titled_part_between_rules():
    resolver = FakeResolver()
    start = cn.convert_markdown(":::{solution-start} ex-one\n:class: dropdown\n:::\nRun this:", resolver)
    end = cn.convert_markdown(":::{solution-end}\n:::", resolver)
    assert start == "---\n\n**Solution to Exercise 2.1**\n\nRun this:"
    assert end == "---"


def test_an_exercise_with_a_title_and_a_nested_admonition():
    text = "::::{exercise} Warm-up\n:label: ex-two\nText.\n\n:::{note}\nCareful.\n:::\n::::"
    assert convert(text) == "## Exercise 2.2 (Warm-up)\n\nText.\n\n> **Note**\n>\n> Careful."


def test_an_admonition_becomes_a_block_quote_with_its_math():
    text = ":::{admonition} Algorithm: Adam\n:class: important\n\n1. Step:\n\n   $$\n   v = 0\n   $$ (eq-b)\n:::"
    assert convert(text) == (
        "> **Algorithm: Adam**\n>\n> 1. Step:\n>\n>    $$\n>    v = 0\n>    \\tag{2.2}\n>    $$"
    )


def test_unknown_and_unclosed_directives_are_errors():
    with pytest.raises(cn.ConversionError, match="glue:figure"):
        convert("```{glue:figure} fig\n```")
    with pytest.raises(cn.ConversionError, match="never closed"):
        convert(":::{note}\nno end")
    with pytest.raises(cn.ConversionError, match="never closed"):
        convert("$$\nx = 1\n")


# ------------------------------------------------------------ notebook


def _chapter_notebook():
    install = nbformat.v4.new_code_cell(
        'source = os.environ.get("NN_LIB_SOURCE", "git+https://github.com/owner/repo@main")',
        metadata={"tags": ["skip-execution"]},
    )
    figure = nbformat.v4.new_code_cell(
        "plt.plot([1, 2])",
        metadata={"tags": ["hide-input"], "mystnb": {"figure": {"caption": "Cost after {glue:text}`n` steps.", "name": "fig-cost"}}},
    )
    figure.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBOR"})]
    figure.execution_count = 3
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title\n\nSee {numref}`fig-cost`."),
        install,
        figure,
        nbformat.v4.new_markdown_cell("## Next\n\nText."),
    ])
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                   "jupytext": {"formats": "md:myst"}, "source_map": [1, 2]}
    return nb


def test_convert_notebook_pins_the_install_cell_and_drops_book_only_metadata():
    nb = _chapter_notebook()
    out = cn.convert_notebook(nb, FakeResolver(), revision=SHA, section_numbers=["2.", "2.1."],
                              figure_label=lambda name: {"fig-cost": "Fig. 2.1"}[name], preface="*Generated.*")
    kinds = [c.cell_type for c in out.cells]
    assert kinds == ["markdown", "markdown", "code", "code", "markdown", "markdown"]
    assert out.cells[0].source == "# 2. Title\n\nSee <numref|fig-cost|None>."
    assert out.cells[1].source == "*Generated.*"
    assert out.cells[2].source == f'source = os.environ.get("NN_LIB_SOURCE", "git+https://github.com/owner/repo@{SHA}")'
    assert out.cells[4].source == "**Fig. 2.1** Cost after 12 steps."
    assert out.cells[5].source == "## 2.1. Next\n\nText."
    for cell in out.cells:
        assert "tags" not in cell.metadata and "mystnb" not in cell.metadata
    assert out.cells[3].outputs == [] and out.cells[3].execution_count is None
    assert set(out.metadata) == {"kernelspec"}
    nbformat.validate(out)
    # The input is left as it was.
    assert nb.cells[1].metadata["tags"] == ["skip-execution"] and nb.cells[2].outputs


def test_section_numbers_must_match_the_headings():
    with pytest.raises(cn.ConversionError, match="fewer headings"):
        cn.convert_notebook(_chapter_notebook(), FakeResolver(), revision=SHA, section_numbers=["2.", "2.1.", "2.2."])
    with pytest.raises(cn.ConversionError, match="more headings"):
        cn.convert_notebook(_chapter_notebook(), FakeResolver(), revision=SHA, section_numbers=["2."])


def test_pin_install_source_needs_exactly_one_git_source():
    assert cn.pin_install_source("pip install git+https://github.com/a/b@v1.0", SHA) == f"pip install git+https://github.com/a/b@{SHA}"
    with pytest.raises(cn.ConversionError, match="found 0"):
        cn.pin_install_source("import numpy", SHA)


def test_the_leftover_scan_finds_each_kind():
    sample = ("{glue:text}`x`\n:::{exercise}\n> ```{note}\n$$ (eq-a)\n(my-label)=\n"
              "[a](dropout.md#x) [b](https://example.org/x.md)")
    kinds = sorted(problem.split(":")[0] for problem in myst_leftovers(sample))
    assert kinds == ["directive fence", "directive fence", "labelled equation", "link to a .md source", "role", "target"]
    assert myst_leftovers("Accuracy 0.93, $$x \\tag{1}$$, `code`, [a](https://x.org/b.html)") == []


# ------------------------------------------------------------ the built notebooks


def _markdown(nb):
    return "\n\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


@pytest.mark.book
def test_no_generated_notebook_keeps_myst(book_build):
    problems = []
    for chapter in chapter_names():
        path = book_build.html / cn.NOTEBOOK_DIR / f"{chapter}.ipynb"
        assert path.is_file(), f"{chapter}: no generated notebook at {path}"
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        problems += [f"{chapter}: {p}" for p in myst_leftovers(_markdown(nb))]
    assert not problems, "\n".join(problems[:40])


@pytest.mark.book
def test_generated_notebooks_carry_the_html_numbers(book_build):
    """Equation tags and exercise titles equal what the HTML page prints; every source cell is there."""
    for chapter in chapter_names():
        nb = nbformat.read(book_build.html / cn.NOTEBOOK_DIR / f"{chapter}.ipynb", as_version=4)
        markdown = _markdown(nb)
        source = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
        html = (book_build.html / "book" / f"{chapter}.html").read_text(encoding="utf-8")
        eqnos = re.findall(r'id="equation-[^"]+">\s*<span class="eqno">\(([\d.]+)\)', html)
        assert len(eqnos) == len(re.findall(r"\$\$\s*\([^()\s]+\)", source)), f"{chapter}: labelled equations in the HTML"
        assert re.findall(r"\\tag\{([\d.]+)\}", markdown) == eqnos, f"{chapter}: equation tags differ from the HTML"
        titles = re.findall(r'class="exercise admonition"[^>]*>\s*<p class="admonition-title"><span class="caption-number">(Exercise [\d.]+)', html)
        assert titles and re.findall(r"^#+ (Exercise [\d.]+)", markdown, re.MULTILINE) == titles, chapter
        assert markdown.count("<details>") == len(re.findall(r"^:::+\{solution\}", source, re.MULTILINE)), chapter
        assert markdown.count("**Solution to Exercise") == len(
            re.findall(r"^:::+\{solution-start\}", source, re.MULTILINE)), chapter
        assert sum(c.cell_type == "code" for c in nb.cells) == source.count("```{code-cell}"), chapter
        assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), chapter
        install = next(c for c in nb.cells if c.cell_type == "code")
        assert re.search(r"git\+https://github\.com/[\w.-]+/[\w.-]+@[0-9a-f]{40}\b", install.source), (
            f"{chapter}: the install cell does not pin a commit:\n{install.source}"
        )
