"""Library rules: writing, publishing, revising, classifying, deleting and restoring practices,
feedback marks, and attachments checked by their content."""

import difflib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from markupsafe import Markup

from cop import storage
from cop.competencies.models import Competency
from cop.extensions import db, utcnow
from cop.practices.models import (RESTORE_WINDOW, Attachment, Bookmark, Facet, HelpfulMark, Practice,
                                  PracticeFacet, PracticeRevision, PracticeStatus, Tag, Topic, practice_competencies,
                                  practice_tags, practice_topics)
from cop.text import render_markdown


class LibraryError(ValueError):
    """A rule said no; the message is safe to show."""


@dataclass
class Classification:
    topics: list[Topic] = field(default_factory=list)
    competencies: list[Competency] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    program_types: list[str] = field(default_factory=list)
    student_levels: list[str] = field(default_factory=list)


def normalize_tag(name: str) -> str:
    """Tags are lowercase words joined by hyphens, so "Plant Manager" and "plant-manager" are one tag."""
    return re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")[:60]


def parse_tags(text: str) -> list[str]:
    names = [normalize_tag(part) for part in re.split(r"[,;\n]", text or "")]
    return list(dict.fromkeys(name for name in names if name))[:15]


def tags_named(names: list[str]) -> list[Tag]:
    names = list(dict.fromkeys(normalize_tag(n) for n in names if normalize_tag(n)))
    if not names:
        return []
    existing = {tag.name: tag for tag in db.session.scalars(sa.select(Tag).where(Tag.name.in_(names)))}
    for name in names:
        if name not in existing:
            existing[name] = Tag(name=name)
            db.session.add(existing[name])
    return [existing[name] for name in names]


def _affected(practice: Practice) -> tuple[set[int], set[int]]:
    return {t.id for t in practice.topics if t.id}, {c.id for c in practice.competencies if c.id}


def refresh_counts(topic_ids: set[int], competency_ids: set[int]) -> None:
    """Recount published practices for the topics and competencies a change touched (kept on the rows
    so topic and toolkit lists never count per view)."""
    db.session.flush()
    visible = sa.and_(Practice.status == PracticeStatus.published, Practice.deleted_at.is_(None))
    for model, link, column, ids in ((Topic, practice_topics, practice_topics.c.topic_id, topic_ids),
                                     (Competency, practice_competencies, practice_competencies.c.competency_id,
                                      competency_ids)):
        if not ids:
            continue
        count = (sa.select(sa.func.count()).select_from(link).join(Practice, Practice.id == link.c.practice_id)
                 .where(column == model.id, visible).scalar_subquery())
        db.session.execute(sa.update(model).where(model.id.in_(ids)).values(practice_count=count),
                           execution_options={"synchronize_session": False})


def _set_classification(practice: Practice, classification: Classification) -> None:
    practice.topics = list(dict.fromkeys(classification.topics))
    practice.competencies = list(dict.fromkeys(classification.competencies))
    practice.tags = tags_named(classification.tags)
    wanted = {(Facet.industry, v) for v in classification.industries}
    wanted |= {(Facet.program_type, v) for v in classification.program_types}
    wanted |= {(Facet.student_level, v) for v in classification.student_levels}
    current = {(f.facet, f.value): f for f in practice.facets}
    practice.facets = [current.get(key) or PracticeFacet(facet=key[0], value=key[1]) for key in sorted(
        wanted, key=lambda k: (k[0].value, k[1]))]


def _snapshot(practice: Practice, editor, note: str) -> PracticeRevision:
    practice.revision_count += 1
    revision = PracticeRevision(practice=practice, number=practice.revision_count, title=practice.title,
                                summary=practice.summary, body=practice.body, note=note[:300],
                                editor_id=editor.id if editor else None, created_at=utcnow())
    db.session.add(revision)
    return revision


def create_practice(author, *, title: str, summary: str, body: str, classification: Classification | None = None,
                    organization=None, publish: bool = False, note: str = "First version") -> Practice:
    """A new practice by `author` for their organization; its first revision is kept too."""
    practice = Practice(title=title.strip(), summary=summary.strip(), body=body, body_html=render_markdown(body),
                        organization=organization or author.organization, author=author,
                        status=PracticeStatus.draft, created_at=utcnow(), updated_at=utcnow(),
                        revision_count=0, helpful_count=0, view_count=0, discussion_count=0)
    db.session.add(practice)
    _set_classification(practice, classification or Classification())
    if publish:
        practice.status = PracticeStatus.published
        practice.published_at = utcnow()
    _snapshot(practice, author, note)
    refresh_counts(*_affected(practice))
    return practice


