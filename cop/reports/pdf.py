"""The impact report as a PDF, made by WeasyPrint from the same HTML, with the fonts under static/fonts so it
looks the same on every machine. WeasyPrint may read files under static/ and nothing else: no network, no
other file, whatever a member wrote into the report's text."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
# Imported with the app, not on the first download: the import takes most of a second, which a worker
# pays once at start rather than a sponsor on their first PDF.
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher


def _local_fetcher(static: Path):
    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
            if path is None or static not in path.parents:
                raise ValueError(f"The report may only use the site's own static files, not {url[:80]}")
            return super().fetch(url, headers)

    return StaticOnly(allowed_protocols=("file",))


def render_pdf(html: str) -> bytes:
    static = Path(current_app.static_folder).resolve()
    fetcher = _local_fetcher(static)
    stylesheet = CSS(filename=str(static / "css" / "report-pdf.css"), url_fetcher=fetcher)
    return HTML(string=html, base_url=static.as_uri() + "/", url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])
