"""The outbox: queued with the change, delivered after commit, retried on failure, never lost silently."""

import socket

import sqlalchemy as sa

from cop.extensions import db
from cop.mail import OutboxMessage, OutboxStatus, deliver_pending, send_mail


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_message_is_written_as_eml_after_commit(app, ctx, member, outbox):
    send_mail(member.email, "Hello", "join_received", user=member)
    assert outbox() == []
    db.session.commit()
    deliver_pending()
    [message] = outbox(member.email)
    assert message["Subject"] == "Hello" and "Thanks for asking to join" in message.get_content()


def test_rolled_back_change_sends_nothing(app, ctx, member, outbox):
    send_mail(member.email, "Never", "join_received", user=member)
    db.session.rollback()
    deliver_pending()
    assert outbox() == [] and db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_failed_delivery_is_kept_and_retried_until_it_works(app, ctx, member, outbox, caplog):
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port(), MAIL_TIMEOUT=2)
    message = send_mail(member.email, "Retry me", "join_received", user=member)
    db.session.commit()
    assert deliver_pending() == (0, 1)
    assert message.status is OutboxStatus.pending and message.attempts == 1 and message.last_error
    assert "will retry" in caplog.text

    app.config["MAIL_BACKEND"] = "file"
    message.next_attempt_at = message.created_at  # due again now
    db.session.commit()
    assert deliver_pending() == (1, 0)
    assert message.status is OutboxStatus.sent and [m["Subject"] for m in outbox()] == ["Retry me"]


def test_delivery_gives_up_visibly_after_the_last_attempt(app, ctx, member, caplog):
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port(), MAIL_MAX_ATTEMPTS=1)
    message = send_mail(member.email, "Doomed", "join_received", user=member)
    db.session.commit()
    deliver_pending()
    assert message.status is OutboxStatus.failed and "Giving up" in caplog.text


def test_cli_delivers_the_queue(app, runner, member, outbox):
    with app.app_context():
        send_mail(member.email, "From cron", "join_received", user=db.session.merge(member))
        db.session.commit()
    result = runner.invoke(args=["mail", "deliver"])
    assert "Delivered 1 message(s)" in result.output
    assert [m["Subject"] for m in outbox()] == ["From cron"]
