"""Webhooks: registered by facilitators and organization managers, signed by the Standard Webhooks scheme,
queued with the change and delivered after the commit to a real HTTP receiver, retried with backoff, switched
off after repeated failures (its owner told), sent again on request; never to private addresses unless allowed,
and never carrying what the endpoint's owner could not read in the app."""

import base64
import hashlib
import hmac
import json
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from cop.auth.models import MemberStatus, Role
from cop.discussions import services as talk
from cop.discussions.models import ThreadKind
from cop.events import services as events
from cop.events.models import EventKind
from cop.extensions import db, utcnow
from cop.practices import services as library
from cop.webhooks import services as hooks
from cop.webhooks.delivery import DestinationError, check_destination, deliver_pending
from cop.webhooks.models import EVENT_TYPES, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from cop.webhooks.payloads import SUBJECTS
from tests.conftest import mail_text, made_in

ALL_EVENTS = list(EVENT_TYPES)
SECRET = re.compile(r'value="(whsec_[A-Za-z0-9+/=]+)"')


class Receiver:
    """A real HTTP server on 127.0.0.1 that records every request and answers with the next queued status."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"receiver trouble " + b"x" * 5000)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def types(self) -> list[str]:
        return [json.loads(request["body"])["type"] for request in self.requests]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


def verify(secret: str, headers: dict, body: str, tolerance: int = 300) -> dict:
    """A receiver's check, written from the Standard Webhooks specification (not from our code)."""
    message_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    assert abs(time.time() - int(timestamp)) <= tolerance, "stale timestamp"
    key = base64.b64decode(secret.split("_", 1)[1])
    expected = base64.b64encode(hmac.new(key, f"{message_id}.{timestamp}.{body}".encode(),
                                         hashlib.sha256).digest()).decode()
    signatures = [part.split(",", 1)[1] for part in headers["webhook-signature"].split() if part.startswith("v1,")]
    assert any(hmac.compare_digest(expected, signature) for signature in signatures), "bad signature"
    return json.loads(body)


@pytest.fixture
def make_endpoint(app):
    """An endpoint registered through the service: (its id, its signing secret)."""

    def make_endpoint(owner, url, event_types=None):
        with made_in(app):
            endpoint, secret = hooks.register_endpoint(db.session.merge(owner), url=url,
                                                       event_types=event_types or ALL_EVENTS)
            db.session.commit()
            return endpoint.id, secret

    return make_endpoint


def deliveries(endpoint_id=None):
    query = sa.select(WebhookDelivery).order_by(WebhookDelivery.id)
    if endpoint_id is not None:
        query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
    return db.session.scalars(query).all()


def start(days=7):
    return utcnow().replace(second=0, microsecond=0) + timedelta(days=days)


def make_event(by, host_org=None, kind=EventKind.site_visit, **fields):
    begins = start()
    return events.create_event(by, kind=kind, title="Plant tour", starts_at=begins, ends_at=begins + timedelta(hours=2),
                               timezone="America/Chicago", capacity=5, host_org=host_org, **fields)


def everything_happens(author, facilitator, host_org):
    """One of each event type, committed as the pages commit them."""
    practice = library.create_practice(author, title="Two budgets", summary="How we split it.", body="Because.",
                                       publish=True)
    db.session.commit()
    library.update_practice(practice, author, title="Two budgets", summary="How we split it, now.", body="Because.")
    db.session.commit()
    thread = talk.create_thread(author, title="Staffing?", body="One coordinator.", kind=ThreadKind.question,
                                category=talk.category_for("staffing"))
    db.session.commit()
    talk.add_reply(thread, author, "Half-time works too.")
    db.session.commit()
    event = make_event(facilitator, host_org=host_org)
    db.session.commit()
    events.update_event(event, facilitator, title="Plant tour, second shift")
    db.session.commit()
    events.rsvp(event, author)
    db.session.commit()
    events.cancel_event(event, facilitator, "Snow")
    db.session.commit()


# Signatures, payloads and the queue

