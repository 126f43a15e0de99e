"""Reply by e-mail, with real RFC 822 messages as common mail clients write them (tests/mail/*.eml, the
notification's reply address and the member's own address filled in): an answer is posted as its author
without the quoted text, in any charset and from HTML-only clients; automatic mail is ignored; anything
refused gets one clear bounce. The same, from a mailbox polled over IMAP (a real Dovecot): each answer once,
however often it is delivered, however many pollers run, wherever a pass stopped."""

import threading
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from cop.auth.models import User
from cop.discussions import services as discussions
from cop.discussions.models import Reply, Thread, ThreadKind
from cop.extensions import db
from cop.inbound.mailbox import poll_once, settings_from_url
from cop.inbound.services import MAX_BYTES, take
from cop.mail import flush_outbox
from cop.messages import services as messages
from cop.messages.models import Message
from cop.replies import read_reply_address, reply_address
from tests.conftest import IMAP_PASSWORD, free_port, mail_text

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


def test_an_html_only_outlook_answer_lands_in_the_conversation(app, runner, make_user, login):
    marcus, karen = make_user(name="Marcus Bell"), make_user(name="Karen Lindqvist")
    with app.app_context():
        conversation = messages.start_conversation(db.session.get(User, marcus.id), [db.session.get(User, karen.id)],
                                                   "Your budget", "May I see it?")
        db.session.commit()
        conversation_id, address = conversation.id, reply_address(karen.id, "conversation", conversation.id)
    _receive(runner, _eml("outlook_html_only.eml", address, karen.email.upper()))
    with app.app_context():
        bodies = db.session.execute(sa.select(Message.author_id, Message.body, Message.by_email).where(
            Message.conversation_id == conversation_id).order_by(Message.id)).all()
    assert bodies[-1] == (karen.id, "Sure – the résumé template is attached to our practice page.\n\nCall me Thursday.",
                          True)
    assert not bodies[0].by_email
    # Marcus sees which answer came by e-mail.
    client = app.test_client()
    login(marcus, client=client)
    page = client.get(f"/messages/{conversation_id}").get_data(as_text=True)
    assert page.count("answered by e-mail") == 1


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


# The mailbox polled over IMAP, against a real Dovecot (tests/conftest.py): the same path as the pipe.

def _append(imap_folder, *messages: bytes) -> None:
    server, folder = imap_folder
    with server.connect() as client:
        for raw in messages:
            assert client.append(folder, None, None, raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))[0] == "OK"


def _left_in(imap_folder, folder: str | None = None) -> int:
    server, name = imap_folder
    with server.connect() as client:
        client.select(folder or name)
        return len(client.search(None, "UNDELETED")[1][0].split())


def _poll(app, runner, url: str, *args: str):
    app.config["COP_INBOUND_IMAP_URL"] = url
    return runner.invoke(args=["mail", "poll", *args])


def _answer(name: str, address: str, sender: str, message_id: str | None = None) -> bytes:
    raw = _eml(name, address, sender)
    if message_id:
        raw = raw.replace(b"Message-ID: <CAF3x9Gmail0001@mail.gmail.com>", f"Message-ID: <{message_id}>".encode())
    return raw


def test_polling_the_mailbox_posts_each_answer_once_and_empties_it(app, runner, thread, make_user, outbox,
                                                                    imap_folder):
    thread_id, asker, _ = thread
    marcus, karen = make_user(name="Marcus Bell"), make_user(name="Karen Lindqvist")
    with app.app_context():
        conversation = messages.start_conversation(db.session.get(User, marcus.id), [db.session.get(User, karen.id)],
                                                   "Your budget", "May I see it?")
        db.session.commit()
        conversation_id = conversation.id
        to_thread = reply_address(asker.id, "thread", thread_id)
        to_conversation = reply_address(karen.id, "conversation", conversation_id)
    gmail = _eml("gmail_reply.eml", to_thread, asker.email)
    _append(imap_folder, gmail, _eml("outlook_html_only.eml", to_conversation, karen.email),
            _eml("bounce.eml", to_thread, asker.email))
    server, folder = imap_folder
    url = server.url(folder)
    result = _poll(app, runner, url)
    assert result.exit_code == 0, result.output
    assert "3 e-mails: 1 ignored, 2 posted." in result.output
    assert IMAP_PASSWORD not in result.output and quote(IMAP_PASSWORD, safe="") not in result.output
    assert _replies(app, thread_id)[-1] == (asker.id, "We use a half-time coordinator too, paid from the HR "
                                                      "budget.\n\nThe plant covers mentors' time.")
    with app.app_context():
        assert db.session.scalars(sa.select(Message.body).where(Message.conversation_id == conversation_id)
                                  .order_by(Message.id)).all()[-1].startswith("Sure – the résumé template")
    assert _left_in(imap_folder) == 0
    # The same answer delivered again (a retrying mail server) is taken in and ignored, never posted twice.
    _append(imap_folder, gmail)
    again = _poll(app, runner, url)
    assert "1 e-mail: 1 ignored." in again.output, again.output
    assert len(_replies(app, thread_id)) == 2 and _left_in(imap_folder) == 0
    assert _poll(app, runner, url).output.strip().endswith("No new e-mail.")


