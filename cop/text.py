"""Turning stored values into safe display text: Markdown to sanitized HTML, and times in a zone."""

import html as html_lib
import re
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import markdown
import nh3
from flask import current_app
from flask_login import current_user
from markupsafe import Markup

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


def render_markdown(source: str) -> str:
    """Markdown (tables, fenced code, heading anchors) to HTML that is safe to store and show as is."""
    html = markdown.markdown(source or "", extensions=MARKDOWN_EXTENSIONS, extension_configs=MARKDOWN_CONFIG,
                             output_format="html")
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


def init_app(app):
    app.add_template_filter(lambda source: Markup(render_markdown(source)), "markdown")
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(localdate, "localdate")
