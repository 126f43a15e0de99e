"""Private messages: a conversation is its members' alone (by page, notification, search and feed, and its
files), the unread count follows what they read, and leaving, muting, blocking and reporting do what they say."""

import html
import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from cop.auth.models import MemberStatus, User
from cop.extensions import db
from cop.mail import flush_outbox
from cop.messages import services
from cop.messages.models import Conversation, Message, MessageAttachment, MessageReport
from cop.notifications.models import Notification
from tests.conftest import mail_text


def _start(app, sender, recipients, subject="Apprentice budget spreadsheet",
           body="Could I see **your** apprentice budget spreadsheet?"):
    with app.app_context():
        conversation = services.start_conversation(db.session.get(User, sender.id),
                                                   [db.session.get(User, r.id) for r in recipients], subject, body)
        db.session.commit()
        flush_outbox()
        return conversation.id


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_member_starts_a_conversation_from_a_profile_and_the_other_answers(app, client, login, make_user,
                                                                              outbox):
    asker, peer = make_user(name="Asha Asker"), make_user(name="Pat Peer")
    login(asker)
    profile = _text(client.get(f"/members/{peer.id}"))
    assert "Send Pat Peer a message" in profile
    response = client.post_form(f"/messages/new?to={peer.id}",
                                {"subject": "Your budget", "body": "How do you split the apprentice wages?"},
                                page=f"/messages/new?to={peer.id}")
    assert response.status_code == 302
    conversation_url = response.headers["Location"]
    with app.app_context():
        flush_outbox()
    [mail] = outbox(peer.email)
    assert "Asha Asker wrote in “Your budget”" in mail_text(mail)
    client.post_form("/auth/signout", {}, page="/")

    login(peer)
    assert ">Messages <span class=\"badge\">1<" in client.get("/messages/").get_data(as_text=True)
    page = _text(client.get(conversation_url))
    assert "How do you split the apprentice wages?" in page
    assert ">Messages <span class=\"badge\">" not in client.get("/messages/").get_data(as_text=True)
    conversation_id = int(conversation_url.rstrip("/").split("/")[-1].split("#")[0])
    client.post_form(f"/messages/{conversation_id}/reply", {"body": "Half HR, half the plant."}, page=conversation_url)
    with app.app_context():
        bodies = db.session.scalars(sa.select(Message.body).where(Message.conversation_id == conversation_id)
                                    .order_by(Message.id)).all()
        assert bodies == ["How do you split the apprentice wages?", "Half HR, half the plant."]


def test_nobody_outside_a_conversation_reaches_it(app, client, login, make_user, facilitator):
    sender, reader, outsider = make_user(name="Sam Sender"), make_user(name="Rae Reader"), make_user(name="Oz Out")
    conversation_id = _start(app, sender, [reader], subject="Private budget talk",
                             body="Our wage band is 18 to 21 dollars.")
    with app.app_context():
        message_id = db.session.scalar(sa.select(Message.id).where(Message.conversation_id == conversation_id))
    for who in (outsider, facilitator):
        login(who)
        assert client.get(f"/messages/{conversation_id}").status_code == 404
        for action in ("reply", "leave", "mute", f"messages/{message_id}/report"):
            assert client.post_form(f"/messages/{conversation_id}/{action}", {"body": "x"},
                                    page="/messages/").status_code == 404, action
        assert "Private budget talk" not in _text(client.get("/messages/"))
        assert "18 to 21" not in _text(client.get("/search/?q=wage+band"))
        assert "Private budget talk" not in _text(client.get("/notifications/"))
        client.post_form("/auth/signout", {}, page="/")
    with app.app_context():
        told = db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "message")).all()
        assert told == [reader.id]
        assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 1  # nothing was added by outsiders