def update_practice(practice: Practice, editor, *, title: str, summary: str, body: str,
                    classification: Classification | None = None, publish: bool | None = None,
                    note: str = "") -> PracticeRevision | None:
    """Save an edit; a revision is kept whenever the words changed. Returns it (or None)."""
    if practice.is_deleted:
        raise LibraryError("A deleted practice cannot be edited.")
    before = _affected(practice)
    changed = (title.strip(), summary.strip(), body) != (practice.title, practice.summary, practice.body)
    practice.title, practice.summary, practice.body = title.strip(), summary.strip(), body
    if changed:
        practice.body_html = render_markdown(body)
    if classification is not None:
        _set_classification(practice, classification)
    if publish is True and practice.status is not PracticeStatus.published:
        practice.status = PracticeStatus.published
        practice.published_at = practice.published_at or utcnow()
    elif publish is False:
        practice.status = PracticeStatus.draft
    practice.updated_at = utcnow()
    revision = _snapshot(practice, editor, note or "Edited") if changed else None
    after = _affected(practice)
    refresh_counts(before[0] | after[0], before[1] | after[1])
    return revision


def publish_practice(practice: Practice) -> None:
    if practice.is_deleted:
        raise LibraryError("Restore the practice before publishing it.")
    practice.status = PracticeStatus.published
    practice.published_at = practice.published_at or utcnow()
    refresh_counts(*_affected(practice))


def unpublish_practice(practice: Practice, by) -> None:
    """Facilitators take a practice back to draft; its author still sees and can fix it."""
    if not by.is_facilitator:
        raise LibraryError("Only facilitators unpublish practices.")
    practice.status = PracticeStatus.draft
    refresh_counts(*_affected(practice))


def delete_practice(practice: Practice, by) -> None:
    if not practice.can_delete(by):
        raise LibraryError("You cannot delete this practice.")
    practice.deleted_at = utcnow()
    practice.deleted_by_id = by.id
    refresh_counts(*_affected(practice))


def restore_practice(practice: Practice, by) -> None:
    if not practice.can_restore(by):
        raise LibraryError("Only facilitators restore deleted practices, within 30 days.")
    practice.deleted_at = None
    practice.deleted_by_id = None
    refresh_counts(*_affected(practice))


def purge_deleted(now=None) -> int:
    """Remove practices deleted longer ago than the restore window, with their files."""
    cutoff = (now or utcnow()) - RESTORE_WINDOW
    doomed = db.session.scalars(sa.select(Practice).where(Practice.deleted_at < cutoff)).all()
    for practice in doomed:
        for attachment in practice.attachments:
            storage.remove_after_commit(attachment.stored_name)
        db.session.delete(practice)
    return len(doomed)


_DOOMED_FILES = "files_removed_after_commit"


def remove_file_after_commit(path: Path) -> None:
    """Delete a stored file once the transaction that stopped pointing at it commits (and never if it rolls
    back), so a refused or failed change cannot leave rows whose files are gone."""
    db.session.info.setdefault(_DOOMED_FILES, []).append(Path(path))


@sa.event.listens_for(so.Session, "after_commit")
def _remove_doomed_files(session):
    for path in session.info.pop(_DOOMED_FILES, []):
        path.unlink(missing_ok=True)


@sa.event.listens_for(so.Session, "after_rollback")
def _keep_doomed_files(session):
    session.info.pop(_DOOMED_FILES, None)


def remove_practices_of(user, *, keep_published: bool, keep_ids=()) -> int:
    """A departing person's practices go with them, files and revisions included: all of them, or (with
    keep_published) only their drafts and deleted ones, the published ones staying under "Former member".
    `keep_ids` are published practices a facilitator keeps for the community, anonymised either way.
    Returns how many were removed."""
    query = sa.select(Practice).where(Practice.author_id == user.id).options(
        so.selectinload(Practice.topics), so.selectinload(Practice.competencies),
        so.selectinload(Practice.attachments))
    topic_ids, competency_ids, removed = set(), set(), 0
    for practice in db.session.scalars(query):
        if practice.is_published and (keep_published or practice.id in set(keep_ids)):
            continue
        topics, competencies = _affected(practice)
        topic_ids |= topics
        competency_ids |= competencies
        for attachment in practice.attachments:
            storage.remove_after_commit(attachment.stored_name)
        db.session.delete(practice)
        removed += 1
    refresh_counts(topic_ids, competency_ids)
    return removed