def test_every_event_reaches_a_facilitators_endpoint_signed_and_verifiable(ctx, receiver, make_endpoint,
                                                                           facilitator, member):
    endpoint_id, secret = make_endpoint(facilitator, receiver.url)
    everything_happens(member, facilitator, member.organization)
    assert deliver_pending() == (8, 0)
    assert sorted(receiver.types()) == sorted(ALL_EVENTS)
    for request in receiver.requests:
        assert request["path"] == "/hooks"
        payload = verify(secret, request["headers"], request["body"])
        assert set(payload) == {"type", "timestamp", "data"} and payload["timestamp"].endswith("Z")
        assert request["headers"]["Content-Type"] == "application/json"
    bodies = {json.loads(r["body"])["type"]: json.loads(r["body"])["data"] for r in receiver.requests}
    assert bodies["practice.updated"]["summary"] == "How we split it, now."
    assert bodies["event.updated"]["title"] == "Plant tour, second shift"
    assert bodies["rsvp.changed"]["member"]["name"] == member.name
    assert bodies["event.cancelled"]["cancel_reason"] == "Snow"
    assert bodies["reply.created"]["body"] == "Half-time works too."
    assert bodies["practice.published"]["url"].startswith("https://cop.example/practices/")
    assert {d.status for d in deliveries(endpoint_id)} == {DeliveryStatus.delivered}
    # A wrong secret fails the same check.
    with pytest.raises(AssertionError, match="bad signature"):
        verify("whsec_" + base64.b64encode(b"x" * 24).decode(), receiver.requests[0]["headers"],
               receiver.requests[0]["body"])


def test_a_delivery_is_queued_in_the_changes_transaction_and_not_after_a_rollback(ctx, receiver, make_endpoint,
                                                                                   facilitator, member):
    make_endpoint(facilitator, receiver.url, ["thread.created"])
    talk.create_thread(member, title="Rolled back", body="Never.", kind=ThreadKind.discussion,
                       category=talk.category_for("staffing"))
    db.session.flush()
    db.session.rollback()
    assert deliveries() == []
    talk.create_thread(member, title="Kept", body="Yes.", kind=ThreadKind.discussion,
                       category=talk.category_for("staffing"))
    db.session.commit()
    [delivery] = deliveries()
    assert delivery.event_type == "thread.created" and json.loads(delivery.body)["data"]["title"] == "Kept"
    assert receiver.requests == []  # nothing is sent inside the transaction


def test_a_savepoint_rolled_back_keeps_what_happened_before_it(ctx, receiver, make_endpoint, facilitator, member):
    make_endpoint(facilitator, receiver.url, ["thread.created"])
    thread = talk.create_thread(member, title="Before the savepoint", body="B", kind=ThreadKind.discussion,
                                category=talk.category_for("staffing"))
    db.session.flush()
    with pytest.raises(RuntimeError):
        with db.session.begin_nested():
            talk.create_thread(member, title="Inside it", body="B", kind=ThreadKind.discussion,
                               category=talk.category_for("staffing"))
            db.session.flush()
            raise RuntimeError("changed our mind")
    db.session.commit()
    assert [json.loads(d.body)["data"]["id"] for d in deliveries()] == [thread.id]


def test_a_savepoint_that_fails_as_it_commits_keeps_what_happened_before_it(ctx, receiver, make_endpoint,
                                                                            facilitator, member):
    """Two tabs following a thread at once: the second insert fails inside its savepoint (discussions'
    _add_once); the thread started earlier in the transaction is still announced."""
    from cop.discussions.models import Follow

    make_endpoint(facilitator, receiver.url, ["thread.created"])
    thread = talk.create_thread(member, title="Followed twice", body="B", kind=ThreadKind.discussion,
                                category=talk.category_for("staffing"))
    db.session.flush()
    assert talk.is_following(member, thread=thread)
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.add(Follow(user_id=member.id, thread_id=thread.id, created_at=utcnow()))
    db.session.commit()
    assert [json.loads(d.body)["data"]["id"] for d in deliveries()] == [thread.id]


def test_a_change_committed_without_a_flush_is_queued_in_its_own_commit(ctx, receiver, make_endpoint,
                                                                        facilitator, member):
    practice = library.create_practice(member, title="Plain", summary="Before", body="B", publish=True)
    db.session.commit()
    make_endpoint(facilitator, receiver.url, ["practice.updated"])
    practice.summary = "After"
    db.session.commit()
    [delivery] = deliveries()
    assert delivery.event_type == "practice.updated" and json.loads(delivery.body)["data"]["summary"] == "After"


