"""A small HTTP client on the standard library: fetch pages with cookies and sign in as a member
through the real form (GET the page, scrape its CSRF token, POST it back)."""

import http.client
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import click

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Browser:
    """Keeps the cookies the server sets, like a browser would, for one base URL."""

    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, form: dict | list[tuple[str, str]] | None = None,
                extra_headers: dict[str, str] | None = None) -> Response:
        parts = urlsplit(self.base_url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        headers = {"Accept": "text/html", **(extra_headers or {})}
        if self.cookies:
            headers["Cookie"] = self.cookie_header
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if ("1970" in morsel["expires"]) or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, extra_headers=headers)

    def post(self, path: str, form: dict | list[tuple[str, str]]) -> Response:
        return self.request("POST", path, form)


def sign_in(base_url: str, email: str, password: str) -> Browser:
    """A signed-in member's browser; raises with what went wrong otherwise."""
    browser = Browser(base_url)
    page = browser.get("/auth/signin")
    match = CSRF_INPUT.search(page.text)
    if page.status != 200 or not match:
        raise click.ClickException(f"GET /auth/signin gave {page.status} without a CSRF token.")
    answer = browser.post("/auth/signin", {"csrf_token": match.group(1), "email": email, "password": password})
    location = answer.headers.get("Location", "")
    if answer.status != 302 or "/auth/signin" in location:
        raise click.ClickException(f"Signing in as {email} failed ({answer.status}, Location {location!r}).")
    return browser


def expect_page(browser: Browser, path: str, headers: dict[str, str] | None = None) -> Response:
    """The page must answer 200 itself (a 302 to the sign-in form would make a meaningless benchmark)."""
    response = browser.get(path, headers)
    if response.status != 200:
        raise click.ClickException(f"GET {path} answered {response.status} "
                                   f"(Location {response.headers.get('Location', '')!r}); not benchmarking it.")
    return response


class _Forms(HTMLParser):
    """What a browser would submit for each form on a page: text inputs, hidden inputs, checked boxes and
    radios, selected options and textareas (not the buttons)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._form: list[tuple[str, str]] | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._select_multiple = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = []
            self.forms.append(self._form)
        elif self._form is None or not a.get("name") and tag != "option":
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.append((a["name"], a.get("value") or ("on" if kind in ("checkbox", "radio") else "")))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []
        elif tag == "select":
            self._select, self._options, self._select_multiple = a["name"], [], "multiple" in a
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # A newline right after <textarea> is not part of the value (the HTML parsing rules drop it).
            text = text[2:] if text.startswith("\r\n") else text[1:] if text.startswith("\n") else text
            self._form.append((self._textarea, text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options and not self._select_multiple:
                chosen = [self._options[0][0]]
            self._form += [(self._select, value) for value in chosen]
            self._select = None
        elif tag == "form":
            self._form = None


def form_fields(html: str, having: str) -> list[tuple[str, str]]:
    """The fields of the first form on the page that has a field named `having`, as a browser sends them."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if any(name == having for name, _ in form):
            return form
    raise click.ClickException(f"No form with a {having!r} field on the page.")
