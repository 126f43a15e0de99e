"""Program profiles and peer comparison: editing and who may, per-field sharing everywhere (profile,
comparison, CSV, aggregates, filters, search text), the withholding rule, peers like us, asking peers,
linked knowledge, the demo profiles, and constant statement counts."""

import csv
import html
import io
import re

import pytest
import sqlalchemy as sa

from cop.auth.models import MemberStatus, Role, User
from cop.extensions import db
from cop.notifications.models import Notification
from cop.orgs.models import Organization
from cop.programs import services
from cop.programs.models import SHARABLE_FIELDS, PeerQuestion, Program, ProgramStage, program_practices
from cop.programs.occupations import SECTORS, occupations
from tests.conftest import made_in

SECRET = "Zebra-striped stipend secret"


@pytest.fixture
def make_program(app, make_org, make_user):
    """A program saved through the service by a manager of its organization."""

    def make_program(org=None, name="Youth apprenticeship", private=(), **fields):
        org = org or make_org()
        manager = make_user(org=org, role=Role.manager)
        values = dict(program_type="apprenticeship", student_level="high-school", stage=ProgramStage.running,
                      participants_per_year=8, staffing_model="dedicated-coordinator", coordinator_fte=0.5,
                      students_per_supervisor=2, mentor_source="skilled-staff", budget_owner="business-unit",
                      funding_sources=["operating-budget"], occupations=["51-9161"], supports=["transportation"],
                      is_paid=True, wage_band="15-18")
        values.update(fields)
        with made_in(app) as finish:
            organization = db.session.get(Organization, org.id)
            by = db.session.get(User, manager.id)
            program = services.create_program(organization, by, services.ProgramData(
                name=name, private_fields=set(private), **values))
            db.session.commit()
            return finish(program)

    return make_program


def form_data(**overrides):
    data = {"name": "CNC youth apprenticeship", "program_type": "apprenticeship", "student_level": "high-school",
            "stage": "running", "summary": "Seniors learn CNC machining on paid summers.",
            "participants_per_year": "9", "duration_weeks": "104", "schedule": "Summers and 15 hours a week",
            "pay": "paid", "wage_band": "15-18", "occupations": ["51-9161", "51-4041"],
            "staffing_model": "shared", "coordinator_fte": "0.5", "students_per_supervisor": "2",
            "mentor_source": "skilled-staff", "budget_owner": "shared",
            "funding_sources": ["operating-budget", "tax-credits"], "other_partners": "North County Career Center",
            "supports": ["equipment", "tutoring"], "outcomes_year": "2025", "completions": "8",
            "offers_made": "7", "hires": "6", "lessons": "Start the related instruction in **summer**."}
    data.update(overrides)
    return data


def client_for(app, login, user):
    client = app.test_client()
    login(user, client=client)
    return client


# The occupation list shipped with the app

def test_occupation_list_is_a_realistic_soc_list():
    found = occupations()
    assert 140 <= len(found) <= 200
    assert {o.sector for o in found.values()} == set(SECTORS)
    assert all(len(code) == 7 and code[2] == "-" and code.replace("-", "").isdigit() for code in found)
    assert found["51-9161"].title == "Computer Numerically Controlled Tool Operators"
    assert found["31-1131"].title == "Nursing Assistants" and found["15-1232"].sector == "Information technology"


# Writing profiles and who may

def test_manager_adds_a_program_through_the_form(app, manager, login, client):
    login(manager)
    assert client.get("/programs/new").status_code == 200
    response = client.post_form("/programs/new", form_data(private_budget="y"), page="/programs/new")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        program = db.session.scalar(sa.select(Program))
        assert program.organization_id == manager.organization_id and program.stage is ProgramStage.running
        assert program.occupations == ["51-4041", "51-9161"] and program.coordinator_fte == 0.5
        assert program.funding_sources == ["operating-budget", "tax-credits"]
        assert [p.name for p in program.partners] == ["North County Career Center"]
        assert program.private_fields == {"budget"} and program.hires == 6
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "CNC youth apprenticeship" in page and "Machinists (51-4041)" in page
    assert "<strong>summer</strong>" in page and "Facilitators only" in page