def test_a_page_that_commits_a_change_sends_its_webhook_after_the_response(app, client, login, receiver,
                                                                            make_endpoint, make_user, manager):
    author = make_user(org=manager.organization)
    _, secret = make_endpoint(manager, receiver.url, ["practice.published"])
    with app.app_context():
        practice = library.create_practice(db.session.merge(author), title="A draft", summary="S", body="B")
        db.session.commit()
        practice_id = practice.id
    assert receiver.requests == []  # a draft is nobody's webhook
    login(author)
    response = client.post_form(f"/practices/{practice_id}/publish", page=f"/practices/{practice_id}")
    assert response.status_code == 302
    response.close()
    [request] = receiver.requests
    payload = verify(secret, request["headers"], request["body"])
    assert payload["type"] == "practice.published" and payload["data"]["id"] == practice_id


def test_the_cli_delivers_what_is_due(app, runner, receiver, make_endpoint, facilitator, member):
    make_endpoint(facilitator, receiver.url, ["thread.created"])
    with app.app_context():
        talk.create_thread(db.session.merge(member), title="From cron", body="B", kind=ThreadKind.discussion,
                           category=talk.category_for("staffing"))
        db.session.commit()
    result = runner.invoke(args=["webhooks", "deliver"])
    assert result.exit_code == 0, result.output
    assert "Delivered 1 webhook(s)" in result.output
    assert receiver.types() == ["thread.created"]


# Retries, switching off, sending again

def test_a_failed_delivery_is_retried_with_backoff_under_the_same_id(app, ctx, receiver, make_endpoint,
                                                                     facilitator, member):
    make_endpoint(facilitator, receiver.url, ["thread.created"])
    receiver.answers = [500, 500]
    talk.create_thread(member, title="Retry me", body="B", kind=ThreadKind.discussion,
                       category=talk.category_for("staffing"))
    db.session.commit()
    assert deliver_pending() == (0, 1)
    [delivery] = deliveries()
    assert delivery.status is DeliveryStatus.pending and delivery.attempts == 1 and delivery.response_code == 500
    assert len(delivery.response_excerpt) <= 200  # a short excerpt of the answer, never the whole of it
    first_wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert timedelta(seconds=59) <= first_wait <= timedelta(seconds=61)
    assert deliver_pending() == (0, 0)  # not due yet
    delivery.next_attempt_at = utcnow()
    db.session.commit()
    assert deliver_pending() == (0, 1)
    db.session.refresh(delivery)
    assert delivery.next_attempt_at - delivery.last_attempt_at >= timedelta(seconds=119)  # doubled
    delivery.next_attempt_at = utcnow()
    db.session.commit()
    assert deliver_pending() == (1, 0)
    db.session.refresh(delivery)
    assert delivery.status is DeliveryStatus.delivered and delivery.attempts == 3
    assert len(receiver.requests) == 3
    assert len({request["headers"]["webhook-id"] for request in receiver.requests}) == 1


def test_an_endpoint_that_keeps_failing_is_switched_off_and_its_owner_told(app, ctx, receiver, make_endpoint,
                                                                           manager, make_user, outbox):
    app.config.update(COP_WEBHOOK_DISABLE_AFTER=3, COP_WEBHOOK_RETRY_SECONDS=0)
    endpoint_id, _ = make_endpoint(manager, receiver.url, ["thread.created"])
    author = make_user(org=manager.organization)
    receiver.answers = [500] * 10
    for n in range(4):
        talk.create_thread(author, title=f"Thread {n}", body="B", kind=ThreadKind.discussion,
                           category=talk.category_for("staffing"))
        db.session.commit()
    deliver_pending()
    from cop.mail import flush_outbox, deliver_pending as deliver_mail

    deliver_mail()
    flush_outbox()
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    assert not endpoint.is_enabled and endpoint.failures_in_row == 3
    assert len(receiver.requests) == 3  # the fourth waits for the endpoint to be switched on
    [message] = outbox(manager.email)
    assert message["Subject"] == "A webhook endpoint was switched off"
    assert f"https://cop.example/webhooks/{endpoint_id}" in mail_text(message)
    assert deliver_pending() == (0, 0)
    receiver.answers = []
    hooks.switch_on(endpoint)
    db.session.commit()
    assert deliver_pending() == (4, 0)
    assert len(receiver.requests) == 7


