"""gunicorn with the settings `make run` uses (cop/serving.py) keeps answering while slow clients
dribble request bodies, and drops those clients within a bound."""

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cop.body_deadline import BASE_SECONDS

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
SLOW_CLIENTS = 8
ANNOUNCED_BYTES = 1000
# A slow client is dropped by its deadline (BASE_SECONDS for a small body) plus this much slack.
DROP_SLACK_SECONDS = 5.0
PROMPT_SECONDS = 2.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, timeout: float) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        response.read()
        return response.status


@pytest.fixture(scope="module")
def served(sqlite_template, tmp_path_factory):
    """gunicorn started as `make run` starts it (`gunicorn -c python:cop.serving`, PORT from the
    environment) on a migrated temporary database; stopped by its PID."""
    if not GUNICORN.exists():
        pytest.skip(f"gunicorn is not installed beside {sys.executable}")
    tmp_path = tmp_path_factory.mktemp("served")
    database = tmp_path / "cop.sqlite"
    shutil.copyfile(sqlite_template, database)
    port = _free_port()
    env = dict(os.environ, PORT=str(port), DATABASE_URL=f"sqlite:///{database}",
               COP_INDEX_DIR=str(tmp_path / "index"), COP_UPLOAD_DIR=str(tmp_path / "uploads"),
               MAIL_DIR=str(tmp_path / "mail"), COP_ENV="development")
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen([str(GUNICORN), "-c", "python:cop.serving"], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        while True:
            try:
                _get(base + "/auth/signin", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() - started > 60:
                    pytest.fail("gunicorn did not start:\n" + (tmp_path / "gunicorn.log").read_text()[-2000:])
                time.sleep(0.2)
        yield base, port
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _open_slow_client(port: int) -> socket.socket:
    """A multipart POST that announces ANNOUNCED_BYTES and sends only its first line."""
    client = socket.create_connection(("127.0.0.1", port), timeout=5)
    client.sendall(b"POST /auth/signin HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   b"Content-Type: multipart/form-data; boundary=x\r\n"
                   b"Content-Length: %d\r\n\r\n--x\r\n" % ANNOUNCED_BYTES)
    return client


def _dropped(client: socket.socket) -> bool:
    """Whether the server has answered and closed: the next byte can no longer be sent, or the
    server's end of the stream has arrived."""
    try:
        client.sendall(b"x")
    except OSError:
        return True
    client.setblocking(False)
    try:
        while True:
            data = client.recv(4096)
            if not data:
                return True
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        client.setblocking(True)


def test_a_body_sent_at_once_reaches_the_app(served):
    _, port = served
    upload = (b'--x\r\nContent-Disposition: form-data; name="file"; filename="plan.pdf"\r\n\r\n%PDF-1.4\n'
              + b"a" * 2_000_000 + b"\r\n--x--\r\n")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=PROMPT_SECONDS + 1)
    started = time.monotonic()
    connection.request("POST", "/auth/signin", body=upload,
                       headers={"Content-Type": "multipart/form-data; boundary=x"})
    response = connection.getresponse()
    # The app parsed the whole form and found no CSRF token in it, as expected.
    assert b"The form had expired" in response.read()
    assert response.status == 400 and time.monotonic() - started < PROMPT_SECONDS
    connection.close()


def test_slow_clients_neither_stop_the_site_nor_stay_connected(served):
    base, port = served
    slow = [_open_slow_client(port) for _ in range(SLOW_CLIENTS)]
    opened = time.monotonic()
    dropped_at: dict[int, float] = {}
    slowest_answer = 0.0
    try:
        # Dribble one byte a second on every slow connection and ask for an ordinary page meanwhile.
        while len(dropped_at) < SLOW_CLIENTS and time.monotonic() - opened < BASE_SECONDS + DROP_SLACK_SECONDS:
            tick = time.monotonic()
            assert _get(base + "/auth/signin", timeout=PROMPT_SECONDS + 1) == 200
            slowest_answer = max(slowest_answer, time.monotonic() - tick)
            for number, client in enumerate(slow):
                if number not in dropped_at and _dropped(client):
                    dropped_at[number] = time.monotonic() - opened
            time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
    finally:
        for client in slow:
            client.close()

    assert slowest_answer < PROMPT_SECONDS, f"an ordinary request took {slowest_answer:.1f} s"
    assert len(dropped_at) == SLOW_CLIENTS, (
        f"{SLOW_CLIENTS - len(dropped_at)} slow clients still connected after "
        f"{BASE_SECONDS + DROP_SLACK_SECONDS:.0f} s")
    assert min(dropped_at.values()) >= BASE_SECONDS - 1, "a body was cut off before its deadline"