def forget_marks_of(user) -> None:
    """A departing person's helpful marks and saved practices end; the counts on the practices follow."""
    marked = sa.select(HelpfulMark.practice_id).where(HelpfulMark.user_id == user.id)
    db.session.execute(sa.update(Practice).where(Practice.id.in_(marked))
                       .values(helpful_count=Practice.helpful_count - 1),
                       execution_options={"synchronize_session": False})
    db.session.execute(sa.delete(HelpfulMark).where(HelpfulMark.user_id == user.id))
    db.session.execute(sa.delete(Bookmark).where(Bookmark.user_id == user.id))


def restore_revision(practice: Practice, revision: PracticeRevision, by) -> PracticeRevision | None:
    if revision.practice_id != practice.id:
        raise LibraryError("That revision belongs to another practice.")
    if not practice.can_edit(by):
        raise LibraryError("You cannot edit this practice.")
    return update_practice(practice, by, title=revision.title, summary=revision.summary, body=revision.body,
                           note=f"Restored revision {revision.number}")


def mark_helpful(practice: Practice, user) -> bool:
    """One mark per member, counted on the practice; the author cannot mark their own."""
    if user.id == practice.author_id:
        raise LibraryError("You can't mark your own practice as helpful.")
    if db.session.get(HelpfulMark, (practice.id, user.id)):
        return False
    db.session.add(HelpfulMark(practice_id=practice.id, user_id=user.id))
    practice.helpful_count = Practice.helpful_count + 1
    return True


def unmark_helpful(practice: Practice, user) -> bool:
    mark = db.session.get(HelpfulMark, (practice.id, user.id))
    if mark is None:
        return False
    db.session.delete(mark)
    practice.helpful_count = Practice.helpful_count - 1
    return True


def save_practice(practice: Practice, user) -> bool:
    if db.session.get(Bookmark, (practice.id, user.id)):
        return False
    db.session.add(Bookmark(practice_id=practice.id, user_id=user.id))
    return True


def unsave_practice(practice: Practice, user) -> bool:
    bookmark = db.session.get(Bookmark, (practice.id, user.id))
    if bookmark is None:
        return False
    db.session.delete(bookmark)
    return True


def counts_as_view(practice, user, seen: list[int]) -> bool:
    """A member's first view in a session counts; the author's own views never do (`practice`: the
    practice or its page state)."""
    return user.id != practice.author_id and practice.id not in seen


# Revisions, compared.

@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed", "changed-old", "changed-new", "gap"
    html: Markup


def _words_diff(old: str, new: str) -> tuple[Markup, Markup]:
    old_words, new_words = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    old_out, new_out = [], []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        a_text, b_text = html.escape("".join(old_words[a1:a2])), html.escape("".join(new_words[b1:b2]))
        if op == "equal":
            old_out.append(a_text)
            new_out.append(b_text)
        else:
            if a_text:
                old_out.append(f"<del>{a_text}</del>")
            if b_text:
                new_out.append(f"<ins>{b_text}</ins>")
    return Markup("".join(old_out)), Markup("".join(new_out))


def revision_diff(old: PracticeRevision, new: PracticeRevision, context: int = 2) -> list[DiffLine]:
    """A readable line diff of title, summary and body, with changed words marked inside changed lines."""
    def lines(revision):
        return [f"# {revision.title}", "", revision.summary, ""] + revision.body.splitlines()

    a, b = lines(old), lines(new)
    out: list[DiffLine] = []
    for group in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_grouped_opcodes(context):
        if out:
            out.append(DiffLine("gap", Markup("…")))
        for op, a1, a2, b1, b2 in group:
            if op == "equal":
                out += [DiffLine("same", Markup(html.escape(line))) for line in a[a1:a2]]
            elif op == "delete":
                out += [DiffLine("removed", Markup(html.escape(line))) for line in a[a1:a2]]
            elif op == "insert":
                out += [DiffLine("added", Markup(html.escape(line))) for line in b[b1:b2]]
            else:
                pairs = max(a2 - a1, b2 - b1)
                for i in range(pairs):
                    old_line = a[a1 + i] if a1 + i < a2 else None
                    new_line = b[b1 + i] if b1 + i < b2 else None
                    if old_line is not None and new_line is not None:
                        old_html, new_html = _words_diff(old_line, new_line)
                        out += [DiffLine("changed-old", old_html), DiffLine("changed-new", new_html)]
                    elif old_line is not None:
                        out.append(DiffLine("removed", Markup(html.escape(old_line))))
                    else:
                        out.append(DiffLine("added", Markup(html.escape(new_line))))
    return out