def test_send_again_posts_the_same_message_once_more(app, client, login, receiver, make_endpoint, manager,
                                                      make_user):
    endpoint_id, secret = make_endpoint(manager, receiver.url, ["thread.created"])
    with app.app_context():
        talk.create_thread(db.session.merge(make_user(org=manager.organization)), title="Again", body="B",
                           kind=ThreadKind.discussion, category=talk.category_for("staffing"))
        db.session.commit()
        deliver_pending()
        [delivery] = deliveries()
        delivery_id = delivery.id
    login(manager)
    page = client.get(f"/webhooks/{endpoint_id}").get_data(as_text=True)
    assert "Send again" in page and delivery.message_id in page and "whsec_" not in page
    url = f"/webhooks/{endpoint_id}/deliveries/{delivery_id}/send-again"
    client.post(url)  # without the CSRF token: nothing happens
    assert len(receiver.requests) == 1
    response = client.post_form(url, page=f"/webhooks/{endpoint_id}")
    assert response.status_code == 302
    response.close()
    assert len(receiver.requests) == 2
    first, second = receiver.requests
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    assert verify(secret, second["headers"], second["body"]) == json.loads(first["body"])


# Nothing the owner could not read

def test_a_managers_endpoint_hears_only_its_organizations_visible_content(ctx, receiver, make_endpoint, manager,
                                                                         make_user, make_org, facilitator):
    colleague = make_user(org=manager.organization)
    stranger = make_user(org=make_org())
    manager_endpoint, secret = make_endpoint(manager, receiver.url)
    library.create_practice(colleague, title="Our draft", summary="Secret plans", body="Not yet.")
    library.create_practice(stranger, title="Their practice", summary="S", body="B", publish=True)
    talk.create_thread(stranger, title="Their thread", body="B", kind=ThreadKind.discussion,
                       category=talk.category_for("staffing"))
    their_event = make_event(facilitator, host_org=stranger.organization)
    community_event = make_event(facilitator)
    db.session.commit()
    events.rsvp(their_event, colleague)  # a colleague's RSVP to someone else's event: their attendee list
    events.rsvp(community_event, colleague)
    db.session.commit()
    assert deliveries(manager_endpoint) == []
    library.create_practice(colleague, title="Our practice", summary="S", body="B", publish=True)
    db.session.commit()
    deliver_pending()
    [request] = receiver.requests
    payload = verify(secret, request["headers"], request["body"])
    assert payload["data"]["title"] == "Our practice"
    assert "Secret plans" not in json.dumps([r["body"] for r in receiver.requests])


def test_content_hidden_before_sending_is_withheld_from_those_who_cannot_see_it(ctx, receiver, make_endpoint,
                                                                                manager, make_user, facilitator):
    manager_endpoint, _ = make_endpoint(manager, receiver.url, ["thread.created"])
    facilitator_endpoint, fsecret = make_endpoint(facilitator, receiver.url, ["thread.created"])
    thread = talk.create_thread(make_user(org=manager.organization), title="Spam", body="B",
                                kind=ThreadKind.discussion, category=talk.category_for("staffing"))
    db.session.commit()
    talk.hide_thread(thread, facilitator, "Spam")
    db.session.commit()
    deliver_pending()
    [manager_delivery] = deliveries(manager_endpoint)
    assert manager_delivery.status is DeliveryStatus.withheld and manager_delivery.attempts == 0
    [request] = receiver.requests  # hidden threads are for facilitators only
    assert verify(fsecret, request["headers"], request["body"])["data"]["title"] == "Spam"
    assert deliveries(facilitator_endpoint)[0].status is DeliveryStatus.delivered


def test_a_practice_unpublished_before_sending_is_withheld(ctx, receiver, make_endpoint, manager, make_user,
                                                          facilitator):
    endpoint_id, _ = make_endpoint(manager, receiver.url, ["practice.published"])
    practice = library.create_practice(make_user(org=manager.organization), title="Too soon", summary="S", body="B",
                                       publish=True)
    db.session.commit()
    library.unpublish_practice(practice, facilitator)
    db.session.commit()
    deliver_pending()
    assert [d.status for d in deliveries(endpoint_id)] == [DeliveryStatus.withheld]
    assert receiver.requests == []


