"""Deleting accounts: one person's (by themselves, their organization's manager or a facilitator) or a
whole organization's, in one transaction, each feature ending what it holds of the person.

The order matters: seats at future events are given up first (that locks the events, and must come
before any other change), then the posts and what only mattered to the person, and last the account
itself, which is emptied to "Former member". The search index follows through the change log (the
person's document goes, and every practice and thread that showed their name is refreshed), and the
page cache through the content version that the commit moves on.
"""

import json
import secrets
import shutil
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from cop import storage
from cop.api import services as api_tokens
from cop.auth import services as accounts
from cop.auth.models import MemberStatus, User, hash_token
from cop.discussions import services as talk
from cop.events import services as events
from cop.extensions import db, utcnow
from cop.links import external_url
from cop.mail import send_mail
from cop.messages import services as messaging
from cop.notifications import services as notices
from cop.orgs import services as organizations
from cop.orgs.models import Organization, OrgKind
from cop.practices import services as library
from cop.privacy.models import DataExport, ExportStatus
from cop.programs import services as programs
from cop.search import engine as search
from cop.sso import services as sso


class DeletionError(ValueError):
    """A rule said no; the message is safe to show."""


@dataclass
class Deletion:
    """What a deletion did, for the person's confirmation and the moderation log."""

    rsvps: int = 0
    practices: int = 0
    threads: int = 0
    replies: int = 0

    def add(self, other: "Deletion") -> None:
        self.rsvps += other.rsvps
        self.practices += other.practices
        self.threads += other.threads
        self.replies += other.replies


def delete_account(person: User, by: User, *, keep_posts: bool, keep_practice_ids=()) -> Deletion:
    """Delete `person`'s account as `by` asked. With keep_posts their published practices, threads and
    replies stay under "Former member"; without, they are removed (a facilitator may still keep chosen
    practices, `keep_practice_ids`, anonymised). Their drafts go either way."""
    if not by.can_delete_account(person):
        raise DeletionError("You can't delete that account.")
    try:
        accounts.check_erasable(person)  # before anything changes
    except accounts.MembershipError as error:
        raise DeletionError(str(error)) from error
    done = Deletion(rsvps=events.withdraw_person(person))
    if not keep_posts:
        done.threads, done.replies = talk.remove_posts_of(person)
    keep_ids = keep_practice_ids if by.is_facilitator else ()
    done.practices = library.remove_practices_of(person, keep_published=keep_posts, keep_ids=keep_ids)
    talk.forget_person(person)
    messaging.forget_person(person, keep_posts=keep_posts)
    library.forget_marks_of(person)
    notices.forget_person(person, person.name)
    forget_exports(person)
    sso.forget_identities(person)
    api_tokens.forget_tokens(person)
    who = "themselves" if by.id == person.id else ("a facilitator" if by.is_facilitator else "their manager")
    try:
        accounts.erase_account(person)
    except accounts.MembershipError as error:
        raise DeletionError(str(error)) from error
    talk.log_departure(person, by, f"Deleted by {who}; posts {'kept' if keep_posts else 'removed'}.")
    search.compact_later(person.id)
    db.session.flush()
    return done


def published_practice_choices(person: User) -> list[tuple[int, str]]:
    """The person's published practices, for a facilitator to keep when the person's posts are removed."""
    from cop.practices.models import Practice, PracticeStatus

    return [(practice_id, title) for practice_id, title in db.session.execute(
        sa.select(Practice.id, Practice.title).where(Practice.author_id == person.id,
                                                     Practice.status == PracticeStatus.published,
                                                     Practice.deleted_at.is_(None)).order_by(Practice.title))]


def remaining_people(org: Organization) -> list[User]:
    return db.session.scalars(sa.select(User).where(User.organization_id == org.id,
                                                    User.status != MemberStatus.deleted).order_by(User.id)).all()


def upcoming_events_of(org: Organization) -> list:
    return events.upcoming_hosted_events(org)


def programs_of(org: Organization) -> list:
    return programs.programs_of(org.id)