def test_invalid_answers_are_explained_and_keep_what_was_typed(app, manager, login, client):
    login(manager)
    response = client.post_form("/programs/new", form_data(
        program_type="", coordinator_fte="half", pay="unpaid", offers_made="2", hires="5",
        schedule="Tuesdays after school"), page="/programs/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose a program type." in page and "A wage band goes with a paid program" in page
    assert "Hires can&#39;t be more than the offers made." in page
    assert 'value="half"' in page and 'value="Tuesdays after school"' in page
    assert re.search(r'<input checked id="occupations-\d+" name="occupations" type="checkbox" value="51-9161">', page)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Program.id))) == 0


def test_program_names_are_unique_per_organization(app, manager, login, client, make_program):
    make_program(org=manager.organization, name="CNC youth apprenticeship")
    login(manager)
    response = client.post_form("/programs/new", form_data(), page="/programs/new")
    assert "already has a program with this name" in response.get_data(as_text=True)


def test_only_the_organizations_managers_and_facilitators_edit(app, make_program, make_user, facilitator, login):
    program = make_program()
    org = program.organization
    colleague = make_user(org=org)
    own_manager = make_user(org=org, role=Role.manager)
    other_manager = make_user(role=Role.manager)
    for user, status in ((own_manager, 200), (facilitator, 200), (colleague, 403), (other_manager, 403)):
        client = client_for(app, login, user)
        assert client.get(f"/programs/{program.id}").status_code == 200
        assert client.get(f"/programs/{program.id}/edit").status_code == status, user.name
        posted = client.post_form(f"/programs/{program.id}/edit", form_data(name=f"Renamed by {user.name}"),
                                  page=f"/programs/{program.id}")
        assert posted.status_code == (302 if status == 200 else 403)
        assert client.get(f"/programs/new?org={org.slug}").status_code == status
    with app.app_context():
        assert db.session.get(Program, program.id).name == f"Renamed by {facilitator.name}"
    member_client = client_for(app, login, colleague)
    assert member_client.get("/programs/999999").status_code == 404
    assert member_client.get("/programs/999999/edit").status_code == 404
    assert member_client.get("/programs/new?org=no-such-org").status_code == 404


def test_remove_needs_permission_and_a_csrf_token(app, make_program, make_user, login):
    program = make_program()
    stranger = client_for(app, login, make_user(role=Role.manager))
    assert stranger.post_form(f"/programs/{program.id}/delete", page="/programs/").status_code == 403
    own = client_for(app, login, make_user(org=program.organization, role=Role.manager))
    assert own.post(f"/programs/{program.id}/delete").status_code == 400  # no CSRF token
    with app.app_context():
        assert db.session.get(Program, program.id) is not None
    assert own.post_form(f"/programs/{program.id}/delete", page="/programs/").status_code == 302
    with app.app_context():
        assert db.session.get(Program, program.id) is None


# Sharing: facilitator-only fields reach facilitators and the program's own people, nobody else

@pytest.fixture
def private_program(make_program):
    return make_program(name="Guarded program", private=("budget", "lessons", "staffing", "schedule"),
                        budget_owner="csr-foundation", lessons=SECRET, schedule=SECRET + " schedule",
                        staffing_model="intermediary", coordinator_fte=3.25)


def test_profile_hides_facilitator_only_fields_from_other_members(app, private_program, member, facilitator,
                                                                  make_user, login):
    colleague = make_user(org=private_program.organization)
    url = f"/programs/{private_program.id}"
    hidden = client_for(app, login, member).get(url).get_data(as_text=True)
    assert SECRET not in hidden and "CSR or company foundation" not in hidden and "3.25" not in hidden
    assert "intermediary" not in hidden.lower() and "shares this with facilitators only" in hidden
    for user in (facilitator, colleague):
        page = client_for(app, login, user).get(url).get_data(as_text=True)
        assert SECRET in page and "CSR or company foundation" in page and "3.25 FTE" in page


def test_comparison_and_csv_hide_facilitator_only_fields(app, private_program, make_program, member, facilitator,
                                                         login):
    other = make_program(name="Open program")
    query = f"ids={private_program.id}&ids={other.id}"
    member_client = client_for(app, login, member)
    page = member_client.get(f"/programs/compare?{query}").get_data(as_text=True)
    assert "Guarded program" in page and "Open program" in page
    assert SECRET not in page and "CSR or company foundation" not in page and "3.25" not in page
    printed = member_client.get(f"/programs/compare/print?{query}").get_data(as_text=True)
    assert SECRET not in printed and "Guarded program" in printed and 'class="main-nav"' not in printed
    exported = member_client.get(f"/programs/compare.csv?{query}").get_data(as_text=True)
    assert SECRET not in exported and "CSR or company foundation" not in exported
    rows = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    assert rows[0]["Budget owner"] == services.NOT_SHARED and rows[1]["Budget owner"] == "A business unit"
    facilitator_csv = client_for(app, login, facilitator).get(f"/programs/compare.csv?{query}").get_data(as_text=True)
    assert SECRET in facilitator_csv and "CSR or company foundation" in facilitator_csv


