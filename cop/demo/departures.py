"""People who left the demo community (cop/demo/data/departures.yaml): what stays of them after their account
is deleted, so "Former member" and the moderation log's deletion line can be seen."""

from datetime import timedelta

import sqlalchemy as sa

from cop.demo import read_data
from cop.extensions import db, utcnow

DEPARTURES = read_data("departures")


def seed_departures() -> dict[str, int]:
    """Each departed person once: joined, started a thread that others answered, then left. A thread that
    already exists (by title) means the person was loaded before, so nothing is done again."""
    from cop.auth.models import MemberStatus, User
    from cop.auth.services import create_member
    from cop.discussions import services as talk
    from cop.discussions.models import Thread, ThreadKind
    from cop.notifications.services import without_email
    from cop.orgs.models import Organization
    from cop.privacy.services import delete_account

    left = 0
    existing = set(db.session.scalars(sa.select(Thread.title)))
    people = {u.email.split("@")[0]: u for u in db.session.scalars(
        sa.select(User).where(User.status == MemberStatus.active))}
    for data in DEPARTURES:
        org = db.session.scalar(sa.select(Organization).where(Organization.name == data["organization"]))
        by = people.get(data["by"])
        if data["thread"]["title"] in existing or org is None or by is None:
            continue
        when = utcnow() - timedelta(days=data["days_ago"])
        with without_email():
            person = create_member(name=data["name"], email=data["email"], organization=org,
                                   title=data.get("title", ""))
            person.created_at = person.decided_at = when - timedelta(days=200)
            thread = talk.create_thread(person, title=data["thread"]["title"], body=data["thread"]["body"],
                                        kind=ThreadKind(data["thread"]["kind"]),
                                        category=talk.category_for(data["thread"]["category"]))
            thread.created_at = when - timedelta(days=30)
            for n, item in enumerate(data["thread"]["replies"]):
                reply = talk.add_reply(thread, people[item["by"]], item["body"])
                reply.created_at = thread.created_at + timedelta(days=n + 1)
            talk.refresh_thread_stats(thread)
            db.session.flush()
            delete_account(person, by, keep_posts=data["keep_posts"])
        left += 1
    return {"departures": left}
