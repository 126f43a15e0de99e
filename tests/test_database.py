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


def test_a_hot_read_gives_the_rows_connection_execute_gives(app, make_user, make_org):
    from cop.auth.models import User
    from cop.extensions import HotRead

    org = make_org("Hot Read Co")
    people = [make_user(f"Reader {n}", org=org) for n in range(3)]
    users = User.__table__
    statement = (sa.select(users.c.id, users.c.name, users.c.role, users.c.status, users.c.created_at,
                           (users.c.id > 0).label("positive"),
                           sa.select(sa.func.count()).select_from(users).where(users.c.id < 10 ** 9)
                           .scalar_subquery().label("everyone"))
                 .where(users.c.id.in_(sa.bindparam("ids", expanding=True)), users.c.name != sa.bindparam("not_named"))
                 .order_by(users.c.id))
    hot = HotRead(statement)
    with app.app_context():
        for ids in ([people[0].id], [p.id for p in people], [people[2].id, people[1].id]):
            params = {"ids": ids, "not_named": "Nobody"}
            expected = [tuple(row) for row in db.session.connection().execute(statement, params)]
            assert hot.rows(params) == expected and len(expected) == len(ids)
        row = hot.mapping({"ids": [people[1].id], "not_named": "Nobody"})
        assert row["name"] == "Reader 1" and row["positive"] is True and row["created_at"].tzinfo is not None
        assert hot.first({"ids": [people[1].id], "not_named": "Reader 1"}) is None


def _begins(app):
    """Counts transactions begun on the app's engine inside the block."""
    with app.app_context():
        engine = db.engine
    begun = []
    listener = lambda connection: begun.append(connection)  # noqa: E731
    sa.event.listen(engine, "begin", listener)
    return begun, lambda: sa.event.remove(engine, "begin", listener)


def test_a_hot_read_before_the_unit_of_work_begins_none(app, make_user, make_org):
    from cop.auth.models import User
    from cop.extensions import HotRead

    person = make_user("Ada Before", org=make_org("Before Co"))
    hot = HotRead(sa.select(User.__table__.c.name).where(User.__table__.c.id == sa.bindparam("id")))
    begun, stop = _begins(app)
    try:
        with app.app_context():
            assert hot.first({"id": person.id}) == ("Ada Before",)
            assert hot.first({"id": person.id}) == ("Ada Before",)
            assert begun == [] and not db.session().info.get("connected")
    finally:
        stop()


def test_a_hot_read_inside_a_unit_of_work_sees_its_changes(app, make_user, make_org):
    from cop.auth.models import User
    from cop.extensions import HotRead

    person = make_user("Ada Inside", org=make_org("Inside Co"))
    hot = HotRead(sa.select(User.__table__.c.name).where(User.__table__.c.id == sa.bindparam("id")))
    with app.app_context():
        assert hot.first({"id": person.id}) == ("Ada Inside",)  # on the held connection
        db.session.get(User, person.id).name = "Ada Changed"
        db.session.flush()
        assert hot.first({"id": person.id}) == ("Ada Changed",)
        db.session.rollback()
        assert hot.first({"id": person.id}) == ("Ada Inside",)


def test_a_held_connection_goes_back_to_the_pool_as_it_came(app, make_user, make_org):
    """After hot reads on the held connection (autocommit on PostgreSQL), the pool's connections still
    roll back: a rolled-back change is gone, in every connection the pool hands out next."""
    from cop.auth.models import User
    from cop.extensions import HotRead

    person = make_user("Ada Pool", org=make_org("Pool Co"))
    hot = HotRead(sa.select(User.__table__.c.name).where(User.__table__.c.id == sa.bindparam("id")))
    for _ in range(3):
        with app.app_context():
            assert hot.first({"id": person.id}) == ("Ada Pool",)
        with app.app_context():
            db.session.get(User, person.id).name = "Never Saved"
            db.session.flush()
            db.session.rollback()
        with app.app_context():
            assert db.session.get(User, person.id).name == "Ada Pool"
    with app.app_context():
        assert db.engine.pool.checkedout() == 0


def test_a_hot_read_refuses_like_on_sqlite(app):
    from cop.auth.models import User
    from cop.extensions import HotRead

    hot = HotRead(sa.select(User.__table__.c.id).where(User.__table__.c.email.like(sa.bindparam("pattern"))))
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            assert hot.rows({"pattern": "%@example.org"}) is not None
            return
        try:
            hot.rows({"pattern": "%@example.org"})
        except ValueError as error:
            assert "substr" in str(error)
        else:
            raise AssertionError("a LIKE in a hot read ran on SQLite")