def test_search_text_carries_only_community_fields(app, ctx, private_program):
    program = db.session.scalar(services.with_profile_data(sa.select(Program).where(Program.id == private_program.id)))
    text = services.program_search_text(program)
    assert "Guarded program" in text and "Computer Numerically Controlled Tool Operators (51-9161)" in text
    assert "Transportation" in text and SECRET not in text and "CSR or company foundation" not in text
    assert "intermediary" not in text.lower()


# Aggregates and the withholding rule

def _aggregates(programs, viewer, own=()):
    return {a.key: a for a in services.build_aggregates(programs, viewer, own)}


def _load(ids):
    return db.session.scalars(services.with_list_data(sa.select(Program).where(Program.id.in_(ids)))).unique().all()


def _full(**overrides):
    values = dict(staffing_model="line-managers", coordinator_fte=1.5, students_per_supervisor=5,
                  mentor_source="volunteers", budget_owner="hr-talent", funding_sources=["grants"],
                  is_paid=False, wage_band=None, occupations=["15-1232"], supports=["child-care"])
    values.update(overrides)
    return values


def test_every_aggregate_is_withheld_under_three_organizations(app, make_org, make_program, member):
    first, second, third = make_org(), make_org(), make_org()
    # One organization's many programs are still one source.
    ids = [make_program(org=first, name=f"Program {n}", **_full()).id for n in range(4)]
    ids.append(make_program(org=second, **_full()).id)
    with app.app_context():
        viewer = db.session.get(User, member.id)
        aggregates = _aggregates(_load(ids), viewer)
        assert set(aggregates) == {spec.key for spec in services.AGGREGATES}
        for aggregate in aggregates.values():
            assert aggregate.withheld and aggregate.bars == [] and aggregate.programs == 0, aggregate.key
    ids.append(make_program(org=third, **_full()).id)
    with app.app_context():
        viewer = db.session.get(User, member.id)
        for aggregate in _aggregates(_load(ids), viewer).values():
            assert not aggregate.withheld and aggregate.organizations == 3 and aggregate.programs == 6, aggregate.key


def test_facilitator_only_values_never_feed_member_aggregates(app, make_program, member, facilitator):
    ids = [make_program(budget_owner="hr-talent").id for _ in range(3)]
    ids.append(make_program(budget_owner="csr-foundation", private=("budget", "staffing")).id)
    with app.app_context():
        programs = _load(ids)
        as_member = _aggregates(programs, db.session.get(User, member.id))
        as_facilitator = _aggregates(programs, db.session.get(User, facilitator.id))
        counts = {bar.label: bar.count for bar in as_member["budget_owner"].bars}
        assert counts["CSR or company foundation"] == 0 and counts["HR / talent"] == 3
        assert as_member["budget_owner"].organizations == 3 and as_member["staffing_model"].programs == 3
        counts = {bar.label: bar.count for bar in as_facilitator["budget_owner"].bars}
        assert counts["CSR or company foundation"] == 1 and as_facilitator["budget_owner"].organizations == 4


def test_a_private_field_can_push_an_aggregate_under_the_threshold(app, make_program, member, facilitator):
    ids = [make_program().id, make_program().id, make_program(private=("occupations",)).id]
    with app.app_context():
        programs = _load(ids)
        assert _aggregates(programs, db.session.get(User, member.id))["occupations"].withheld
        assert not _aggregates(programs, db.session.get(User, member.id))["staffing_model"].withheld
        assert not _aggregates(programs, db.session.get(User, facilitator.id))["occupations"].withheld


def test_aggregates_count_programs_and_mark_yours(app, make_org, make_program, make_user, login):
    mine = make_org("Mine Inc")
    make_program(org=mine, name="Ours", staffing_model="hr-talent", coordinator_fte=0.2)
    for fte in (0.5, 0.75, 1.0):
        make_program(staffing_model="dedicated-coordinator", coordinator_fte=fte)
    viewer = make_user(org=mine)
    page = client_for(app, login, viewer).get("/programs/").get_data(as_text=True)
    assert 'role="img"' in page and "<title id=\"chart-staffing-model-title\">Who runs the program</title>" in page
    assert "HR or talent staff, alongside other work (yours)" in page
    assert "Median 0.62 FTE" in page  # 0.2, 0.5, 0.75, 1.0
    assert '<th scope="row">A dedicated program coordinator</th><td>3</td><td>75%</td>' in page


