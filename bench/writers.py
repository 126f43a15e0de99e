"""The mixed workload's writers: members who, while wrk reads, mark practices helpful, follow threads, reply,
publish new practices, RSVP (and cancel) and sign out, at a fixed rate, through the real forms over HTTP
(signed in through the sign-in form, CSRF tokens taken from the pages that carry the forms).

wrk's Lua scripts cannot follow a form's CSRF token, so the writers are threads in the bench process beside
wrk: a ticker hands out one write every 1/rate seconds, and each thread owns a few signed-in members."""

import queue
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import click
import sqlalchemy as sa

from bench import client, data

# What members do between reads, with how many of each (the shares are what a busy week looks like:
# marks and replies most, sign-outs and new practices least).
KINDS = {"helpful": 25, "follow": 15, "reply": 25, "practice": 10, "rsvp": 15, "signout": 10}
THREADS = 6
TOPIC_INPUT = re.compile(r'name="topics"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="topics"')

# Rows each kind of write adds or removes: read before and after the mixed pages, to show the writes landed.
COUNTS = {
    "practice helpful marks": "SELECT count(*) FROM helpful_marks",
    "thread follows": "SELECT count(*) FROM discussion_follows WHERE thread_id IS NOT NULL",
    "replies": "SELECT count(*) FROM replies",
    "practices": "SELECT count(*) FROM practices",
    "RSVPs (going or waitlisted)": "SELECT count(*) FROM event_rsvps WHERE status IN ('going', 'waitlisted')",
    "RSVPs cancelled": "SELECT count(*) FROM event_rsvps WHERE status = 'cancelled'",
}


@dataclass
class Targets:
    """What the writers write to: ids read from the bench database once."""

    practice_ids: list[int]
    thread_ids: list[int]
    event_ids: list[int]

    @classmethod
    def load(cls, url: str, build: dict) -> "Targets":
        engine = sa.create_engine(data.normalize_url(url))
        try:
            with engine.connect() as conn:
                practices = list(conn.scalars(sa.text(
                    "SELECT id FROM practices WHERE status = 'published' AND deleted_at IS NULL ORDER BY id")))
                threads = list(conn.scalars(sa.text(
                    "SELECT id FROM threads WHERE hidden_at IS NULL AND merged_into_id IS NULL "
                    "AND is_locked = false ORDER BY id")))
        finally:
            engine.dispose()
        return cls(practices, threads, list((build.get("events") or {}).get("upcoming_event_ids", [])))


def count_rows(url: str) -> dict[str, int]:
    engine = sa.create_engine(data.normalize_url(url))
    try:
        with engine.connect() as conn:
            return {name: conn.scalar(sa.text(query)) for name, query in COUNTS.items()}
    finally:
        engine.dispose()


@dataclass
class Member:
    """One signed-in writer, with what they have done so far that a toggle undoes."""

    email: str
    browser: client.Browser
    csrf: str = ""
    topics: list[str] = field(default_factory=list)
    going: set[int] = field(default_factory=set)


