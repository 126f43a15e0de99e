"""A request body must arrive within a deadline, or the connection is dropped with 408.

gunicorn's gthread worker hands a connection to a thread once its first bytes arrive and then reads the
body with a blocking socket and no timeout: its `timeout` setting only watches the worker's main loop,
which stays alive. A client that announces 1,000 bytes and sends one a second holds that thread for as
long as it likes, so a handful of such clients stop the site. Production sits behind a buffering proxy
(nginx reads the whole body before passing it on); this middleware is the same rule inside the app for
anyone who serves gunicorn directly: it reads the body before the app runs, and answers 408, closing the
connection, when the time is up.
"""

import io
import socket
import tempfile
import threading
import time

# Every body gets BASE_SECONDS, plus one second per BYTES_PER_SECOND announced (a 10 MiB attachment
# over a 1 Mbit/s line takes about 80 s; the allowance is 10 + 160 s).
BASE_SECONDS = 10.0
BYTES_PER_SECOND = 64 * 1024
CHUNK = 64 * 1024
# Larger bodies spill to a temporary file instead of staying in memory.
SPOOL_BYTES = 1024 * 1024


class BodyTooSlow(Exception):
    """The client did not send its body before the deadline."""


class BodyDeadline:
    """WSGI middleware: read the body within `base_seconds + length / bytes_per_second`, then call the app.

    It acts only where the server hands over its socket (gunicorn's `gunicorn.socket`); elsewhere (the
    development server, the test client) the request passes through untouched. Bodies larger than
    `max_bytes` are not read: the app refuses them (413) without reading either.
    """

    def __init__(self, app, max_bytes: int, base_seconds: float = BASE_SECONDS,
                 bytes_per_second: int = BYTES_PER_SECOND):
        self.app = app
        self.max_bytes = max_bytes
        self.base_seconds = base_seconds
        self.bytes_per_second = bytes_per_second

    def __call__(self, environ, start_response):
        sock = environ.get("gunicorn.socket")
        length = _content_length(environ)
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if sock is None or not (length or chunked) or (length or 0) > self.max_bytes:
            return self.app(environ, start_response)
        deadline = time.monotonic() + self.base_seconds + (length or self.max_bytes) / self.bytes_per_second
        try:
            body, size = self._read_before(environ["wsgi.input"], sock, deadline, length)
        except (BodyTooSlow, OSError, ValueError):
            # The socket's reading side is shut: gunicorn closes the connection after this answer.
            start_response("408 Request Timeout", [("Content-Type", "text/plain; charset=utf-8"),
                                                    ("Content-Length", "16")])
            return [b"Request timeout\n"]
        environ["wsgi.input"] = body
        environ["CONTENT_LENGTH"] = str(size)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)

    def _read_before(self, stream, sock, deadline: float, length: int | None):
        """The whole body and its size (up to max_bytes + 1, so the app still sees an oversized chunked
        body). gunicorn's reader waits until it has all it was asked for, so a socket timeout would only
        bound each dribbled byte: at the deadline a timer shuts the socket's reading side instead, which
        wakes the blocked read with the end of the stream."""
        limit = self.max_bytes + 1 if length is None else length
        body = io.BytesIO() if limit <= SPOOL_BYTES else tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
        received = 0
        guard = threading.Lock()
        state = {"reading": True, "expired": False}

        def expire():
            with guard:
                if state["reading"]:
                    state["expired"] = True
                    try:
                        sock.shutdown(socket.SHUT_RD)
                    except OSError:
                        pass  # already closed by the client

        timer = threading.Timer(max(deadline - time.monotonic(), 0), expire)
        timer.daemon = True
        timer.start()
        try:
            while received < limit:
                chunk = stream.read(min(CHUNK, limit - received))
                if not chunk:
                    break
                body.write(chunk)
                received += len(chunk)
        finally:
            with guard:
                state["reading"] = False
            timer.cancel()
        if state["expired"] or (length is not None and received < length):
            raise BodyTooSlow
        body.seek(0)
        return body, received


def _content_length(environ) -> int | None:
    try:
        return int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None

