"""The competency toolkit: the framework, a competency's rubric and practices, and facilitators' edits."""

import sqlalchemy as sa

from cop.auth.models import User
from cop.competencies.framework import COMPETENCIES
from cop.competencies.models import Competency
from cop.extensions import db
from cop.practices import services
from cop.practices.models import Practice, Topic


def add_practice(app, author, title: str, competencies=("communication",), publish: bool = True,
                 delete: bool = False, helpful_from=()) -> int:
    """A practice by `author` linked to the competencies with these slugs; returns its id."""
    with app.app_context():
        writer = db.session.get(User, author.id)
        linked = db.session.scalars(sa.select(Competency).where(Competency.slug.in_(competencies))).all()
        topic = db.session.scalar(sa.select(Topic).where(Topic.slug == "competencies-and-assessment"))
        practice = services.create_practice(
            writer, title=title, summary=f"Summary of {title}.", body=f"How we did {title}.",
            classification=services.Classification(competencies=list(linked), topics=[topic]), publish=publish)
        db.session.flush()
        for user in helpful_from:
            services.mark_helpful(practice, db.session.get(User, user.id))
        if delete:
            services.delete_practice(practice, by=writer)
        db.session.commit()
        return practice.id


def competency(slug: str) -> Competency:
    return db.session.scalar(sa.select(Competency).where(Competency.slug == slug))