def test_an_answer_taken_in_by_a_pass_that_died_before_deleting_it_is_not_posted_again(app, runner, thread,
                                                                                        imap_folder):
    thread_id, asker, _ = thread
    with app.app_context():
        raw = _eml("gmail_reply.eml", reply_address(asker.id, "thread", thread_id), asker.email)
    _append(imap_folder, raw)
    # The pass that died: it committed the answer, and never got to delete the e-mail.
    with app.app_context():
        assert take(raw).posted
    assert _left_in(imap_folder) == 1
    result = _poll(app, runner, imap_folder[0].url(imap_folder[1]))
    assert "1 e-mail: 1 ignored." in result.output, result.output
    assert len(_replies(app, thread_id)) == 2 and _left_in(imap_folder) == 0


def test_two_pollers_at_once_post_each_answer_once(app, thread, imap_folder):
    thread_id, asker, _ = thread
    with app.app_context():
        address = reply_address(asker.id, "thread", thread_id)
    answers = [_answer("gmail_reply.eml", address, asker.email, f"answer-{n}@mail.gmail.com")
               .replace(b"We use a half-time coordinator too", f"Answer number {n}".encode()) for n in range(8)]
    _append(imap_folder, *answers)
    settings = settings_from_url(imap_folder[0].url(imap_folder[1]))
    start, reports, errors = threading.Barrier(2), [], []

    def poller():
        try:
            with app.app_context():
                start.wait()
                reports.append(poll_once(settings, take, MAX_BYTES + 1))
                db.session.remove()
        except Exception as error:  # noqa: BLE001  reported below
            errors.append(error)

    workers = [threading.Thread(target=poller) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not errors, errors
    bodies = [body for _, body in _replies(app, thread_id)[1:]]
    assert sorted(body.split(",")[0] for body in bodies) == [f"Answer number {n}" for n in range(8)]
    assert sum(report.counts["posted"] for report in reports) == 8
    assert _left_in(imap_folder) == 0


def test_taken_in_mail_can_be_kept_in_another_folder(app, runner, thread, imap_folder):
    thread_id, asker, _ = thread
    server, folder = imap_folder
    with server.connect() as client:
        client.create(f"{folder}-done")
    with app.app_context():
        _append(imap_folder, _eml("gmail_reply.eml", reply_address(asker.id, "thread", thread_id), asker.email))
    result = _poll(app, runner, server.url(folder, query=f"tls=off&move_to={folder}-done"))
    assert result.exit_code == 0 and "1 posted" in result.output, result.output
    assert _left_in(imap_folder) == 0 and _left_in(imap_folder, f"{folder}-done") == 1


@pytest.mark.parametrize("scheme, query", [("imaps", "cafile={cafile}"), ("imap", "cafile={cafile}")])
def test_the_mailbox_is_read_over_tls(app, runner, thread, imap_folder, scheme, query):
    thread_id, asker, _ = thread
    server, folder = imap_folder
    with app.app_context():
        _append(imap_folder, _eml("gmail_reply.eml", reply_address(asker.id, "thread", thread_id), asker.email))
    result = _poll(app, runner, server.url(folder, scheme=scheme, query=query.format(cafile=server.cafile)))
    assert result.exit_code == 0 and "1 posted" in result.output, result.output
    assert result.output.startswith(f"{scheme}://replies@127.0.0.1:")


@pytest.mark.parametrize("case, expected", [
    ("an untrusted certificate", "could not connect: its certificate is not trusted"),
    ("a wrong password", "could not sign in: [AUTHENTICATIONFAILED]"),
    ("nobody listening", "could not connect: connection refused"),
    ("no such folder", "could not open the mailbox"),
    ("plain text to another machine", "tls=off is only for an imap:// server on this machine"),
    ("not a URL", "must start imaps:// or imap://"),
])
def test_a_mailbox_that_cannot_be_read_gives_one_clear_line(app, runner, imap_folder, case, expected):
    server, folder = imap_folder
    url = {"an untrusted certificate": server.url(folder, scheme="imaps", query=""),
           "a wrong password": server.url(folder, password="not the password"),
           "nobody listening": f"imap://replies:{quote(IMAP_PASSWORD, safe='')}@127.0.0.1:{free_port()}/INBOX?tls=off",
           "no such folder": server.url(f"{folder}-missing"),
           "plain text to another machine": f"imap://replies:{quote(IMAP_PASSWORD, safe='')}@imap.example.net/?tls=off",
           "not a URL": "mailbox.example.net"}[case]
    result = _poll(app, runner, url)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and expected in lines[0], result.output
    assert "Traceback" not in result.output and "not the password" not in result.output
    assert IMAP_PASSWORD not in result.output and quote(IMAP_PASSWORD, safe="") not in result.output
