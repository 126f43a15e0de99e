"""Turning stored values into safe display text: Markdown to sanitized HTML, and times in a zone."""

import html as html_lib
import re
import xml.etree.ElementTree as etree
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.tables import TableProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import STX, ETX, AtomicString
from flask import current_app
from flask_login import current_user
from markupsafe import Markup

from cop.forms import BIDI_CONTROLS

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre",
    "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "code": {"class"},
    "ol": {"start"},
}
# Relative links stay; absolute ones may only be web or mail links (no javascript:, data:, vbscript:).
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists", "toc", "nl2br"]
MARKDOWN_CONFIG = {"toc": {"permalink": False}}

def _is_external(href: str) -> bool:
    parts = urlsplit(html_lib.unescape(href))
    return bool(parts.scheme in ("http", "https") and parts.netloc)


def sanitize_html(html: str) -> str:
    """Keep structure and links; drop script, handlers, styles, iframes and unsafe URLs."""
    return _complete_images(nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                                      url_schemes=ALLOWED_URL_SCHEMES, link_rel=None, strip_comments=True))


_IMAGE_TAG = re.compile(r'<img((?:\s+[\w-]+(?:="[^"]*")?)*)\s*/?>')  # nh3 always double-quotes values


def _complete_images(html: str) -> str:
    """Valid images only: one without an address (or whose address nh3 removed) is dropped, one without
    a text alternative gets alt="" (shown, and skipped by screen readers)."""
    def complete(match: re.Match) -> str:
        attributes = match.group(1)
        if not re.search(r'\ssrc="[^"]+"', attributes):
            return ""
        return match.group(0) if re.search(r"\salt=", attributes) else f'<img{attributes} alt="">'

    return _IMAGE_TAG.sub(complete, html)


_LINK_TAG = re.compile(r'<a ([^>]*?)href="([^"]*)"([^>]*)>')


def _mark_external_links(html: str) -> str:
    """nh3 puts one rel on every link; only links that leave the site get nofollow noopener."""
    def add_rel(match: re.Match) -> str:
        tag = match.group(0)
        return tag[:-1] + ' rel="nofollow noopener noreferrer">' if _is_external(match.group(2)) else tag

    return _LINK_TAG.sub(add_rel, html)



# Python-Markdown is super-linear on some inputs (measured here: "[" * 19999 took 100 s, "*a" * 50000 four).
# BoundedWork keeps its work near linear; ordinary Markdown stays far below every bound and renders exactly
# as Python-Markdown alone renders it (a test compares the two on the demo library).
#
# 1. Every inline match rebuilds its whole run of text, so a run costs about its length times the places a
#    match may start in it. A run over INLINE_WORK_BUDGET is cut into <span>s that each stay within it.
INLINE_WORK_BUDGET = 2_000_000
_MATCH_STARTS = "*_\\!<&\n`[]()~"
# 2. A "[" scans ahead, a character at a time in Python, for its "]"; "](" for its ")"; a run of backticks
#    for a run as long. In a run whose scanning passes SCAN_BUDGET characters, the openers that cannot
#    close (or close deeper than MAX_BRACKET_DEPTH) are swapped for stand-ins Python-Markdown treats as plain
#    text, and swapped back in its output: the reader sees the same characters.
SCAN_BUDGET = 50_000
MAX_BRACKET_DEPTH = 3
_STAND_INS = {"[": "\ufdd0", "]": "\ufdd1", "(": "\ufdd2", "`": "\ufdd3"}  # Unicode noncharacters
_RESTORE = str.maketrans({**{v: k for k, v in _STAND_INS.items()}, "\ufdd4": "&lt;"})
_NO_STAND_INS = str.maketrans(dict.fromkeys([*_STAND_INS.values(), "\ufdd4"]))
_BACKTICK_RUN = re.compile(r"`+")
# 3. Python's HTML parser, which finds raw HTML blocks, rescans from every "<" that does not close a tag
#    ("<a" * 10000 took 0.4 s, "<http://" * 5000 three). Where "<"s times length passes LESS_THAN_BUDGET,
#    every "<" is plain text ("&lt;"), as Markdown shows a "<" that starts no tag.
LESS_THAN_BUDGET = 30_000_000
_LESS_THAN_STAND_IN = "\ufdd4"
# 4. The tables extension splits the whole remaining block into rows to test its first two, once per line
#    when another processor takes one line at a time ("# a\n" * 5000 took 3 s): BoundedTableProcessor tests
#    the first two rows first.
# 5. Every line with text may become an element (a heading, an item, a row, a <br>), and each costs
#    Python-Markdown tens of microseconds: past MAX_LINES such lines the rest is shown as plain text.
MAX_LINES = 1500
# 6. Block nesting (lists in lists, quotes in quotes) recurses once per level: a line indented or quoted
#    deeper than MAX_NESTING levels is brought back to that depth.
MAX_NESTING = 16