def test_the_rules_hold_for_whoever_owns_an_endpoint(ctx, facilitator, member, make_user):
    """Asked of a plain member: a draft is not news even to its author; an RSVP is on the attendee list,
    which only hosts and facilitators read; a hidden thread is for facilitators."""
    draft = library.create_practice(member, title="Mine", summary="S", body="B")
    event = make_event(facilitator, host_org=member.organization)
    thread = talk.create_thread(member, title="Hidden", body="B", kind=ThreadKind.discussion,
                                category=talk.category_for("staffing"))
    db.session.flush()
    rsvp = events.rsvp(event, member)
    talk.hide_thread(thread, facilitator)
    db.session.commit()
    visible = {kind: subject.visible for kind, subject in SUBJECTS.items()}
    assert draft.can_view(member) and not visible[type(draft)](draft, member)
    assert not visible[type(rsvp)](rsvp, member) and visible[type(rsvp)](rsvp, facilitator)
    assert not visible[type(thread)](thread, member) and visible[type(thread)](thread, facilitator)


def test_a_name_erased_before_sending_is_not_sent_on(ctx, receiver, make_endpoint, facilitator, make_user):
    from cop.auth import services as accounts

    make_endpoint(facilitator, receiver.url, ["thread.created"])
    author = make_user(name="Ada Leaving")
    talk.create_thread(author, title="Kept after I go", body="B", kind=ThreadKind.discussion,
                       category=talk.category_for("staffing"))
    db.session.commit()
    assert "Ada Leaving" in deliveries()[0].body
    accounts.erase_account(author)
    db.session.commit()
    deliver_pending()
    [request] = receiver.requests
    assert "Ada Leaving" not in request["body"] and "Ada Leaving" not in deliveries()[0].body
    assert json.loads(request["body"])["data"]["author"]["name"] == "Former member"


def test_a_suspended_or_demoted_owner_gets_nothing(ctx, receiver, make_endpoint, manager, make_user):
    make_endpoint(manager, receiver.url, ["thread.created"])
    author = make_user(org=manager.organization)
    db.session.merge(manager).role = Role.member
    db.session.commit()
    talk.create_thread(author, title="After demotion", body="B", kind=ThreadKind.discussion,
                       category=talk.category_for("staffing"))
    db.session.commit()
    db.session.merge(manager).role = Role.manager
    db.session.merge(manager).status = MemberStatus.suspended
    db.session.commit()
    talk.create_thread(author, title="After suspension", body="B", kind=ThreadKind.discussion,
                       category=talk.category_for("staffing"))
    db.session.commit()
    deliver_pending()
    assert deliveries() == [] and receiver.requests == []


def test_the_meeting_link_goes_only_to_whom_the_event_page_shows_it(ctx, facilitator, member, make_user):
    event = make_event(facilitator, host_org=member.organization, kind=EventKind.virtual,
                       meeting_url="https://meet.example/secret-room")
    db.session.commit()
    data_for = SUBJECTS[type(event)].data
    assert data_for(event, facilitator)["meeting_url"] == "https://meet.example/secret-room"
    assert "meeting_url" not in data_for(event, member)
    events.rsvp(event, member)
    db.session.commit()
    assert data_for(event, member)["meeting_url"] == "https://meet.example/secret-room"


# Where we send: no private addresses, https only

@pytest.mark.parametrize("url", [
    "https://127.0.0.1/hook", "https://10.1.2.3/hook", "https://169.254.169.254/latest/meta-data/",
    "https://localhost/hook", "https://[::1]/hook", "https://[::ffff:127.0.0.1]/hook", "https://192.168.0.10/",
    "https://0.0.0.0/", "https://224.0.0.1/", "http://93.184.215.14/hook", "ftp://example.org/",
    "https://user:pw@93.184.215.14/", "https:///nohost", "https://[zz]/",
])
def test_private_local_and_plain_http_addresses_are_refused(app, ctx, url):
    app.config["COP_WEBHOOKS_ALLOW_PRIVATE"] = False
    with pytest.raises(DestinationError):
        check_destination(url)


