"""Reply by e-mail, with real RFC 822 messages as common mail clients write them (tests/mail/*.eml, the
notification's reply address and the member's own address filled in): an answer is posted as its author
without the quoted text, in any charset and from HTML-only clients; automatic mail is ignored; anything
refused gets one clear bounce."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from cop.auth.models import User
from cop.discussions import services as discussions
from cop.discussions.models import Reply, Thread, ThreadKind
from cop.extensions import db
from cop.mail import flush_outbox
from cop.messages import services as messages
from cop.messages.models import Message
from cop.replies import read_reply_address, reply_address
from tests.conftest import mail_text

MAIL = Path(__file__).parent / "mail"


@pytest.fixture
def app(app):
    app.config["COP_REPLY_DOMAIN"] = "reply.cop.example"
    return app


def _eml(name: str, reply_to: str, sender: str) -> bytes:
    raw = (MAIL / name).read_bytes()
    return raw.replace(b"{{REPLY_ADDRESS}}", reply_to.encode()).replace(b"{{FROM}}", sender.encode())


def _receive(runner, raw: bytes) -> str:
    result = runner.invoke(args=["mail", "receive"], input=raw)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def thread(app, make_user):
    asker, peer = make_user(name="Asha Asker"), make_user(name="Pat Peer")
    with app.app_context():
        author = db.session.get(User, asker.id)
        found = discussions.create_thread(author, title="How do you staff your internship?", body="Tell me.",
                                          kind=ThreadKind.question, category=discussions.category_for("general"))
        discussions.add_reply(found, db.session.get(User, peer.id), "One coordinator, half time.")
        db.session.commit()
        flush_outbox()
        return found.id, asker, peer


def _replies(app, thread_id):
    with app.app_context():
        return db.session.execute(sa.select(Reply.author_id, Reply.body).where(Reply.thread_id == thread_id)
                                  .order_by(Reply.id)).all()


def test_the_notification_for_a_reply_says_where_to_answer(app, thread, outbox):
    thread_id, asker, _ = thread
    [mail] = outbox(asker.email)
    with app.app_context():
        assert read_reply_address(mail["Reply-To"]) == (asker.id, "thread", thread_id)
    assert "answer by replying to this e-mail" in mail_text(mail)


def test_a_gmail_answer_is_posted_without_the_quoted_text(app, runner, thread):
    thread_id, asker, _ = thread
    with app.app_context():
        address = reply_address(asker.id, "thread", thread_id)
    assert "posted" in _receive(runner, _eml("gmail_reply.eml", address, asker.email))
    author_id, body = _replies(app, thread_id)[-1]
    assert author_id == asker.id
    assert body == "We use a half-time coordinator too, paid from the HR budget.\n\nThe plant covers mentors' time."


def test_a_latin1_answer_from_apple_mail_reads_as_written(app, runner, thread, make_user):
    thread_id, _, _ = thread
    dieter = make_user(name="Dieter Brenner", email="dieter@brenner.example")
    with app.app_context():
        address = reply_address(dieter.id, "thread", thread_id)
    _receive(runner, _eml("apple_mail_latin1.eml", address, dieter.email))
    assert _replies(app, thread_id)[-1] == (dieter.id, "Unsere Ausbildungsleiterin plant die Einsätze, schöne "
                                                       "Grüße aus München.")


def test_an_html_only_outlook_answer_lands_in_the_conversation(app, runner, make_user):
    marcus, karen = make_user(name="Marcus Bell"), make_user(name="Karen Lindqvist")
    with app.app_context():
        conversation = messages.start_conversation(db.session.get(User, marcus.id), [db.session.get(User, karen.id)],
                                                   "Your budget", "May I see it?")
        db.session.commit()
        conversation_id, address = conversation.id, reply_address(karen.id, "conversation", conversation.id)
    _receive(runner, _eml("outlook_html_only.eml", address, karen.email.upper()))
    with app.app_context():
        bodies = db.session.execute(sa.select(Message.author_id, Message.body).where(
            Message.conversation_id == conversation_id).order_by(Message.id)).all()
    assert bodies[-1] == (karen.id, "Sure – the résumé template is attached to our practice page.\n\nCall me Thursday.")


@pytest.mark.parametrize("name", ["out_of_office.eml", "bounce.eml"])
def test_automatic_mail_is_ignored_and_never_answered(app, runner, thread, outbox, name):
    thread_id, asker, _ = thread
    with app.app_context():
        address = reply_address(asker.id, "thread", thread_id)
    before = len(outbox())
    assert "ignored" in _receive(runner, _eml(name, address, asker.email))
    assert len(_replies(app, thread_id)) == 1 and len(outbox()) == before


@pytest.mark.parametrize("case, reason", [
    ("someone else's address", "only from the address the notification went to"),
    ("a forged address", "doesn't take answers"),
    ("a locked thread", "locked"),
])
def test_a_refused_answer_gets_one_clear_bounce(app, runner, thread, outbox, make_user, facilitator, case, reason):
    thread_id, asker, _ = thread
    sender = asker.email
    with app.app_context():
        address = reply_address(asker.id, "thread", thread_id)
        if case == "someone else's address":
            sender = make_user(email="mallory@example.org").email
        elif case == "a forged address":
            address = address.replace(f".{asker.id}.", f".{asker.id + 1}.")
        else:
            discussions.set_locked(db.session.get(Thread, thread_id), db.session.get(User, facilitator.id), True)
            db.session.commit()
    assert "refused" in _receive(runner, _eml("gmail_reply.eml", address, sender))
    assert len(_replies(app, thread_id)) == 1
    [bounce] = [mail for mail in outbox(sender) if mail["Subject"] == "Your answer was not posted"]
    assert reason in mail_text(bounce)
    assert bounce["Auto-Submitted"] == "auto-replied"
