"""What gets indexed, and how each kind of content becomes a search document.

Only content that every approved member may see is indexed: drafts, hidden, deleted, private or
pending things produce no document (and so are removed from the index). The search page checks each
hit against the database again before showing it, so a change that has not reached the index yet
cannot leak either.
"""

from dataclasses import dataclass, field
from typing import Callable

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.auth.models import MemberStatus, User
from cop.extensions import db
from cop.orgs.models import LISTED, Organization
from cop.practices.models import PROGRAM_TYPES, Practice
from cop.text import html_text


@dataclass
class Kind:
    """A kind of searchable content."""

    name: str
    label: str
    model: type
    build: Callable[[list[int]], dict[int, dict]]  # ids -> documents for those that are searchable
    load_visible: Callable[[list[int], object], dict[int, object]]  # ids, viewer -> objects they may see
    text_of: Callable[[object], str]  # the text snippets are cut from
    # Attribute names whose change makes the document stale (others, like counters, are ignored).
    watched: set[str] = field(default_factory=set)


def _day(value) -> int:
    return int(value.strftime("%Y%m%d")) if value else 0


def _stamp(value) -> int:
    return int(value.timestamp()) if value else 0


def _joined(values) -> str:
    return ",".join(v for v in values if v)


# Practices

def _practice_query(ids):
    return (sa.select(Practice).where(Practice.id.in_(ids))
            .options(so.joinedload(Practice.organization), so.joinedload(Practice.author),
                     so.selectinload(Practice.topics), so.selectinload(Practice.competencies),
                     so.selectinload(Practice.tags), so.selectinload(Practice.facets)))


def practice_text(practice: Practice) -> str:
    return f"{practice.summary}\n{html_text(practice.body_html)}"


def build_practices(ids: list[int]) -> dict[int, dict]:
    docs = {}
    for practice in db.session.scalars(_practice_query(ids)).unique():
        if not practice.is_published:
            continue
        docs[practice.id] = {
            "title": practice.title,
            "content": practice_text(practice),
            "topic": " ".join(f"{t.name} {t.slug.replace('-', ' ')}" for t in practice.topics),
            "tag": _joined(t.name for t in practice.tags),
            "competency": " ".join(c.name for c in practice.competencies),
            "organization": practice.organization.name,
            "author": practice.author.name,
            "industry": " ".join(practice.industries),
            "program": " ".join(PROGRAM_TYPES.get(p, p) for p in practice.program_types),
            "f_topic": _joined(t.slug for t in practice.topics),
            "f_industry": _joined(practice.industries),
            "f_program": _joined(practice.program_types),
            "f_org": practice.organization.slug,
            "day": _day(practice.published_at),
            "stamp": _stamp(practice.published_at),
        }
    return docs


def visible_practices(ids, viewer):
    return {p.id: p for p in db.session.scalars(_practice_query(ids)).unique() if p.is_published and p.can_view(viewer)}


# Organizations

def build_organizations(ids: list[int]) -> dict[int, dict]:
    docs = {}
    for org in db.session.scalars(sa.select(Organization).where(Organization.id.in_(ids), LISTED)):
        docs[org.id] = {
            "title": org.name,
            "content": f"{org.kind_label}. {org.region}. {org.description}",
            "industry": org.industry or "",
            "organization": org.name,
            "f_industry": org.industry or "",
            "f_org": org.slug,
            "day": _day(org.created_at),
            "stamp": _stamp(org.created_at),
        }
    return docs


def visible_organizations(ids, viewer):
    return {o.id: o for o in db.session.scalars(sa.select(Organization).where(Organization.id.in_(ids), LISTED))}


def organization_text(org) -> str:
    return f"{org.kind_label}. {org.region}. {org.description}"


# People

def _people_query(ids):
    return sa.select(User).where(User.id.in_(ids)).options(so.joinedload(User.organization))


def build_people(ids: list[int]) -> dict[int, dict]:
    docs = {}
    for user in db.session.scalars(_people_query(ids)):
        if user.status is not MemberStatus.active or user.organization is None:
            continue
        docs[user.id] = {
            "title": user.name,
            "content": f"{user.title}. {user.bio}",
            "organization": user.organization.name,
            "f_org": user.organization.slug,
            "day": _day(user.created_at),
            "stamp": _stamp(user.created_at),
        }
    return docs


def visible_people(ids, viewer):
    return {u.id: u for u in db.session.scalars(_people_query(ids)) if u.status is MemberStatus.active}


def person_text(user) -> str:
    return f"{user.title}. {user.bio}"