@pytest.mark.parametrize("query", [
    "", "industry=Healthcare", "industry=Healthcare&size_band=50-249", "program_type=internship",
    "program_type=internship&student_level=college", "stage=piloting", "industry=Healthcare&stage=piloting",
    "occupation=31-1131", "industry=Healthcare&occupation=31-1131&program_type=internship",
])
def test_withholding_holds_for_every_filter_combination(app, make_org, make_program, member, login, query):
    """Two healthcare organizations (one with three programs) and three others: whichever filters are
    chosen, a figure is drawn only when at least three organizations stand behind it."""
    clinic, hospital = make_org(industry="Healthcare", size_band="50-249"), make_org(industry="Healthcare")
    for n in range(3):
        make_program(org=clinic, name=f"Clinic {n}", program_type="internship", student_level="college",
                     stage=ProgramStage.piloting, occupations=["31-1131"])
    make_program(org=hospital, program_type="internship", student_level="college", stage=ProgramStage.piloting,
                 occupations=["31-1131"])
    for _ in range(3):
        make_program(org=make_org(industry="Advanced Manufacturing"))
    client = client_for(app, login, member)
    page = client.get(f"/programs/?{query}").get_data(as_text=True)
    with app.app_context():
        programs = services.find_programs(services.PeerFilter.from_args(
            dict(pair.split("=") for pair in query.split("&") if pair)), db.session.get(User, member.id))
        organizations = len({p.organization_id for p in programs})
    if organizations < services.MIN_ORGANIZATIONS:
        assert 'role="img"' not in page and "These filters match fewer than 3 organizations" in page
    else:
        assert 'role="img"' in page


# Peers like us

def test_peers_filter_and_own_program_highlight(app, make_org, make_program, make_user, login):
    mine = make_org("Lakeside Machining", industry="Advanced Manufacturing", size_band="50-249")
    make_program(org=mine, name="Our CNC apprenticeship")
    make_program(org=make_org("Peer Fab", industry="Advanced Manufacturing", size_band="50-249"),
                 name="Peer welding internship", program_type="internship", stage=ProgramStage.piloting)
    make_program(org=make_org("Big Aero", industry="Advanced Manufacturing", size_band="5000+"),
                 name="Aero co-op", student_level="college")
    make_program(org=make_org("Care Co", industry="Healthcare", size_band="50-249"), name="CNA pathway")
    viewer = make_user(org=mine)
    client = client_for(app, login, viewer)

    def names(query):
        page = client.get(f"/programs/?{query}").get_data(as_text=True)
        return {n for n in ("Our CNC apprenticeship", "Peer welding internship", "Aero co-op", "CNA pathway")
                if re.search(rf'<th scope="row"><a href="/programs/\d+">{n}</a>', page)}, page

    found, page = names("")
    assert len(found) == 4 and "Peers like us" in page
    assert "industry=Advanced+Manufacturing&amp;size_band=50-249" in page or \
        "size_band=50-249&amp;industry=Advanced+Manufacturing" in page
    found, page = names("industry=Advanced+Manufacturing&size_band=50-249")
    assert found == {"Our CNC apprenticeship", "Peer welding internship"}
    assert '<tr class="is-yours">' in page and page.count('<span class="tag tag-yours">Yours</span>') == 1
    assert names("industry=Advanced+Manufacturing")[0] == {"Our CNC apprenticeship", "Peer welding internship",
                                                           "Aero co-op"}
    assert names("program_type=internship")[0] == {"Peer welding internship"}
    assert names("student_level=college")[0] == {"Aero co-op"}
    found, page = names("stage=piloting")
    assert found == {"Peer welding internship"} and "Not matching these filters" in page
    assert names("industry=Nonsense&program_type=bogus")[0] == found | {"Our CNC apprenticeship", "Aero co-op",
                                                                        "CNA pathway"}


