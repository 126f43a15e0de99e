"""Members RSVP and cancel at the same moment from several worker processes, each with its own app and
database connections: the capacity holds, nobody holds two RSVPs, the queue keeps first-come order and
every freed seat is given exactly once. Runs on SQLite and, with COP_TEST_DATABASE_URL, on PostgreSQL."""

import multiprocessing
import threading
import time
from datetime import timedelta

import sqlalchemy as sa

from config import TestConfig
from cop.auth.models import User
from cop.events import services
from cop.events.models import Event, EventKind, Rsvp, RsvpStatus
from cop.extensions import db, utcnow
from cop.mail import OutboxMessage
from cop.notifications.models import Notification

SEATS = 20
THREADS_PER_PROCESS = 40
POOL_PER_PROCESS = 10  # 5 processes x 10 stays well inside PostgreSQL's default 100 connections


def _worker(url: str, folder: str, tasks: list, barrier, results) -> None:
    """One OS process: its own app and engine, one thread per task; every thread in every process
    waits at the same barrier, then loads what it needs and runs the service and the commit, as a request would."""
    from cop import create_app
    from cop.events.services import EventError

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, MAIL_DIR=f"{folder}/mail",
                     COP_UPLOAD_DIR=f"{folder}/uploads", COP_INDEX_DIR=f"{folder}/index",
                     SQLALCHEMY_ENGINE_OPTIONS={"pool_size": POOL_PER_PROCESS, "max_overflow": 0, "pool_timeout": 120})
    outcomes = []

    def run(action: str, event_id: int, user_id: int) -> None:
        try:
            barrier.wait(timeout=120)
            started = time.time()
            with app.app_context():
                event, user = db.session.get(Event, event_id), db.session.get(User, user_id)
                try:
                    if action == "rsvp":
                        status = services.rsvp(event, user).status.value
                    else:
                        services.cancel_rsvp(event, user)
                        status = "cancelled"
                    db.session.commit()
                except EventError:
                    db.session.rollback()
                    status = "refused"
            outcomes.append((action, user_id, status, None, started, time.time()))
        except Exception as error:  # collected: any failure fails the test
            outcomes.append((action, user_id, None, repr(error), 0, 0))

    threads = [threading.Thread(target=run, args=task) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    with app.app_context():
        db.engine.dispose()
    results.put(outcomes)


def run_together(url: str, folder, tasks: list) -> tuple[list, float]:
    """Run the tasks in several spawned processes released together; returns outcomes and wall seconds."""
    context = multiprocessing.get_context("spawn")
    processes = max(1, -(-len(tasks) // THREADS_PER_PROCESS))
    barrier = context.Barrier(len(tasks))
    results = context.Queue()
    workers = [context.Process(target=_worker, args=(url, str(folder), tasks[n::processes], barrier, results))
               for n in range(processes)]
    for worker in workers:
        worker.start()
    outcomes = [item for _ in workers for item in results.get(timeout=300)]
    for worker in workers:
        worker.join(timeout=60)
    assert all(worker.exitcode == 0 for worker in workers)
    started = min(o[4] for o in outcomes if o[4])
    return outcomes, max(o[5] for o in outcomes) - started


def _people(n: int, offset: int, orgs: list) -> list[int]:
    from cop.auth.services import create_member

    shared_hash = "pbkdf2:sha256:1000$x$" + "0" * 64  # nobody signs in here
    users = [create_member(name=f"Racer {offset + i}", email=f"racer{offset + i}@example.org",
                           organization=orgs[i % len(orgs)], password_hash=shared_hash) for i in range(n)]
    db.session.commit()
    return [u.id for u in users]


def _counts(event_id: int) -> dict:
    rows = db.session.execute(sa.select(Rsvp.status, sa.func.count()).where(Rsvp.event_id == event_id)
                              .group_by(Rsvp.status)).all()
    return {status.value: n for status, n in rows}


def test_simultaneous_rsvps_and_cancellations_hold_capacity_and_promote_exactly_once(
        app, database_url, tmp_path, make_org, facilitator, capsys):
    from cop.orgs.models import Organization

    orgs = [make_org(f"Racing Company {n}") for n in range(10)]
    with app.app_context():
        org_rows = [db.session.get(Organization, org.id) for org in orgs]
        first_wave = _people(200, 0, org_rows)
        late_comers = _people(30, 200, org_rows)
        host = db.session.get(User, facilitator.id)
        starts = utcnow().replace(microsecond=0) + timedelta(days=10)
        event = services.create_event(host, kind=EventKind.roundtable, title="The popular one", starts_at=starts,
                                      ends_at=starts + timedelta(hours=2),
                                      timezone="America/Chicago", capacity=SEATS)
        db.session.commit()
        event_id = event.id

    # 200 simultaneous RSVPs for 20 seats
    outcomes, seconds_rsvp = run_together(database_url, tmp_path, [("rsvp", event_id, uid) for uid in first_wave])
    assert [o[3] for o in outcomes if o[3]] == []
    statuses = [o[2] for o in outcomes]
    assert statuses.count("going") == SEATS and statuses.count("waitlisted") == 200 - SEATS
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert _counts(event_id) == {"going": SEATS, "waitlisted": 200 - SEATS}
        assert (event.going_count, event.waitlist_count, event.last_ticket) == (SEATS, 200 - SEATS, 200)
        rsvps = db.session.scalars(sa.select(Rsvp).where(Rsvp.event_id == event_id)).all()
        assert len({r.user_id for r in rsvps}) == len(rsvps) == 200
        # first come, first served: the seats went to the first twenty tickets handed out
        assert {r.ticket for r in rsvps if r.status is RsvpStatus.going} == set(range(1, SEATS + 1))
        assert sorted(r.ticket for r in rsvps) == list(range(1, 201))

        # the capacity goes up: fifty more seats, filled from the front of the queue at once
        promoted = services.set_capacity(event, SEATS + 50)
        db.session.commit()
        assert sorted(r.ticket for r in promoted) == list(range(SEATS + 1, SEATS + 51))
        going_ids = db.session.scalars(sa.select(Rsvp.user_id).where(
            Rsvp.event_id == event_id, Rsvp.status == RsvpStatus.going).order_by(Rsvp.ticket)).all()
        phase_two = utcnow()

    # 50 simultaneous cancellations, while 30 newcomers RSVP twice each (60 more requests at the same moment)
    leaving = going_ids[5:55]  # some who got seats at once, some who moved up when the capacity grew
    tasks = [("cancel", event_id, uid) for uid in leaving] + [("rsvp", event_id, uid) for uid in late_comers * 2]
    outcomes, seconds_cancel = run_together(database_url, tmp_path, tasks)
    assert [o[3] for o in outcomes if o[3]] == []
    cancels = [o[2] for o in outcomes if o[0] == "cancel"]
    newcomers = [o[2] for o in outcomes if o[0] == "rsvp"]
    assert cancels == ["cancelled"] * 50
    # no seat is ever free while people wait, so every newcomer queues; each one's second request is refused
    assert sorted(newcomers) == ["refused"] * 30 + ["waitlisted"] * 30

    with app.app_context():
        event = db.session.get(Event, event_id)
        assert _counts(event_id) == {"going": SEATS + 50, "waitlisted": 130 - 50 + 30, "cancelled": 50}
        assert (event.going_count, event.waitlist_count) == (SEATS + 50, 110)
        moved_up = db.session.scalars(sa.select(Rsvp).where(Rsvp.event_id == event_id,
                                                            Rsvp.promoted_at >= phase_two)).all()
        assert len(moved_up) == 50
        assert sorted(r.ticket for r in moved_up) == list(range(SEATS + 51, SEATS + 101))
        assert all(r.status is RsvpStatus.going for r in moved_up)
        assert db.session.scalar(sa.select(sa.func.count(Rsvp.id)).where(Rsvp.event_id == event_id)) == 230
        # each promotion told its person exactly once, by notification and by e-mail
        told = db.session.execute(sa.select(Notification.user_id, sa.func.count())
                                  .where(Notification.kind == "waitlist_promoted").group_by(Notification.user_id)).all()
        assert len(told) == 100 and {n for _, n in told} == {1}
        mails = db.session.scalars(sa.select(OutboxMessage.to)
                                   .where(OutboxMessage.subject.startswith("You're in"))).all()
        assert len(mails) == len(set(mails)) == 100

    with capsys.disabled():
        backend = database_url.split(":")[0]
        print(f"\n[{backend}] 200 simultaneous RSVPs for {SEATS} seats: {seconds_rsvp:.2f}s; "
              f"50 cancellations + 60 RSVPs at once: {seconds_cancel:.2f}s")