KINDS: dict[str, Kind] = {}


def visible_hits(hits, viewer) -> list[tuple]:
    """(hit, object) for the hits `viewer` may see, in rank order: every hit is checked against the database
    again, so a change the index has not caught up with never shows what the viewer may not see."""
    by_kind: dict[str, list[int]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit.object_id)
    objects = {name: KINDS[name].load_visible(ids, viewer) for name, ids in by_kind.items() if name in KINDS}
    return [(hit, obj) for hit in hits if (obj := objects.get(hit.kind, {}).get(hit.object_id)) is not None]


DOCUMENTS: dict[type, Kind] = {}
# Changes to one model that make documents of another kind stale:
# model -> [(kind, watched attributes, ids_for(connection, obj) -> ids of that kind)].
DEPENDENTS: dict[type, list[tuple[str, set[str], Callable]]] = {}


def register(kind: Kind) -> None:
    """Make a kind of content searchable (features call this once, at import)."""
    KINDS[kind.name] = kind
    DOCUMENTS[kind.model] = kind


def register_dependent(model: type, kind: str, watched: set[str], ids_for: Callable) -> None:
    DEPENDENTS.setdefault(model, []).append((kind, watched, ids_for))


def _practices_of_org(connection, org):
    return connection.execute(sa.select(Practice.id).where(Practice.organization_id == org.id)).scalars().all()


def _practices_of_author(connection, user):
    return connection.execute(sa.select(Practice.id).where(Practice.author_id == user.id)).scalars().all()


def _people_of_org(connection, org):
    return connection.execute(sa.select(User.id).where(User.organization_id == org.id)).scalars().all()


register(Kind("practice", "Practices", Practice, build_practices, visible_practices, practice_text,
              {"title", "summary", "body", "status", "deleted_at", "organization_id", "author_id", "published_at",
               "topics", "competencies", "tags", "facets"}))
register(Kind("organization", "Organizations", Organization, build_organizations, visible_organizations,
              organization_text, {"name", "slug", "kind", "subtype", "industry", "region", "description",
                                                 "removed_at"}))
register(Kind("person", "People", User, build_people, visible_people, person_text,
              {"name", "title", "bio", "status", "organization_id"}))
register_dependent(Organization, "practice", {"name", "slug"}, _practices_of_org)
register_dependent(Organization, "person", {"name", "slug"}, _people_of_org)
register_dependent(User, "practice", {"name"}, _practices_of_author)


# Discussions: a thread is one document with its readable replies, so a reply's words find its thread.

def _thread_models():
    from cop.discussions.models import Reply, Thread

    return Thread, Reply


def _threads_query(ids):
    Thread, _ = _thread_models()
    return (sa.select(Thread).where(Thread.id.in_(ids))
            .options(so.joinedload(Thread.author), so.joinedload(Thread.category), so.joinedload(Thread.practice)))


def _replies_by_thread(ids) -> dict[int, list]:
    _, Reply = _thread_models()
    replies: dict[int, list] = {}
    rows = db.session.scalars(sa.select(Reply).where(Reply.thread_id.in_(ids), Reply.deleted_at.is_(None),
                                                     Reply.hidden_at.is_(None))
                              .options(so.joinedload(Reply.author)).order_by(Reply.id))
    for reply in rows:
        replies.setdefault(reply.thread_id, []).append(reply)
    return replies


def _thread_searchable(thread) -> bool:
    return thread.hidden_at is None and thread.merged_into_id is None


def build_threads(ids: list[int]) -> dict[int, dict]:
    threads = [t for t in db.session.scalars(_threads_query(ids)).unique() if _thread_searchable(t)]
    replies = _replies_by_thread([t.id for t in threads])
    docs = {}
    for thread in threads:
        category = thread.category
        topic = getattr(category, "topic", None)
        thread_replies = replies.get(thread.id, [])
        docs[thread.id] = {
            "title": thread.title,
            "content": "\n".join([html_text(thread.body_html)] + [html_text(r.body_html) for r in thread_replies]),
            "topic": f"{category.name} {category.slug.replace('-', ' ')}" if category else "",
            "author": " ".join([thread.author.name] + [r.author.name for r in thread_replies]),
            "f_topic": topic.slug if topic is not None else "",
            "day": _day(thread.created_at),
            "stamp": _stamp(thread.last_activity_at or thread.created_at),
        }
    return docs


def visible_threads(ids, viewer):
    # Search shows only what every member may see, facilitators included: hidden threads are found in
    # the moderation queue, not here.
    return {t.id: t for t in db.session.scalars(_threads_query(ids)).unique()
            if _thread_searchable(t) and t.can_view(viewer)}


