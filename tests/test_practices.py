"""The practice library: writing, previewing, publishing, filtering, revising, feedback, attachments,
permissions and feeds."""

import io
import re
from datetime import timedelta

import feedparser
import pytest
import sqlalchemy as sa

from cop import storage
from cop.auth.models import Role
from cop.extensions import db, utcnow
from cop.practices import services
from cop.practices.models import Practice, PracticeStatus, Topic
from cop.text import render_markdown
from tests.conftest import made_in

BODY = """## Why we changed

Our coordinator spent **half her time** on paperwork.

- One intake form
- One placement calendar

| Role | FTE |
| --- | --- |
| Coordinator | 0.5 |

Read the [state guide](https://labor.example/guide) or [our page](/practices/).
"""


@pytest.fixture
def make_practice(app, member):
    def make_practice(author=None, title="How we staff our internship", topics=("staffing",), publish=True,
                      body=BODY, competencies=(), **classification):
        with made_in(app) as finish:
            author = db.session.merge(author or member)
            chosen = db.session.scalars(sa.select(Topic).where(Topic.slug.in_(topics))).all()
            from cop.competencies.models import Competency

            comps = db.session.scalars(sa.select(Competency).where(Competency.slug.in_(competencies))).all()
            practice = services.create_practice(
                author, title=title, summary=f"Summary of {title}.", body=body, publish=publish,
                classification=services.Classification(topics=chosen, competencies=comps, **classification))
            db.session.commit()
            return finish(practice)

    return make_practice


def form_data(**overrides):
    data = {"title": "Pairing each intern with a peer mentor", "summary": "Last year's interns mentor this year's.",
            "body": BODY, "topics": [], "tags": "peer-mentors, Retention", "program_types": ["internship"],
            "student_levels": ["high-school"], "industries": ["Healthcare"]}
    data.update(overrides)
    return data


def topic_id(app, slug):
    with app.app_context():
        return db.session.scalar(sa.select(Topic.id).where(Topic.slug == slug))


# Markdown, safely

@pytest.mark.parametrize("dangerous", [
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "[click](javascript:alert(1))",
    '<iframe src="https://evil.example"></iframe>', '<p style="color:red" onclick="x()">hi</p>',
    "![x](data:text/html;base64,PHNjcmlwdD4=)", '<a href="vbscript:msgbox(1)">v</a>', "<svg onload=alert(1)>",
])
def test_markdown_sanitizer_removes_everything_that_could_run(dangerous):
    html = render_markdown(dangerous)
    for bad in ("<script", "onerror", "javascript:", "<iframe", "style=", "onclick", "data:", "vbscript:", "onload"):
        assert bad not in html.lower()


def test_markdown_keeps_structure_and_marks_outside_links():
    html = render_markdown(BODY)
    assert '<h2 id="why-we-changed">' in html and "<table>" in html and "<li>One intake form</li>" in html
    assert 'href="https://labor.example/guide" rel="nofollow noopener noreferrer"' in html
    assert '<a href="/practices/">our page</a>' in html


# Writing and publishing

def test_preview_renders_without_saving(app, client, member, login):
    login(member)
    response = client.post_form("/practices/new", form_data(topics=[topic_id(app, "staffing")], preview="Preview"),
                                page="/practices/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Preview" in page and '<h2 id="why-we-changed">' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Practice.id))) == 0


def test_publish_then_find_by_every_filter(app, client, member, login):
    login(member)
    data = form_data(topics=[topic_id(app, "staffing"), topic_id(app, "supervision-and-mentoring")],
                     publish="Publish")
    response = client.post_form("/practices/new", data, page="/practices/new")
    assert response.status_code == 302
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Pairing each intern with a peer mentor" in detail and "<table>" in detail
    title = "Pairing each intern with a peer mentor"
    for query in ["topic=staffing", "industry=Healthcare", "program_type=internship", "student_level=high-school",
                  f"organization={member.organization.slug}", "tag=retention",
                  "topic=supervision-and-mentoring&industry=Healthcare&program_type=internship&sort=helpful"]:
        assert title in client.get(f"/practices/?{query}").get_data(as_text=True), query
    for query in ["topic=budget-and-funding", "industry=Construction and Skilled Trades", "tag=nothing-like-it",
                  "topic=staffing&program_type=apprenticeship"]:
        assert title not in client.get(f"/practices/?{query}").get_data(as_text=True), query
    assert title in client.get("/practices/topics/staffing").get_data(as_text=True)
    assert title in client.get(f"/orgs/{member.organization.slug}").get_data(as_text=True)