def test_leaving_muting_and_blocking(app, client, login, make_user):
    one, two, three = make_user(name="One Person"), make_user(name="Two Person"), make_user(name="Three Person")
    conversation_id = _start(app, one, [two, three])
    login(two)
    client.post_form(f"/messages/{conversation_id}/mute", {}, page=f"/messages/{conversation_id}")
    client.post_form(f"/messages/{conversation_id}/reply", {"body": "Muted but still here."},
                     page=f"/messages/{conversation_id}")
    client.post_form("/auth/signout", {}, page="/")
    login(three)
    client.post_form(f"/messages/{conversation_id}/leave", {}, page=f"/messages/{conversation_id}")
    assert client.get(f"/messages/{conversation_id}").status_code == 404
    client.post_form(f"/messages/people/{one.id}/block", {}, page=f"/members/{one.id}")
    client.post_form("/auth/signout", {}, page="/")
    with app.app_context():
        before = {u: db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == u, Notification.kind == "message")) for u in (two.id, three.id)}
        services.add_message(db.session.get(Conversation, conversation_id), db.session.get(User, one.id), "Anyone?")
        db.session.commit()
        after = {u: db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == u, Notification.kind == "message")) for u in (two.id, three.id)}
        assert after == before  # two muted it, three left it
    login(one)
    refused = client.post_form(f"/messages/new?to={three.id}", {"subject": "Hi", "body": "Hello again"},
                               page=f"/messages/new?to={three.id}")
    assert refused.status_code == 200 and "Three Person doesn't take messages from you." in _text(refused)


def test_a_reported_message_is_the_only_one_the_facilitators_read(app, client, login, make_user, facilitator):
    rude, reporter = make_user(name="Rude Writer"), make_user(name="Rita Reporter")
    conversation_id = _start(app, rude, [reporter], body="First, a fair question about stipends.")
    with app.app_context():
        rude_message = services.add_message(db.session.get(Conversation, conversation_id),
                                            db.session.get(User, rude.id), "Something nobody should write.")
        db.session.commit()
        rude_id = rude_message.id
    login(reporter)
    client.post_form(f"/messages/{conversation_id}/messages/{rude_id}/report", {"reason": "Abusive"},
                     page=f"/messages/{conversation_id}")
    client.post_form("/auth/signout", {}, page="/")
    login(facilitator)
    page = _text(client.get("/messages/reports"))
    assert "Something nobody should write." in page and "Abusive" in page
    assert "a fair question about stipends" not in page
    with app.app_context():
        report_id = db.session.scalar(sa.select(MessageReport.id))
    client.post_form(f"/messages/reports/{report_id}/resolve", {}, page="/messages/reports")
    assert "No open reports." in _text(client.get("/messages/reports"))


def test_a_conversation_holds_at_most_ten_people(app, make_user):
    people = [make_user() for _ in range(11)]
    with app.app_context():
        sender = db.session.get(User, people[0].id)
        try:
            services.start_conversation(sender, [db.session.get(User, p.id) for p in people[1:]], "Too many", "Hi")
        except services.MessageError as error:
            assert "at most 10 people" in str(error)
        else:
            raise AssertionError("eleven people were let into one conversation")


PDF = b"%PDF-1.4\n% the apprentice budget\n%%EOF\n"


def _stored_files(app) -> set[str]:
    return {path.name for path in Path(app.config["COP_UPLOAD_DIR"]).iterdir() if path.is_file()}


