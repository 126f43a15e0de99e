"""`python -m bench.discussions`: the discussion pages at scale (10,000 threads and 100,000 replies by default,
beside the practice library) against the bare baseline: the latest-activity list, one category's list and a
thread page of exactly 50 replies. Same build, servers, wrk and report as `python -m bench`."""

import click
import sqlalchemy as sa

from bench import data, load
from bench.run import (Mixing, Page, build_options, measure_and_report, mode_options, modes_for, people,
                       prepare_database, profile_app_pages, seconds, stop_on_sigterm)
from bench.writers import Targets


FLOOR_NAME = "app floor (search form, no query)"


def pick_pages(url: str, build: dict) -> tuple[list[Page], dict]:
    """The baseline, the lists and the 50-reply thread (recorded by the build) as pages."""
    thread_id = (build.get("discussions") or {}).get("thread_page_thread_id")
    engine = sa.create_engine(data.normalize_url(url))
    try:
        with engine.connect() as conn:
            if thread_id is None:
                raise click.ClickException("The build record names no thread-page thread; run with --rebuild.")
            replies = conn.scalar(sa.text("SELECT reply_count FROM threads WHERE id = :id"), {"id": thread_id})
            # The busiest topic category, as members would most often open.
            category = conn.execute(sa.text(
                "SELECT t.slug, c.thread_count FROM discussion_categories c JOIN topics t ON t.id = c.topic_id "
                "ORDER BY c.thread_count DESC, c.id LIMIT 1")).one()
            visible = conn.scalar(sa.text("SELECT count(*) FROM threads WHERE hidden_at IS NULL "
                                          "AND merged_into_id IS NULL"))
    finally:
        engine.dispose()
    facts = {"thread_id": thread_id, "thread_replies": replies, "category_slug": category.slug,
             "category_threads": category.thread_count, "visible_threads": visible}
    pages = [
        Page("baseline (bare Flask, 20 rows)", "/", "baseline"),
        # The least an app page costs: the search page with no query is the layout, the user and a form.
        Page(FLOOR_NAME, "/search/", "app"),
        Page("discussion list (latest activity)", "/discussions/", "app", target=True),
        Page("discussion list, one category", f"/discussions/c/{category.slug}", "app", target=True),
        Page(f"thread page ({replies} replies)", f"/discussions/{thread_id}", "app", target=True),
    ]
    return pages, facts


@click.command(context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@build_options
@click.option("--threads", default=data.BuildSpec.threads, help="Discussion threads to build.")
@click.option("--replies", default=data.BuildSpec.replies, help="Replies to build across them (one thread gets 50).")
@click.option("--build-only", is_flag=True, help="Build (or check) the database, then stop.")
@click.option("--duration", default="10s", help="Measured seconds per page (wrk -d).")
@click.option("--warmup", default="2s", help="Unmeasured seconds per page first.")
@click.option("--connections", default=8, help="Open connections (wrk -c).")
@click.option("--wrk-threads", default=2, help="wrk threads (wrk -t).")
@click.option("--workers", default=2, help="gunicorn workers for each server.")
@click.option("--rounds", default=1, help="Measure every page this many times, the baseline again before each "
                                          "round's app pages; report the median round and the median paired ratio.")
@click.option("--target", default=0.5, help="Target: each held page's requests/s over the baseline's.")
@click.option("--profile", "profile_", is_flag=True,
              help="Afterwards, time SQL, templates and Python per request for the app pages, in process.")
@click.option("--profile-only", is_flag=True, help="Only the in-process profile: no servers, no wrk.")
@mode_options
def main(practices, organizations, users, seed, database_url, rebuild, threads, replies, build_only, duration, warmup,
         connections, wrk_threads, workers, rounds, target, profile_, profile_only, cold, mixed, reads_per_write):
    """Benchmark the discussion list and a 50-reply thread page against a bare Flask baseline."""
    stop_on_sigterm()
    duration_s, warmup_s = seconds(duration), seconds(warmup)
    if not (build_only or profile_only):
        load.require_wrk()
    spec = data.BuildSpec(practices=practices, organizations=organizations, users=users, seed=seed, threads=threads,
                          replies=replies)
    url, build = prepare_database(spec, database_url, rebuild)
    if build_only:
        return
    pages, facts = pick_pages(url, build)
    data.warm_cache(url)
    if profile_only:
        profile_app_pages(url, pages)
        return
    modes = modes_for(cold, mixed)
    reader_emails, writer_emails = people(build)
    mixing = Mixing(writer_emails, Targets.load(url, build), reads_per_write) if "mixed" in modes else None
    measure_and_report(
        pages, url, build=build, target=target, profile=profile_, seconds_=duration_s, warmup=warmup_s,
        connections=connections, threads=wrk_threads, workers=workers, rounds=rounds, benchmark="discussions",
        modes=modes, reader_emails=reader_emails, mixing=mixing,
        describe=(f"{facts['visible_threads']:,} visible threads; category {facts['category_slug']} has "
                  f"{facts['category_threads']:,}; thread #{facts['thread_id']} has {facts['thread_replies']} replies."),
        parameters={"spec": spec.fingerprint(), "discussions": facts})


if __name__ == "__main__":
    main(prog_name="python -m bench.discussions")
