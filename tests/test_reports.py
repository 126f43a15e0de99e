"""The sponsor's impact report: its figures against the dashboard's hand-built community plus program
profiles and feedback scores with known answers, the three-organization rule, who may read it, and its CSV
and PDF."""

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from cop.auth.models import Role, User
from cop.events import services as events
from cop.events.models import Event, EventKind, FeedbackAnswer, FeedbackResponse, QuestionKind
from cop.extensions import db, utcnow
from cop.orgs.models import Organization, OrgKind
from cop.programs import services as programs
from cop.programs.models import ProgramStage
from cop.reports import services
from tests.test_dashboard import PERIOD, RANGE, _sign_in, at, build_community


def build_report_community() -> dict:
    """The dashboard's community, plus four program profiles and rated feedback sessions:

    - programs: A 10 students, 8 completions, 3 hires; B 6 students, its outcomes kept to facilitators;
      C 20 students, 15 completions, 5 hires; D 4 students, 2 completions, no hires given. Students: 40 from
      4 organizations; completions 25 from 3 (A, C, D); hires 8 from only 2 (A, C): withheld.
    - the Sep 30 session is rated 4, 5 and 3 by people of A, B and the sponsor: September averages 4.0 from
      3 organizations; an Oct 2 session rated 2 by A alone: October withheld.
    """
    ids = build_community()
    people = {u.email.split("@")[0]: u for u in db.session.scalars(sa.select(User))}
    orgs = {o.name[0]: o for o in db.session.scalars(sa.select(Organization))}
    for key, students, completions, hires, private in [("A", 10, 8, 3, set()), ("B", 6, 5, 2, {"outcomes"}),
                                                        ("C", 20, 15, 5, set()), ("D", 4, 2, None, set())]:
        programs.create_program(orgs[key], people["f"], programs.ProgramData(
            name=f"{key} apprenticeship", program_type="apprenticeship", student_level="high-school",
            stage=ProgramStage.running, participants_per_year=students, completions=completions, hires=hires,
            outcomes_year=2026, private_fields=private))
    session = db.session.get(Event, ids["events"][1])
    rating = next(q for q in session.questions if q.kind is QuestionKind.rating)
    given = db.session.scalar(sa.select(FeedbackResponse).where(FeedbackResponse.event_id == session.id))
    given.answers.append(FeedbackAnswer(question_id=rating.id, score=4))
    for who, score in [("b1", 5), ("s1", 3)]:
        db.session.add(FeedbackResponse(event_id=session.id, user_id=people[who].id, created_at=at(9, 30, 15),
                                        answers=[FeedbackAnswer(question_id=rating.id, score=score)]))
    soon = utcnow().replace(microsecond=0) + timedelta(days=3)
    later = events.create_event(people["f"], kind=EventKind.feedback_session, title="Cedar again", starts_at=soon,
                                ends_at=soon + timedelta(hours=1), timezone="America/Chicago", capacity=5,
                                host_org=orgs["C"], address="2 College Way")
    later.starts_at, later.ends_at = at(10, 2), at(10, 2, 11)
    db.session.flush()
    db.session.add(FeedbackResponse(event_id=later.id, user_id=people["a1"].id, created_at=at(10, 2, 12),
                                    answers=[FeedbackAnswer(question_id=later.questions[0].id, score=2)]))
    events.publish_response(session, people["f"], "You said the **schedule** was hard; we moved to evenings.")
    session.response_published_at = at(10, 3)
    db.session.commit()
    return ids


@pytest.fixture
def community(app):
    with app.app_context():
        return build_report_community()


def _values(figures):
    return {f.label: f.value for f in figures}


def test_the_report_figures_match_the_community(app, community):
    with app.app_context():
        report = services.impact_report(PERIOD)
    assert _values(report.engagement) == {
        "Organizations engaged": 4, "Participants engaged": 5, "Member companies engaged": 2,
        "Training providers engaged": 1, "Education partners engaged": 0, "Community organizations engaged": 0}
    assert _values(report.programs) == {
        "Programs profiled": 4, "Organizations with a program profile": 4, "Students served a year": 40,
        "Completions reported": 25, "Hires reported": None}
    assert _values(report.events) == {
        "Events held": 3, "Confirmed seats": 4, "Attendances recorded": 3, "Site visits held": 1,
        "Provider feedback sessions held": 2, "Roundtables and convenings held": 0, "Virtual meetings held": 0}
    assert report.scores == [("2026-09", 4.0, 3, 3), ("2026-10", None, 1, 1)]
    assert [(title, provider, when.date().isoformat()) for title, provider, when, _, _ in report.responses] == [
        ("Cedar feedback", "Cedar College", "2026-10-03")]
    assert "<strong>schedule</strong>" in report.responses[0][3]
    assert _values(report.practices) == {"Practices shared": 1, "Organizations that shared a practice": 1}


def test_sponsors_and_facilitators_read_it_and_nobody_else(app, client, community, make_user, make_org):
    for kind, expected in [(OrgKind.member_company, 403), (OrgKind.training_provider, 403),
                           (OrgKind.education_partner, 403), (OrgKind.sponsor, 200)]:
        for role in (Role.member, Role.manager):
            person = make_user(org=make_org(kind=kind), role=role)
            _sign_in(client, person.email)
            for path in ("/reports/impact", "/reports/impact.csv"):
                assert client.get(path).status_code == expected, (kind, role, path)
            client.post_form("/auth/signout", page="/")
    _sign_in(client, community["facilitator"])
    assert client.get("/reports/impact").status_code == 200


def test_the_page_and_the_csv_withhold_what_fewer_than_three_organizations_give(app, client, community):
    _sign_in(client, "s1@example.org")
    page = client.get(f"/reports/impact?{RANGE}").get_data(as_text=True)
    assert "Withheld" in page and "we moved to evenings" in page and 'id="chart-scores"' in page
    assert 'href="/reports/impact.pdf?period=range&amp;start=2026-09-07&amp;end=2026-10-04"' in page
    response = client.get(f"/reports/impact.csv?{RANGE}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert ["Programs", "Hires reported", "Withheld", "2026-09-07", "2026-10-04"] in rows
    assert ["Programs", "Students served a year", "40", "2026-09-07", "2026-10-04"] in rows
    assert ["Provider feedback", "Average score, 2026-09", "4.0", "2026-09-07", "2026-10-04"] in rows
    assert ["You said, we did", "Cedar College: Cedar feedback",
            "You said the **schedule** was hard; we moved to evenings.", "2026-10-03", ""] in rows
    assert "impact-report-2026-09-07-to-2026-10-04.csv" in response.headers["Content-Disposition"]


def test_the_report_downloads_as_a_pdf_with_its_text(app, client, community):
    _sign_in(client, "s1@example.org")
    response = client.get(f"/reports/impact.pdf?{RANGE}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    body = response.get_data()
    assert body.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    for words in ("Impact report", "September 7, 2026", "Students served a year", "Withheld",
                  "we moved to evenings"):
        assert words in text, words
    fonts = {str(font) for page in PdfReader(io.BytesIO(body)).pages
             for font in page["/Resources"]["/Font"].values() for font in [font.get_object()["/BaseFont"]]}
    assert {font.split("+")[1] for font in fonts} == {"DejaVu-Sans", "DejaVu-Sans-Bold"}, fonts


def test_a_sponsors_home_leads_to_the_report(app, client, community):
    _sign_in(client, "s1@example.org")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/reports/impact"' in page and 'href="/dashboard/"' not in page