@dataclass
class Removal:
    """What removing an organization did, for the facilitator's confirmation."""

    accounts: int
    posts: Deletion
    events_cancelled: int
    programs: int


def remove_organization(org: Organization, by: User, *, keep_posts: bool) -> Removal:
    """A facilitator removes an organization that left the community, in one transaction: every account in
    it is deleted as one would be, its upcoming events are called off (attendees are told), its program
    profiles and company sign-in go, and it is listed nowhere. Its name stays behind kept posts and past
    events."""
    if not by.is_facilitator:
        raise DeletionError("Only facilitators remove an organization.")
    if org.kind is OrgKind.facilitator:
        raise DeletionError("The facilitators' own organization can't be removed.")
    cancelled = events.cancel_hosted_events(org, by, f"{org.name} has left the community.")
    people = remaining_people(org)
    posts = Deletion()
    for person in people:
        posts.add(delete_account(person, by, keep_posts=keep_posts))
    if (provider := sso.provider_for(org)) is not None:
        sso.remove_provider(provider)
    removal = Removal(accounts=len(people), posts=posts, events_cancelled=cancelled,
                      programs=programs.remove_programs_of(org))
    organizations.mark_removed(org)
    return removal


# Exports: a member's own data, as one JSON file per kind and their attachments, in a ZIP.

EXPORT_FORMAT = "cop-export/1"


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def _document(kind: str, items) -> dict:
    return {"format": EXPORT_FORMAT, "kind": kind, "items": items}


def export_profile(user: User) -> dict:
    frequency = notices.email_frequency(user)
    return {"format": EXPORT_FORMAT, "kind": "profile", "profile": {
        "id": user.id, "name": user.name, "email": user.email, "title": user.title, "bio": user.bio,
        "timezone": user.timezone, "role": user.role.value, "status": user.status.value,
        "organization": user.organization.name if user.organization else None,
        "joined_at": _when(user.created_at), "join_note": user.join_note,
        "notification_email": frequency.value}}


def export_practices(user: User) -> tuple[dict, list[tuple[str, object]]]:
    """The practices the member wrote, every revision of each, and their attachments (name in the ZIP,
    Attachment), with the files the member added to others' practices. Revisions others made to the
    member's practices are part of the practice's history."""
    from cop.practices.models import Attachment, Practice, PracticeRevision

    practices = db.session.scalars(sa.select(Practice).where(Practice.author_id == user.id)
                                   .options(so.selectinload(Practice.topics),
                                            so.selectinload(Practice.tags),
                                            so.selectinload(Practice.competencies),
                                            so.selectinload(Practice.facets),
                                            so.selectinload(Practice.attachments))
                                   .order_by(Practice.id)).all()
    revisions: dict[int, list] = {}
    if practices:
        for revision in db.session.scalars(sa.select(PracticeRevision).where(
                PracticeRevision.practice_id.in_([p.id for p in practices])).order_by(PracticeRevision.number)):
            revisions.setdefault(revision.practice_id, []).append(revision)
    items, files = [], []
    for practice in practices:
        attachments = []
        for attachment in practice.attachments:
            name = f"attachments/practice-{practice.id}/{attachment.id}-{attachment.filename}"
            attachments.append({**attachment.export_entry(name), "uploaded_at": _when(attachment.created_at)})
            files.append((name, attachment))
        items.append({
            "id": practice.id, "title": practice.title, "summary": practice.summary, "body": practice.body,
            "status": "deleted" if practice.is_deleted else practice.status.value,
            "created_at": _when(practice.created_at), "updated_at": _when(practice.updated_at),
            "published_at": _when(practice.published_at),
            "topics": [t.name for t in practice.topics], "tags": [t.name for t in practice.tags],
            "competencies": [c.name for c in practice.competencies],
            "facets": {facet.facet.value: practice.facet_values(facet.facet) for facet in practice.facets},
            "helpful_count": practice.helpful_count, "attachments": attachments,
            "revisions": [{"number": r.number, "title": r.title, "summary": r.summary, "body": r.body,
                           "note": r.note, "by_me": r.editor_id == user.id, "created_at": _when(r.created_at)}
                          for r in revisions.get(practice.id, [])],
        })
    elsewhere = []
    for attachment in db.session.scalars(sa.select(Attachment).join(Attachment.practice).where(
            Attachment.uploaded_by_id == user.id, Practice.author_id != user.id).order_by(Attachment.id)):
        name = f"attachments/practice-{attachment.practice_id}/{attachment.id}-{attachment.filename}"
        elsewhere.append({**attachment.export_entry(name), "practice_id": attachment.practice_id,
                          "uploaded_at": _when(attachment.created_at)})
        files.append((name, attachment))
    document = _document("practices", items)
    document["attachments_on_others_practices"] = elsewhere
    return document, files