def test_occupation_filter_matches_only_what_the_viewer_may_read(app, make_program, member, facilitator, login):
    make_program(name="Hidden targets", occupations=["29-2052"], private=("occupations",))
    member_client = client_for(app, login, member)
    page = member_client.get("/programs/?occupation=29-2052").get_data(as_text=True)
    assert ">Hidden targets</a>" not in page
    assert 'value="29-2052"' not in member_client.get("/programs/").get_data(as_text=True)
    page = client_for(app, login, facilitator).get("/programs/?occupation=29-2052").get_data(as_text=True)
    assert ">Hidden targets</a>" in page


def test_a_member_without_a_program_is_invited_to_look_and_compare(app, make_program, member, login):
    first, second = make_program(name="First"), make_program(name="Second")
    client = client_for(app, login, member)
    page = client.get("/programs/").get_data(as_text=True)
    assert "has no program profile yet" in page
    compare = client.get(f"/programs/compare?ids={first.id}&ids={second.id}")
    assert compare.status_code == 200 and "2 programs side by side" in compare.get_data(as_text=True)
    lonely = client.get(f"/programs/compare?ids={first.id}").get_data(as_text=True)
    assert "Choose at least two programs" in lonely and "side by side</caption>" not in lonely
    assert client.get(f"/programs/compare?ids={first.id}&ids=999999").status_code == 404


def test_compare_without_a_choice_starts_from_peers_like_us(app, make_org, make_program, make_user, login):
    mine = make_org("Our Bank", industry="Financial Services")
    make_program(org=mine, name="Our teller internship", program_type="internship")
    make_program(org=make_org("Peer Bank", industry="Financial Services"), name="Peer bank apprenticeship")
    make_program(org=make_org("Tool Shop", industry="Advanced Manufacturing"), name="Tool shop internship",
                 program_type="internship")
    make_program(org=make_org("Far Away Farms", industry="Agriculture"), name="Unrelated apprenticeship")
    client = client_for(app, login, make_user(org=mine))
    response = client.get("/programs/compare")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "side by side</caption>" not in page
    assert "Tick 2 to 6 programs" in page and "Peers like us" in page and 'role="alert"' not in page
    assert "Peer bank apprenticeship" in page and "Tool shop internship" in page and "Our teller internship" in page
    assert "Unrelated apprenticeship" not in page
    with app.app_context():
        peers = [p.name for p in services.peers_like_us(db.session.get(User, make_user(org=mine).id))]
    assert peers == ["Peer bank apprenticeship", "Tool shop internship"]


def test_compare_asks_for_two_to_six_and_keeps_the_ticked_choice(app, make_program, member, login):
    programs = [make_program(name=f"Program {n}") for n in range(7)]
    client = client_for(app, login, member)
    too_many = html.unescape(client.get("/programs/compare?" + "&".join(f"ids={p.id}" for p in programs))
                             .get_data(as_text=True))
    assert "You ticked 7. Choose at most 6 programs" in too_many and "side by side</caption>" not in too_many
    assert all(f'value="{p.id}" id="ticked-{p.id}" checked' in too_many for p in programs)
    one = html.unescape(client.get(f"/programs/compare?ids={programs[0].id}").get_data(as_text=True))
    assert "You ticked 1. Choose at least two programs" in one and f'id="ticked-{programs[0].id}" checked' in one
    six = client.get("/programs/compare?" + "&".join(f"ids={p.id}" for p in programs[:6])).get_data(as_text=True)
    assert "6 programs side by side" in six


# Export