# Attachments: checked and stored by cop/storage.py, as every upload is.

def add_attachment(practice: Practice, stream, filename: str, by) -> Attachment:
    """Store an upload under a generated name after checking its bytes and size."""
    try:
        upload = storage.store_upload(stream, filename)
    except storage.UploadError as error:
        raise LibraryError(str(error)) from error
    attachment = Attachment(practice=practice, filename=upload.filename, stored_name=upload.stored_name,
                            content_type=upload.content_type, size=upload.size, uploaded_by_id=by.id)
    db.session.add(attachment)
    return attachment


def remove_attachment(attachment: Attachment) -> None:
    """Delete the row; its file goes once the deletion is committed."""
    storage.remove_after_commit(attachment.stored_name)
    db.session.delete(attachment)


# What members see, and how the library filters it.

SORTS = {
    "newest": "Newest",
    "helpful": "Most helpful",
    "discussed": "Most discussed",
}


def visible_practices():
    """Published, not deleted: the library as every approved member sees it."""
    return sa.select(Practice).where(Practice.status == PracticeStatus.published, Practice.deleted_at.is_(None))


def filter_practices(query, *, topic: Topic | None = None, competency: Competency | None = None,
                     organization=None, tag: str = "", industry: str = "", program_type: str = "",
                     student_level: str = ""):
    """Every filter narrows the same query, so any combination works."""
    if topic is not None:
        query = query.where(Practice.id.in_(sa.select(practice_topics.c.practice_id)
                                            .where(practice_topics.c.topic_id == topic.id)))
    if competency is not None:
        query = query.where(Practice.id.in_(sa.select(practice_competencies.c.practice_id)
                                            .where(practice_competencies.c.competency_id == competency.id)))
    if organization is not None:
        query = query.where(Practice.organization_id == organization.id)
    if tag:
        query = query.where(Practice.id.in_(
            sa.select(practice_tags.c.practice_id).join(Tag, Tag.id == practice_tags.c.tag_id)
            .where(Tag.name == normalize_tag(tag))))
    for facet, value in ((Facet.industry, industry), (Facet.program_type, program_type),
                         (Facet.student_level, student_level)):
        if value:
            query = query.where(Practice.id.in_(sa.select(PracticeFacet.practice_id)
                                                .where(PracticeFacet.facet == facet, PracticeFacet.value == value)))
    return query


def sort_practices(query, sort: str):
    if sort == "helpful":
        return query.order_by(Practice.helpful_count.desc(), Practice.published_at.desc(), Practice.id.desc())
    if sort == "discussed":
        return query.order_by(Practice.discussion_count.desc(), Practice.published_at.desc(), Practice.id.desc())
    return query.order_by(Practice.published_at.desc(), Practice.id.desc())


def load_practice(practice_id: int) -> Practice | None:
    """A practice with everything its page shows (organization, author, classification, attachments) loaded
    in a fixed number of statements; None when there is none. Who may see it is the caller's question."""
    return db.session.scalar(
        sa.select(Practice).where(Practice.id == practice_id)
        .options(so.joinedload(Practice.organization), so.joinedload(Practice.author),
                 so.selectinload(Practice.topics), so.selectinload(Practice.competencies),
                 so.selectinload(Practice.tags), so.selectinload(Practice.facets),
                 so.selectinload(Practice.attachments)))


def with_card_data(query, with_body: bool = False):
    """Load what a practice card shows in a fixed number of statements, whatever the page size
    (the long texts only when asked for: feeds need the body, lists never do)."""
    query = query.options(so.joinedload(Practice.organization), so.joinedload(Practice.author),
                          so.selectinload(Practice.topics), so.selectinload(Practice.facets))
    if not with_body:
        query = query.options(so.defer(Practice.body), so.defer(Practice.body_html))
    return query