def export_discussions(user: User) -> dict:
    """Threads the member started and replies they wrote (not others' replies), with earlier versions."""
    from cop.discussions.models import Follow, PostRevision, Reply, Thread

    threads = db.session.scalars(sa.select(Thread).where(Thread.author_id == user.id)
                                 .options(so.joinedload(Thread.category)).order_by(Thread.id)).all()
    replies = db.session.scalars(sa.select(Reply).where(Reply.author_id == user.id)
                                 .options(so.joinedload(Reply.thread)).order_by(Reply.id)).all()
    mine = sa.or_(PostRevision.reply_id.in_(sa.select(Reply.id).where(Reply.author_id == user.id)),
                  sa.and_(PostRevision.reply_id.is_(None),
                          PostRevision.thread_id.in_(sa.select(Thread.id).where(Thread.author_id == user.id))))
    earlier: dict[tuple, list] = {}
    for revision in db.session.scalars(sa.select(PostRevision).where(mine).order_by(PostRevision.id)):
        earlier.setdefault((revision.thread_id, revision.reply_id), []).append(
            {"title": revision.title, "body": revision.body, "written_at": _when(revision.written_at)})
    follows = db.session.scalars(sa.select(Follow).where(Follow.user_id == user.id).order_by(Follow.id)).all()
    return {"format": EXPORT_FORMAT, "kind": "discussions",
            "threads": [{"id": t.id, "title": t.title, "body": t.body, "kind": t.kind.value,
                         "category": t.category.name if t.category else None,
                         "created_at": _when(t.created_at), "edited_at": _when(t.edited_at),
                         "hidden": t.is_hidden, "earlier_versions": earlier.get((t.id, None), [])}
                        for t in threads],
            "replies": [{"id": r.id, "thread_id": r.thread_id, "thread_title": r.thread.title, "body": r.body,
                         "parent_id": r.parent_id, "created_at": _when(r.created_at),
                         "edited_at": _when(r.edited_at), "removed": r.is_deleted, "hidden": r.is_hidden,
                         "is_answer": r.is_answer, "earlier_versions": earlier.get((r.thread_id, r.id), [])}
                        for r in replies],
            "follows": [{"thread_id": f.thread_id, "category_id": f.category_id, "practice_id": f.practice_id,
                         "since": _when(f.created_at)} for f in follows]}


def export_events(user: User) -> dict:
    from cop.events.models import Rsvp

    records = db.session.scalars(sa.select(Rsvp).where(Rsvp.user_id == user.id)
                                 .options(so.joinedload(Rsvp.event)).order_by(Rsvp.id)).all()
    return _document("events", [{
        "event_id": r.event_id, "event": r.event.title, "kind": r.event.kind.value,
        "starts_at": _when(r.event.starts_at), "timezone": r.event.timezone, "status": r.status.value,
        "rsvp_at": _when(r.created_at), "cancelled_at": _when(r.cancelled_at), "attended": r.attended,
    } for r in records])


