"""Hostile text and numbers: NUL and control characters, numbers too big for the database, blank or
multi-line titles, and SQL errors that must not log their parameters. Never a 500, on SQLite and PostgreSQL."""

import html
import logging

import pytest
import sqlalchemy as sa

from cop.auth.models import User
from cop.discussions.models import Reply, Thread
from cop.extensions import db
from cop.mail import OutboxMessage, OutboxStatus, deliver
from cop.practices.models import Practice, Topic
from tests.test_discussions import make_practice, make_reply, make_thread  # noqa: F401  (fixtures)

HUGE = "999999999999999999999999999999"


def topic_id(app, slug="staffing"):
    with app.app_context():
        return db.session.scalar(sa.select(Topic.id).where(Topic.slug == slug))


# NUL and other control characters

def test_nul_in_the_sign_in_e_mail_is_not_a_500(client):
    response = client.post_form("/auth/signin", {"email": "a\x00b@example.com", "password": "whatever it is"})
    assert response.status_code in (200, 400)


def test_nul_in_the_join_form_is_stripped(app, client, make_org):
    org = make_org("Crestline Fabrication")
    response = client.post_form("/auth/join", {
        "name": "Jo\x00 New\x07member", "email": "jo@crestline.example", "organization": str(org.id),
        "new_org_kind": "member_company", "note": "Wel\x00ding\r\ninternships.",
        "password": "correct horse battery", "confirm": "correct horse battery",
    }, page="/auth/join")
    assert response.status_code == 200
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "jo@crestline.example"))
        assert user.name == "Jo Newmember"


def test_thread_and_reply_text_lose_nul_and_title_loses_line_breaks_and_bidi(app, client, member, login):
    login(member)
    response = client.post_form("/discussions/new", {
        "title": "Who\x00 pays\r\nfor \u202ebus\u202c passes?", "kind": "question", "category": "budget-and-funding",
        "practice": "", "body": "Line\x00 one\nline\ttwo"}, page="/discussions/new")
    assert response.status_code == 302
    with app.app_context():
        thread = db.session.scalar(sa.select(Thread))
        assert thread.title == "Who paysfor bus passes?" and thread.body == "Line one\nline\ttwo"
    path = response.headers["Location"]
    replied = client.post_form(f"{path}/reply", {"body": "Bo\x00ots"}, page=path)
    assert replied.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Reply.body)) == "Boots"


def test_practice_text_loses_nul(app, client, member, login):
    login(member)
    response = client.post_form("/practices/new", {
        "title": "Peer\x00 mentors", "summary": "Last year's\x00 interns.", "body": "## Why\x00\n\nBecause.",
        "topics": [topic_id(app)], "save": "Save draft"}, page="/practices/new")
    assert response.status_code == 302
    with app.app_context():
        practice = db.session.scalar(sa.select(Practice))
        assert (practice.title, practice.summary) == ("Peer mentors", "Last year's interns.")
        assert "\x00" not in practice.body


def test_profile_name_loses_nul_and_bidi_overrides(app, client, member, login):
    login(member)
    response = client.post_form("/auth/settings", {"name": "Maria\x00 \u2067Lopez\u2069", "title": "",
                                                   "bio": "", "timezone": "America/Denver"}, page="/auth/settings")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, member.id).name == "Maria Lopez"


def test_nul_in_a_query_string_is_refused_before_the_database(client, member, login):
    login(member)
    for url in ["/search/?q=a%00b", "/members/?q=a%00b", "/orgs/?q=%00", "/practices/?tag=a%00",
                "/practices/feed/a%00b.atom", "/orgs/a%00b", "/auth/reset/a%00b"]:
        assert client.get(url).status_code == 400, url


# Blank titles

