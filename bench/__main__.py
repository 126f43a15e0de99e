"""`python -m bench` (or `make bench`): build the library at scale, serve the app and a bare baseline under
gunicorn, load each page with wrk, print the table and keep the run as JSON in bench/results/."""

import os
import re
import signal
import sys
from dataclasses import dataclass
from datetime import datetime, timezone

import click

from bench import RESULTS_DIR, client, data, load, report, servers

FILTERED = "/practices/?topic=staffing&program_type=apprenticeship&sort=helpful&page=3"


@dataclass
class Page:
    name: str
    path: str
    server: str            # "baseline" or "app"
    target: bool = False   # held to the target ratio
    repeat_view: bool = False  # cookie from one earlier view of the page (no view is counted then)


def pages_for(practice_id: int) -> list[Page]:
    return [
        Page("baseline (bare Flask, 20 rows)", "/", "baseline"),
        Page("library list", "/practices/", "app", target=True),
        Page("library list, filtered+sorted p3", FILTERED, "app", target=True),
        Page("practice page", f"/practices/{practice_id}", "app", target=True),
        Page("practice page, repeat view", f"/practices/{practice_id}", "app", repeat_view=True),
    ]


def seconds(text: str) -> float:
    """10, 10s, 1.5m, 500ms -> seconds."""
    match = re.fullmatch(r"\s*([\d.]+)\s*(ms|s|m)?\s*", str(text))
    if not match:
        raise click.BadParameter(f"{text!r} is not a duration like 10s or 1m")
    value, unit = float(match.group(1)), match.group(2) or "s"
    return value * {"ms": 0.001, "s": 1, "m": 60}[unit]