def _inline_weight(text: str) -> int:
    return sum(text.count(c) for c in _MATCH_STARTS)


def _pieces(text: str) -> list[str]:
    """The run cut where needed so that each piece's length x match starts stays within the budget:
    greedily, at the last line break or space of a piece where there is one, never inside one of
    Python-Markdown's placeholders."""
    if len(text) * _inline_weight(text) <= INLINE_WORK_BUDGET:
        return [text]
    pieces, start, weight = [], 0, 0
    for index, char in enumerate(text):
        if char in _MATCH_STARTS:
            weight += 1
        if (index + 1 - start) * weight <= INLINE_WORK_BUDGET:
            continue
        cut = index
        softer = max(text.rfind("\n", start + 1, index), text.rfind(" ", start + 1, index))
        if softer > start + (index - start) // 2:
            cut = softer
        placeholder = text.rfind(STX, start + 1, cut)
        if placeholder != -1 and text.find(ETX, placeholder, cut) == -1:
            cut = placeholder
        if cut > start:
            pieces.append(text[start:cut])
            start = cut
            weight = _inline_weight(text[start:index + 1])
    pieces.append(text[start:])
    return pieces


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Backtick code spans as Markdown pairs them (a run closes at the next run of the same length),
    and the runs left open."""
    runs = [(m.start(), m.end()) for m in _BACKTICK_RUN.finditer(text)]
    next_same, seen = [None] * len(runs), {}
    for i in range(len(runs) - 1, -1, -1):
        length = runs[i][1] - runs[i][0]
        next_same[i] = seen.get(length)
        seen[length] = i
    spans, unclosed, i = [], [], 0
    while i < len(runs):
        j = next_same[i]
        if j is None:
            unclosed.append(runs[i])
            i += 1
        else:
            spans.append((runs[i][0], runs[j][1]))
            i = j + 1
    return spans, unclosed


def _unreachable_openers(text: str, skip: list[tuple[int, int]], opener: str, closer: str,
                         after: str = "") -> tuple[int, list[int]]:
    """How far the openers scan, and which of them cannot close or close too deep (outside code spans,
    not escaped; with `after`, only openers preceded by it count)."""
    chars = list(text)
    for a, b in skip:
        for k in range(a, b):
            chars[k] = " "
    stack, pairs, unclosed, escaped = [], [], [], False
    for index, char in enumerate(chars):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == opener:
            stack.append(index)
        elif char == closer and stack:
            pairs.append((stack.pop(), index))
    unclosed = stack
    counted = [(o, c) for o, c in pairs if not after or text[o - 1:o] == after]
    scan = sum(c - o for o, c in counted) + sum(len(text) - o for o in unclosed
                                                 if not after or text[o - 1:o] == after)
    too_deep, open_ends = [], []
    for o, c in sorted(pairs):
        while open_ends and open_ends[-1] < o:
            open_ends.pop()
        if len(open_ends) >= MAX_BRACKET_DEPTH:
            too_deep.extend((o, c))
        open_ends.append(c)
    return scan, [o for o in unclosed if not after or text[o - 1:o] == after] + too_deep


def _stand_in_for_hopeless_openers(text: str) -> str:
    if not any(c in text for c in "[(`"):
        return text
    spans, unclosed_runs = _code_spans(text)
    brackets_scan, brackets = _unreachable_openers(text, spans, "[", "]")
    parens_scan, parens = _unreachable_openers(text, spans, "(", ")", after="]")
    ticks_scan = sum(len(text) - start for start, _ in unclosed_runs)
    swap = []
    if brackets_scan > SCAN_BUDGET:
        swap += brackets
    if parens_scan > SCAN_BUDGET:
        swap += parens
    if ticks_scan > SCAN_BUDGET:
        swap += [k for start, end in unclosed_runs for k in range(start, end)]
    if not swap:
        return text
    chars = list(text)
    for index in swap:
        chars[index] = _STAND_INS[chars[index]]
    return "".join(chars)


def _bounded(text: str) -> list[str]:
    return [_stand_in_for_hopeless_openers(piece) for piece in _pieces(text)]


class InlineWorkBound(Treeprocessor):
    """Before the inline pass: bounds 1 and 2 above, on each run of text the inline pass will see."""

    def run(self, root):
        parents = {child: parent for parent in root.iter() for child in parent}
        for element in list(root.iter()):
            if element.text and not isinstance(element.text, AtomicString):
                first, *rest = _bounded(element.text)
                element.text = first
                for position, piece in enumerate(rest):
                    span = etree.Element("span")
                    span.text = piece
                    element.insert(position, span)
            if element.tail and not isinstance(element.tail, AtomicString) and element in parents:
                first, *rest = _bounded(element.tail)
                element.tail = first
                parent = parents[element]
                position = list(parent).index(element) + 1
                for offset, piece in enumerate(rest):
                    span = etree.Element("span")
                    span.text = piece
                    parent.insert(position + offset, span)


_DEEP_LINE = re.compile(r"^((?:[ \t]*>){%d,}|[ \t]{%d,})" % (MAX_NESTING + 1, 4 * (MAX_NESTING + 1)),
                        re.MULTILINE)


def _shallower(match: re.Match) -> str:
    prefix = match.group(1)
    if ">" in prefix:
        return ">" * MAX_NESTING + " "
    return " " * (4 * MAX_NESTING)


class BoundedTableProcessor(TableProcessor):
    """The tables extension's processor, testing a block's first two rows before splitting all of it."""

    def test(self, parent, block):
        second_break = block.find("\n", block.find("\n") + 1)
        first_two = block if second_break == -1 else block[:second_break]
        return super().test(parent, first_two) and super().test(parent, block)


class BoundedWork(Extension):
    """Keeps Python-Markdown's work near linear in the length of its input (see the bounds above)."""

    def extendMarkdown(self, md):
        tables = md.parser.blockprocessors["table"]
        md.parser.blockprocessors.register(BoundedTableProcessor(md.parser, tables.config), "table", 75)
        md.treeprocessors.register(InlineWorkBound(md), "inline_work_bound", 25)