def test_missing_fields_keep_what_was_typed(app, client, member, login):
    login(member)
    response = client.post_form("/practices/new", form_data(title="", topics=[], publish="Publish"),
                                page="/practices/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choose at least one topic." in page
    assert "Last year&#39;s interns mentor this year&#39;s." in page


def test_drafts_are_seen_by_author_and_facilitators_only(app, client, member, facilitator, make_user,
                                                         make_practice, login):
    draft = make_practice(publish=False, title="Half-finished budget memo")
    colleague_manager = make_user(org=member.organization, role=Role.manager)
    stranger = make_user()
    for user, status in ((member, 200), (colleague_manager, 200), (facilitator, 200), (stranger, 404)):
        viewer = app.test_client()
        login(user, client=viewer)
        assert viewer.get(f"/practices/{draft.id}").status_code == status, user.name
        listed = "Half-finished budget memo" in viewer.get("/practices/").get_data(as_text=True)
        assert not listed


def test_only_author_managers_and_facilitators_edit(app, member, make_user, facilitator, make_practice, login):
    practice = make_practice()
    manager = make_user(org=member.organization, role=Role.manager)
    other_member = make_user(org=member.organization)
    other_manager = make_user(role=Role.manager)
    for user, status in ((member, 200), (manager, 200), (facilitator, 200), (other_member, 403),
                         (other_manager, 403)):
        client = app.test_client()
        login(user, client=client)
        assert client.get(f"/practices/{practice.id}/edit").status_code == status
        posted = client.post_form(f"/practices/{practice.id}/edit", form_data(
            topics=[topic_id(app, "staffing")]), page="/")
        assert posted.status_code == (302 if status == 200 else 403)


def test_edits_keep_revisions_that_compare_and_restore(app, client, member, make_practice, login):
    practice = make_practice()
    login(member)
    edited = BODY.replace("**half her time**", "**a third of her time**")
    client.post_form(f"/practices/{practice.id}/edit", form_data(
        title=practice.title, summary=practice.summary, body=edited, topics=[topic_id(app, "staffing")],
        note="Corrected the share of time"), page=f"/practices/{practice.id}/edit")
    history = client.get(f"/practices/{practice.id}/history").get_data(as_text=True)
    assert "Corrected the share of time" in history and "Maria Member" in history
    diff = client.get(f"/practices/{practice.id}/history/compare?from=1&to=2").get_data(as_text=True)
    assert "<del>**half</del>" in diff or "<del>" in diff
    assert "<ins>" in diff and "third" in diff
    client.post_form(f"/practices/{practice.id}/revisions/1/restore", page=f"/practices/{practice.id}/history")
    with app.app_context():
        restored = db.session.get(Practice, practice.id)
        assert "half her time" in restored.body and restored.revision_count == 3
        assert "half her time" in restored.body_html


def test_compare_rejects_bad_revision_numbers(client, member, make_practice, login):
    practice = make_practice()
    login(member)
    assert client.get(f"/practices/{practice.id}/history/compare?from=1&to=9").status_code == 404
    assert client.get(f"/practices/{practice.id}/history/compare?from=x").status_code == 400


# Feedback and keeping

def test_helpful_is_one_per_member_and_not_for_the_author(app, member, make_user, make_practice, login):
    practice = make_practice()
    reader = make_user()
    client = app.test_client()
    login(reader, client=client)
    client.post_form(f"/practices/{practice.id}/helpful", page=f"/practices/{practice.id}")
    with app.app_context():
        assert db.session.get(Practice, practice.id).helpful_count == 1
    client.post_form(f"/practices/{practice.id}/helpful", page=f"/practices/{practice.id}")
    with app.app_context():
        assert db.session.get(Practice, practice.id).helpful_count == 0, "a second press takes the mark back"
    author = app.test_client()
    login(member, client=author)
    author.post_form(f"/practices/{practice.id}/helpful", page=f"/practices/{practice.id}")
    with app.app_context():
        assert db.session.get(Practice, practice.id).helpful_count == 0


def test_sort_by_most_helpful(app, ctx, member, make_user, make_practice):
    quiet = make_practice(title="Quiet practice")
    loved = make_practice(title="Loved practice")
    for _ in range(3):
        services.mark_helpful(loved, make_user())
    services.mark_helpful(quiet, make_user())
    db.session.commit()
    ordered = db.session.scalars(services.sort_practices(services.visible_practices(), "helpful")).all()
    assert [p.title for p in ordered] == ["Loved practice", "Quiet practice"]


def test_saved_list_and_profile(app, client, member, make_user, make_practice, login):
    practice = make_practice(author=make_user(), title="Transportation stipends that work")
    login(member)
    client.post_form(f"/practices/{practice.id}/save", page=f"/practices/{practice.id}")
    assert "Transportation stipends that work" in client.get("/practices/saved").get_data(as_text=True)
    assert "Transportation stipends that work" in client.get(f"/members/{member.id}").get_data(as_text=True)


def test_views_count_once_per_session_and_never_for_the_author(app, member, make_user, make_practice, login):
    practice = make_practice()
    author = app.test_client()
    login(member, client=author)
    # Like a WSGI server, close each response: the count is written after the page has gone out.
    author.get(f"/practices/{practice.id}").close()
    reader = app.test_client()
    login(make_user(), client=reader)
    reader.get(f"/practices/{practice.id}").close()
    reader.get(f"/practices/{practice.id}").close()
    with app.app_context():
        assert db.session.get(Practice, practice.id).view_count == 1


# Deleting, unpublishing, restoring

def test_delete_is_reversible_by_a_facilitator_for_30_days(app, client, member, facilitator, make_practice, login):
    practice = make_practice(title="Soon deleted")
    login(member)
    client.post_form(f"/practices/{practice.id}/delete", page=f"/practices/{practice.id}")
    assert client.get(f"/practices/{practice.id}").status_code == 404
    assert "Soon deleted" not in client.get("/practices/").get_data(as_text=True)
    assert client.post_form(f"/practices/{practice.id}/restore", page="/").status_code in (403, 404)
    fac = app.test_client()
    login(facilitator, client=fac)
    assert "Soon deleted" in fac.get("/practices/trash").get_data(as_text=True)
    fac.post_form(f"/practices/{practice.id}/restore", page="/practices/trash")
    assert "Soon deleted" in client.get("/practices/").get_data(as_text=True)


def test_old_deletions_cannot_be_restored_and_are_purged(app, ctx, member, facilitator, make_practice, runner):
    practice = make_practice(title="Long gone")
    services.delete_practice(practice, by=member)
    practice.deleted_at = utcnow() - timedelta(days=31)
    db.session.commit()
    with pytest.raises(services.LibraryError):
        services.restore_practice(practice, by=facilitator)
    db.session.rollback()
    assert "Purged 1 practice(s)." in runner.invoke(args=["practices", "purge-deleted"]).output
    db.session.expire_all()
    assert db.session.get(Practice, practice.id) is None


def test_facilitator_unpublishes_and_counts_follow(app, ctx, facilitator, member, make_practice):
    practice = make_practice()
    staffing = db.session.scalar(sa.select(Topic).where(Topic.slug == "staffing"))
    db.session.refresh(staffing)
    assert staffing.practice_count == 1
    with pytest.raises(services.LibraryError):
        services.unpublish_practice(practice, by=member)
    services.unpublish_practice(practice, by=facilitator)
    db.session.commit()
    db.session.refresh(staffing)
    assert practice.status is PracticeStatus.draft and staffing.practice_count == 0


# Attachments

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def test_attachments_are_checked_by_content_and_served_as_downloads(app, client, member, make_user,
                                                                    make_practice, login):
    practice = make_practice()
    login(member)
    url = f"/practices/{practice.id}/attachments"
    client.post_form(url, {"file": (io.BytesIO(PDF), "Budget template.pdf")}, page=f"/practices/{practice.id}",
                     content_type="multipart/form-data")
    fake = client.post_form(url, {"file": (io.BytesIO(b"MZ\x90\x00 this is an exe"), "harmless.pdf")},
                            page=f"/practices/{practice.id}", content_type="multipart/form-data",
                            follow_redirects=True)
    assert "contents must match" in fake.get_data(as_text=True)
    with app.app_context():
        [attachment] = db.session.get(Practice, practice.id).attachments
        assert attachment.filename == "Budget template.pdf" and attachment.stored_name != attachment.filename
    download = client.get(f"/practices/{practice.id}/attachments/{attachment.id}")
    assert download.data == PDF and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert app.test_client().get(f"/practices/{practice.id}/attachments/{attachment.id}").status_code == 302
    reader = app.test_client()
    login(make_user(), client=reader)
    assert reader.post_form(url, {"file": (io.BytesIO(PDF), "x.pdf")}, page="/",
                            content_type="multipart/form-data").status_code == 403


def test_attachment_size_limit(app, client, member, make_practice, login):
    app.config["COP_ATTACHMENT_MAX_BYTES"] = 100
    practice = make_practice()
    login(member)
    response = client.post_form(f"/practices/{practice.id}/attachments",
                                {"file": (io.BytesIO(PDF + b"0" * 200), "big.pdf")}, page=f"/practices/{practice.id}",
                                content_type="multipart/form-data", follow_redirects=True)
    assert "larger than" in response.get_data(as_text=True)


def test_office_documents_are_recognised(app, ctx):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    buffer.seek(0)
    assert storage.sniff_type(buffer.read(8), buffer) == "xlsx"
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("evil.js", "alert(1)")
    plain_zip.seek(0)
    assert storage.sniff_type(plain_zip.read(8), plain_zip) is None


# Feeds

def test_atom_feeds_parse_and_need_the_secret_token(app, client, member, make_practice, login):
    make_practice(title="Budget split between HR and operations", topics=("budget-and-funding",))
    make_practice(title="Staffing the coordinator role")
    login(member)
    page = client.get("/practices/feeds").get_data(as_text=True)
    feed_url = re.search(r'value="https://cop\.example(/practices/feed/[^"]+\.atom)"', page).group(1)
    anonymous = app.test_client()
    parsed = feedparser.parse(anonymous.get(feed_url).data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert {e.title for e in parsed.entries} == {"Budget split between HR and operations",
                                                 "Staffing the coordinator role"}
    token = feed_url.split("/")[-1].removesuffix(".atom")
    topic_feed = feedparser.parse(anonymous.get(f"/practices/topics/budget-and-funding/feed/{token}.atom").data)
    assert [e.title for e in topic_feed.entries] == ["Budget split between HR and operations"]
    assert anonymous.get("/practices/feed/not-the-token.atom").status_code == 404
    client.post_form("/practices/feeds", page="/practices/feeds")
    assert anonymous.get(feed_url).status_code == 404, "renewing the token retires the old address"


# Statement counts

@pytest.mark.parametrize("path", ["/practices/", "/practices/?topic=staffing&sort=helpful",
                                  "/practices/topics/staffing", "/practices/saved", "ORG"])
def test_list_pages_run_a_constant_number_of_statements(app, client, member, make_practice, make_user, login,
                                                        count_queries, path):
    login(member)
    path = f"/orgs/{member.organization.slug}" if path == "ORG" else path

    def add(n):
        for i in range(n):
            practice = make_practice(author=make_user(org=member.organization), title=f"Practice {i}",
                                     topics=("staffing", "budget-and-funding"), competencies=("teamwork",),
                                     tags=["a", "b"], industries=["Healthcare"], program_types=["internship"])
            client.post_form(f"/practices/{practice.id}/save", page="/practices/")

    def statements():
        with count_queries() as tally:
            assert client.get(path).status_code == 200
        return tally.count

    add(2)
    few = statements()
    add(9)
    assert statements() == few


def test_practice_page_runs_a_constant_number_of_statements(app, client, member, make_practice, make_user, login,
                                                            count_queries):
    login(make_user())
    small = make_practice(title="Small", tags=["one"])
    big = make_practice(title="Big", topics=("staffing", "budget-and-funding", "internal-buy-in"),
                        competencies=("teamwork", "communication"), tags=["a", "b", "c", "d"],
                        industries=["Healthcare", "Financial Services"], program_types=["internship", "job-shadow"])
    counts = []
    for practice in (small, big):
        client.get(f"/practices/{practice.id}")  # first view writes the view count
        with count_queries() as tally:
            client.get(f"/practices/{practice.id}")
        counts.append(tally.count)
    assert counts[0] == counts[1]
