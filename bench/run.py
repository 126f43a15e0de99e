"""What every benchmark entry point shares: the build options, durations, the busy-machine warning, and
pages loaded with wrk on the bare baseline and on the real app, one server at a time."""

import contextlib
import os
import re
import signal
import statistics
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import click

from bench import RESULTS_DIR, client, data, load, report, servers, writers


@dataclass
class Page:
    name: str
    path: str
    server: str            # "baseline" or "app"
    target: bool = False   # held to the target ratio
    repeat_view: bool = False  # cookie from one earlier view of the page (no view is counted then)
    token: str = ""        # an API read: sent with this personal API token, and no member's cookie
    target_ratio: float | None = None  # a target of its own, where its issue sets one (else the run's)


def seconds(text: str) -> float:
    """10, 10s, 1.5m, 500ms -> seconds."""
    match = re.fullmatch(r"\s*([\d.]+)\s*(ms|s|m)?\s*", str(text))
    if not match:
        raise click.BadParameter(f"{text!r} is not a duration like 10s or 1m")
    value, unit = float(match.group(1)), match.group(2) or "s"
    return value * {"ms": 0.001, "s": 1, "m": 60}[unit]


def stop_on_sigterm():
    """Turn SIGTERM into SystemExit so the servers' finally blocks stop them."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def build_options(function):
    """The options that say which database to build or reuse (the same in every entry point)."""
    options = [
        click.option("--practices", default=data.BuildSpec.practices, help="Published practices to build."),
        click.option("--organizations", default=data.BuildSpec.organizations, help="Organizations to build."),
        click.option("--users", default=data.BuildSpec.users, help="Users to build (one is the bench member)."),
        click.option("--seed", default=data.BuildSpec.seed, help="Random seed: the same seed builds the same rows."),
        click.option("--database-url", default=None,
                     help="Where to build (e.g. postgresql://postgres@127.0.0.1/bench). Default: a SQLite file "
                          "bench/results/library-<practices>.sqlite."),
        click.option("--rebuild", is_flag=True,
                     help="Build afresh even when a database with these parameters exists."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def prepare_database(spec: data.BuildSpec, database_url: str | None, rebuild: bool) -> tuple[str, dict]:
    """Build or reuse the database for `spec`; returns its URL and build record."""
    url = data.normalize_url(database_url or data.default_database_url(spec))
    data.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    build = data.ensure_database(spec, url, rebuild=rebuild)
    click.echo(_build_summary(build))
    return url, build


def _build_summary(build: dict) -> str:
    from bench.report import build_summary

    return build_summary(build)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def warn_if_busy(limit: float = 0.5) -> float:
    busy = os.getloadavg()[0]
    if busy > limit:
        click.echo(f"warning: the machine is busy before the run (load average {busy:.2f} over a minute); "
                   "other processes share the CPUs with the servers and wrk, so figures will be lower and noisier.",
                   err=True)
    return busy


MODES = {
    "read": "read-only",
    "cold": "cold (COP_FRAGMENT_CACHE=0)",
    "mixed": "mixed (1 write per {ratio} reads)",
}
READERS = 8   # bench members besides the bench member who read in the load (bench.member1..8)


@dataclass
class Mixing:
    """What the mixed mode needs: the members who write, what they write to, and how often."""

    writer_emails: list[str]
    targets: "writers.Targets"
    reads_per_write: int = 50


def load_pages(pages: list[Page], url: str, log_dir: Path, *, seconds_: float, warmup: float, connections: int,
               threads: int, workers: int, app_target: str = "wsgi:app", rounds: int = 1,
               modes: tuple[str, ...] = ("read",), reader_emails: list[str] | None = None,
               mixing: Mixing | None = None, signed_in_as: str = data.BENCH_EMAIL) -> tuple[list[dict], dict | None]:
    """Each page under wrk: the baseline's on the bare baseline server, the app's on the real app, signed in
    as several members (each request the next member's cookie). With several rounds all servers stay up and
    each round measures the baseline again first: a machine whose speed drifts over a run then shifts both
    sides of each ratio alike.

    Modes, one after the other in each round: "read" (the app as configured), "cold" (a second app server
    with COP_FRAGMENT_CACHE=0) and "mixed" (the first server again, while writers post at one write per
    `mixing.reads_per_write` of the page's read-only requests/s in the same round). Returns one row per page
    and mode, as report.table reads them (the median round's), and what the writers did (or None)."""
    env = servers.app_environment(url)
    log_dir.mkdir(parents=True, exist_ok=True)
    emails = [signed_in_as, *(reader_emails or [])]

    def measure(page: Page, mode: str, server: servers.Server, readers: list[client.Browser], rows: list[dict],
                label: str, writing: "writers.Writers | None" = None, read_rate: float = 0.0):
        row = {"name": page.name, "path": page.path, "kind": page.server, "mode": mode, "target": page.target,
               "repeat_view": page.repeat_view, "target_ratio": page.target_ratio}
        headers = {"Authorization": f"Bearer {page.token}"} if page.token else None
        if page.token:
            # An integrator's system: its token, no session cookie.
            readers = [client.Browser(server.base_url)]
        cookies = [reader.cookie_header for reader in readers] if not page.token else []
        try:
            for reader in readers:
                client.expect_page(reader, page.path, headers)
        except click.ClickException as error:
            # One broken page should not cost the figures of the others.
            rows.append({**row, "error": error.message})
            click.echo(f"  {label}{page.name:<36} {mode:<5} failed: {error.message}")
            return
        if page.repeat_view:
            # Each reader's cookie from after their first view; other pages keep the sign-in cookies.
            cookies = [reader.cookie_header for reader in readers]
        script = load.readers_script(log_dir / f"readers-{page.server}.lua", cookies)
        url_ = server.base_url + page.path
        load.run_wrk(url_, seconds=warmup, connections=connections, threads=threads, script=script, headers=headers)
        rate = 0.0
        if writing is not None:
            rate = read_rate / mixing.reads_per_write
            with writers.Writing(writing, rate) as session:
                result = load.run_wrk(url_, seconds=seconds_, connections=connections, threads=threads,
                                      script=script, headers=headers)
            row["writes"] = {"rate_per_s": round(rate, 2), "sent": session.writes}
        else:
            result = load.run_wrk(url_, seconds=seconds_, connections=connections, threads=threads, script=script,
                                  headers=headers)
        rows.append({**row, "load": result.as_dict(), "load_average_after": load_average()})
        warning = f"  ({result.errors} errors)" if result.errors else ""
        wrote = f"  with {row['writes']['sent']} writes ({rate:.1f}/s)" if writing is not None else ""
        click.echo(f"  {label}{page.name:<36} {mode:<5} {result.requests_per_second:>9,.1f} req/s"
                   f"{warning}{wrote}   (load average {os.getloadavg()[0]:.2f})")

    baseline_pages = [p for p in pages if p.server == "baseline"]
    app_pages = [p for p in pages if p.server == "app"]
    per_round: list[list[dict]] = []
    writing = None
    with contextlib.ExitStack() as stack:
        base = app = cold = None
        signed_in: list[client.Browser] = []
        if baseline_pages:
            base = stack.enter_context(servers.gunicorn("baseline", "bench.baseline:create_app()", env, log_dir,
                                                        workers=workers))
        if app_pages:
            app = stack.enter_context(servers.gunicorn("app", app_target, env, log_dir, workers=workers,
                                                       ready_path="/auth/signin"))
            if "cold" in modes:
                cold = stack.enter_context(servers.gunicorn("app-cold", app_target,
                                                            {**env, "COP_FRAGMENT_CACHE": "0"}, log_dir,
                                                            workers=workers, ready_path="/auth/signin"))
            # Both app servers share the secret key, so one sign-in per member serves both.
            signed_in = [client.sign_in(app.base_url, email, data.BENCH_PASSWORD) for email in emails]
            if "mixed" in modes:
                writing = writers.Writers(app.base_url, mixing.writer_emails, mixing.targets)
        for number in range(1, rounds + 1):
            rows: list[dict] = []
            label = f"[{number}/{rounds}] " if rounds > 1 else ""
            for page in baseline_pages:
                measure(page, "read", base, [client.Browser(base.base_url)], rows, label)
            read_rates = {}
            for mode in modes:
                server = cold if mode == "cold" else app
                for page in app_pages:
                    # Each page starts from the sign-in cookies; a repeat view then sends those its first view set.
                    readers = [client.Browser(server.base_url, dict(b.cookies)) for b in signed_in]
                    if mode == "mixed":
                        measure(page, mode, server, readers, rows, label, writing, read_rates.get(page.name, 0.0))
                    else:
                        measure(page, mode, server, readers, rows, label)
                    if mode == "read" and "load" in rows[-1]:
                        read_rates[page.name] = rows[-1]["load"]["requests_per_second"]
            per_round.append(rows)
    return combine_rounds(per_round), writing


def combine_rounds(per_round: list[list[dict]]) -> list[dict]:
    """One row per page: the round with the median requests/s, with every round's figures, and for app
    pages the median of the ratios each round's baseline gives (`paired_ratio`)."""
    if len(per_round) == 1:
        return per_round[0]
    combined = []
    for rows in zip(*per_round):
        measured = [r for r in rows if "load" in r]
        if not measured:
            combined.append(rows[0])
            continue
        ordered = sorted(measured, key=lambda r: r["load"]["requests_per_second"])
        row = dict(ordered[len(ordered) // 2])
        row["rounds"] = [r["load"]["requests_per_second"] if "load" in r else None for r in rows]
        combined.append(row)
    for index, row in enumerate(combined):
        if row["kind"] == "baseline" or "rounds" not in row:
            continue
        ratios = []
        for rows in per_round:
            base = next((r for r in rows if r["kind"] == "baseline" and "load" in r), None)
            mine = rows[index]
            if base and "load" in mine:
                ratios.append(mine["load"]["requests_per_second"] / base["load"]["requests_per_second"])
        if ratios:
            row["round_ratios"] = [round(r, 3) for r in ratios]
            row["paired_ratio"] = statistics.median(ratios)
    return combined


def target_line(rows: list[dict], target: float) -> tuple[str, list[str]]:
    held = [r for r in rows if r.get("target") and r.get("mode", "read") == "read"]
    missed = [r["name"] for r in held if not r.get("meets_target")]
    names = "; ".join(r["name"] + (f" (≥{r['target_ratio']:.0%})" if r.get("target_ratio") else "") for r in held)
    line = (f"Target (read-only): each of {names} at ≥{target:.0%} (unless it says) of the baseline's "
            f"requests/s. " + ("Met." if not missed else f"Missed by: {'; '.join(missed)}."))
    return line, missed


def measure_and_report(pages: list[Page], url: str, *, describe: str, parameters: dict, build: dict, target: float,
                       profile: bool, seconds_: float, warmup: float, connections: int, threads: int, workers: int,
                       rounds: int, benchmark: str | None = None, modes: tuple[str, ...] = ("read",),
                       reader_emails: list[str] | None = None, mixing: Mixing | None = None,
                       signed_in_as: str = data.BENCH_EMAIL) -> None:
    """What every page benchmark does once its data is ready: load the pages, print the table and the target
    line, optionally profile in process, and keep the whole run as JSON beside the server logs."""
    started = datetime.now(timezone.utc)
    run_name = report.stamp(started)
    log_dir = RESULTS_DIR / "logs" / run_name
    machine = report.machine()
    warn_if_busy()
    readers = 1 + len(reader_emails or [])
    click.echo(f"\nLoad: wrk -t{threads} -c{connections}, {warmup:g} s warm-up then {seconds_:g} s per page; "
               f"gunicorn with {workers} sync workers; {readers} signed-in reader{'s' if readers > 1 else ''}; "
               f"modes {', '.join(modes)}; {describe}")
    before = writers.count_rows(url) if "mixed" in modes else None
    rows, writing = load_pages(pages, url, log_dir, seconds_=seconds_, warmup=warmup, connections=connections,
                               threads=threads, workers=workers, rounds=rounds, modes=modes,
                               reader_emails=reader_emails, mixing=mixing, signed_in_as=signed_in_as)
    click.echo("")
    click.echo(report.table(rows, target, reads_per_write=mixing.reads_per_write if mixing else None))
    line, missed = target_line(rows, target)
    click.echo("\n" + line)
    written = None
    if writing is not None:
        written = writers.summary(writing, before, writers.count_rows(url))
        click.echo(writers.format_summary(written))
    machine["load_average_after"] = list(os.getloadavg())
    click.echo(f"Load average before {machine['load_average'][0]:.2f}, after {machine['load_average_after'][0]:.2f} "
               f"(1 min) on {machine['cpus']} CPUs.")
    payload = {
        **({"benchmark": benchmark} if benchmark else {}),
        "started_at": started.isoformat(),
        "machine": machine,
        "parameters": {**parameters, "database_url": data.masked(url), "duration_s": seconds_, "rounds": rounds,
                       "warmup_s": warmup, "connections": connections, "threads": threads, "workers": workers,
                       "target_ratio": target, "modes": list(modes), "readers": readers,
                       **({"reads_per_write": mixing.reads_per_write, "writers": len(mixing.writer_emails)}
                          if mixing else {})},
        "build": build,
        "results": rows,
        **({"writes": written} if written else {}),
        "target_met": not missed,
        "logs": str(log_dir),
    }
    if profile:
        payload["profile"] = profile_app_pages(url, pages, signed_in_as)
    path = report.write_json(payload, run_name)
    click.echo(f"\nSaved {path.relative_to(RESULTS_DIR.parent.parent)}; server logs in "
               f"{log_dir.relative_to(RESULTS_DIR.parent.parent)}/")


def mode_options(function):
    """--cold and --mixed, and how often the mixed mode writes (the same in every page benchmark)."""
    options = [
        click.option("--cold", is_flag=True,
                     help="Also measure every app page on a second server with COP_FRAGMENT_CACHE=0."),
        click.option("--mixed", is_flag=True,
                     help="Measure read-only, cold and mixed: the pages again while bench members write "
                          "(helpful marks, follows, replies, new practices, RSVPs, sign-outs) beside wrk."),
        click.option("--reads-per-write", default=50, help="Mixed: one write per this many of the page's "
                                                           "read-only requests/s in the same round."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def modes_for(cold: bool, mixed: bool) -> tuple[str, ...]:
    return ("read", "cold", "mixed") if mixed else ("read", "cold") if cold else ("read",)


def people(build: dict) -> tuple[list[str], list[str]]:
    """The bench members who read beside the bench member, and those who write in the mixed mode."""
    members = build.get("bench_members") or []
    return members[:READERS], members[READERS:]


def profile_app_pages(url: str, pages: list[Page], email: str = data.BENCH_EMAIL) -> list[dict]:
    """Where each app page's time goes, in process, one request at a time, signed in as `email`."""
    from bench.profile import format_profile, profile_pages

    click.echo("\nProfile (in process, one request at a time):")
    profiled = profile_pages(url, [(p.name, p.path, p.repeat_view) for p in pages if p.server == "app"],
                             email, data.BENCH_PASSWORD,
                             headers={p.path: {"Authorization": f"Bearer {p.token}"} for p in pages if p.token})
    for result in profiled:
        click.echo(format_profile(result))
    return profiled
