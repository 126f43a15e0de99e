"""Program profiles by API: the peer list with its filters, one profile, and the peer aggregates. Every
field group reaches only those `Program.shows` it to, and an aggregate is withheld under the programs
services' organization rule, exactly as on the programs pages."""

import marshmallow as ma
from flask_smorest import abort

from cop.api import v1
from cop.api.access import caller, not_found
from cop.api.paging import PageArgs, page, page_schema, paginate
from cop.api.schemas import Named, UTCDateTime, enum_field, site_url
from cop.programs import services as programs
from cop.programs.models import ProgramStage

TAG = "Programs"


class _Shared:
    """A group of a program's fields (a SHARABLE_FIELDS key): null for a caller `Program.shows` it not to."""

    def __init__(self, *args, group: str, **kwargs):
        self.group = group
        super().__init__(*args, required=True, allow_none=True, metadata={
            "description": f"Null where the program keeps “{group}” to facilitators and its organization."},
            **kwargs)

    def serialize(self, attr, obj, accessor=None, **kwargs):
        if not obj.shows(caller(), self.group):
            return None
        return super().serialize(attr, obj, accessor, **kwargs)


class SharedGroup(_Shared, ma.fields.Nested):
    """Several fields of the program itself, as one object."""

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        return obj


class SharedList(_Shared, ma.fields.List):
    pass


class SharedText(_Shared, ma.fields.String):
    pass


class Participants(ma.Schema):
    participants_per_year = ma.fields.Integer(required=True, allow_none=True)


class Schedule(ma.Schema):
    duration_weeks = ma.fields.Integer(required=True, allow_none=True)
    schedule = ma.fields.String(required=True)


class Pay(ma.Schema):
    is_paid = ma.fields.Boolean(required=True, allow_none=True)
    wage_band = ma.fields.String(required=True, allow_none=True)


class Staffing(ma.Schema):
    staffing_model = ma.fields.String(required=True, allow_none=True)
    coordinator_fte = ma.fields.Float(required=True, allow_none=True)
    students_per_supervisor = ma.fields.Integer(required=True, allow_none=True)
    mentor_source = ma.fields.String(required=True, allow_none=True)


class Budget(ma.Schema):
    budget_owner = ma.fields.String(required=True, allow_none=True)
    funding_sources = ma.fields.List(ma.fields.String(), required=True)


class Outcomes(ma.Schema):
    outcomes_year = ma.fields.Integer(required=True, allow_none=True)
    completions = ma.fields.Integer(required=True, allow_none=True)
    offers_made = ma.fields.Integer(required=True, allow_none=True)
    hires = ma.fields.Integer(required=True, allow_none=True)


class Partner(ma.Schema):
    name = ma.fields.Function(lambda partner: partner.organization.name if partner.organization else partner.name,
                              required=True, metadata={"type": "string"})
    organization = ma.fields.Nested(Named, required=True, allow_none=True,
                                    metadata={"description": "The partner's listing, if it is in the directory."})


class ProgramOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    summary = ma.fields.String(required=True)
    organization = ma.fields.Nested(Named, required=True)
    program_type = ma.fields.String(required=True)
    student_level = ma.fields.String(required=True)
    stage = enum_field(ProgramStage, required=True)
    participants = SharedGroup(Participants, group="participants")
    schedule = SharedGroup(Schedule, group="schedule")
    pay = SharedGroup(Pay, group="pay")
    occupations = SharedList(ma.fields.String(), group="occupations")
    staffing = SharedGroup(Staffing, group="staffing")
    budget = SharedGroup(Budget, group="budget")
    partners = SharedList(ma.fields.Nested(Partner), group="partners")
    supports = SharedList(ma.fields.String(), group="supports")
    competencies = SharedList(ma.fields.Nested(Named), group="competencies")
    outcomes = SharedGroup(Outcomes, group="outcomes")
    lessons = SharedText(group="lessons")
    updated_at = UTCDateTime(required=True)
    url = ma.fields.Function(site_url("programs.detail", program_id="id"), required=True, metadata={"type": "string"})


class PeerArgs(ma.Schema):
    industry = ma.fields.String(validate=ma.validate.Length(max=80),
                                metadata={"description": "The organization's industry."})
    size_band = ma.fields.String(validate=ma.validate.Length(max=20),
                                 metadata={"description": "The organization's employees."})
    program_type = ma.fields.String(validate=ma.validate.Length(max=40))
    student_level = ma.fields.String(validate=ma.validate.Length(max=40))
    stage = ma.fields.String(validate=ma.validate.Length(max=40))
    occupation = ma.fields.String(validate=ma.validate.Length(max=20), metadata={"description": "A SOC code."})


class ProgramArgs(PageArgs, PeerArgs):
    pass


class Bar(ma.Schema):
    label = ma.fields.String(required=True)
    count = ma.fields.Integer(required=True)
    is_yours = ma.fields.Boolean(required=True, metadata={"description": "One of your organization's programs "
                                                                         "has this answer."})


class AggregateOut(ma.Schema):
    key = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    question = ma.fields.String(required=True)
    withheld = ma.fields.Boolean(required=True, metadata={
        "description": f"Too few organizations answer it (under {programs.MIN_ORGANIZATIONS}): no figures."})
    programs = ma.fields.Integer(required=True)
    organizations = ma.fields.Integer(required=True)
    summary = ma.fields.String(required=True, metadata={"description": "A median, where the question has one."})
    bars = ma.fields.List(ma.fields.Nested(Bar), required=True)


class Aggregates(ma.Schema):
    programs = ma.fields.Integer(required=True, metadata={"description": "Programs matching the filters."})
    organizations = ma.fields.Integer(required=True)
    aggregates = ma.fields.List(ma.fields.Nested(AggregateOut), required=True)


def _peer_filter(args: dict) -> programs.PeerFilter:
    """The filters asked for; a value the programs pages would drop (outside its vocabulary) is a 422."""
    filters = programs.PeerFilter.from_args(args)
    unknown = {name: ["Not one of the values this filter takes."] for name in programs.FILTER_FIELDS
               if (args.get(name) or "").strip() and not getattr(filters, name)}
    if unknown:
        abort(422, messages={"query": unknown})
    return filters


@v1.route("/programs", tags=[TAG])
@v1.etag
@v1.arguments(ProgramArgs, location="query", unknown=ma.EXCLUDE)
@v1.response(200, page_schema(ProgramOut, "ProgramPage"))
def list_programs(args):
    """Program profiles, by organization then name, filtered as "peers like us" filters them."""
    query = programs.with_profile_data(programs.peer_query(_peer_filter(args), caller()))
    return page(*paginate(query, args))


@v1.route("/programs/<int:program_id>", tags=[TAG])
@v1.etag
@v1.response(200, ProgramOut)
def get_program(program_id):
    """One program profile, each group of fields only if the program shares it with you."""
    program = programs.load_program(program_id, caller())
    if program is None:
        not_found("That program")
    return program


@v1.route("/programs/aggregates", tags=[TAG])
@v1.etag
@v1.arguments(PeerArgs, location="query", unknown=ma.EXCLUDE)
@v1.response(200, Aggregates)
def peer_aggregates(args):
    """The peer aggregates over the programs the filters find, as the programs page shows them: each is
    withheld when the programs answering it come from fewer than three organizations."""
    user = caller()
    found = programs.find_programs(_peer_filter(args), user)
    return {"programs": len(found), "organizations": len({p.organization_id for p in found}),
            "aggregates": programs.build_aggregates(found, user, programs.programs_of(user.organization_id))}
