"""The outbox: every e-mail is queued in the database with the change that caused it, then delivered.

Queuing in the same transaction means a message exists exactly when its change committed; delivery
runs after the commit (SMTP in production, .eml files under instance/mail/ by default). A failed
delivery is logged, kept with its error, and retried with backoff by the next request that sends mail
or by `flask mail deliver` from cron, so nothing is lost silently.
"""

import enum
import logging
import smtplib
import uuid
from datetime import datetime, timedelta
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import click
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, render_template
from sqlalchemy import event

from cop.extensions import UTCDateTime, db, enum_column, has_session, utcnow

log = logging.getLogger(__name__)


class OutboxStatus(enum.Enum):
    pending = "pending"
    sent = "sent"
    failed = "failed"  # gave up after MAIL_MAX_ATTEMPTS; kept for a person to look at


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    to: so.Mapped[str] = so.mapped_column(sa.String(254))
    subject: so.Mapped[str] = so.mapped_column(sa.String(300))
    body_text: so.Mapped[str] = so.mapped_column(sa.Text)
    # Extra headers and attachments as JSON: {"headers": {...}, "attachments": [{filename, mimetype, content}]}
    extra: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    status: so.Mapped[OutboxStatus] = so.mapped_column(enum_column(OutboxStatus), default=OutboxStatus.pending, index=True)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    last_error: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)


def send_mail(to: str, subject: str, template: str, *, headers: dict | None = None,
              attachments: list[dict] | None = None, **context) -> OutboxMessage:
    """Queue a message rendered from templates/mail/<template>.txt; it is delivered after the commit."""
    body = render_template(f"mail/{template}.txt", **context)
    message = OutboxMessage(
        to=to,
        subject=subject,
        body_text=body,
        extra={"headers": headers or {}, "attachments": attachments or []},
    )
    db.session.add(message)
    db.session.info["mail_queued"] = True
    return message


def _one_line(value: str) -> str:
    """A header value on one line: a line break in a title (an older row) must not stop delivery."""
    return " ".join(str(value).split()) if any(c in str(value) for c in "\r\n") else value


def build_email(message: OutboxMessage) -> EmailMessage:
    # Long header lines (a List-Unsubscribe URL) must stay readable, not be folded into encoded words.
    email = EmailMessage(policy=email_policy.default.clone(max_line_length=998))
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = _one_line(message.to)
    email["Subject"] = _one_line(message.subject)
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain="cop.local")
    for name, value in (message.extra or {}).get("headers", {}).items():
        email[name] = _one_line(value)
    email.set_content(message.body_text)
    for item in (message.extra or {}).get("attachments", []):
        maintype, _, subtype = item["mimetype"].partition("/")
        email.add_attachment(item["content"].encode(), maintype=maintype, subtype=subtype, filename=item["filename"])
    return email


def _write_eml(email: EmailMessage, message: OutboxMessage) -> None:
    directory = Path(current_app.config["MAIL_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    path = directory / f"{stamp}-{message.id:06d}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(email))


def _send_smtp(email: EmailMessage) -> None:
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)


def deliver(message: OutboxMessage) -> bool:
    """Try one message once; record success, or the error and when to try again."""
    message.attempts += 1
    try:
        email = build_email(message)
        if current_app.config["MAIL_BACKEND"] == "smtp":
            _send_smtp(email)
        else:
            _write_eml(email, message)
    except Exception as exc:  # any transport failure is recorded, never raised at a member
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            message.status = OutboxStatus.failed
            log.error("Giving up on mail %s to %s after %s attempts: %s", message.id, message.to,
                      message.attempts, message.last_error)
        else:
            message.next_attempt_at = utcnow() + timedelta(minutes=2 ** message.attempts)
            log.warning("Mail %s to %s failed (attempt %s), will retry: %s", message.id, message.to,
                        message.attempts, message.last_error)
        return False
    message.status = OutboxStatus.sent
    message.sent_at = utcnow()
    message.last_error = ""
    return True


def deliver_pending(limit: int = 200) -> tuple[int, int]:
    """Deliver queued messages that are due; commits per message so a crash never re-sends many."""
    due = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.pending, OutboxMessage.next_attempt_at <= utcnow())
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    for message in due:
        if deliver(message):
            sent += 1
        else:
            failed += 1
        db.session.commit()
    return sent, failed


@event.listens_for(so.Session, "after_commit")
def _note_committed_mail(session):
    if session.info.pop("mail_queued", False):
        session.info["mail_ready"] = True


@event.listens_for(so.Session, "after_rollback")
def _forget_rolled_back_mail(session):
    session.info.pop("mail_queued", None)


def flush_outbox() -> None:
    """Deliver right away what this unit of work committed (called at the end of requests and commands)."""
    # A request that made no session committed nothing.
    if has_session() and db.session.info.pop("mail_ready", False):
        try:
            deliver_pending()
        except Exception:  # the queue keeps the messages; cron or the next request retries
            log.exception("Delivering the outbox failed")
            db.session.rollback()


def init_app(app):
    @app.after_request
    def _deliver_after_request(response):
        flush_outbox()
        return response

    @app.cli.group("mail")
    def mail_cli():
        """Outgoing mail."""

    @mail_cli.command("deliver")
    def deliver_command():
        """Deliver queued and retry failed e-mail (safe to run from cron)."""
        sent, failed = deliver_pending(limit=10_000)
        click.echo(f"Delivered {sent} message(s); {failed} will be retried.")
