"""The server runner: gunicorn on 127.0.0.1 and a free port, started by PID and always stopped again."""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click

from bench import ROOT
from bench.data import app_settings


@dataclass
class Server:
    name: str
    host: str
    port: int
    pid: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_environment(database_url: str, secret_key: str | None = None) -> dict[str, str]:
    """What the real app reads at start: the bench database, its folders beside it, a production config."""
    settings = app_settings(database_url)
    for key in ("COP_INDEX_DIR", "COP_UPLOAD_DIR", "MAIL_DIR"):
        Path(settings[key]).mkdir(parents=True, exist_ok=True)
    instance = Path(settings["MAIL_DIR"]).parent / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key or secrets.token_hex(32),
        "COP_ENV": "production",
        "COP_INSTANCE_DIR": str(instance),
        "COP_INDEX_DIR": settings["COP_INDEX_DIR"],
        "COP_UPLOAD_DIR": settings["COP_UPLOAD_DIR"],
        "MAIL_DIR": settings["MAIL_DIR"],
        "MAIL_BACKEND": "file",
        "RATELIMIT_STORAGE_URI": "memory://",
        # Every simulated member comes from 127.0.0.1, and readers and writers go faster than one person would:
        # the limiter still runs on every request, but its limits must not turn the load into 429s.
        "COP_SIGNIN_LIMIT": "10000 per minute",
        "COP_POST_LIMIT": "1000 per minute",
        "COP_SEARCH_LIMIT": "100000 per minute",
        "COP_SEARCH_ADDRESS_LIMIT": "100000 per minute",
        "COP_API_TOKEN_LIMIT": "1000000 per minute",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _answers(port: int, path: str) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path)
        conn.getresponse().read()
        conn.close()
        return True
    except OSError:
        return False


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM to the gunicorn master (it stops its workers), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@contextmanager
def gunicorn(name: str, target: str, env: dict[str, str], log_dir: Path, workers: int = 2,
             ready_path: str = "/", start_timeout: float = 60):
    """Serve `target` (module:app or module:factory()) with `workers` sync workers until the block ends."""
    log_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = log_dir / f"{name}.log"
    pid_file = log_dir / f"{name}.pid"
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--pid", str(pid_file), "--error-logfile", str(log), "--log-level", "warning",
               "--chdir", str(ROOT), target]
    with log.open("ab") as output:
        # Our child directly (no shell), so process.pid is gunicorn's master.
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + start_timeout
        while not _answers(port, ready_path):
            if process.poll() is not None:
                raise click.ClickException(f"gunicorn for {name} exited with {process.returncode}:\n{_tail(log)}")
            if time.monotonic() > deadline:
                raise click.ClickException(f"gunicorn for {name} did not answer in {start_timeout:.0f} s:\n"
                                           f"{_tail(log)}")
            time.sleep(0.1)
        yield Server(name=name, host="127.0.0.1", port=port, pid=process.pid, log=log)
    finally:
        stop(process)