def thread_text(thread) -> str:
    """The opening post and the readable replies, so a snippet shows the reply that matched."""
    replies = _replies_by_thread([thread.id]).get(thread.id, [])
    return "\n".join([html_text(thread.body_html)] + [html_text(r.body_html) for r in replies])


def _thread_of_reply(connection, reply):
    return [reply.thread_id]


def _threads_of_person(connection, user):
    """A thread's document names its author and everyone who replied."""
    Thread, Reply = _thread_models()
    started = sa.select(Thread.id).where(Thread.author_id == user.id)
    replied = sa.select(Reply.thread_id).where(Reply.author_id == user.id)
    return connection.execute(sa.union(started, replied)).scalars().all()


def register_discussions() -> None:
    Thread, Reply = _thread_models()
    register(Kind("discussion", "Discussions", Thread, build_threads, visible_threads, thread_text,
                  {"title", "body", "category_id", "hidden_at", "merged_into_id", "practice_id", "author_id",
                   "last_activity_at"}))
    register_dependent(Reply, "discussion", {"body", "deleted_at", "hidden_at", "thread_id"}, _thread_of_reply)
    register_dependent(User, "discussion", {"name"}, _threads_of_person)


# Events: every member may see every event (a virtual meeting link is never indexed).

def _events_query(ids):
    from cop.events.models import Event

    return sa.select(Event).where(Event.id.in_(ids)).options(so.joinedload(Event.host_org))


def event_text(event) -> str:
    return "\n".join(part for part in (event.summary, html_text(event.description_html), event.what_you_will_see,
                                        event.access_requirements) if part)


def build_events(ids: list[int]) -> dict[int, dict]:
    docs = {}
    for event in db.session.scalars(_events_query(ids)):
        host = event.host_org.name if event.host_org is not None else ""
        docs[event.id] = {
            "title": event.title,
            "content": f"{event.kind.label}. {event.venue}. {event.address}\n{event_text(event)}",
            "organization": host,
            "f_org": event.host_org.slug if event.host_org is not None else "",
            "day": _day(event.starts_at),
            "stamp": _stamp(event.starts_at),
        }
    return docs


def visible_events(ids, viewer):
    return {e.id: e for e in db.session.scalars(_events_query(ids))}


def register_events() -> None:
    from cop.events.models import Event

    register(Kind("event", "Events", Event, build_events, visible_events, event_text,
                  {"title", "summary", "description", "kind", "status", "host_org_id", "venue", "address",
                   "what_you_will_see", "access_requirements", "starts_at"}))


# Program profiles: only community-shared fields are indexed (program_search_text decides).

def build_programs(ids: list[int]) -> dict[int, dict]:
    from cop.programs.models import Program
    from cop.programs.services import program_search_text, with_profile_data

    docs = {}
    for program in db.session.scalars(with_profile_data(sa.select(Program).where(Program.id.in_(ids)))).unique():
        docs[program.id] = {
            "title": program.name,
            "content": program_search_text(program),
            "organization": program.organization.name,
            "industry": program.organization.industry or "",
            "program": PROGRAM_TYPES.get(program.program_type, program.program_type),
            "f_industry": program.organization.industry or "",
            "f_program": program.program_type,
            "f_org": program.organization.slug,
            "day": _day(program.updated_at),
            "stamp": _stamp(program.updated_at),
        }
    return docs


def visible_programs(ids, viewer):
    from cop.programs.services import programs_by_ids

    return {p.id: p for p in programs_by_ids(ids, viewer)}


def program_text(program) -> str:
    from cop.programs.services import program_search_text

    return program_search_text(program)


def _program_of(connection, child):
    return [child.program_id]


def register_programs() -> None:
    from cop.programs.models import PrivateField, Program, ProgramFacet, ProgramPartner

    register(Kind("program", "Programs", Program, build_programs, visible_programs, program_text,
                  {c.key for c in sa.inspect(Program).column_attrs} | {"competencies", "facets", "partners",
                                                                        "private"}))
    for child in (ProgramFacet, ProgramPartner, PrivateField):
        register_dependent(child, "program", {c.key for c in sa.inspect(child).column_attrs}, _program_of)
    register_dependent(Organization, "program", {"name", "slug", "industry"}, _programs_of_org)


def _programs_of_org(connection, org):
    from cop.programs.models import Program

    return connection.execute(sa.select(Program.id).where(Program.organization_id == org.id)).scalars().all()


register_discussions()
register_events()
register_programs()