def _stop_on_sigterm():
    """Turn SIGTERM into SystemExit so the servers' finally blocks stop them."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


@click.command(context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@click.option("--practices", default=data.BuildSpec.practices, help="Published practices to build.")
@click.option("--organizations", default=data.BuildSpec.organizations, help="Organizations to build.")
@click.option("--users", default=data.BuildSpec.users, help="Users to build (one is the bench member).")
@click.option("--seed", default=data.BuildSpec.seed, help="Random seed: the same seed builds the same rows.")
@click.option("--database-url", default=None,
              help="Where to build (e.g. postgresql://postgres@127.0.0.1/bench). Default: a SQLite file "
                   "bench/results/library-<practices>.sqlite.")
@click.option("--rebuild", is_flag=True, help="Build afresh even when a database with these parameters exists.")
@click.option("--build-only", is_flag=True, help="Build (or check) the database, then stop.")
@click.option("--duration", default="10s", help="Measured seconds per page (wrk -d).")
@click.option("--warmup", default="2s", help="Unmeasured seconds per page first.")
@click.option("--connections", default=8, help="Open connections (wrk -c).")
@click.option("--threads", default=2, help="wrk threads (wrk -t).")
@click.option("--workers", default=2, help="gunicorn workers for each server.")
@click.option("--target", default=0.5, help="Target: each held page's requests/s over the baseline's.")
@click.option("--profile", "profile_", is_flag=True,
              help="Afterwards, time SQL, templates and Python per request for the app pages, in process.")
@click.option("--profile-only", is_flag=True, help="Only the in-process profile: no servers, no wrk.")
def main(practices, organizations, users, seed, database_url, rebuild, build_only, duration, warmup, connections,
         threads, workers, target, profile_, profile_only):
    """Benchmark the library pages at scale against a bare Flask baseline."""
    _stop_on_sigterm()
    duration_s, warmup_s = seconds(duration), seconds(warmup)
    if not (build_only or profile_only):
        load.require_wrk()
    spec = data.BuildSpec(practices=practices, organizations=organizations, users=users, seed=seed)
    url = data.normalize_url(database_url or data.default_database_url(spec))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)

    build = data.ensure_database(spec, url, rebuild=rebuild)
    click.echo(report.build_summary(build))
    if build_only:
        return

    practice = data.pick_practice(url)
    pages = pages_for(practice["id"])
    data.warm_cache(url)
    if profile_only:
        _profile(url, pages)
        return
    started = datetime.now(timezone.utc)
    run_name = report.stamp(started)
    log_dir = RESULTS_DIR / "logs" / run_name
    env = servers.app_environment(url)
    machine = report.machine()
    busy = os.getloadavg()[0]
    if busy > 0.5:
        click.echo(f"warning: the machine is busy before the run (load average {busy:.2f} over a minute); "
                   "other processes share the CPUs with the servers and wrk, so figures will be lower and noisier.",
                   err=True)
    click.echo(f"\nLoad: wrk -t{threads} -c{connections}, {warmup_s:g} s warm-up then {duration_s:g} s per page; "
               f"gunicorn with {workers} sync workers; practice page is #{practice['id']} "
               f"({practice['body_chars']:,} characters of Markdown).")
    rows = []

    def measure(page: Page, server: servers.Server, browser: client.Browser, headers: dict[str, str]):
        row = {"name": page.name, "path": page.path, "kind": page.server, "target": page.target,
               "repeat_view": page.repeat_view}
        try:
            client.expect_page(browser, page.path)
        except click.ClickException as error:
            # One broken page should not cost the figures of the others.
            rows.append({**row, "error": error.message})
            click.echo(f"  {page.name:<36} failed: {error.message}")
            return
        if page.repeat_view:
            headers = {**headers, "Cookie": browser.cookie_header}
        url_ = server.base_url + page.path
        load.run_wrk(url_, seconds=warmup_s, connections=connections, threads=threads, headers=headers)
        result = load.run_wrk(url_, seconds=duration_s, connections=connections, threads=threads, headers=headers)
        rows.append({**row, "load": result.as_dict()})
        warning = f"  ({result.errors} errors)" if result.errors else ""
        click.echo(f"  {page.name:<36} {result.requests_per_second:>9,.1f} req/s{warning}")

    with servers.gunicorn("baseline", "bench.baseline:create_app()", env, log_dir, workers=workers) as server:
        for page in (p for p in pages if p.server == "baseline"):
            measure(page, server, client.Browser(server.base_url), {})

    with servers.gunicorn("app", "wsgi:app", env, log_dir, workers=workers, ready_path="/auth/signin") as server:
        signed_in = client.sign_in(server.base_url, data.BENCH_EMAIL, data.BENCH_PASSWORD)
        for page in (p for p in pages if p.server == "app"):
            # Each page starts from the sign-in cookie; a repeat view then sends the one its first view set.
            browser = client.Browser(server.base_url, dict(signed_in.cookies))
            measure(page, server, browser, {"Cookie": signed_in.cookie_header})

    click.echo("")
    click.echo(report.table(rows, target))
    held = [r for r in rows if r.get("target")]
    missed = [r["name"] for r in held if not r.get("meets_target")]
    click.echo(f"\nTarget: each of {'; '.join(r['name'] for r in held)} at ≥{target:.0%} of the baseline's "
               f"requests/s. " + ("Met." if not missed else f"Missed by: {'; '.join(missed)}."))

    payload = {
        "started_at": started.isoformat(),
        "machine": machine,
        "parameters": {"spec": spec.fingerprint(), "database_url": data.masked(url), "duration_s": duration_s,
                       "warmup_s": warmup_s, "connections": connections, "threads": threads, "workers": workers,
                       "target_ratio": target, "practice": practice},
        "build": build,
        "results": rows,
        "target_met": not missed,
        "logs": str(log_dir),
    }
    if profile_:
        payload["profile"] = _profile(url, pages)
    path = report.write_json(payload, run_name)
    click.echo(f"\nSaved {path.relative_to(RESULTS_DIR.parent.parent)}; server logs in "
               f"{log_dir.relative_to(RESULTS_DIR.parent.parent)}/")


def _profile(url: str, pages: list[Page]) -> list[dict]:
    from bench.profile import format_profile, profile_pages

    click.echo("\nProfile (in process, one request at a time):")
    profiled = profile_pages(url, [(p.name, p.path, p.repeat_view) for p in pages if p.server == "app"],
                             data.BENCH_EMAIL, data.BENCH_PASSWORD)
    for result in profiled:
        click.echo(format_profile(result))
    return profiled


if __name__ == "__main__":
    main(prog_name="python -m bench")