def test_csv_has_one_row_per_program_and_neutralises_formulas(app, make_program, member, login):
    first = make_program(name="=HYPERLINK(\"http://evil\")", occupations=["51-9161", "51-4041"],
                         coordinator_fte=0.75, outcomes_year=2025, completions=8, offers_made=7, hires=6)
    second = make_program(name="Plain program", is_paid=False, wage_band=None, funding_sources=[])
    response = client_for(app, login, member).get(f"/programs/compare.csv?ids={first.id}&ids={second.id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["Program"] for r in rows] == ["'=HYPERLINK(\"http://evil\")", "Plain program"]
    assert rows[0]["Target occupations"] == ("Machinists (51-4041); "
                                             "Computer Numerically Controlled Tool Operators (51-9161)")
    assert rows[0]["Coordinator time"] == "0.75 FTE" and rows[0]["Pay"] == "Paid, $15–18 an hour"
    assert (rows[0]["Completed"], rows[0]["Offers made"], rows[0]["Hired"]) == ("8", "7", "6")
    assert rows[1]["Pay"] == "Unpaid" and rows[1]["Funding sources"] == ""
    assert set(rows[0]) >= {"Organization", "Industry", "Stage", "Budget owner", "Wrap-around supports"}


# Ask a peer

def _category_id(app, slug="staffing"):
    from cop.discussions.services import category_for

    with app.app_context():
        category = category_for(slug)
        db.session.commit()
        return category.id


def test_ask_a_peer_notifies_exactly_the_matching_organizations_members(app, make_org, make_program, make_user,
                                                                      login, outbox):
    asker_org = make_org("Asker Works", industry="Advanced Manufacturing")
    asker = make_user(name="Asha Asker", org=asker_org)
    make_program(org=asker_org, name="Asker apprenticeship")  # the asker's own: never addressed
    matching = [make_org(f"Maker {n}", industry="Advanced Manufacturing") for n in range(4)]
    for org in matching:
        make_program(org=org, name=f"{org.name} CNC apprenticeship")
    make_program(org=make_org("Intern Shop", industry="Advanced Manufacturing"), program_type="internship")
    make_program(org=make_org("Care Co", industry="Healthcare"))
    expected = set()
    for org in matching:
        expected.add(make_user(org=org).id)
        make_user(org=org, status=MemberStatus.pending)
        make_user(org=org, status=MemberStatus.suspended)
    with app.app_context():
        managers = db.session.scalars(sa.select(User.id).where(User.role == Role.manager,
                                                               User.organization_id.in_([o.id for o in matching])))
        expected |= set(managers)
        before = db.session.scalar(sa.select(sa.func.max(Notification.id))) or 0

    client = client_for(app, login, asker)
    url = "/programs/ask?industry=Advanced+Manufacturing&program_type=apprenticeship&about=staffing"
    page = client.get(url).get_data(as_text=True)
    assert "Ask the 4 organizations" in page and "Asker apprenticeship" not in page
    assert "Advanced Manufacturing · Apprenticeship" in page
    response = client.post_form(url, {"title": "Who pays your apprentices in year one?",
                                      "category": "staffing", "body": "We are starting with two apprentices."},
                                page=url)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert "/discussions/" in response.headers["Location"]

    with app.app_context():
        question = db.session.scalar(sa.select(PeerQuestion))
        assert question.organization_count == 4 and question.audience == "Advanced Manufacturing · Apprenticeship"
        assert {p.organization_id for p in question.programs} == {o.id for o in matching}
        thread = question.thread
        assert thread.title == "Who pays your apprentices in year one?" and thread.is_question
        assert "Maker 0 CNC apprenticeship" in thread.body_html
        assert "Advanced Manufacturing · Apprenticeship" in thread.body
        assert "Asker apprenticeship" not in thread.body
        told = db.session.scalars(sa.select(Notification).where(Notification.id > before,
                                                                Notification.kind == "peer_question")).all()
        assert {n.user_id for n in told} == expected
        assert all(n.url == f"/discussions/{thread.id}" and "Asha Asker of Asker Works" in n.text for n in told)
        some_member = db.session.get(User, sorted(expected)[0])
        email = some_member.email
    assert outbox(to=email), "the addressed members hear by e-mail too"
    reader = client_for(app, login, some_member)
    assert "Asha Asker of Asker Works asked your organization about" in \
        reader.get("/notifications/").get_data(as_text=True)
    program_id = question_program_id(app)
    assert "Who pays your apprentices in year one?" in reader.get(f"/programs/{program_id}").get_data(as_text=True)


def question_program_id(app):
    with app.app_context():
        return db.session.scalar(sa.select(PeerQuestion)).programs[0].id


def test_asking_one_program_and_the_form_keeps_what_was_typed(app, make_program, member, login):
    program = make_program(name="Single program")
    client = client_for(app, login, member)
    url = f"/programs/ask?ids={program.id}"
    page = client.get(url).get_data(as_text=True)
    assert f"Ask {program.organization.name}" in page
    response = client.post_form(url, {"title": "", "category": "staffing", "body": "Kept words"}, page=url)
    assert response.status_code == 200 and "Kept words" in response.get_data(as_text=True)
    assert client.post(url, data={"title": "t", "category": "staffing", "body": "b"}).status_code == 400


def test_nobody_to_ask_when_only_your_own_program_matches(app, make_program, make_user, login):
    program = make_program(name="Only ours")
    client = client_for(app, login, make_user(org=program.organization))
    response = client.get(f"/programs/ask?ids={program.id}")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PeerQuestion.id))) == 0