def _bounded_source(source: str) -> tuple[str, str]:
    """The source Python-Markdown may render, and what is left over to show as plain text."""
    rest = ""
    if source.count("\n") >= MAX_LINES:
        lines, with_text = source.split("\n"), 0
        for number, line in enumerate(lines):
            with_text += bool(line.strip())
            if with_text > MAX_LINES:
                source, rest = "\n".join(lines[:number]), "\n".join(lines[number:])
                break
    source = _DEEP_LINE.sub(_shallower, source.translate(_NO_STAND_INS))
    if source.count("<") * len(source) > LESS_THAN_BUDGET:
        source = source.replace("<", _LESS_THAN_STAND_IN)
    return source, rest


def render_markdown(source: str) -> str:
    """Markdown (tables, fenced code, heading anchors) to HTML that is safe to store and show as is, in time
    close to linear in the length of the source, whatever the source."""
    bounded, rest = _bounded_source(source or "")
    html = markdown.markdown(bounded, extensions=[*MARKDOWN_EXTENSIONS, BoundedWork()],
                             extension_configs=MARKDOWN_CONFIG, output_format="html").translate(_RESTORE)
    if rest:
        html += "\n<pre>" + html_lib.escape(rest.translate(_NO_STAND_INS), quote=False) + "</pre>"
    return _mark_external_links(sanitize_html(html))


def plain_text(source: str) -> str:
    """Markdown reduced to its words (for search, summaries and e-mail)."""
    return html_text(render_markdown(source))


def html_text(stored_html: str) -> str:
    """Stored, sanitized HTML reduced to its words: what `plain_text` gives for its Markdown source, without
    rendering the Markdown again (a long body takes milliseconds to render, well under one to strip)."""
    return html_lib.unescape(nh3.clean(stored_html or "", tags=set()))


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or current_app.config["COP_DEFAULT_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def viewer_zone_name() -> str:
    if getattr(current_user, "is_authenticated", False) and current_user.timezone:
        return current_user.timezone
    return current_app.config["COP_DEFAULT_TIMEZONE"]


def localtime(value: datetime | None, tz: str | None = None, fmt: str = "%b %-d, %Y %-I:%M %p %Z") -> str:
    """A stored UTC time shown in the given zone (an event's) or the viewer's own."""
    if value is None:
        return ""
    return value.astimezone(zone(tz or viewer_zone_name())).strftime(fmt)


def localdate(value: datetime | None, tz: str | None = None) -> str:
    return localtime(value, tz, "%b %-d, %Y")


_BIDI_CONTROL = re.compile(f"[{BIDI_CONTROLS}]")


def without_bidi_controls(value):
    """Every value a template prints, less bidi overrides and isolates: forms strip them from new input,
    but an older row may still hold one, and in a list or a header it would reorder the text after it
    (a name "\u202eevil" shows the rest of the line backwards). Markup (rendered Markdown, macros) is
    already built from printed values and passes as it is."""
    if type(value) is str and _BIDI_CONTROL.search(value):
        return _BIDI_CONTROL.sub("", value)
    return value


def init_app(app):
    app.jinja_env.finalize = without_bidi_controls
    app.add_template_filter(lambda source: Markup(render_markdown(source)), "markdown")
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(localdate, "localdate")