def test_toolkit_lists_the_framework(client, member, login):
    login(member)
    response = client.get("/competencies/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Competency toolkit" in page and "three-level rubric" in page
    assert len(COMPETENCIES) == 6
    for data in COMPETENCIES:
        assert data["name"] in page and f'href="/competencies/{data["slug"]}"' in page
    assert page.index("Communication") < page.index("Professionalism") < page.index("Digital literacy")
    assert "0 practices" in page and "Add a competency" not in page


def test_toolkit_is_for_members_only(client):
    response = client.get("/competencies/")
    assert response.status_code == 302 and "/auth/signin" in response.headers["Location"]


def test_competency_page_shows_rubric_and_only_visible_practices(app, client, member, login):
    add_practice(app, member, "Published communication practice")
    add_practice(app, member, "Draft communication practice", publish=False)
    add_practice(app, member, "Deleted communication practice", delete=True)
    add_practice(app, member, "Teamwork only practice", competencies=("teamwork",))
    login(member)
    response = client.get("/competencies/communication")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<caption>" in page
    for level in ("Emerging", "Developing", "Proficient"):
        assert f'<th scope="col">{level}</th>' in page
    # Rubric levels and the assessment guidance are Markdown, rendered.
    assert "<li>Follows spoken instructions" in page and "<li>Confirms understanding" in page
    assert "How to assess it" in page and "<strong>When:</strong>" in page
    assert "Published communication practice" in page
    assert "Draft communication practice" not in page
    assert "Deleted communication practice" not in page
    assert "Teamwork only practice" not in page
    assert 'href="/practices/?competency=communication"' in page
    assert 'href="/competencies/communication/edit"' not in page
    assert "1 practice<" in client.get("/competencies/").get_data(as_text=True)


def test_competency_practices_sort_and_paginate(app, client, member, make_user, login):
    readers = [make_user() for _ in range(2)]
    add_practice(app, member, "Older but helpful", helpful_from=readers)
    for n in range(20):
        add_practice(app, member, f"Newer practice {n:02d}")
    login(member)
    newest = client.get("/competencies/communication").get_data(as_text=True)
    assert "Newer practice 19" in newest and "Older but helpful" not in newest
    assert "Page 1 of 2" in newest
    assert "Older but helpful" in client.get("/competencies/communication?page=2").get_data(as_text=True)
    helpful = client.get("/competencies/communication?sort=helpful").get_data(as_text=True)
    assert helpful.index("Older but helpful") < helpful.index("Newer practice 19")
    assert client.get("/competencies/communication?sort=bogus&page=abc").status_code == 200


def test_unknown_competency_is_404(client, facilitator, login):
    login(facilitator)
    assert client.get("/competencies/no-such-competency").status_code == 404
    assert client.get("/competencies/no-such-competency/edit").status_code == 404


def test_members_cannot_edit_or_add_competencies(app, client, member, login):
    login(member)
    assert client.get("/competencies/communication/edit").status_code == 403
    assert client.get("/competencies/new").status_code == 403
    edited = client.post_form("/competencies/communication/edit", {"name": "Hijacked"}, page="/competencies/")
    created = client.post_form("/competencies/new", {"name": "Sneaky", "slug": "sneaky"}, page="/competencies/")
    assert edited.status_code == 403 and created.status_code == 403
    with app.app_context():
        assert competency("communication").name == "Communication"
        assert competency("sneaky") is None


def test_facilitator_edits_a_competency_with_validation(app, client, facilitator, login):
    login(facilitator)
    url = "/competencies/communication/edit"
    page = client.get("/competencies/communication").get_data(as_text=True)
    assert f'href="{url}"' in page
    form = client.get(url)
    assert form.status_code == 200 and 'value="Communication"' in form.get_data(as_text=True)

    typed = {"name": "", "description": "Kept description", "emerging": "- Kept level", "developing": "",
             "proficient": "", "assessment": ""}
    empty = client.post_form(url, typed, page=url)
    text = empty.get_data(as_text=True)
    assert empty.status_code == 200 and "Give the competency a name." in text
    assert "Kept description" in text and "- Kept level" in text
    blank = client.post_form(url, dict(typed, name="   "), page=url)
    assert "Give the competency a name." in blank.get_data(as_text=True)

    duplicate = client.post_form(url, dict(typed, name="professionalism"), page=url)
    text = duplicate.get_data(as_text=True)
    assert "Another competency already has this name." in text and 'value="professionalism"' in text
    too_long = client.post_form(url, dict(typed, name="Communication", emerging="x" * 4001), page=url)
    assert "Field cannot be longer than 4000 characters." in too_long.get_data(as_text=True)
    with app.app_context():
        assert competency("communication").description != "Kept description"

    saved = client.post_form(url, {
        "name": "Communication skills", "description": "Sharing information clearly.",
        "emerging": "- **Listens** when reminded", "developing": "- Asks questions", "proficient": "- Explains",
        "assessment": "Rate at the *midpoint*.",
    }, page=url)
    assert saved.status_code == 302 and saved.headers["Location"] == "/competencies/communication"
    page = client.get("/competencies/communication").get_data(as_text=True)
    assert "Your changes to “Communication skills” are saved." in page
    assert "<strong>Listens</strong> when reminded" in page and "<em>midpoint</em>" in page
    with app.app_context():
        edited = competency("communication")
        assert (edited.name, edited.slug, edited.proficient) == ("Communication skills", "communication",
                                                                 "- Explains")
    # Keeping its own name is not a clash.
    again = client.post_form(url, {"name": "Communication skills"}, page=url)
    assert again.status_code == 302


def test_facilitator_adds_a_competency_at_the_end(app, client, facilitator, login):
    login(facilitator)
    url = "/competencies/new"
    assert "Add a competency" in client.get("/competencies/").get_data(as_text=True)
    assert client.get(url).status_code == 200
    bad = client.post_form(url, {"name": "Critical thinking", "slug": "Critical Thinking!"}, page=url)
    assert "Lowercase letters, digits and hyphens only." in bad.get_data(as_text=True)
    taken = client.post_form(url, {"name": "Critical thinking", "slug": "teamwork"}, page=url)
    assert "Another competency already has this address." in taken.get_data(as_text=True)
    reserved = client.post_form(url, {"name": "Critical thinking", "slug": "new"}, page=url)
    assert "choose another" in reserved.get_data(as_text=True)
    clash = client.post_form(url, {"name": "TEAMWORK", "slug": "teamwork-2"}, page=url)
    assert "Another competency already has this name." in clash.get_data(as_text=True)

    created = client.post_form(url, {"name": "Critical thinking", "slug": "critical-thinking",
                                     "description": "Weighing evidence.", "emerging": "- Guesses"}, page=url)
    assert created.status_code == 302 and created.headers["Location"] == "/competencies/critical-thinking"
    page = client.get("/competencies/critical-thinking").get_data(as_text=True)
    assert "Critical thinking" in page and "<li>Guesses</li>" in page
    with app.app_context():
        positions = db.session.scalars(sa.select(Competency.slug).order_by(Competency.position)).all()
        assert positions[-1] == "critical-thinking" and len(positions) == 7


def test_competency_page_runs_a_constant_number_of_statements(app, client, member, make_user, make_org, login,
                                                              count_queries):
    login(member)

    def statements(path):
        with count_queries() as tally:
            assert client.get(path).status_code == 200
        return tally.count

    for n in range(2):
        add_practice(app, make_user(org=make_org()), f"Practice {n}")
    few = statements("/competencies/communication"), statements("/competencies/")
    for n in range(10):
        add_practice(app, make_user(org=make_org()), f"More practice {n}", competencies=("communication", "teamwork"))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Practice.id))) == 12
    assert (statements("/competencies/communication"), statements("/competencies/")) == few
