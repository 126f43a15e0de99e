"""What happens to one inbound e-mail: checked (a genuine reply address, from its owner, written by a
person), cut to what they wrote above the quoted text, and posted; or refused with one clear bounce. Each
e-mail is acted on once, however often it is delivered or polled (see `InboundMessage`)."""

import hashlib
import logging
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from email_reply_parser import EmailReplyParser
from sqlalchemy.exc import IntegrityError

from cop.auth.models import MemberStatus, User
from cop.discussions import services as discussions
from cop.discussions.models import Thread
from cop.extensions import db, utcnow
from cop.inbound.models import InboundMessage
from cop.links import external_url
from cop.mail import flush_outbox, send_mail
from cop.messages import services as messages
from cop.messages.models import Conversation
from cop.replies import read_reply_address

log = logging.getLogger(__name__)
MAX_BYTES = 2 * 2**20  # an answer, not an archive: larger messages are refused unread
ADDRESS_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
# Where a quoted message begins in the clients that do not quote with ">" (Outlook and its kin).
_QUOTE_STARTS = re.compile(
    r"^(-{2,}\s*Original Message\s*-{2,}|_{20,}|From:\s.+|De\s?:\s.+|Von:\s.+|Sent from my .+)$",
    re.IGNORECASE | re.MULTILINE)


@dataclass
class Outcome:
    posted: bool
    reason: str  # what happened, for the operator's log and the bounce: "posted ...", "refused: ...", "ignored: ..."

    @property
    def kind(self) -> str:
        return "posted" if self.posted else self.reason.split(":")[0]


def take(raw: bytes) -> Outcome:
    """One e-mail as the mail server's pipe (`flask mail receive`) or the IMAP poller (`flask mail poll`)
    hands it over: taken in, then its bounce, if any, delivered. Anything unexpected is logged and rolled
    back before it is raised again, so the poller leaves that e-mail for its next pass."""
    try:
        outcome = receive(raw)
    except Exception:
        db.session.rollback()
        log.exception("Taking in an e-mail failed")
        raise
    flush_outbox()
    return outcome


def message_key(message: EmailMessage, raw: bytes) -> str:
    """What makes an e-mail the same e-mail however often it arrives: its Message-ID with its sender (a
    client's ID is unique to it), or, without one, its bytes."""
    message_id = " ".join(str(message.get("Message-ID", "")).split())
    if message_id:
        basis = "id\0" + message_id + "\0" + parseaddr(str(message.get("From", "")))[1].strip().lower()
        return hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()
    return hashlib.sha256(b"raw\0" + raw).hexdigest()


def _claim(key: str) -> bool:
    """Record the e-mail as taken in, in the transaction that will post its answer or queue its bounce;
    False when another delivery or poller has it already (PostgreSQL makes a second insert wait for the
    first transaction, SQLite's writers queue, so the loser sees the committed row)."""
    db.session.add(InboundMessage(key=key, received_at=utcnow()))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def receive(raw: bytes) -> Outcome:
    """Post the answer in `raw` (an RFC 822 message) or say why not; refusals to a person get a bounce.
    An e-mail taken in before is ignored."""
    if len(raw) > MAX_BYTES:
        return _refuse(None, "The message is too large to be an answer.")
    message = BytesParser(policy=policy.default).parsebytes(raw)
    if _is_automatic(message):
        return Outcome(False, "ignored: an automatic message (bounce or auto-reply)")
    key = message_key(message, raw)
    if not _claim(key):
        return Outcome(False, "ignored: this e-mail was taken in before")
    sender = parseaddr(str(message.get("From", "")))[1].strip().lower()
    found = None
    for name in ADDRESS_HEADERS:
        for _, address in getaddresses([str(v) for v in message.get_all(name, [])]):
            found = found or read_reply_address(address)
    if found is None:
        return _refuse(message, "This address doesn't take answers: reply to a CoP notification e-mail.")
    user_id, kind, target_id = found
    user = db.session.get(User, user_id)
    if user is None or user.status is not MemberStatus.active:
        return _refuse(message, "Your CoP account can't post right now.")
    if sender != user.email.lower():
        return _refuse(message, "Answers are taken only from the address the notification went to.")
    text = reply_text(message)
    if not text:
        return _refuse(message, "We couldn't find your answer above the quoted text.")
    try:
        if kind == "thread":
            thread = db.session.get(Thread, target_id)
            if thread is None or not thread.can_view(user):
                return _refuse(message, "That discussion is no longer there.")
            discussions.add_reply(thread, user, text)
        else:
            conversation = db.session.get(Conversation, target_id)
            if conversation is None or messages.member_of(conversation, user) is None:
                return _refuse(message, "You are no longer in that conversation.")
            messages.add_message(conversation, user, text, by_email=True)
    except (discussions.DiscussionError, messages.MessageError) as error:
        db.session.rollback()
        if not _claim(key):
            return Outcome(False, "ignored: this e-mail was taken in before")
        return _refuse(message, str(error))
    db.session.commit()
    return Outcome(True, f"posted to {kind} {target_id} as member {user_id}")


def _is_automatic(message: EmailMessage) -> bool:
    """Bounces, auto-replies and list traffic (RFC 3834, RFC 3464): never answered, never posted."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return (auto != "no" or precedence in ("bulk", "junk", "list", "auto_reply")
            or message.get_content_type() == "multipart/report"
            or any(name in message for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"))
            or str(message.get("Return-Path", "")).strip() == "<>"
            or parseaddr(str(message.get("From", "")))[1].lower().startswith(("mailer-daemon@", "postmaster@")))


def reply_text(message: EmailMessage) -> str:
    """What the person wrote: the plain-text part (or the HTML one, as text), without the quoted message
    and signature below it."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):  # an unknown or wrong charset: read what can be read
        content = part.get_payload(decode=True).decode("utf-8", errors="replace")
    if part.get_content_type() == "text/html":
        content = _html_as_text(content)
    content = content.replace("\r\n", "\n")
    match = _QUOTE_STARTS.search(content)
    if match:
        content = content[:match.start()]
    return EmailReplyParser.parse_reply(content).strip()


class _Text(HTMLParser):
    BREAKS = {"br", "p", "div", "li", "tr", "blockquote", "h1", "h2", "h3", "h4", "hr"}
    SKIPPED = {"style", "script", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping, self.quoted = [], 0, 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        if tag == "blockquote" or (tag == "div" and ("id", "divRplyFwdMsg") in attrs):
            self.quoted += 1
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1
        if tag == "blockquote" and self.quoted:
            self.quoted -= 1
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping and not self.quoted:
            self.parts.append(data)


def _html_as_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    text = "".join(parser.parts)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.splitlines()))


def _refuse(message: EmailMessage | None, reason: str) -> Outcome:
    """One bounce to the person who wrote (never to an automatic sender: no mail loops), committed with
    the record that the e-mail was taken in."""
    if message is not None:
        sender = parseaddr(str(message.get("From", "")))[1]
        if sender and "@" in sender:
            send_mail(sender, "Your answer was not posted", "reply_refused",
                      headers={"Auto-Submitted": "auto-replied"}, reason=reason,
                      original_subject=str(message.get("Subject", ""))[:200], site_url=external_url("home.index"))
        db.session.commit()
    return Outcome(False, f"refused: {reason}")
