"""Demo discussions: the questions and conversations of the demo community, loaded through the
discussion services so the real rules run (counters, answers, follows, notifications)."""

import hashlib
import random
from datetime import timedelta

import click
import sqlalchemy as sa

from cop.demo import read_data
from cop.extensions import db

THREADS = read_data("threads")
# Members who follow categories, so the demo shows new-thread notifications.
CATEGORY_FOLLOWS = read_data("follows")


def _pick(options: list, key: str, count: int) -> list:
    """`count` options chosen by a hash of `key`, the same ones on every run."""
    start = int(hashlib.sha256(key.encode()).hexdigest(), 16) % max(len(options), 1)
    return (options[start:] + options[:start])[:count]


def _backdate(thread, replies, days_ago: int) -> None:
    """Spread a thread's posts over the days after it started, as a real conversation would be."""
    from cop.extensions import utcnow

    now = utcnow()
    start = now - timedelta(days=days_ago, hours=days_ago % 7 + 2)
    thread.created_at = start
    step = timedelta(hours=max(1, min(30, days_ago * 24 // (len(replies) + 2))))
    for position, reply in enumerate(replies, start=1):
        reply.created_at = min(start + step * position + timedelta(minutes=17 * position), now - timedelta(minutes=5))
    thread.last_activity_at = max([thread.created_at] + [r.created_at for r in replies])
    if thread.answered_at:
        answer = next((r for r in replies if r.is_answer), None)
        thread.answered_at = min((answer.created_at if answer else start) + timedelta(hours=6), now)


def _date_reactions(thread, replies, rng: random.Random) -> None:
    """Follows and helpful marks happen when people read a post, not on the day the demo is loaded."""
    from cop.discussions.models import Follow, ReplyHelpfulMark
    from cop.extensions import utcnow

    now = utcnow()
    for follow in db.session.scalars(sa.select(Follow).where(Follow.thread_id == thread.id)):
        follow.created_at = thread.created_at
    for reply in replies:
        for mark in db.session.scalars(sa.select(ReplyHelpfulMark).where(ReplyHelpfulMark.reply_id == reply.id)):
            mark.created_at = min(reply.created_at + timedelta(hours=rng.randint(1, 96)), now)


def seed_discussions() -> dict[str, int]:
    """The demo threads of cop/demo/data/threads.yaml, with replies, answers, helpful marks, follows and one
    open flag; threads that already exist (by title) are left alone."""
    from cop.auth.models import MemberStatus, User
    from cop.discussions import services
    from cop.discussions.models import FlagReason, Follow, Thread, ThreadKind
    from cop.notifications.services import without_email
    from cop.practices.models import Practice

    created = {"threads": 0, "replies": 0}
    people = {u.email.split("@")[0]: u for u in db.session.scalars(
        sa.select(User).where(User.status == MemberStatus.active))}
    practices = {p.title: p for p in db.session.scalars(sa.select(Practice))}
    existing = set(db.session.scalars(sa.select(Thread.title)))
    facilitator = people.get("dana.whitfield")
    everyone = sorted(people)
    with without_email():
        for who, slugs in CATEGORY_FOLLOWS.items():
            for slug in slugs:
                if who in people and services.follow(people[who], category=services.category_for(slug)):
                    db.session.flush()
                    follow = db.session.scalar(sa.select(Follow).where(
                        Follow.user_id == people[who].id, Follow.category_id == services.category_for(slug).id))
                    follow.created_at = people[who].created_at + timedelta(days=2)  # soon after they joined
        with click.progressbar(THREADS, label="Discussions  ", show_pos=True) as bar:
            for data in bar:
                author = people.get(data["author"])
                if data["title"] in existing or author is None:
                    continue
                practice = practices.get(data.get("practice", ""))
                thread = services.create_thread(author, title=data["title"], body=data["body"],
                                                kind=ThreadKind(data["kind"]),
                                                category=services.category_for(data["category"]),
                                                practice=practice if practice is not None and practice.is_published
                                                else None)
                replies = []
                for item in data["replies"]:
                    parent = replies[item["reply_to"]] if "reply_to" in item else None
                    replies.append(services.add_reply(thread, people[item["by"]], item["body"], parent))
                if "answer" in data:
                    services.mark_answer(replies[data["answer"]], thread.author)
                for index, count in data.get("helpful", {}).items():
                    reply = replies[index]
                    readers = [people[k] for k in _pick(everyone, data["title"] + str(index), count + 2)
                               if people[k].id != reply.author_id][:count]
                    for reader in readers:
                        services.mark_helpful(reply, reader)
                if data.get("pinned") and facilitator is not None:
                    services.set_pinned(thread, facilitator, True)
                if "flag" in data:
                    flag = data["flag"]
                    services.flag_post(thread, replies[flag["reply"]], people[flag["by"]], FlagReason(flag["reason"]),
                                       flag.get("note", ""))
                db.session.flush()
                _backdate(thread, replies, data["days_ago"])
                _date_reactions(thread, replies, random.Random(data["title"]))
                created["threads"] += 1
                created["replies"] += len(replies)
    db.session.flush()
    return created
