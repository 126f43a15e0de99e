"""The practice library by API: list (the library's filters and sorts), read, write, publish, revisions."""

import marshmallow as ma
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_smorest import abort

from cop.api import v1
from cop.api.answers import cached_answer
from cop.api.access import caller, not_found
from cop.api.paging import PageArgs, page, page_schema, paginate
from cop.api.schemas import Line, Named, Person, Text, UTCDateTime, enum_field, site_url
from cop.competencies.models import Competency
from cop.extensions import db
from cop.orgs.models import INDUSTRIES, Organization
from cop.practices import services as library
from cop.practices.forms import BODY_MAX_LENGTH
from cop.practices.models import PROGRAM_TYPES, STUDENT_LEVELS, Practice, PracticeRevision, PracticeStatus, Topic

TAG = "Practices"


class PracticeCard(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    summary = ma.fields.String(required=True)
    status = enum_field(PracticeStatus, required=True)
    organization = ma.fields.Nested(Named, required=True)
    author = ma.fields.Nested(Person, required=True)
    topics = ma.fields.List(ma.fields.Nested(Named), required=True)
    industries = ma.fields.List(ma.fields.String(), required=True)
    program_types = ma.fields.List(ma.fields.String(), required=True)
    student_levels = ma.fields.List(ma.fields.String(), required=True)
    helpful_count = ma.fields.Integer(required=True)
    discussion_count = ma.fields.Integer(required=True)
    view_count = ma.fields.Integer(required=True)
    published_at = UTCDateTime(required=True, allow_none=True)
    updated_at = UTCDateTime(required=True)
    url = ma.fields.Function(site_url("practices.detail", practice_id="id"), required=True,
                             metadata={"description": "The practice's page on the site."})


class Attachment(ma.Schema):
    id = ma.fields.Integer(required=True)
    filename = ma.fields.String(required=True)
    content_type = ma.fields.String(required=True)
    size = ma.fields.Integer(required=True)


class PracticeDetail(PracticeCard):
    body = ma.fields.String(required=True, metadata={"description": "Markdown, as written."})
    body_html = ma.fields.String(required=True, metadata={"description": "The body as sanitized HTML."})
    competencies = ma.fields.List(ma.fields.Nested(Named), required=True)
    tags = ma.fields.Function(lambda practice: [tag.name for tag in practice.tags], required=True,
                              metadata={"type": "array", "items": {"type": "string"}})
    attachments = ma.fields.List(ma.fields.Nested(Attachment), required=True)
    revision_count = ma.fields.Integer(required=True)
    created_at = UTCDateTime(required=True)
    can_edit = ma.fields.Function(lambda practice: practice.can_edit(caller()), required=True,
                                  metadata={"type": "boolean", "description": "Whether your token may change it."})


class Revision(ma.Schema):
    number = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    summary = ma.fields.String(required=True)
    body = ma.fields.String(required=True)
    note = ma.fields.String(required=True)
    editor = ma.fields.Nested(Person, required=True, allow_none=True)
    created_at = UTCDateTime(required=True)


class ListArgs(PageArgs):
    sort = ma.fields.String(load_default="newest", validate=ma.validate.OneOf(list(library.SORTS)))
    topic = ma.fields.String(validate=ma.validate.Length(max=80), metadata={"description": "A topic's slug."})
    competency = ma.fields.String(validate=ma.validate.Length(max=80),
                                  metadata={"description": "A competency's slug."})
    organization = ma.fields.String(validate=ma.validate.Length(max=120),
                                    metadata={"description": "An organization's slug."})
    tag = ma.fields.String(validate=ma.validate.Length(max=60))
    industry = ma.fields.String(validate=ma.validate.OneOf(INDUSTRIES))
    program_type = ma.fields.String(validate=ma.validate.OneOf(list(PROGRAM_TYPES)))
    student_level = ma.fields.String(validate=ma.validate.OneOf(list(STUDENT_LEVELS)))


class PracticeIn(ma.Schema):
    title = Line(max_length=200, required=True)
    summary = Text(max_length=1200, required=True)
    body = Text(max_length=BODY_MAX_LENGTH, required=True, metadata={"description": "Markdown."})
    topics = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=80)), required=True,
                            validate=ma.validate.Length(min=1, max=20),
                            metadata={"description": "Topic slugs; at least one."})
    competencies = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=80)), load_default=list,
                                  validate=ma.validate.Length(max=50))
    tags = ma.fields.List(Line(max_length=60), load_default=list, validate=ma.validate.Length(max=15))
    industries = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(INDUSTRIES)), load_default=list)
    program_types = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(list(PROGRAM_TYPES))),
                                   load_default=list)
    student_levels = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(list(STUDENT_LEVELS))),
                                    load_default=list)
    publish = ma.fields.Boolean(load_default=False, metadata={"description": "Publish now rather than keep a draft."})


class PracticeChange(PracticeIn):
    """Every field is optional: what is left out stays as it is."""

    note = Line(max_length=300, required_text=False, load_default="",
                metadata={"description": "What changed, for the revision history."})
    publish = ma.fields.Boolean(metadata={"description": "true publishes a draft; a published practice stays "
                                                         "published (only facilitators take one back, on the site)."})


def _by_slug(model, slug: str | None, field: str):
    if not slug:
        return None
    found = db.session.scalar(sa.select(model).where(model.slug == slug))
    if found is None:
        abort(422, messages={"query": {field: [f"No {field} has the slug {slug!r}."]}})
    return found


