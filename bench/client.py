"""A small HTTP client on the standard library: fetch pages with cookies and sign in as a member
through the real form (GET the page, scrape its CSRF token, POST it back)."""

import http.client
import re
from dataclasses import dataclass, field
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

    def request(self, method: str, path: str, form: dict | None = None) -> Response:
        parts = urlsplit(self.base_url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        headers = {"Accept": "text/html"}
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

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> Response:
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


def expect_page(browser: Browser, path: str) -> Response:
    """The page must answer 200 itself (a 302 to the sign-in form would make a meaningless benchmark)."""
    response = browser.get(path)
    if response.status != 200:
        raise click.ClickException(f"GET {path} answered {response.status} "
                                   f"(Location {response.headers.get('Location', '')!r}); not benchmarking it.")
    return response