def test_asking_everyone_at_once_needs_a_filter(app, make_program, member, login):
    make_program()
    client = client_for(app, login, member)
    assert "Ask this organization" not in client.get("/programs/").get_data(as_text=True)
    response = client.get("/programs/ask?about=staffing")
    assert response.status_code == 302 and response.headers["Location"].endswith("/programs/")


def test_asking_by_filter_never_uses_facilitator_only_values(app, make_org, make_program, facilitator, login):
    make_program(name="Open targets", occupations=["29-2052"])
    make_program(name="Hidden targets", occupations=["29-2052"], private=("occupations",))
    client = client_for(app, login, facilitator)
    page = client.get("/programs/ask?occupation=29-2052").get_data(as_text=True)
    assert "Open targets" in page and "Hidden targets" not in page


# Linked knowledge

def test_practice_shows_the_program_it_describes_and_org_page_lists_programs(app, manager, make_program, login,
                                                                            client):
    from cop.practices import services as library
    from cop.practices.models import Practice, Topic

    with app.app_context():
        author = db.session.get(User, manager.id)
        topic = db.session.scalar(sa.select(Topic).where(Topic.slug == "staffing"))
        practice = library.create_practice(author, title="Our mentor stipends", summary="Why we pay mentors.",
                                           body="Body.", publish=True,
                                           classification=library.Classification(topics=[topic]))
        db.session.commit()
        practice_id = practice.id
    other = make_program(name="Someone else's")
    login(manager)
    data = form_data(name="Mentored apprenticeship", practices=[str(practice_id)])
    response = client.post_form("/programs/new", data, page="/programs/new")
    program_url = response.headers["Location"]
    assert "Our mentor stipends" in client.get(program_url).get_data(as_text=True)
    practice_page = client.get(f"/practices/{practice_id}").get_data(as_text=True)
    assert "The program it describes" in practice_page and "Mentored apprenticeship" in practice_page
    org_page = client.get(f"/orgs/{manager.organization.slug}").get_data(as_text=True)
    assert "Programs (1)" in org_page and "Mentored apprenticeship" in org_page
    with app.app_context():
        # A program can only be described by its own organization's practices.
        program = db.session.get(Program, other.id)
        their_manager = db.session.scalar(sa.select(User).where(User.role == Role.manager,
                                                                User.organization_id == other.organization_id))
        services.update_program(program, their_manager, services.ProgramData(
            name=program.name, program_type="internship", student_level="college", stage=ProgramStage.running,
            practices=[db.session.get(Practice, practice_id)]))
        assert program.practices == []


# Statement counts

@pytest.mark.parametrize("path", ["/programs/",
                                  "/programs/?industry=Advanced+Manufacturing&program_type=apprenticeship",
                                  "COMPARE", "CSV"])
def test_list_and_compare_pages_run_a_constant_number_of_statements(app, make_org, make_program, make_user,
                                                                    login, count_queries, path):
    mine = make_org()
    make_program(org=mine, name="Ours")
    client = client_for(app, login, make_user(org=mine))
    ids = []

    def add(n):
        for i in range(n):
            ids.append(make_program(name=f"Program {len(ids)}", occupations=["51-9161", "51-4041"],
                                    supports=["equipment", "tutoring"], other_partners=["A school", "B college"],
                                    private=("budget",)).id)

    def statements():
        url = path
        if path in ("COMPARE", "CSV"):
            # A comparison takes up to six programs; the export takes any number.
            url = ("/programs/compare?" if path == "COMPARE" else "/programs/compare.csv?") + \
                "&".join(f"ids={i}" for i in (ids[:6] if path == "COMPARE" else ids))
        with count_queries() as tally:
            assert client.get(url).status_code == 200
        return tally.count

    add(3)
    few = statements()
    add(9)
    assert statements() == few


# Demo

