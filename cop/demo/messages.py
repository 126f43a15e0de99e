"""Demo private conversations, read from cop/demo/data/messages.yaml and written through the messages
services (in-app notices only: the demo sends no mail for the past)."""

import io
from datetime import timedelta

import sqlalchemy as sa

from cop.demo import read_data
from cop.demo.library import _demo_pdf
from cop.extensions import db, utcnow

CONVERSATIONS = read_data("messages")["conversations"]


def seed_messages() -> dict[str, int]:
    from cop.auth.models import User
    from cop.messages import services
    from cop.messages.models import Conversation
    from cop.notifications.services import without_email

    created = {"private messages": 0}
    existing = set(db.session.scalars(sa.select(Conversation.subject)))
    people = {u.email: u for u in db.session.scalars(sa.select(User))}
    for spec in CONVERSATIONS:
        if spec["subject"] in existing or not {spec["by"], *spec["with"]} <= set(people):
            continue
        first, *rest = spec["messages"]
        with without_email():
            conversation = services.start_conversation(people[spec["by"]], [people[e] for e in spec["with"]],
                                                       spec["subject"], first["body"], _files(first))
            for message in rest:
                services.add_message(conversation, people[message["by"]], message["body"], _files(message),
                                     by_email=message.get("by_email", False))
        db.session.flush()
        for message, spec_message in zip(conversation.messages, spec["messages"]):
            message.created_at = utcnow() - timedelta(days=spec_message["days_ago"])
        conversation.created_at = conversation.messages[0].created_at
        conversation.last_message_at = conversation.messages[-1].created_at
        for member in conversation.members:
            # Each has read up to what they last wrote: the last message is news to the others.
            member.joined_at = conversation.created_at
            own = [m.created_at for m in conversation.messages if m.author_id == member.user_id]
            member.last_read_at = max(own) if own else None
        created["private messages"] += len(spec["messages"])
    db.session.flush()
    return created


def _files(message: dict) -> list[tuple]:
    name = message.get("attachment")
    return [(io.BytesIO(_demo_pdf(name.removesuffix(".pdf"))), name)] if name else []
