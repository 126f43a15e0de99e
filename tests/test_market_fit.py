"""Occupation demand and provider fit: employers' target occupations beside the providers offering them,
with known answers for a facilitator, a sponsor and a provider, and who may see it."""

import pytest
import sqlalchemy as sa

from cop.auth import services as accounts
from cop.auth.models import Role, User
from cop.extensions import db
from cop.orgs.models import OrgKind
from cop.orgs.services import create_organization
from cop.programs import services as programs
from cop.programs.models import ProgramStage
from cop.reports import market
from tests.conftest import PASSWORD
from tests.test_dashboard import _sign_in

MACHINIST, NURSE, ELECTRICIAN, DEVELOPER = "51-9161", "29-1141", "47-2111", "15-1252"


@pytest.fixture
def fit(app):
    """A targets machinists and nurses with provider C as partner (10 students, 3 hires); B machinists
    (6 students, 2 hires kept to facilitators); D machinists and electricians, with no partner (4 students);
    C's own program targets software developers, which no employer asks for."""
    with app.app_context():
        orgs = {key: create_organization(name=f"{key} Org", kind=kind, industry="Advanced Manufacturing")
                for key, kind in [("A", OrgKind.member_company), ("B", OrgKind.member_company),
                                  ("C", OrgKind.training_provider), ("D", OrgKind.member_company),
                                  ("S", OrgKind.sponsor), ("E", OrgKind.education_partner),
                                  ("F", OrgKind.facilitator)]}
        db.session.flush()
        people = {}
        for key in orgs:
            people[key] = accounts.create_member(
                name=f"Person {key}", email=f"{key.lower()}@example.org", organization=orgs[key],
                role=Role.facilitator if key == "F" else Role.member, password=PASSWORD)
        db.session.flush()
        for key, occupations, students, hires, partners, private in [
                ("A", [MACHINIST, NURSE], 10, 3, [orgs["C"]], set()), ("B", [MACHINIST], 6, 2, [], {"outcomes"}),
                ("D", [MACHINIST, ELECTRICIAN], 4, None, [], set()), ("C", [DEVELOPER], 12, None, [], set())]:
            programs.create_program(orgs[key], people["F"], programs.ProgramData(
                name=f"{key} program", program_type="apprenticeship", student_level="high-school",
                stage=ProgramStage.running, participants_per_year=students, hires=hires, occupations=occupations,
                partner_organizations=partners, private_fields=private))
        db.session.commit()
    return {key: f"{key.lower()}@example.org" for key in orgs}


def _rows(app, email):
    with app.app_context():
        viewer = db.session.scalar(sa.select(User).where(User.email == email))
        return [(r.code, r.employers, r.students, r.hires, [name for name, _ in r.providers], r.status, r.withheld)
                for r in market.market_fit(viewer)]


def test_a_facilitator_sees_every_figure_gaps_first(app, fit):
    assert _rows(app, fit["F"]) == [
        (ELECTRICIAN, 1, 4, 0, [], "gap", False),
        (MACHINIST, 3, 20, 5, ["C Org"], "matched", False),
        (NURSE, 1, 10, 3, ["C Org"], "matched", False),
        (DEVELOPER, 0, 0, 0, ["C Org"], "oversupply", False)]


def test_a_sponsor_sees_shared_figures_and_none_from_fewer_than_three_employers(app, fit):
    assert _rows(app, fit["S"]) == [
        (ELECTRICIAN, 1, None, None, [], "gap", True),
        (MACHINIST, 3, 20, 3, ["C Org"], "matched", False),
        (NURSE, 1, None, None, ["C Org"], "matched", True),
        (DEVELOPER, 0, 0, 0, ["C Org"], "oversupply", False)]


def test_a_provider_sees_the_demand_for_the_occupations_it_offers(app, fit):
    assert [row[0] for row in _rows(app, fit["C"])] == [MACHINIST, NURSE, DEVELOPER]
    assert _rows(app, fit["E"]) == []


def test_who_may_see_it_and_the_page(app, client, fit):
    for key, expected in [("A", 403), ("S", 200), ("C", 200), ("E", 200), ("F", 200)]:
        _sign_in(client, fit[key])
        response = client.get("/reports/market-fit")
        assert response.status_code == expected, key
        if key == "S":  # withheld occupations stay out of the chart, where a bar's length would tell them
            page = response.get_data(as_text=True)
            assert "(gap)" not in page and "3 employers, 1 providers" in page
        if key == "F":
            page = response.get_data(as_text=True)
            assert "1 occupation has employer demand and no provider." in page
            assert "Plan a feedback session on this" in page and 'id="chart-market-fit"' in page
            assert "kind=feedback_session&amp;title=Feedback+session" in page
            planned = client.get("/events/new?kind=feedback_session&title=Feedback+session:+Electricians")
            assert 'value="Feedback session: Electricians"' in planned.get_data(as_text=True)
        client.post_form("/auth/signout", page="/")
