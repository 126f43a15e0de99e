"""`python -m bench` (or `make bench`): build the library at scale, serve the app and a bare baseline under
gunicorn, load each page with wrk, print the table and keep the run as JSON in bench/results/. With --mixed
every page is measured read-only, without the page cache and while members write, side by side. The
API's practice list and a thread with its replies are read with the bench member's read-only API token.

The discussion pages and search have their own entry points: `python -m bench.discussions` and
`python -m bench.search`."""

import click

from bench import data, load
from bench.run import (Mixing, Page, build_options, measure_and_report, mode_options, modes_for, people,
                       prepare_database, profile_app_pages, seconds, stop_on_sigterm)
from bench.writers import Targets

FILTERED = "/practices/?topic=staffing&program_type=apprenticeship&sort=helpful&page=3"
COMPARED = 4  # programs side by side on the comparison page (it takes 2 to 6)
API_TARGET = 0.6  # issue 20: the practice list and a thread by API at 60% of the bare page's requests/s


def api_read_token(url: str, email: str = data.BENCH_EMAIL) -> str:
    """A read-only API token for the bench member, issued by the app's own rule (a new one each run; it
    expires in a week)."""
    import sqlalchemy as sa

    from bench.profile import _profiled_app
    from cop.api import services as tokens
    from cop.api.models import TokenScope
    from cop.auth.models import User
    from cop.extensions import db

    app = _profiled_app(url)
    with app.app_context():
        member = db.session.scalar(sa.select(User).where(User.email == email))
        _, secret = tokens.issue_token(member, name="bench", scope=TokenScope.read, days=7)
        db.session.commit()
        db.engine.dispose()
    return secret


def pages_for(practice_id: int, build: dict, token: str = "") -> list[Page]:
    """The pages the targets hold: the library, home, the discussions, an event, the month calendar, a
    program comparison and the search page (issue 15 holds each to 50%); with `token`, the API's practice
    list and the thread page's thread and replies (60%)."""
    thread_id = (build.get("discussions") or {}).get("thread_page_thread_id")
    event_id = (build.get("events") or {}).get("event_page_event_id")
    compared = "&".join(f"ids={i}" for i in (build.get("program_ids") or [])[:COMPARED])
    pages = [
        Page("baseline (bare Flask, 20 rows)", "/", "baseline"),
        Page("home", "/", "app", target=True),
        Page("library list", "/practices/", "app", target=True),
        Page("library list, filtered+sorted p3", FILTERED, "app", target=True),
        Page("practice page", f"/practices/{practice_id}", "app", target=True),
        Page("practice page, repeat view", f"/practices/{practice_id}", "app", repeat_view=True),
        Page("discussion list", "/discussions/", "app", target=True),
    ]
    if thread_id:
        pages.append(Page("thread page (50 replies)", f"/discussions/{thread_id}", "app", target=True))
    if event_id:
        pages.append(Page("event page", f"/events/{event_id}", "app", target=True))
    pages.append(Page("month calendar", "/events/calendar", "app", target=True))
    if compared:
        pages.append(Page(f"programs compared ({COMPARED})", f"/programs/compare?{compared}", "app", target=True))
    pages.append(Page("search page, no query", "/search/", "app", target=True))
    if token:
        api = dict(target=True, token=token, target_ratio=API_TARGET)
        pages.append(Page("API practice list", "/api/v1/practices", "app", **api))
        if thread_id:
            pages.append(Page("API thread", f"/api/v1/threads/{thread_id}", "app", **api))
            pages.append(Page("API thread's replies (50)", f"/api/v1/threads/{thread_id}/replies?limit=50", "app",
                              **api))
    return pages


@click.command(context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@build_options
@click.option("--discussion-threads", default=data.BuildSpec.threads, help="Discussion threads to build.")
@click.option("--replies", default=data.BuildSpec.replies, help="Replies to build across them (one thread gets 50).")
@click.option("--build-only", is_flag=True, help="Build (or check) the database, then stop.")
@click.option("--duration", default="10s", help="Measured seconds per page (wrk -d).")
@click.option("--warmup", default="2s", help="Unmeasured seconds per page first.")
@click.option("--connections", default=8, help="Open connections (wrk -c).")
@click.option("--threads", default=2, help="wrk threads (wrk -t).")
@click.option("--workers", default=2, help="gunicorn workers for each server.")
@click.option("--rounds", default=1, help="Measure every page this many times, the baseline again before each "
                                          "round's app pages; report the median round and the median paired ratio.")
@click.option("--target", default=0.5, help="Target: each held page's requests/s over the baseline's.")
@click.option("--profile", "profile_", is_flag=True,
              help="Afterwards, time SQL, templates and Python per request for the app pages, in process.")
@click.option("--profile-only", is_flag=True, help="Only the in-process profile: no servers, no wrk.")
@mode_options
def main(practices, organizations, users, seed, database_url, rebuild, discussion_threads, replies, build_only,
         duration, warmup, connections, threads, workers, rounds, target, profile_, profile_only, cold, mixed,
         reads_per_write):
    """Benchmark the library and the other busy pages at scale against a bare Flask baseline."""
    stop_on_sigterm()
    duration_s, warmup_s = seconds(duration), seconds(warmup)
    if not (build_only or profile_only):
        load.require_wrk()
    spec = data.BuildSpec(practices=practices, organizations=organizations, users=users, seed=seed,
                          threads=discussion_threads, replies=replies)
    url, build = prepare_database(spec, database_url, rebuild)
    if build_only:
        return

    practice = data.pick_practice(url)
    pages = pages_for(practice["id"], build, api_read_token(url))
    data.warm_cache(url)
    if profile_only:
        profile_app_pages(url, pages)
        return
    modes = modes_for(cold, mixed)
    reader_emails, writer_emails = people(build)
    mixing = Mixing(writer_emails, Targets.load(url, build), reads_per_write) if "mixed" in modes else None
    measure_and_report(
        pages, url, build=build, target=target, profile=profile_, seconds_=duration_s, warmup=warmup_s,
        connections=connections, threads=threads, workers=workers, rounds=rounds, modes=modes,
        reader_emails=reader_emails, mixing=mixing,
        describe=f"practice page is #{practice['id']} ({practice['body_chars']:,} characters of Markdown).",
        parameters={"spec": spec.fingerprint(), "practice": practice})


if __name__ == "__main__":
    main(prog_name="python -m bench")