def export_feedback(user: User) -> dict:
    """The member's own feedback answers only: never anyone else's on the same session."""
    from cop.events.models import INTENT_QUESTIONS, FeedbackQuestion, FeedbackResponse

    responses = db.session.scalars(sa.select(FeedbackResponse).where(FeedbackResponse.user_id == user.id)
                                   .options(so.selectinload(FeedbackResponse.answers))
                                   .order_by(FeedbackResponse.id)).all()
    question_ids = {a.question_id for r in responses for a in r.answers}
    prompts = dict(db.session.execute(sa.select(FeedbackQuestion.id, FeedbackQuestion.prompt)
                                      .where(FeedbackQuestion.id.in_(question_ids))).all()) if question_ids else {}
    items = []
    for response in responses:
        answers = [{"question": prompts.get(a.question_id, ""), "score": a.score, "text": a.text}
                   for a in sorted(response.answers, key=lambda a: a.question_id)]
        intents = {question: (getattr(response, name).value if getattr(response, name) else None)
                   for name, question in INTENT_QUESTIONS}
        items.append({"event_id": response.event_id, "answers": answers, "intentions": intents,
                      "created_at": _when(response.created_at), "updated_at": _when(response.updated_at)})
    return _document("feedback", items)


def export_helpful_marks(user: User) -> dict:
    from cop.discussions.models import Reply, ReplyHelpfulMark
    from cop.practices.models import HelpfulMark, Practice

    practices = db.session.execute(sa.select(HelpfulMark.practice_id, Practice.title, HelpfulMark.created_at)
                                   .join(Practice, Practice.id == HelpfulMark.practice_id)
                                   .where(HelpfulMark.user_id == user.id).order_by(HelpfulMark.created_at)).all()
    replies = db.session.execute(sa.select(ReplyHelpfulMark.reply_id, Reply.thread_id, ReplyHelpfulMark.created_at)
                                 .join(Reply, Reply.id == ReplyHelpfulMark.reply_id)
                                 .where(ReplyHelpfulMark.user_id == user.id)
                                 .order_by(ReplyHelpfulMark.created_at)).all()
    return {"format": EXPORT_FORMAT, "kind": "helpful_marks",
            "practices": [{"practice_id": i, "title": t, "marked_at": _when(at)} for i, t, at in practices],
            "replies": [{"reply_id": i, "thread_id": t, "marked_at": _when(at)} for i, t, at in replies]}


def export_saved_practices(user: User) -> dict:
    from cop.practices.models import Bookmark, Practice

    rows = db.session.execute(sa.select(Bookmark.practice_id, Practice.title, Bookmark.created_at)
                              .join(Practice, Practice.id == Bookmark.practice_id)
                              .where(Bookmark.user_id == user.id).order_by(Bookmark.created_at)).all()
    return _document("saved_practices", [{"practice_id": i, "title": t, "saved_at": _when(at)} for i, t, at in rows])


def export_notifications(user: User) -> dict:
    from cop.notifications.models import Notification

    rows = db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).all()
    return _document("notifications", [{"kind": n.kind, "text": n.text, "url": n.url,
                                        "created_at": _when(n.created_at), "read_at": _when(n.read_at)}
                                       for n in rows])


def export_documents(user: User) -> tuple[dict[str, dict], list[tuple[str, object]]]:
    """Every JSON file of an export (name -> content), and the attachments to add beside them."""
    practices, files = export_practices(user)
    messages, message_files = messaging.export_messages(user)
    return {
        "profile.json": export_profile(user),
        "practices.json": practices,
        "discussions.json": export_discussions(user),
        "events.json": export_events(user),
        "feedback.json": export_feedback(user),
        "helpful_marks.json": export_helpful_marks(user),
        "saved_practices.json": export_saved_practices(user),
        "notifications.json": export_notifications(user),
        "messages.json": _document("messages", messages),
    }, files + message_files


class ExportError(ValueError):
    """A rule said no; the message is safe to show."""


def _export_folder() -> Path:
    folder = Path(current_app.config["COP_UPLOAD_DIR"]) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def latest_export(user: User) -> DataExport | None:
    return db.session.scalar(sa.select(DataExport).where(DataExport.user_id == user.id)
                             .order_by(DataExport.id.desc()).limit(1))


