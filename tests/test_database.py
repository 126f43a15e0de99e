"""Concurrent read-then-write units of work never lose an update and never fail with "database is locked"."""

import threading

import sqlalchemy as sa

from cop.extensions import begin_read, begin_write, db
from cop.orgs.models import Organization


def test_concurrent_read_modify_write_loses_nothing(app, make_org):
    org = make_org("Counter Co", description="")
    workers, errors = 12, []  # within the default connection pool (5 + 10 overflow)
    start = threading.Barrier(workers)

    def add_one_mark():
        try:
            with app.app_context():
                begin_read()  # a plain read first, as a page request's sign-in check does
                db.session.get(Organization, org.id)
                start.wait(timeout=10)
                begin_write()
                row = db.session.scalar(sa.select(Organization).where(Organization.id == org.id).with_for_update())
                row.description += "x"
                db.session.commit()
        except Exception as error:  # collected: any failure fails the test below
            errors.append(repr(error))

    threads = [threading.Thread(target=add_one_mark) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        assert db.session.get(Organization, org.id).description == "x" * workers
