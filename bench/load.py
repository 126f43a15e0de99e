"""The load driver: wrk against one URL, and its --latency output read back into numbers."""

import re
import shutil
import subprocess
from dataclasses import asdict, dataclass, field

import click

INSTALL_HINT = ("The benchmark drives load with wrk, which is not on PATH.\n"
                "Install it on Debian or Ubuntu with: apt-get install -y wrk   (as root or with sudo; macOS: brew install wrk)\n"
                "then run `make bench` again.")

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_SIZE = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3, "TB": 1024 ** 4}


@dataclass
class LoadResult:
    requests_per_second: float
    requests: int
    seconds: float
    latency_ms: dict[str, float]            # p50, p75, p90, p99 and avg, max (and p95 when a script printed it)
    bytes_read: int
    non_2xx_3xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)
    command: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + sum(self.socket_errors.values())

    def as_dict(self) -> dict:
        return {**asdict(self), "errors": self.errors}


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise click.ClickException(INSTALL_HINT)
    return path


def wrk_version() -> str:
    result = subprocess.run([require_wrk(), "-v"], capture_output=True, text=True)
    return (result.stdout or result.stderr).splitlines()[0].strip() if (result.stdout or result.stderr) else ""


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def _bytes(text: str) -> int:
    match = re.fullmatch(r"([\d.]+)([KMGT]?B)", text)
    return int(float(match.group(1)) * _SIZE[match.group(2)]) if match else 0


def parse(output: str) -> LoadResult:
    """Numbers from `wrk --latency` output; raises ValueError when the run produced none."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    done = re.search(r"^\s*(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read", output, re.M)
    if not rps or not done:
        raise ValueError("wrk printed no results:\n" + output)
    latency = {f"p{p}": _ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.M)}
    stats = re.search(r"^\s+Latency\s+(\S+)\s+(\S+)\s+(\S+)", output, re.M)
    if stats:
        latency.update(avg=_ms(stats.group(1)), max=_ms(stats.group(3)))
    p95 = re.search(r"^p95_us (\d+)", output, re.M)
    if p95:
        latency["p95"] = int(p95.group(1)) / 1000
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return LoadResult(
        requests_per_second=float(rps.group(1)),
        requests=int(done.group(1)),
        seconds=_ms(done.group(2)) / 1000,
        latency_ms={k: round(v, 3) for k, v in latency.items()},
        bytes_read=_bytes(done.group(3)),
        non_2xx_3xx=int(non_ok.group(1)) if non_ok else 0,
        socket_errors=dict(zip(("connect", "read", "write", "timeout"), map(int, socket.groups()))) if socket else {},
    )


# Sends each request with the next member's cookie (each wrk thread starting at another member) and prints
# the 95th percentile, which `--latency` leaves out.
READERS_SCRIPT = """\
local cookies = {%s}
local threads = 0
function setup(thread)
  thread:set("turn", threads)
  threads = threads + 1
end
if #cookies > 0 then
  function request()
    turn = (turn or 0) %% #cookies + 1
    wrk.headers["Cookie"] = cookies[turn]
    return wrk.format()
  end
end
function done(summary, latency, requests)
  io.write(string.format("p95_us %%d\\n", latency:percentile(95)))
end
"""


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def readers_script(path, cookies: list[str]):
    """Write the script that spreads requests over several signed-in readers; returns its path."""
    path.write_text(READERS_SCRIPT % ", ".join(_lua_string(cookie) for cookie in cookies))
    return path


def run_wrk(url: str, *, seconds: float, connections: int, threads: int, headers: dict[str, str] | None = None,
            timeout: float = 10, script=None) -> LoadResult:
    """One wrk run against `url`; the cookie header is left out of the recorded command."""
    command = [require_wrk(), f"-t{threads}", f"-c{max(connections, threads)}", f"-d{seconds:g}s",
               f"--timeout={timeout:g}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + timeout + 30)
    if completed.returncode != 0:
        raise click.ClickException(f"wrk failed ({completed.returncode}): {completed.stderr or completed.stdout}")
    result = parse(completed.stdout)
    result.command = [part if not part.startswith(("Cookie:", "Authorization:")) else part.split(":")[0] + ": …"
                      for part in command]
    return result