class Writers:
    """Writes at `rate` per second from several signed-in members until stopped; counts what answered how."""

    def __init__(self, base_url: str, emails: list[str], targets: Targets, seed: int = 7):
        self.base_url, self.targets = base_url, targets
        self.rng = random.Random(seed)
        self.members = [Member(email, client.sign_in(base_url, email, data.BENCH_PASSWORD)) for email in emails]
        for member in self.members:
            self._refresh_token(member)
        self.sent: Counter = Counter()      # kind -> writes asked for
        self.done: Counter = Counter()      # kind -> writes the app accepted (redirected after the POST)
        self.failed: Counter = Counter()    # "kind status" -> count
        self.skipped = 0                    # ticks no thread was free for
        self.seconds = 0.0
        self._lock = threading.Lock()
        self._member_lock = threading.Lock()
        self._free = list(self.members)

    def _refresh_token(self, member: Member) -> None:
        """The CSRF token and topic choices from the new-practice form (one token serves every form of the
        session); also after signing in again, since a new session means a new token."""
        page = member.browser.get("/practices/new")
        match = client.CSRF_INPUT.search(page.text)
        if page.status != 200 or not match:
            raise click.ClickException(f"{member.email}: GET /practices/new gave {page.status} without a form.")
        member.csrf = match.group(1)
        member.topics = [a or b for a, b in TOPIC_INPUT.findall(page.text)]

    # The writes. Each returns the response to the POST (a redirect when the app took it).

    def _post(self, member: Member, path: str, form: dict | list) -> client.Response:
        fields = list(form.items()) if isinstance(form, dict) else list(form)
        return member.browser.post(path, [("csrf_token", member.csrf), *fields])

    def helpful(self, member: Member, rng: random.Random) -> client.Response:
        return self._post(member, f"/practices/{rng.choice(self.targets.practice_ids)}/helpful", {})

    def follow(self, member: Member, rng: random.Random) -> client.Response:
        return self._post(member, f"/discussions/{rng.choice(self.targets.thread_ids)}/follow", {})

    def reply(self, member: Member, rng: random.Random) -> client.Response:
        writer = data.Writer(rng)
        body = " ".join(writer.sentence() for _ in range(rng.randint(1, 3)))
        return self._post(member, f"/discussions/{rng.choice(self.targets.thread_ids)}/reply",
                          {"body": body, "parent_id": ""})

    def practice(self, member: Member, rng: random.Random) -> client.Response:
        writer = data.Writer(rng)
        body, _, _ = writer.body(rng.randint(200, 500))
        form = [("title", writer.title()), ("summary", writer.summary()), ("body", body), ("tags", "bench-mixed"),
                ("note", ""), ("publish", "Publish")]
        form += [("topics", topic) for topic in rng.sample(member.topics, min(2, len(member.topics)))]
        return self._post(member, "/practices/new", form)

    def rsvp(self, member: Member, rng: random.Random) -> client.Response:
        event_id = rng.choice(self.targets.event_ids)
        if event_id in member.going:
            member.going.discard(event_id)
            return self._post(member, f"/events/{event_id}/cancel-rsvp", {})
        member.going.add(event_id)
        return self._post(member, f"/events/{event_id}/rsvp", {})

    def signout(self, member: Member, rng: random.Random) -> client.Response:
        answer = self._post(member, "/auth/signout", {})
        member.browser = client.sign_in(self.base_url, member.email, data.BENCH_PASSWORD)
        self._refresh_token(member)
        return answer

    def _write(self, kind: str, rng: random.Random) -> None:
        with self._member_lock:
            member = self._free.pop(0) if self._free else None
        if member is None:
            with self._lock:
                self.skipped += 1
            return
        try:
            status = getattr(self, kind)(member, rng).status
        except Exception as error:  # noqa: BLE001  a dropped connection is a failed write, not a crashed bench
            status = type(error).__name__
        finally:
            with self._member_lock:
                self._free.append(member)
        with self._lock:
            self.sent[kind] += 1
            if status in (302, 303):
                self.done[kind] += 1
            else:
                self.failed[f"{kind} {status}"] += 1

    def run(self, rate: float, stop: threading.Event) -> None:
        """Hand out writes at `rate` per second to the threads until `stop` is set."""
        if rate <= 0:
            return
        ticks: queue.Queue = queue.Queue(maxsize=THREADS * 2)
        kinds, weights = list(KINDS), list(KINDS.values())
        if not self.targets.event_ids:
            weights[kinds.index("rsvp")] = 0

        def work(seed: int):
            rng = random.Random(seed)
            while True:
                kind = ticks.get()
                if kind is None:
                    return
                self._write(kind, rng)

        workers = [threading.Thread(target=work, args=(self.rng.random(),), daemon=True) for _ in range(THREADS)]
        for worker in workers:
            worker.start()
        started = time.monotonic()
        due = started
        while not stop.is_set():
            due += 1 / rate
            stop.wait(max(0.0, due - time.monotonic()))
            if stop.is_set():
                break
            try:
                ticks.put_nowait(self.rng.choices(kinds, weights)[0])
            except queue.Full:
                with self._lock:
                    self.skipped += 1
        self.seconds += time.monotonic() - started
        for _ in workers:
            ticks.put(None)
        for worker in workers:
            worker.join(60)


class Writing:
    """`with Writing(writers, rate):` writes in the background for the length of the block."""

    def __init__(self, writers: Writers, rate: float):
        self.writers, self.rate = writers, rate
        self.stop = threading.Event()
        self.thread = threading.Thread(target=writers.run, args=(rate, self.stop), daemon=True)
        self.before = sum(writers.sent.values())

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(120)
        return False

    @property
    def writes(self) -> int:
        return sum(self.writers.sent.values()) - self.before


def summary(writers: Writers, before: dict[str, int], after: dict[str, int]) -> dict:
    """What was written, and what the database shows for it."""
    return {
        "sent": dict(writers.sent), "accepted": dict(writers.done), "failed": dict(writers.failed),
        "skipped_ticks": writers.skipped, "seconds_writing": round(writers.seconds, 1),
        "database_before": before, "database_after": after,
        "database_change": {name: after[name] - before[name] for name in before},
    }


def format_summary(result: dict) -> str:
    sent, accepted = result["sent"], result["accepted"]
    seconds = result["seconds_writing"] or 1
    total = sum(sent.values())
    lines = [f"Writes during the mixed pages: {total:,} in {seconds:,.0f} s ({total / seconds:.1f}/s), "
             f"{sum(accepted.values()):,} accepted; {result['skipped_ticks']} not sent (every writer busy)."]
    lines.append("  " + ", ".join(f"{kind} {accepted.get(kind, 0)}/{sent.get(kind, 0)}" for kind in KINDS))
    if result["failed"]:
        lines.append("  failed: " + ", ".join(f"{key} ×{n}" for key, n in sorted(result["failed"].items())))
    lines.append("  in the database (after − before): " + ", ".join(
        f"{name} {change:+,}" for name, change in result["database_change"].items()))
    return "\n".join(lines)
