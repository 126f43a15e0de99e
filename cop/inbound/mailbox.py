"""The inbound mailbox, polled over IMAP (the standard library's imaplib), named by one setting:

    COP_INBOUND_IMAP_URL=imaps://user:password@imap.example.net/INBOX    TLS from the start (port 993)
    COP_INBOUND_IMAP_URL=imap://user:password@imap.example.net/INBOX     STARTTLS (port 143), required
    ...?move_to=Processed       keep each e-mail taken in, in that folder (by default it is deleted)
    ...?cafile=/etc/ssl/ca.pem  trust this certificate authority too (a server with a private certificate)
    ...?tls=off                 plain IMAP, only to a server on this machine (127.0.0.1, ::1, localhost)

User name and password are percent-encoded in the URL (`@` is `%40`). Nothing here ever prints, logs or
raises the password: errors name the mailbox as `imaps://user@host:993/INBOX`.

Each unseen e-mail is read without marking it (BODY.PEEK), handed to the same code as `flask mail
receive`, and only then deleted or moved. The e-mail's key, recorded in the database with what it
caused, is what makes a second poller, or a pass that died between the two steps, skip it.
"""

import imaplib
import socket
import ssl
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost"}
TIMEOUT = 30  # seconds for connecting and for each command


class MailboxError(Exception):
    """The mailbox could not be read: one line, safe to print (never the password)."""


@dataclass(frozen=True)
class MailboxSettings:
    tls: str  # "imaps" (TLS from the start), "starttls" or "off"
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    mailbox: str = "INBOX"
    move_to: str | None = None
    cafile: str | None = None

    def describe(self) -> str:
        scheme = "imaps" if self.tls == "imaps" else "imap"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{self.user}@{host}:{self.port}/{self.mailbox}"