@pytest.mark.parametrize("title", ["     ", "\u200b\u200b\u200b", " \u2060\ufeff "])
def test_a_title_of_spaces_or_invisible_characters_is_refused(app, client, member, login, title):
    login(member)
    thread = client.post_form("/discussions/new", {"title": title, "kind": "question", "category": "staffing",
                                                   "practice": "", "body": "Body"}, page="/discussions/new")
    practice = client.post_form("/practices/new", {"title": title, "summary": "S", "body": "B",
                                                   "topics": [topic_id(app)], "save": "Save draft"},
                                page="/practices/new")
    profile = client.post_form("/auth/settings", {"name": title, "timezone": "America/Denver"},
                               page="/auth/settings")
    assert thread.status_code == 200 and "Enter a title." in thread.get_data(as_text=True)
    assert practice.status_code == 200 and "Enter a title." in practice.get_data(as_text=True)
    assert profile.status_code == 200 and "Enter a name." in profile.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Thread.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Practice.id))) == 0


# Numbers too big for the database

def test_numbers_too_big_for_the_database_find_nothing(client, member, login, make_thread, make_reply):
    thread = make_thread()
    login(member)
    for url in [f"/practices/?page={HUGE}", f"/events/?page={HUGE}", f"/discussions/?page={HUGE}",
                f"/discussions/{thread.id}?page={HUGE}", f"/discussions/{thread.id}/reply?to={HUGE}",
                f"/programs/compare?ids={HUGE}", f"/discussions/{thread.id}/reply?to={2**63}",
                "/practices/99999999999", "/discussions/99999999999", f"/events/{2**31}"]:
        assert client.get(url).status_code == 404, url


def test_a_parent_id_too_big_for_the_database_is_not_a_500(client, member, login, make_thread):
    thread = make_thread()
    login(member)
    path = f"/discussions/{thread.id}"
    response = client.post_form(f"{path}/reply", {"body": "Hello", "parent_id": str(2**63)}, page=path)
    assert response.status_code in (200, 404)



@pytest.mark.parametrize("number", ["+-5", "\u00b2", "9" * 5000])
def test_a_number_int_refuses_is_not_a_500(client, member, login, make_thread, number):
    """Each is a digit string to str.isdigit (once its signs are stripped) that int() refuses."""
    thread = make_thread()
    login(member)
    for url in ["/practices/", "/events/", f"/discussions/{thread.id}", f"/discussions/{thread.id}/reply"]:
        response = client.get(url, query_string={"page": number, "to": number})
        assert response.status_code in (200, 400, 404), url
    path = f"/discussions/{thread.id}"
    response = client.post_form(f"{path}/reply", {"body": "Hello", "parent_id": "\u00b2"}, page=path)
    assert response.status_code in (200, 302, 404)

# Secrets stay out of the logs

def test_a_failed_statement_does_not_carry_its_parameters(app, caplog):
    with app.app_context(), caplog.at_level(logging.INFO):
        with pytest.raises(sa.exc.DBAPIError) as failure:
            db.session.execute(sa.text("INSERT INTO no_such_table (token) VALUES (:token)"),
                               {"token": "session-token-s3cret"})
        db.session.rollback()
        logging.getLogger("cop.errors").error("failed", exc_info=failure.value)
    assert "session-token-s3cret" not in str(failure.value)
    assert all("session-token-s3cret" not in record.getMessage() + str(record.exc_info) for record in caplog.records)
    assert "session-token-s3cret" not in caplog.text


# Mail headers from older rows

def test_a_line_break_in_an_old_subject_does_not_stop_delivery(app):
    with app.app_context():
        message = OutboxMessage(to="someone@example.org", subject="New reply in “Who\r\npays?”", body_text="Hi")
        db.session.add(message)
        db.session.commit()
        assert deliver(message) and message.status is OutboxStatus.sent


# Bidi controls in older rows

def test_a_bidi_override_in_an_old_name_or_title_is_not_printed(app, client, member, login, make_thread):
    thread = make_thread(author=member)
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == member.id).values(name="Maria \u202eLopez\u202c Smith"))
        db.session.execute(sa.update(Thread).where(Thread.id == thread.id).values(title="Who \u2067pays\u2069 for buses?"))
        db.session.commit()
    login(member)
    for url in ["/members/", f"/members/{member.id}", "/discussions/", f"/discussions/{thread.id}"]:
        page = html.unescape(client.get(url).get_data(as_text=True))  # cached pages send &#8238; for U+202E
        assert "Maria Lopez Smith" in page or "Who pays for buses?" in page, url
        assert not any(c in page for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), url