def test_demo_profiles_cover_every_member_company_and_load_once(app):
    from cop.demo.community import seed_community
    from cop.demo.library import seed_library
    from cop.demo.programs import PROGRAMS, seed_programs
    from cop.orgs.models import OrgKind

    with app.app_context():
        seed_community()
        seed_library()
        created = seed_programs()
        db.session.commit()
        assert created["program profiles"] == len(PROGRAMS)
        assert seed_programs()["program profiles"] == 0
        companies = set(db.session.scalars(
            sa.select(Organization.id).where(Organization.kind == OrgKind.member_company)))
        assert companies == set(db.session.scalars(sa.select(Program.organization_id)))
        for data in PROGRAMS:
            assert all(code in occupations() for code in data.get("occupations", [])), data["name"]
            assert set(data.get("private", [])) <= set(SHARABLE_FIELDS)
        linked = db.session.scalar(sa.select(sa.func.count()).select_from(program_practices))
        assert linked >= 25
        member = db.session.scalar(sa.select(User).where(User.email == "marcus.bell@harborview.example"))
        programs = services.find_programs(services.PeerFilter(industry="Financial Services"), member)
        aggregates = _aggregates(programs, member)
        assert not aggregates["staffing_model"].withheld and not aggregates["budget_owner"].withheld
        everything = _aggregates(services.find_programs(services.PeerFilter(), member), member)
        assert not any(a.withheld for a in everything.values())
        assert len({b.label for b in everything["budget_owner"].bars if b.count}) >= 4


def test_ask_privately_writes_to_one_person_at_each_organization_past_blocks(app, make_org, make_program, make_user,
                                                                            login):
    from cop.messages import services as messages
    from cop.messages.models import Conversation, Message

    asker = make_user(name="Asha Asker")
    orgs = {key: make_org(f"Maker {key}") for key in "ABCD"}
    programs = {key: make_program(org=org, name=f"{key} apprenticeship") for key, org in orgs.items()}
    second_manager = {key: make_user(name=f"Second {key}", org=orgs[key], role=Role.manager) for key in "AB"}
    with app.app_context():
        editors = {key: db.session.get(User, db.session.get(Program, p.id).updated_by_id) for key, p in programs.items()}
        me = db.session.get(User, asker.id)
        messages.block(editors["B"], me)  # B's editor blocked the asker: B's other manager is asked
        editors["C"].status = MemberStatus.suspended  # C has nobody else to ask
        messages.block(me, editors["D"])  # the asker blocked D's only manager
        db.session.commit()
        expected = [editors["A"].id, second_manager["B"].id]
        names = {key: user.name for key, user in editors.items()}
    client = client_for(app, login, asker)
    url = "/programs/ask?" + "&".join(f"ids={p.id}" for p in programs.values())
    page = html.unescape(client.get(url).get_data(as_text=True))
    assert "A private message would go to" in page
    assert names["A"] in page and "Second B" in page and "Nobody at Maker C, Maker D can take one." in page
    response = client.post_form(url, {"send_as": "message", "title": "Who pays the first year?", "category": "",
                                      "body": "We start with two apprentices."}, page=url)
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))[:3000]
    assert "/messages/" in response.headers["Location"]
    flashed = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert f"Your question is sent privately to {names['A']}, Second B. Nobody at Maker C, Maker D could take it." \
        in flashed
    with app.app_context():
        conversation = db.session.scalar(sa.select(Conversation))
        assert conversation.subject == "Who pays the first year?"
        assert [m.user_id for m in conversation.members] == [asker.id] + expected
        [message] = db.session.scalars(sa.select(Message)).all()
        assert "A apprenticeship" in message.body and "B apprenticeship" in message.body
        assert "C apprenticeship" not in message.body and "D apprenticeship" not in message.body
        assert db.session.scalar(sa.select(sa.func.count(PeerQuestion.id))) == 0  # nothing public


def test_ask_privately_reaches_at_most_nine_people(app, make_org, make_program, make_user, login):
    from cop.messages.models import Conversation

    asker = make_user(name="Asha Asker")
    programs = [make_program(org=make_org(f"Maker {n}"), name=f"Program {n}") for n in range(10)]
    client = client_for(app, login, asker)
    url = "/programs/ask?" + "&".join(f"ids={p.id}" for p in programs)
    response = client.post_form(url, {"send_as": "message", "title": "Ten at once?", "body": "Hello all."}, page=url)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert ("A private message reaches at most 9 people, one at each organization, and this question would go "
            "to 10. Narrow the filters, or send it as a public thread.") in page
    assert "Hello all." in page
    public = client.post_form(url, {"send_as": "thread", "title": "Ten at once?", "body": "Hello all."}, page=url)
    assert public.status_code == 200 and "Choose a category." in html.unescape(public.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Conversation.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(PeerQuestion.id))) == 0
    sent = client.post_form(url, {"send_as": "thread", "title": "Ten at once?", "category": "staffing",
                                  "body": "Hello all."}, page=url)
    assert sent.status_code == 302 and "/discussions/" in sent.headers["Location"]