def settings_from_url(url: str) -> MailboxSettings:
    """COP_INBOUND_IMAP_URL read, or MailboxError saying what is wrong with it (without repeating it)."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        raise MailboxError("COP_INBOUND_IMAP_URL is not a URL: imaps://user:password@host/INBOX") from None
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise MailboxError("COP_INBOUND_IMAP_URL must start imaps:// or imap:// and name a host")
    if not parts.username or parts.password is None:
        raise MailboxError("COP_INBOUND_IMAP_URL must carry a user name and password (imaps://user:password@host/)")
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(options) - {"move_to", "cafile", "tls"}
    if unknown:
        raise MailboxError(f"COP_INBOUND_IMAP_URL has unknown options: {', '.join(sorted(unknown))}")
    tls = "imaps" if parts.scheme == "imaps" else "starttls"
    if options.get("tls") == "off":
        if parts.scheme == "imaps" or parts.hostname not in LOCAL_HOSTS:
            raise MailboxError("tls=off is only for an imap:// server on this machine (127.0.0.1, ::1, localhost)")
        tls = "off"
    elif "tls" in options:
        raise MailboxError("the tls option takes only 'off'")
    return MailboxSettings(tls=tls, host=parts.hostname, port=port or (993 if tls == "imaps" else 143),
                           user=unquote(parts.username), password=unquote(parts.password),
                           mailbox=unquote(parts.path.lstrip("/")) or "INBOX",
                           move_to=options.get("move_to") or None, cafile=options.get("cafile") or None)


def _reason(error: BaseException) -> str:
    """What went wrong, in words, from an exception that never holds the password (imaplib sends it only
    in LOGIN, and its errors quote the server's answer, not our command)."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"its certificate is not trusted ({error.verify_message})"
    if isinstance(error, (socket.timeout, TimeoutError)):
        return f"no answer within {TIMEOUT} s"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        return "unknown host"
    text = error.args[0] if error.args else type(error).__name__
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(str(text).split())[:200] or type(error).__name__


class Mailbox:
    """One signed-in IMAP session on the mailbox, as a context manager."""

    def __init__(self, settings: MailboxSettings):
        self.settings = settings
        self.client: imaplib.IMAP4 | None = None
        self.capabilities: set[str] = set()

    def __enter__(self) -> "Mailbox":
        settings = self.settings
        context = ssl.create_default_context(cafile=settings.cafile) if settings.tls != "off" else None
        step = "connect"
        try:
            if settings.tls == "imaps":
                self.client = imaplib.IMAP4_SSL(settings.host, settings.port, ssl_context=context, timeout=TIMEOUT)
            else:
                self.client = imaplib.IMAP4(settings.host, settings.port, timeout=TIMEOUT)
                if settings.tls == "starttls":
                    step = "start TLS"
                    if "STARTTLS" not in self.client.capabilities:
                        raise MailboxError(f"{settings.describe()}: the server does not offer STARTTLS")
                    self.client.starttls(ssl_context=context)
            step = "sign in"
            self.client.login(settings.user, settings.password)
            self.capabilities = self._capabilities()
            step = "open the mailbox"
            self._ok(self.client.select(_quoted(settings.mailbox)))
        except MailboxError:
            self._close()
            raise
        except (OSError, imaplib.IMAP4.error, ssl.SSLError) as error:
            self._close()
            raise MailboxError(f"{settings.describe()}: could not {step}: {_reason(error)}") from None
        return self

    def __exit__(self, *exc) -> None:
        self._close()

    def _close(self) -> None:
        if self.client is not None:
            try:
                if self.client.state == "SELECTED":
                    self.client.close()  # also expunges what this session flagged deleted
                self.client.logout()
            except (OSError, imaplib.IMAP4.error):
                pass
            self.client = None

    def _capabilities(self) -> set[str]:
        # imaplib keeps the capabilities it saw before signing in; servers announce more after.
        typ, data = self.client.capability()
        return {word.upper() for word in (data[0] or b"").decode("ascii", "replace").split()} if typ == "OK" else set()

    def _ok(self, answer):
        typ, data = answer
        if typ != "OK":
            raise imaplib.IMAP4.error(data[0] if data else typ)
        return data

    def _command(self, what: str, call, *args):
        try:
            return self._ok(call(*args))
        except (OSError, imaplib.IMAP4.error, ssl.SSLError) as error:
            raise MailboxError(f"{self.settings.describe()}: could not {what}: {_reason(error)}") from None

    def unseen(self) -> list[bytes]:
        """The UIDs of the e-mails nobody has taken in yet, oldest first."""
        data = self._command("search the mailbox", self.client.uid, "SEARCH", "UNSEEN", "UNDELETED")
        return (data[0] or b"").split()

    def fetch(self, uid: bytes, limit: int) -> bytes | None:
        """Up to `limit` bytes of the e-mail, without marking it seen; None when it is gone (another poller
        took it in and deleted it)."""
        data = self._command("read an e-mail", self.client.uid, "FETCH", uid, f"(BODY.PEEK[]<0.{limit}>)")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                return item[1]
        return None

    def finish(self, uid: bytes) -> None:
        """The e-mail was taken in: move it to `move_to`, or delete it."""
        target = self.settings.move_to
        if target and "MOVE" in self.capabilities:
            self._command("move an e-mail", self.client.uid, "MOVE", uid, _quoted(target))
            return
        if target:
            self._command("copy an e-mail", self.client.uid, "COPY", uid, _quoted(target))
        self._command("mark an e-mail", self.client.uid, "STORE", uid, "+FLAGS.SILENT", r"(\Seen \Deleted)")
        if "UIDPLUS" in self.capabilities:
            self._command("delete an e-mail", self.client.uid, "EXPUNGE", uid)


def _quoted(name: str) -> str:
    # A mailbox name with spaces or quotes must be sent as a quoted string.
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class PassReport:
    """What one pass over the mailbox did: outcomes by kind ("posted", "refused", "ignored", "failed")."""
    counts: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        total = sum(self.counts.values())
        if not total:
            return "No new e-mail."
        parts = ", ".join(f"{count} {kind}" for kind, count in sorted(self.counts.items()))
        return f"{total} e-mail{'s' if total != 1 else ''}: {parts}."


def poll_once(settings: MailboxSettings, take, limit: int) -> PassReport:
    """One pass: each unseen e-mail (its first `limit` bytes) goes to `take(raw) -> outcome` (an Outcome of
    cop.inbound.services, whose reason starts with what happened), and is finished afterwards. An e-mail
    whose handling raised stays unseen for the next pass; `take` has rolled its work back."""
    report = PassReport()
    with Mailbox(settings) as mailbox:
        for uid in mailbox.unseen():
            raw = mailbox.fetch(uid, limit)
            if raw is None:
                continue
            try:
                outcome = take(raw)
            except Exception:  # noqa: BLE001  logged by `take`; the e-mail waits for the next pass
                report.counts["failed"] += 1
                continue
            report.counts[outcome.kind] += 1
            mailbox.finish(uid)
    return report