def test_the_settings_page_refuses_a_private_address_with_a_message(app, client, login, manager):
    app.config["COP_WEBHOOKS_ALLOW_PRIVATE"] = False
    login(manager)
    response = client.post_form("/webhooks/", {"url": "https://169.254.169.254/latest", "event_types": ALL_EVENTS},
                                page="/webhooks/")
    assert response.status_code == 200
    assert "private, local or reserved address" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(WebhookEndpoint.id))) == 0


def test_the_address_is_checked_again_when_sending(app, ctx, receiver, make_endpoint, facilitator, member):
    # https, so the scheme passes and only the look-up of the address can refuse it.
    endpoint_id, _ = make_endpoint(facilitator, receiver.url.replace("http:", "https:"), ["thread.created"])
    app.config["COP_WEBHOOKS_ALLOW_PRIVATE"] = False
    talk.create_thread(member, title="Not to localhost", body="B", kind=ThreadKind.discussion,
                       category=talk.category_for("staffing"))
    db.session.commit()
    assert deliver_pending() == (0, 1)
    [delivery] = deliveries(endpoint_id)
    assert delivery.response_code is None and "DestinationError" in delivery.response_excerpt
    assert receiver.requests == []


# Who may register and look

def test_a_manager_registers_an_endpoint_for_their_organization_and_sees_the_secret_once(app, client, login,
                                                                                         manager, receiver):
    login(manager)
    response = client.post_form("/webhooks/", {"url": receiver.url, "description": "LMS sync",
                                               "event_types": ["thread.created", "rsvp.changed"]}, page="/webhooks/")
    assert response.status_code == 200
    secret = SECRET.search(response.get_data(as_text=True)).group(1)
    with app.app_context():
        [endpoint] = db.session.scalars(sa.select(WebhookEndpoint)).all()
        assert endpoint.organization_id == manager.organization.id and endpoint.owner_id == manager.id
        assert endpoint.event_types == ["thread.created", "rsvp.changed"]
        assert secret not in endpoint.secret_sealed
        endpoint_id = endpoint.id
    assert secret not in client.get("/webhooks/").get_data(as_text=True)
    assert secret not in client.get(f"/webhooks/{endpoint_id}").get_data(as_text=True)


def test_an_endpoint_needs_events_and_a_valid_address(app, client, login, manager):
    login(manager)
    response = client.post_form("/webhooks/", {"url": "not a url"}, page="/webhooks/")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Choose at least one event." in text
    response = client.post_form("/webhooks/", {"url": "not a url", "event_types": ["thread.created", "nonsense"]},
                                page="/webhooks/")
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(WebhookEndpoint.id))) == 0


def test_members_cannot_register_and_managers_see_only_their_own(app, client, login, member, manager, make_user,
                                                                 make_org, facilitator, make_endpoint, receiver):
    login(member)
    assert client.get("/webhooks/").status_code == 403
    assert client.post_form("/webhooks/", {"url": receiver.url, "event_types": ALL_EVENTS},
                            page="/auth/settings").status_code == 403
    with app.app_context():
        with pytest.raises(hooks.WebhookError):
            hooks.register_endpoint(db.session.merge(member), url=receiver.url, event_types=ALL_EVENTS)
    other_manager = make_user(org=make_org(), role=Role.manager)
    endpoint_id, _ = make_endpoint(manager, receiver.url)
    other_login = app.test_client()
    login(other_manager, client=other_login)
    assert other_login.get(f"/webhooks/{endpoint_id}").status_code == 404
    assert receiver.url not in other_login.get("/webhooks/").get_data(as_text=True)
    facilitator_client = app.test_client()
    login(facilitator, client=facilitator_client)
    assert facilitator_client.get(f"/webhooks/{endpoint_id}").status_code == 200
    assert receiver.url in facilitator_client.get("/webhooks/").get_data(as_text=True)


def test_the_api_reference_explains_webhooks(client):
    page = client.get("/api/").get_data(as_text=True)
    assert 'id="webhooks"' in page and "webhook-signature" in page
    assert all(f"<code>{name}</code>" in page for name in ALL_EVENTS)
