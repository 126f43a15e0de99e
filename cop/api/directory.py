"""The directories by API: organizations (listed ones, with the directory's filters) and people (active
members only, with only what their profile page shows every member)."""

import marshmallow as ma
import sqlalchemy as sa
from flask import g

from cop.api import v1
from cop.api.access import not_found
from cop.api.paging import PageArgs, page, page_schema, paginate
from cop.api.schemas import Named, enum_field, iso_utc, site_url
from cop.auth.models import Role, User
from cop.extensions import db
from cop.members import services as people
from cop.orgs import services as organizations
from cop.orgs.models import INDUSTRIES, LISTED, SIZE_BANDS, Organization, OrgKind

TAG = "Directory"


def _people_count(org: Organization) -> int:
    return g.people_counts.get(org.id, 0)


class OrganizationOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    kind = enum_field(OrgKind, required=True)
    subtype = ma.fields.String(required=True, allow_none=True)
    industry = ma.fields.String(required=True, allow_none=True)
    region = ma.fields.String(required=True)
    size_band = ma.fields.String(required=True, allow_none=True, metadata={"description": "Employees."})
    website = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    people_count = ma.fields.Function(_people_count, required=True,
                                      metadata={"type": "integer", "description": "Its active members."})
    url = ma.fields.Function(site_url("orgs.detail", slug="slug"), required=True, metadata={"type": "string"})


class OrganizationArgs(PageArgs):
    q = ma.fields.String(validate=ma.validate.Length(max=100), metadata={"description": "Part of the name."})
    kind = ma.fields.String(validate=ma.validate.OneOf([kind.value for kind in OrgKind]))
    industry = ma.fields.String(validate=ma.validate.OneOf(INDUSTRIES))
    size = ma.fields.String(validate=ma.validate.OneOf(SIZE_BANDS), metadata={"description": "Employees."})
    region = ma.fields.String(validate=ma.validate.Length(max=120))


class PersonOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    role = enum_field(Role, required=True)
    organization = ma.fields.Nested(Named, required=True, allow_none=True)
    bio = ma.fields.String(required=True)
    member_since = ma.fields.Function(lambda person: iso_utc(person.decided_at or person.created_at), required=True,
                                      metadata={"type": "string", "format": "date-time"})
    url = ma.fields.Function(site_url("members.profile", user_id="id"), required=True, metadata={"type": "string"})


class PeopleArgs(PageArgs):
    q = ma.fields.String(validate=ma.validate.Length(max=100),
                         metadata={"description": "Part of a name, a job title or an organization's name."})
    kind = ma.fields.String(validate=ma.validate.OneOf([kind.value for kind in OrgKind]),
                            metadata={"description": "Their organization's kind."})
    role = ma.fields.String(validate=ma.validate.OneOf([role.value for role in Role]))


def _count_people(orgs: list[Organization]) -> None:
    g.people_counts = organizations.active_member_counts([org.id for org in orgs])


@v1.route("/organizations", tags=[TAG])
@v1.etag
@v1.arguments(OrganizationArgs, location="query", unknown=ma.EXCLUDE)
@v1.response(200, page_schema(OrganizationOut, "OrganizationPage"))
def list_organizations(args):
    """The organizations in the directory, by name, filtered as the directory filters them."""
    query = organizations.directory(q=args.get("q", ""), kind=args.get("kind", ""),
                                    industry=args.get("industry", ""), size_band=args.get("size", ""),
                                    region=args.get("region", ""))
    items, following = paginate(query, args)
    _count_people(items)
    return page(items, following)


@v1.route("/organizations/<slug>", tags=[TAG])
@v1.etag
@v1.response(200, OrganizationOut)
def get_organization(slug):
    """One organization in the directory, by its slug."""
    org = db.session.scalar(sa.select(Organization).where(Organization.slug == slug, LISTED))
    if org is None:
        not_found("That organization")
    _count_people([org])
    return org


@v1.route("/people", tags=[TAG])
@v1.etag
@v1.arguments(PeopleArgs, location="query", unknown=ma.EXCLUDE)
@v1.response(200, page_schema(PersonOut, "PersonPage"))
def list_people(args):
    """The people directory: active members, by name, filtered as the directory filters them."""
    return page(*paginate(people.directory(q=args.get("q", ""), kind=args.get("kind", ""),
                                           role=args.get("role", "")), args))


@v1.route("/people/<int:user_id>", tags=[TAG])
@v1.etag
@v1.response(200, PersonOut)
def get_person(user_id):
    """One active member, with what their profile page shows every member."""
    person = db.session.scalar(people.directory().where(User.id == user_id))
    if person is None:
        not_found("That person")
    return person