def test_files_sent_in_a_conversation_reach_its_current_members_and_nobody_else(app, client, login, make_user,
                                                                                  facilitator):
    sender, reader, leaver = make_user(name="Sam Sender"), make_user(name="Rae Reader"), make_user(name="Lee Leaver")
    outsider = make_user(name="Oz Outsider")
    login(sender)
    # A plain multipart form, as a browser without JavaScript sends it.
    response = client.post_form(f"/messages/new?to={reader.id}&to={leaver.id}",
                                {"subject": "Budget sheet", "body": "Here is our sheet.",
                                 "files": [(io.BytesIO(PDF), "Apprentice budget 2027.pdf")]},
                                page=f"/messages/new?to={reader.id}")
    assert response.status_code == 302, _text(response)[:2000]
    conversation_id = int(response.headers["Location"].split("/")[-1])
    with app.app_context():
        file_id = db.session.scalar(sa.select(MessageAttachment.id))
    # A second conversation of the reader's, to ask for the file through a conversation it is not in.
    elsewhere = _start(app, reader, [outsider], subject="Something else")
    client.post_form("/auth/signout", {}, page="/")

    url = f"/messages/{conversation_id}/files/{file_id}"
    login(leaver)
    client.post_form(f"/messages/{conversation_id}/leave", {}, page=f"/messages/{conversation_id}")
    assert client.get(url).status_code == 404  # a former member of the conversation
    client.post_form("/auth/signout", {}, page="/")
    login(reader)
    page = _text(client.get(f"/messages/{conversation_id}"))
    assert "Apprentice budget 2027.pdf" in page and url in page
    download = client.get(url)
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "no-store" in download.headers["Cache-Control"]
    assert client.get(f"/messages/{elsewhere}/files/{file_id}").status_code == 404
    assert client.get(f"/messages/{conversation_id}/files/{file_id + 1}").status_code == 404
    client.post_form("/auth/signout", {}, page="/")
    for who in (outsider, facilitator):
        login(who)
        assert client.get(url).status_code == 404
        client.post_form("/auth/signout", {}, page="/")
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/auth/signin" in anonymous.headers["Location"]


def test_a_file_that_is_not_what_it_claims_is_refused_and_the_message_kept(app, client, login, make_user):
    sender, reader = make_user(name="Sam Sender"), make_user(name="Rae Reader")
    conversation_id = _start(app, sender, [reader])
    before = _stored_files(app)
    login(reader)
    response = client.post_form(f"/messages/{conversation_id}/reply",
                                {"body": "The sheet, as promised.",
                                 "files": [(io.BytesIO(PDF), "sheet.pdf"),
                                           (io.BytesIO(b"MZ\x90\x00 not a spreadsheet"), "sheet.xlsx")]},
                                page=f"/messages/{conversation_id}")
    assert response.status_code == 400
    page = _text(response)
    assert "sheet.xlsx: Only PDF, Word, Excel, PowerPoint, PNG and JPG files can be attached" in page
    assert "The sheet, as promised.</textarea>" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(MessageAttachment.id))) == 0
    assert _stored_files(app) == before  # the PDF written before the refusal went with the rollback
    too_many = client.post_form(f"/messages/{conversation_id}/reply",
                                {"body": "Six files.", "files": [(io.BytesIO(PDF), f"{n}.pdf") for n in range(6)]},
                                page=f"/messages/{conversation_id}")
    assert too_many.status_code == 400 and "A message carries up to 5 files." in _text(too_many)


# "Message the author" on posts: for everyone who may write to the author, and nobody else.

@pytest.fixture
def posts(app, make_user):
    """A published practice, a thread and a reply, by three authors, and the readers around them."""
    from cop.discussions import services as talk
    from cop.discussions.models import ThreadKind
    from cop.practices import services as library

    people = {key: make_user(name=f"{key.title()} Person") for key in
              ("writer", "asker", "replier", "reader", "blocker", "blocked")}
    with app.app_context():
        person = {key: db.session.get(User, p.id) for key, p in people.items()}
        # Another author's practice first, so that each page must find its own practice's author.
        library.create_practice(person["reader"], title="Badge photos on day one", summary="Why.", body="Trust.",
                                publish=True)
        practice = library.create_practice(person["writer"], title="Rotations across three plants", summary="How.",
                                           body="Every apprentice rotates.", publish=True)
        thread = talk.create_thread(person["asker"], title="Who pays for safety boots?", body="We do.",
                                    kind=ThreadKind.question, category=talk.category_for("general"))
        db.session.flush()
        reply = talk.add_reply(thread, person["replier"], "The business unit pays.")
        for author in ("writer", "asker", "replier"):
            services.block(person["blocker"], person[author])  # the blocker blocked every author...
            services.block(person[author], person["blocked"])  # ...and every author blocked "blocked"
        db.session.commit()
        ids = {"practice": practice.id, "thread": thread.id, "reply": reply.id}
    return people, ids