def request_export(user: User) -> DataExport:
    """Queue an export of the member's data; one at a time, so a double click builds one ZIP."""
    latest = latest_export(user)
    if latest is not None and latest.is_waiting:
        raise ExportError("Your export is already being prepared. We'll e-mail you when it is ready.")
    export = DataExport(user_id=user.id, status=ExportStatus.queued, created_at=utcnow())
    db.session.add(export)
    db.session.flush()
    db.session.info["exports_queued"] = True
    return export


def build_export(export: DataExport) -> str:
    """Write the ZIP of a queued export, and e-mail its owner the download link (returned too). The link's
    secret is kept only as a digest; it works once, until COP_EXPORT_HOURS have passed."""
    user = export.user
    documents, files = export_documents(user)
    folder = _export_folder()
    stored_name = f"{secrets.token_hex(16)}.zip"
    path = folder / stored_name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in documents.items():
            archive.writestr(name, json.dumps(content, ensure_ascii=False, indent=2))
        for name, attachment in files:
            try:
                with storage.store().open(attachment.stored_name) as source, archive.open(name, "w") as target:
                    shutil.copyfileobj(source, target)
            except FileNotFoundError:
                continue  # a row whose file is gone: the JSON still lists it
    token = secrets.token_urlsafe(32)
    hours = current_app.config["COP_EXPORT_HOURS"]
    export.status = ExportStatus.ready
    export.stored_name, export.size = stored_name, path.stat().st_size
    export.token_hash = hash_token(token)
    export.ready_at = utcnow()
    export.expires_at = export.ready_at + timedelta(hours=hours)
    url = external_url("privacy.download_export", token=token)
    send_mail(user.email, "Your data export is ready", "export_ready", user=user, download_url=url, hours=hours)
    return url


def build_pending_exports(limit: int = 20) -> int:
    """Build the queued exports, oldest first, committing each (the CLI and the after-request worker)."""
    built = 0
    ids = db.session.scalars(sa.select(DataExport.id).where(DataExport.status == ExportStatus.queued)
                             .order_by(DataExport.created_at).limit(limit)).all()
    for export_id in ids:
        export = db.session.get(DataExport, export_id)
        if export is None or export.status is not ExportStatus.queued:
            continue
        try:
            build_export(export)
        except OSError:
            db.session.rollback()
            export = db.session.get(DataExport, export_id)
            export.status = ExportStatus.failed
        db.session.commit()
        built += 1
    return built


def find_export(token: str, user: User) -> DataExport | None:
    """The member's own export behind a download link; None for any other link or person."""
    if not token or len(token) > 200:
        return None
    export = db.session.scalar(sa.select(DataExport).where(DataExport.token_hash == hash_token(token)))
    return export if export is not None and export.user_id == user.id else None


def take_download(export: DataExport) -> Path:
    """Hand the file over once: the link is spent at once, and the file removed after it was sent. The
    link's digest stays, so using it again says why it no longer works."""
    if not export.is_downloadable:
        raise ExportError("This download link has expired or was already used. Ask for a new export.")
    export.status = ExportStatus.downloaded
    export.downloaded_at = utcnow()
    return _export_folder() / export.stored_name


def expire_exports(now=None) -> int:
    """Remove the files of exports nobody downloaded in time (safe to rerun)."""
    now = now or utcnow()
    stale = db.session.scalars(sa.select(DataExport).where(DataExport.status == ExportStatus.ready,
                                                           DataExport.expires_at <= now)).all()
    for export in stale:
        (_export_folder() / export.stored_name).unlink(missing_ok=True)
        export.status = ExportStatus.expired
    return len(stale)


def forget_exports(user: User) -> None:
    """A deleted account's exports go, files and all."""
    for export in db.session.scalars(sa.select(DataExport).where(DataExport.user_id == user.id)):
        if export.stored_name:
            library.remove_file_after_commit(_export_folder() / export.stored_name)
        db.session.delete(export)
