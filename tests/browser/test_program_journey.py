"""A member whose company has never run a program filters to peers in their industry, reads how they staff
and budget in charts, puts two profiles side by side and asks those companies a question that reaches them;
and every program page passes axe-core's WCAG checks."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cop.auth.models import Role, User
from cop.extensions import db
from cop.orgs.models import Organization
from cop.programs import services
from cop.programs.models import ProgramStage
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']});
  return result.violations.map(v => `${v.id}: ${v.help} (${v.nodes.length}) `
    + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(' | '));
}"""

PEERS = [
    ("Alpha Machining", "Alpha CNC apprenticeship", "dedicated-coordinator", 1.0, "hr-talent"),
    ("Bravo Fabrication", "Bravo welding apprenticeship", "line-managers", 0.25, "business-unit"),
    ("Charlie Aero", "Charlie machinist apprenticeship", "shared", 0.5, "shared"),
    ("Delta Castings", "Delta maintenance apprenticeship", "dedicated-coordinator", 0.75, "business-unit"),
]


@pytest.fixture
def peers(app, make_org, make_user):
    """Four manufacturers with apprenticeship profiles, each with a manager and a member; one hospital."""
    people = {}
    for org_name, program_name, staffing, fte, budget in PEERS + [("Valley Hospital", "CNA pathway",
                                                                     "hr-talent", 0.5, "hr-talent")]:
        industry = "Healthcare" if org_name == "Valley Hospital" else "Advanced Manufacturing"
        org = make_org(org_name, industry=industry, size_band="250-999")
        manager = make_user(name=f"{org_name} Manager", org=org, role=Role.manager)
        people[org_name] = make_user(name=f"{org_name.split()[0]} Member", org=org)
        with app.app_context():
            services.create_program(db.session.get(Organization, org.id), db.session.get(User, manager.id),
                                    services.ProgramData(
                                        name=program_name, program_type="apprenticeship",
                                        student_level="high-school", stage=ProgramStage.running,
                                        participants_per_year=6, occupations=["51-9161", "51-4041"],
                                        staffing_model=staffing, coordinator_fte=fte, students_per_supervisor=2,
                                        mentor_source="skilled-staff", budget_owner=budget,
                                        funding_sources=["operating-budget", "tax-credits"],
                                        supports=["equipment", "tutoring"], is_paid=True, wage_band="15-18",
                                        lessons="Pay the mentors."))
            db.session.commit()
    return people


def test_newcomer_compares_peers_and_asks_them(page, live_server, peers, make_org, make_user, sign_in):
    newcomer = make_user(name="Nora Newcomer",
                         org=make_org("Newcomer Tooling", industry="Advanced Manufacturing", size_band="50-249"))
    sign_in(newcomer.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    expect(page.get_by_role("heading", name="Programs", exact=True)).to_be_visible()
    expect(page.get_by_text("Newcomer Tooling has no program profile yet")).to_be_visible()

    page.get_by_label("Industry").select_option(label="Healthcare")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status")).to_contain_text("1 program at 1 organization")
    expect(page.get_by_role("note").filter(has_text="Withheld.")).to_contain_text("fewer than 3 organizations")
    expect(page.get_by_role("img")).to_have_count(0)

    page.get_by_label("Industry").select_option(label="Advanced Manufacturing")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status")).to_contain_text("4 programs at 4 organizations")
    staffing = page.get_by_role("img", name="Who runs the program")
    expect(staffing).to_be_visible()
    expect(page.get_by_role("img", name="Coordinator time")).to_be_visible()
    budget = page.get_by_role("img", name="Who owns the budget")
    expect(budget).to_be_visible()
    assert "A business unit: 2 (50%)" in budget.locator("desc").text_content()
    expect(page.get_by_text("Median 0.62 FTE", exact=True)).to_be_visible()
    # The numbers are there for screen readers as a table too.
    numbers = page.get_by_role("table", name=re.compile("^Who owns the budget"))
    expect(numbers.get_by_role("row", name=re.compile("A business unit 2 50%"))).to_have_count(1)
    expect(page.get_by_role("note").filter(has_text="Withheld.")).to_have_count(0)

    page.get_by_label("Compare Alpha CNC apprenticeship, Alpha Machining").check()
    page.get_by_label("Compare Bravo welding apprenticeship, Bravo Fabrication").check()
    page.get_by_role("button", name="Compare selected").click()
    expect(page.get_by_role("heading", name="Compare programs")).to_be_visible()
    table = page.get_by_role("table", name="2 programs side by side")
    expect(table.get_by_role("columnheader", name="Alpha CNC apprenticeship")).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("^Coordinator time"))).to_contain_text("1 FTE")
    expect(table.get_by_role("row", name=re.compile("^Coordinator time"))).to_contain_text("0.25 FTE")
    expect(page.get_by_role("link", name="Download as CSV")).to_be_visible()
    page.get_by_role("link", name="Printable page").click()
    expect(page.get_by_role("heading", name="Program comparison")).to_be_visible()
    page.go_back()

    page.get_by_role("link", name="Ask these organizations").click()
    expect(page.get_by_role("heading", name="Ask the 2 organizations")).to_be_visible()
    page.get_by_label("Title").fill("How did you get the plant to share apprentice wages?")
    page.get_by_label("Category").select_option(label="Budget and funding")
    page.get_by_label("Your question").fill("We are a 60-person shop starting our first apprenticeship.")
    page.get_by_role("button", name="Send the question").click()
    expect(page.get_by_text("Your question is posted and 2 organizations have been notified.")).to_be_visible()
    expect(page.get_by_role("heading", name="How did you get the plant to share apprentice wages?")).to_be_visible()
    expect(page.get_by_role("link", name="Alpha CNC apprenticeship")).to_be_visible()
    thread_url = page.url

    page.get_by_role("button", name="Sign out").click()
    sign_in(peers["Alpha Machining"].email, PASSWORD)
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    page.get_by_role("button", name=re.compile("Nora Newcomer of Newcomer Tooling asked your organization")).click()
    expect(page.get_by_role("heading", name="How did you get the plant to share apprentice wages?")).to_be_visible()
    assert page.url.split("#")[0] == thread_url.split("#")[0]

    page.get_by_role("button", name="Sign out").click()
    sign_in(peers["Charlie Aero"].email, PASSWORD)
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(page.get_by_text("asked your organization")).to_have_count(0)


def test_program_pages_have_no_wcag_violations(page, live_server, peers, app, sign_in):
    with app.app_context():
        manager = db.session.scalar(db.select(User).where(User.name == "Alpha Machining Manager"))
        ids = [p.id for p in services.find_programs(services.PeerFilter(), manager)]
        manager_email = manager.email
    sign_in(manager_email, PASSWORD)
    for path in ["/programs/", "/programs/?industry=Healthcare", f"/programs/{ids[0]}", f"/programs/{ids[0]}/edit",
                 "/programs/new", f"/programs/compare?ids={ids[0]}&ids={ids[1]}", "/programs/compare",
                 f"/programs/compare?ids={ids[0]}",
                 f"/programs/compare/print?ids={ids[0]}&ids={ids[1]}", f"/programs/ask?ids={ids[1]}"]:
        response = page.goto(f"{live_server}{path}")
        assert response.status < 400, path
        page.evaluate(AXE)
        assert page.evaluate(RUN_AXE) == [], path
