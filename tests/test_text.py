"""Markdown rendering: bounded work on hostile input, and ordinary Markdown exactly as Python-Markdown gives it."""

import gc
import time
from pathlib import Path

import markdown
import pytest

from cop import text
from cop.text import MARKDOWN_CONFIG, MARKDOWN_EXTENSIONS, render_markdown

DEMO_PRACTICES = sorted((Path(text.__file__).parent / "demo" / "practices").glob("*.md"))

ORDINARY = [
    "A [link](https://example.com \"title\") and [another][ref], ![an image](/static/x.png).\n\n"
    "[ref]: https://example.org\n",
    "Unclosed [brackets and (parens and `a[0` in code, [nested [links]](/x) and \\[escaped].",
    "| Role | Hours |\n| :--- | ---: |\n| Intern | 20 |\n| Mentor | 2 |\n",
    "- one\n    - two\n        - three\n\n1. first\n2. second\n\n> quoted\n> > deeper\n",
    "# Heading\n\nSome *em*, **strong**, ***both***, _under_, `code`, <https://example.com>, a&amp;b\n"
    "line one\nline two\n\n```python\nprint('[')\n```\n",
    "<div>raw</div> and <span>inline</span> and <!-- comment -->\n\n---\n\nTail",
]


def plain_render(source: str) -> str:
    """Python-Markdown alone, then the same sanitizing: what render_markdown gave before its bounds."""
    html = markdown.markdown(source, extensions=MARKDOWN_EXTENSIONS, extension_configs=MARKDOWN_CONFIG,
                             output_format="html")
    return text._mark_external_links(text.sanitize_html(html))


@pytest.mark.parametrize("path", DEMO_PRACTICES[:80], ids=lambda p: p.stem)
def test_demo_library_renders_exactly_as_python_markdown_alone(path):
    body = path.read_text().split("---", 2)[-1]
    assert render_markdown(body) == plain_render(body)


@pytest.mark.parametrize("source", ORDINARY)
def test_ordinary_markdown_renders_exactly_as_python_markdown_alone(source):
    assert render_markdown(source) == plain_render(source)


def _hostile(n: int) -> dict[str, str]:
    return {
        "open brackets": "[" * n,
        "image brackets": "![" * (n // 2),
        "bracket words": "[a" * (n // 2),
        "links without end": "[a](" * (n // 4),
        "nested brackets": "[" * (n // 2) + "]" * (n // 2),
        "emphasis runs": "*a" * (n // 2),
        "mixed emphasis": "**a*" * (n // 4),
        "backtick runs": "".join("`" * k + "a" for k in range(1, 400))[:n],
        "code spans": "`a" * (n // 2),
        "nested lists": "".join("  " * i + "- x\n" for i in range(n // 400)) * 20,
        "nested quotes": ">" * n,
        "quoted lists": "> - " * (n // 4),
        "long table": ("|a|b|\n|-|-|\n" + "|x|y|\n" * n)[:n],
        "wide table": "|" + "a|" * (n // 4) + "\n|" + "-|" * (n // 4),
        "headings": "# a\n" * (n // 4),
        "line breaks": "a\n" * (n // 2),
        "unclosed tags": "<a" * (n // 2),
        "autolinks": "<http://" * (n // 8),
        "backslashes": "\\" * n,
    }


def _render_seconds(source: str, tries: int = 3) -> float:
    """CPU seconds of one render, the best of a few tries: late in a long test session one render can take
    several times its own cost (a full collection of everything the session holds, a busy machine), which
    a super-linear input pays on every try."""
    best = float("inf")
    for _ in range(tries):
        gc.collect()
        started = time.thread_time()
        render_markdown(source)
        best = min(best, time.thread_time() - started)
        if best < 1.0:
            break
    return best


@pytest.mark.parametrize("name", list(_hostile(8)))
def test_hostile_markdown_at_the_reply_limit_renders_within_a_second(name):
    source = _hostile(20_000)[name][:20_000]
    assert _render_seconds(source) < 1.0


@pytest.mark.parametrize("name", list(_hostile(8)))
def test_hostile_markdown_at_the_practice_limit_renders_within_a_second(name):
    from cop.practices.forms import BODY_MAX_LENGTH

    source = _hostile(BODY_MAX_LENGTH)[name][:BODY_MAX_LENGTH]
    assert _render_seconds(source) < 1.0


def test_stand_ins_are_shown_as_the_characters_they_replace():
    html = render_markdown("[" * 5000 + " `x` " + "<a" * 5000)
    assert "\ufdd0" not in html and "\ufdd4" not in html
    assert html.count("[") == 5000 and html.count("&lt;a") == 5000


def test_text_past_the_line_limit_is_shown_as_plain_text():
    html = render_markdown("line\n" * (text.MAX_LINES + 10) + "<b>bold</b>")
    assert "<pre>" in html and "&lt;b&gt;bold" in html