def _offered(client, page: str) -> set[str]:
    """The "Message the author" links on a page, as their targets."""
    html = client.get(page).get_data(as_text=True)
    return set(re.findall(r'href="/messages/new\?to=(\d+)&amp;about=([a-z]+-\d+)"', html))


def test_message_the_author_is_offered_to_everyone_who_may_write_to_them(app, client, login, posts):
    people, ids = posts
    practice, thread = f"/practices/{ids['practice']}", f"/discussions/{ids['thread']}"
    links = {"practice": (str(people["writer"].id), f"practice-{ids['practice']}"),
             "thread": (str(people["asker"].id), f"thread-{ids['thread']}"),
             "reply": (str(people["replier"].id), f"reply-{ids['reply']}")}
    expected = {
        # A reader sees each; each author sees the others' but not their own; blocks either way hide them.
        "reader": {practice: {links["practice"]}, thread: {links["thread"], links["reply"]}},
        "writer": {practice: set(), thread: {links["thread"], links["reply"]}},
        "asker": {practice: {links["practice"]}, thread: {links["reply"]}},
        "replier": {practice: {links["practice"]}, thread: {links["thread"]}},
        "blocker": {practice: set(), thread: set()},
        "blocked": {practice: set(), thread: set()},
    }
    # Everyone signed in at once, then twice round: signing in and a member's first visit of the day move the
    # content version on, so in the second round a page comes from the cache whoever filled it first.
    clients = {who: app.test_client() for who in expected}
    for who, own in clients.items():
        login(people[who], client=own)
    for _ in range(2):
        for who, pages in expected.items():
            for page, offered in pages.items():
                assert _offered(clients[who], page) == offered, (who, page)


def test_no_message_link_for_a_former_or_suspended_member(app, client, login, posts, facilitator):
    from cop.privacy import services as privacy

    people, ids = posts
    login(people["reader"])
    assert _offered(client, f"/practices/{ids['practice']}")
    client.post_form("/auth/signout", {}, page="/")
    with app.app_context():
        writer, asker = db.session.get(User, people["writer"].id), db.session.get(User, people["asker"].id)
        privacy.delete_account(writer, writer, keep_posts=True)
        privacy.delete_account(asker, db.session.get(User, facilitator.id), keep_posts=True)
        db.session.commit()
    login(people["reader"])
    assert _offered(client, f"/practices/{ids['practice']}") == set()
    assert _offered(client, f"/discussions/{ids['thread']}") == {(str(people["replier"].id), f"reply-{ids['reply']}")}
    with app.app_context():
        db.session.get(User, people["replier"].id).status = MemberStatus.suspended
        db.session.commit()
    assert _offered(client, f"/discussions/{ids['thread']}") == set()


def test_the_link_opens_a_conversation_about_the_post(app, client, login, posts):
    people, ids = posts
    login(people["reader"])
    form = _text(client.get(f"/messages/new?to={people['replier'].id}&about=reply-{ids['reply']}"))
    assert "To:</strong> <a href=\"/members/" in form and "Replier Person" in form
    assert 'value="About a reply in “Who pays for safety boots?”"' in form
    assert 'name="about" type="hidden" value="reply-' in form
    response = client.post_form(f"/messages/new?to={people['replier'].id}",
                                {"subject": "Boots", "body": "Which unit exactly?", "about": f"reply-{ids['reply']}"},
                                page="/messages/new")
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"]))
    assert (f'Started from <a href="/discussions/{ids["thread"]}/replies/{ids["reply"]}">'
            "a reply in “Who pays for safety boots?”</a>") in page
    # A post the writer may not name (a draft, or one that is not there) is left out, not shown.
    with app.app_context():
        from cop.practices.models import Practice, PracticeStatus

        db.session.get(Practice, ids["practice"]).status = PracticeStatus.draft
        db.session.commit()
    form = _text(client.get(f"/messages/new?to={people['writer'].id}&about=practice-{ids['practice']}"))
    assert "Rotations across three plants" not in form and "About " not in form
    assert client.get(f"/messages/new?about=thread-99999999999999999").status_code == 200
