"""Organizations: the directory, a page per organization with its people, editing and invitations."""

from flask import Blueprint

bp = Blueprint("orgs", __name__)

# Later features add sections to an organization's page (its practices, its programs): each is a
# function (org, viewer) -> (template, context) or None, appended once at import.
PAGE_SECTIONS: list = []


def _offer_organizations_on_the_join_page():
    from cop.auth import JOIN_CHOICES
    from cop.orgs import services

    JOIN_CHOICES["organizations"] = services.joinable_organization_choices
    JOIN_CHOICES["kinds"] = services.new_organization_kind_choices


_offer_organizations_on_the_join_page()

from cop.orgs import views  # noqa: E402,F401