def practice_or_404(practice_id: int, for_edit: bool = False, missing=None) -> Practice:
    """404 for what the caller may not see, 403 for what they may see but not change (as on the site);
    `missing` answers instead of the 404 (a practice named in a body is a 422)."""
    practice = library.load_practice(practice_id)
    user = caller()
    if practice is None or not practice.can_view(user):
        (missing or not_found)("That practice")
    if for_edit and not practice.can_edit(user):
        abort(403, message="Only its author, their organization's managers and facilitators change a practice.")
    return practice


def _classification(data: dict, practice: Practice | None = None) -> library.Classification:
    """The classification asked for; with `practice`, what was left out stays as the practice has it (a new
    practice's input has every field, absent ones as empty lists)."""
    def slugs(model, names, field):
        found = {item.slug: item for item in db.session.scalars(sa.select(model).where(model.slug.in_(names)))}
        missing = [name for name in names if name not in found]
        if missing:
            abort(422, messages={"json": {field: [f"Unknown: {', '.join(missing)}."]}})
        return [found[name] for name in dict.fromkeys(names)]

    def given(name, convert, current):
        return convert(data[name]) if name in data else current()

    return library.Classification(
        topics=given("topics", lambda names: slugs(Topic, names, "topics"), lambda: list(practice.topics)),
        competencies=given("competencies", lambda names: slugs(Competency, names, "competencies"),
                           lambda: list(practice.competencies)),
        tags=given("tags", lambda names: library.parse_tags(",".join(names)),
                   lambda: [tag.name for tag in practice.tags]),
        industries=given("industries", list, lambda: practice.industries),
        program_types=given("program_types", list, lambda: practice.program_types),
        student_levels=given("student_levels", list, lambda: practice.student_levels))


@v1.route("/practices", tags=[TAG])
@cached_answer()
@v1.etag
@v1.arguments(ListArgs, location="query", unknown=ma.EXCLUDE)
@v1.response(200, page_schema(PracticeCard, "PracticePage"))
def list_practices(args):
    """Published practices, filtered and sorted as the library filters and sorts them."""
    organization = _by_slug(Organization, args.get("organization"), "organization")
    query = library.filter_practices(
        library.visible_practices(), topic=_by_slug(Topic, args.get("topic"), "topic"),
        competency=_by_slug(Competency, args.get("competency"), "competency"), organization=organization,
        tag=(args.get("tag") or "").strip(), industry=args.get("industry", ""),
        program_type=args.get("program_type", ""), student_level=args.get("student_level", ""))
    return page(*paginate(library.with_card_data(library.sort_practices(query, args["sort"])), args))


@v1.route("/practices/<int:practice_id>", tags=[TAG])
@v1.etag
@v1.response(200, PracticeDetail)
def get_practice(practice_id):
    """One practice, if your token may see it (drafts: their author, their organization's managers and
    facilitators)."""
    return practice_or_404(practice_id)


@v1.route("/practices", methods=["POST"], tags=[TAG])
@v1.arguments(PracticeIn)
@v1.response(201, PracticeDetail)
def create_practice(data):
    """Write a practice for your organization, as a draft or published."""
    user = caller()
    if user.organization is None:
        abort(403, message="Practices are written for an organization, and your account has none.")
    practice = library.create_practice(user, title=data["title"], summary=data["summary"], body=data["body"],
                                       classification=_classification(data), publish=data["publish"])
    db.session.commit()
    return practice_or_404(practice.id)


@v1.route("/practices/<int:practice_id>", methods=["PATCH"], tags=[TAG])
@v1.arguments(PracticeChange(partial=True))
@v1.response(200, PracticeDetail)
def update_practice(data, practice_id):
    """Change a practice: what you leave out stays as it is. A revision is kept when the words change."""
    practice = practice_or_404(practice_id, for_edit=True)
    try:
        library.update_practice(practice, caller(), title=data.get("title", practice.title),
                                summary=data.get("summary", practice.summary), body=data.get("body", practice.body),
                                classification=_classification(data, practice),
                                publish=True if data.get("publish") else None, note=data.get("note", ""))
    except library.LibraryError as error:
        abort(409, message=str(error))
    db.session.commit()
    return practice_or_404(practice_id)


@v1.route("/practices/<int:practice_id>/publish", methods=["POST"], tags=[TAG])
@v1.response(200, PracticeDetail)
def publish_practice(practice_id):
    """Publish a draft (published practices stay as they are)."""
    practice = practice_or_404(practice_id, for_edit=True)
    try:
        library.publish_practice(practice)
    except library.LibraryError as error:
        abort(409, message=str(error))
    db.session.commit()
    return practice_or_404(practice_id)


@v1.route("/practices/<int:practice_id>/revisions", tags=[TAG])
@v1.etag
@v1.arguments(PageArgs, location="query", unknown=ma.EXCLUDE)
@v1.response(200, page_schema(Revision, "RevisionPage"))
def list_revisions(args, practice_id):
    """A practice's saved versions, newest first."""
    practice = practice_or_404(practice_id)
    query = (practice.revisions.select().options(so.joinedload(PracticeRevision.editor))
             .order_by(PracticeRevision.number.desc()))
    return page(*paginate(query, args))
