"""Members' data rights: deleting an account leaves no personal trace anywhere a test can look (pages,
cached pages, search, feeds, exports, the database), and an export holds everything a member made and
nothing of anyone else's."""

import io
import json
import re
import zipfile
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from cop import storage
from cop.auth import services as accounts
from cop.auth.models import MemberStatus, Role, User
from cop.discussions import services as talk
from cop.discussions.models import ModerationAction, ModerationLogEntry, Reply, Thread, ThreadKind
from cop.events import services as events
from cop.events.models import Event, EventKind, Intent, Rsvp, RsvpStatus
from cop.extensions import db, utcnow
from cop.mail import flush_outbox
from cop.messages import services as messaging
from cop.messages.models import Message, MessageAttachment
from cop.orgs.models import Organization
from cop.practices import services as library
from cop.practices.models import Practice, Topic
from cop.privacy.models import DataExport, ExportStatus
from tests.conftest import PASSWORD, mail_text

NAME = "Quentin Zephyrwood"
EMAIL = "quentin.zephyrwood@halvorsen.example"
BIO = "Coordinates xylographic apprenticeships."
TRACES = ("Zephyrwood", "zephyrwood", "xylographic")


def signin_as(app, user_id: int) -> SimpleNamespace:
    """What the login fixture needs of a person (their address), read in a context of its own."""
    with app.app_context():
        return SimpleNamespace(email=db.session.get(User, user_id).email)


def search(client, q: str) -> str:
    response = client.get("/search/", query_string={"q": q})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def world(app, make_org, make_user, facilitator):
    """A company with the person who will leave (they wrote a practice, a thread, a reply, were mentioned,
    hold an RSVP with someone waiting behind them), a colleague, and someone from another company."""
    company = make_org("Halvorsen Machining")
    person = make_user(name=NAME, email=EMAIL, org=company)
    colleague = make_user(name="Colette Coworker", org=company)
    manager = make_user(name="Manon Manager", org=company, role=Role.manager)
    other = make_user(name="Oscar Outsider")
    with app.app_context():
        leaver, outsider = db.session.get(User, person.id), db.session.get(User, other.id)
        leaver.bio = BIO
        topic = db.session.scalars(sa.select(Topic).order_by(Topic.id)).first()
        practice = library.create_practice(leaver, title="Rotations across three plants", summary="How we rotate.",
                                           body="Every apprentice rotates quarterly.", publish=True,
                                           classification=library.Classification(topics=[topic]))
        draft = library.create_practice(leaver, title="Unfinished draft on mentoring", summary="Soon.",
                                        body="Not ready.")
        library.mark_helpful(practice, outsider)
        category = talk.category_for("staffing")
        own_thread = talk.create_thread(leaver, title="Who pays for safety boots?", body="We do, for now.",
                                        kind=ThreadKind.question, category=category)
        lonely_thread = talk.create_thread(leaver, title="Badge photos on day one", body="Anyone else?",
                                           kind=ThreadKind.discussion, category=category)
        outsider_thread = talk.create_thread(outsider, title="Mentor stipends", body="Do you pay mentors?",
                                             kind=ThreadKind.question, category=category)
        db.session.flush()
        answer = talk.add_reply(own_thread, outsider, "The business unit pays. Ask @Quentin.Zephyrwood for details.")
        leaver_reply = talk.add_reply(outsider_thread, leaver, "A small stipend, paid quarterly.")
        talk.mark_helpful(leaver_reply, outsider)
        talk.mark_helpful(answer, leaver)
        library.save_practice(practice, leaver)
        event = events.create_event(db.session.get(User, facilitator.id), kind=EventKind.site_visit,
                                    title="Plant tour at Halvorsen", capacity=1, timezone="America/Chicago",
                                    starts_at=utcnow().replace(second=0, microsecond=0) + timedelta(days=7),
                                    ends_at=utcnow().replace(second=0, microsecond=0) + timedelta(days=7, hours=2),
                                    host_org=db.session.get(Organization, company.id), address="4100 Parkway")
        db.session.commit()
        events.rsvp(db.session.get(Event, event.id), db.session.get(User, person.id))
        db.session.commit()
        events.rsvp(db.session.get(Event, event.id), db.session.get(User, other.id))
        db.session.commit()
        conversation = messaging.start_conversation(db.session.get(User, person.id), [db.session.get(User, other.id)],
                                                    "Your budget sheet", "Could I see your budget sheet?",
                                                    [(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "our-sheet-template.pdf")])
        messaging.add_message(conversation, db.session.get(User, other.id), "Oscar's private answer, attached.",
                              [(io.BytesIO(b"%PDF-1.4\n% Oscar\n%%EOF\n"), "oscars-budget.pdf")])
        db.session.commit()
        flush_outbox()
        ids = dict(conversation=conversation.id, person=person.id, colleague=colleague.id, manager=manager.id, other=other.id,
                   practice=practice.id, draft=draft.id, own_thread=own_thread.id, lonely_thread=lonely_thread.id,
                   outsider_thread=outsider_thread.id, answer=answer.id, leaver_reply=leaver_reply.id,
                   event=event.id, company=company.id, company_slug=company.slug,
                   facilitator=facilitator.id)
    return ids


def pages_to_watch(world) -> list[str]:
    return ["/practices/", f"/practices/{world['practice']}", "/discussions/",
            f"/discussions/{world['own_thread']}", f"/discussions/{world['outsider_thread']}", "/members/",
            f"/orgs/{world['company_slug']}", f"/events/{world['event']}", "/notifications/"]


def delete_own_account(client, login, person_id, keep="keep", password=PASSWORD):
    person = signin_as(client.application, person_id)
    login(person)
    return client.post_form("/privacy/delete", {"posts": keep, "password": password}, page="/privacy/delete")


def index_holding(app, needle: bytes, wait: float) -> list[str]:
    """The search index's files whose bytes hold `needle`, once a rebuild under way has finished."""
    import time

    from cop.search import sync_now

    deadline = time.monotonic() + wait
    while True:
        with app.app_context():
            sync_now(app)
        found = [str(p) for p in Path(app.config["COP_INDEX_DIR"]).rglob("*")
                 if p.is_file() and needle in p.read_bytes().lower()]
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def text_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, (sa.String, sa.Text)) or column.type.__class__.__name__ == "JSON":
                yield table, column


def rows_mentioning(needle: str) -> list[str]:
    """Every (table.column) whose text holds `needle`, anywhere in the database."""
    found = []
    for table, column in text_columns():
        value = sa.cast(column, sa.Text)
        if db.session.scalar(sa.select(sa.func.count()).select_from(table).where(value.contains(needle))):
            found.append(f"{table.name}.{column.name}")
    return found


def test_deleting_needs_the_right_password_and_changes_nothing_without_it(app, client, login, world):
    response = delete_own_account(client, login, world["person"], password="not my password at all")
    assert response.status_code == 200
    assert "That is not your password." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world["person"]).status is MemberStatus.active


def test_the_page_says_what_will_happen_before_anything_does(client, login, world, app):
    person = signin_as(app, world["person"])
    login(person)
    html = client.get("/privacy/delete").get_data(as_text=True)
    assert "can't be undone" in html and "Former member" in html and "waitlist" in html
    assert 'name="password"' in html and 'value="remove"' in html


def test_a_deleted_member_leaves_no_trace_in_pages_caches_search_feeds_exports_or_the_database(
        app, client, login, world, make_user):
    other_client = app.test_client()
    with app.app_context():
        outsider = db.session.get(User, world["other"])
        leaver = db.session.get(User, world["person"])
        outsider_feed = accounts.new_feed_token(outsider)
        leaver_feed = accounts.new_feed_token(leaver)
        db.session.commit()
    outsider = signin_as(app, world["other"])
    login(outsider, client=other_client)
    # Warm every cache: the pages, the search index, the feeds.
    for page in pages_to_watch(world):
        html = other_client.get(page).get_data(as_text=True)
    assert NAME in other_client.get(f"/practices/{world['practice']}").get_data(as_text=True)
    assert NAME in search(other_client, "Zephyrwood")
    assert other_client.get(f"/discussions/feed/{leaver_feed}.atom").status_code == 200
    with app.app_context():
        from cop.discussions.models import FlagReason

        leaver = db.session.get(User, world["person"])
        talk.flag_post(db.session.get(Thread, world["outsider_thread"]), None, leaver, FlagReason.other,
                       "I, Quentin Zephyrwood, think this is off.")
        talk.log_action(ModerationAction.lock, db.session.get(User, world["facilitator"]), target_user=leaver,
                        detail=f"Talked to {NAME} about it.")
        db.session.commit()
    # The person also stays signed in on a second device.
    second_device = app.test_client()
    leaver = signin_as(app, world["person"])
    login(leaver, remember=True, client=second_device)

    response = delete_own_account(client, login, world["person"], keep="keep")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/signin")

    # Sessions, remember-me cookies and feeds end.
    assert client.get("/practices/").status_code == 302
    second_device.delete_cookie("session")
    assert second_device.get("/practices/").status_code == 302
    assert other_client.get(f"/discussions/feed/{leaver_feed}.atom").status_code == 404
    assert other_client.get(f"/practices/feed/{leaver_feed}.atom").status_code == 404
    refused = app.test_client().post_form("/auth/signin", {"email": EMAIL, "password": PASSWORD})
    assert refused.status_code == 200 and "match an account" in refused.get_data(as_text=True)

    # Nothing of them on any page another member reads, cached or not, nor in search, feeds or exports.
    for page in pages_to_watch(world):
        html = other_client.get(page).get_data(as_text=True)
        assert not any(trace in html for trace in TRACES), page
        assert EMAIL not in html, page
    practice_page = other_client.get(f"/practices/{world['practice']}").get_data(as_text=True)
    assert "Former member" in practice_page and "Rotations across three plants" in practice_page
    for q in ("Zephyrwood", "Quentin", "xylographic"):
        assert "0 results" in search(other_client, q), q
    # Not even the index's files hold the name: the erasure has every index rebuilt (in the background
    # when a request finds it), since replaced documents and spelling word lists outlive a merge.
    assert index_holding(app, b"zephyrwood", wait=20) == []
    for feed in (f"/discussions/feed/{outsider_feed}.atom", f"/practices/feed/{outsider_feed}.atom"):
        body = other_client.get(feed).get_data(as_text=True)
        assert not any(trace in body for trace in TRACES), feed
    with app.app_context():
        from cop.privacy.services import export_documents

        others_export = json.dumps(export_documents(db.session.get(User, world["other"]))[0])
        assert not any(trace in others_export for trace in TRACES) and EMAIL not in others_export
    host = app.test_client()
    facilitator = signin_as(app, world["facilitator"])
    login(facilitator, client=host)
    attendees = host.get(f"/events/{world['event']}/attendees.csv").get_data(as_text=True)
    assert EMAIL not in attendees and "Zephyrwood" not in attendees

    with app.app_context():
        # The database holds neither the name, the address nor the profile, in any text column.
        for trace in ("Zephyrwood", EMAIL, "xylographic", "quentin.zephyrwood"):
            assert rows_mentioning(trace) == [], trace
        leaver = db.session.get(User, world["person"])
        assert leaver.status is MemberStatus.deleted and leaver.name == "Former member"
        assert leaver.feed_token is None
        # The seat went to the person waiting.
        records = {r.user_id: r.status for r in db.session.scalars(
            sa.select(Rsvp).where(Rsvp.event_id == world["event"]))}
        assert records == {world["person"]: RsvpStatus.cancelled, world["other"]: RsvpStatus.going}
        # Posts kept, drafts removed; marks and saves gone with their counts.
        assert db.session.get(Practice, world["practice"]).helpful_count == 1
        assert db.session.get(Practice, world["draft"]) is None
        assert db.session.get(Reply, world["answer"]).helpful_count == 0
        assert db.session.get(Reply, world["leaver_reply"]).body == "A small stipend, paid quarterly."
        # The moderation log keeps one line.
        entries = db.session.scalars(sa.select(ModerationLogEntry)
                                     .where(ModerationLogEntry.action == ModerationAction.erase)).all()
        assert [(e.target_user_id, e.detail) for e in entries] == [
            (world["person"], "Deleted by themselves; posts kept.")]
    # The address is free for a new account.
    assert make_user(name="Someone New", email=EMAIL).status is MemberStatus.active


def test_removing_posts_removes_practices_threads_and_replies_and_their_words(app, client, login, world):
    response = delete_own_account(client, login, world["person"], keep="remove")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Practice, world["practice"]) is None
        assert db.session.get(Thread, world["lonely_thread"]) is None
        kept = db.session.get(Thread, world["own_thread"])  # someone answered it: their answer stays
        assert kept.title == "Removed by its author" and kept.body == ""
        assert db.session.get(Reply, world["answer"]).body.startswith("The business unit pays.")
        reply = db.session.get(Reply, world["leaver_reply"])
        assert reply.is_deleted and reply.body == "" and reply.body_html == ""
        assert db.session.get(Thread, world["outsider_thread"]).reply_count == 0
        for words in ("safety boots", "stipend, paid quarterly", "Rotations across", "Badge photos"):
            assert rows_mentioning(words) == [], words
    outsider = signin_as(app, world["other"])
    other_client = app.test_client()
    login(outsider, client=other_client)
    for q in ("rotations", "boots", "quarterly"):
        assert "0 results" in search(other_client, q), q
    assert other_client.get(f"/practices/{world['practice']}").status_code == 404


def test_a_manager_offboards_a_colleague_but_not_a_facilitator_or_someone_elsewhere(app, client, login, world):
    manager = signin_as(app, world["manager"])
    login(manager)
    assert client.get(f"/privacy/people/{world['other']}/delete").status_code == 403
    assert client.get(f"/privacy/people/{world['facilitator']}/delete").status_code == 403
    page = f"/privacy/people/{world['colleague']}/delete"
    assert "Delete Colette Coworker" in client.get(page).get_data(as_text=True)
    response = client.post_form(page, {"posts": "keep", "password": PASSWORD}, page=page)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, world["colleague"]).status is MemberStatus.deleted
        entry = db.session.scalar(sa.select(ModerationLogEntry).where(ModerationLogEntry.action == ModerationAction.erase))
        assert entry.actor_id == world["manager"] and entry.detail == "Deleted by their manager; posts kept."
    assert client.get(page).status_code == 404


def test_members_cannot_offboard_anyone(app, client, login, world):
    colleague = signin_as(app, world["colleague"])
    login(colleague)
    assert client.get(f"/privacy/people/{world['person']}/delete").status_code == 403
    response = client.post_form(f"/privacy/people/{world['person']}/delete", {"posts": "remove", "password": PASSWORD},
                                page="/privacy/delete")
    assert response.status_code == 403
    assert client.get(f"/privacy/orgs/{world['company_slug']}/delete").status_code == 403


def add_program_and_sign_in(app, world) -> None:
    """The company also profiled a program and signs in through its own identity provider."""
    from cop.programs import services as programs
    from cop.programs.models import ProgramStage
    from cop.sso import services as sso

    with app.app_context():
        company = db.session.get(Organization, world["company"])
        programs.create_program(company, db.session.get(User, world["manager"]), programs.ProgramData(
            name="Halvorsen youth apprenticeship", private_fields=set(), program_type="apprenticeship",
            student_level="high-school", stage=ProgramStage.running, participants_per_year=8))
        sso.save_provider(company, issuer="https://id.halvorsen.example", client_id="cop", client_secret="s3cret",
                          domains=["halvorsen.example"], approve_new_people=True, password_signin=False)
        db.session.commit()


def test_a_facilitator_removes_a_whole_organization(app, client, login, world, outbox):
    add_program_and_sign_in(app, world)
    facilitator = signin_as(app, world["facilitator"])
    login(facilitator)
    page = f"/privacy/orgs/{world['company_slug']}/delete"
    html = " ".join(client.get(page).get_data(as_text=True).split())
    assert "3 accounts will be deleted" in html and NAME in html
    assert "Its 1 upcoming event (Plant tour at Halvorsen) will be cancelled" in html
    assert "Its 1 program profile will be removed" in html
    response = client.post_form(page, {"posts": "keep", "password": PASSWORD}, page=page)
    assert response.status_code == 302 and response.headers["Location"].endswith("/orgs/")
    flashed = client.get("/orgs/").get_data(as_text=True)
    assert "3 accounts deleted, 1 upcoming event cancelled, 1 program profile removed" in flashed
    with app.app_context():
        from cop.programs.models import Program
        from cop.sso.models import IdentityProvider

        people = db.session.scalars(sa.select(User).where(User.organization_id == world["company"])).all()
        assert {p.status for p in people} == {MemberStatus.deleted}
        assert db.session.get(User, world["other"]).status is MemberStatus.active
        assert rows_mentioning("Zephyrwood") == [] and rows_mentioning("Colette") == []
        assert db.session.get(Organization, world["company"]).is_removed
        assert db.session.get(Event, world["event"]).is_cancelled
        assert db.session.scalar(sa.select(sa.func.count(Program.id))
                                 .where(Program.organization_id == world["company"])) == 0
        assert db.session.scalar(sa.select(sa.func.count(IdentityProvider.id))
                                 .where(IdentityProvider.organization_id == world["company"])) == 0
    # The member who had a place at its event is told it was called off, and why.
    told = [mail_text(m) for m in outbox() if "Cancelled: Plant tour" in m["Subject"]]
    assert told and "Halvorsen Machining has left the community." in told[0]


def test_a_removed_organization_is_listed_nowhere_and_keeps_only_its_name_on_kept_posts(
        app, client, login, world, make_user):
    add_program_and_sign_in(app, world)
    facilitator = signin_as(app, world["facilitator"])
    login(facilitator)
    page = f"/privacy/orgs/{world['company_slug']}/delete"
    client.post_form(page, {"posts": "keep", "password": PASSWORD}, page=page)
    client = app.test_client()
    login(signin_as(app, world["other"]), client=client)
    slug = world["company_slug"]
    assert "Halvorsen" not in client.get("/orgs/").get_data(as_text=True)
    assert client.get(f"/orgs/{slug}").status_code == 404
    assert "Halvorsen" not in client.get("/programs/").get_data(as_text=True)
    assert f"/orgs/{slug}" not in search(client, "Halvorsen")
    # Its kept practice and its past event still name it, without a link to a page that is gone.
    for path in (f"/practices/{world['practice']}", f"/events/{world['event']}", "/practices/"):
        html = client.get(path).get_data(as_text=True)
        assert "Halvorsen Machining" in html and f'href="/orgs/{slug}"' not in html, path
    assert "Halvorsen Machining" not in app.test_client().get("/auth/join").get_data(as_text=True)
    # A company that comes back under the same name is listed again once its first person is approved.
    with app.app_context():
        from cop.orgs import services as organizations

        applicant = accounts.request_to_join(name="Rhea Returner", email="rhea@halvorsen-again.example",
                                             password=PASSWORD, organization_id=None,
                                             new_org_name="Halvorsen Machining", new_org_kind="member_company",
                                             note="We're back.")
        organizations.approve_applicant(applicant, by=db.session.get(User, world["facilitator"]))
        db.session.commit()
        assert applicant.organization_id == world["company"]
        assert not db.session.get(Organization, world["company"]).is_removed


def test_the_last_facilitator_cannot_leave_the_community_without_one(app, client, login, world):
    facilitator = signin_as(app, world["facilitator"])
    response = delete_own_account(client, login, world["facilitator"])
    assert response.status_code == 200
    assert "The community needs a facilitator" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world["facilitator"]).status is MemberStatus.active


# Exports

def ask_for_export(app, client, login, user_id):
    user = signin_as(app, user_id)
    login(user)
    response = client.post_form("/privacy/export", page="/privacy/export")
    assert response.status_code == 302
    return user


def build_and_find_link(runner, outbox, email) -> str:
    result = runner.invoke(args=["privacy", "build-exports"])
    assert result.exit_code == 0, result.output
    messages = [m for m in outbox(email) if m["Subject"] == "Your data export is ready"]
    assert len(messages) == 1
    match = re.search(r"https://cop\.example(/privacy/export/\S+)", mail_text(messages[0]))
    assert match, mail_text(messages[0])
    return match.group(1)


def add_feedback(app, world):
    """The person and the outsider both gave feedback on a provider's session they attended."""
    with app.app_context():
        from cop.orgs.models import OrgKind
        from cop.orgs.services import create_organization

        provider = create_organization(name="Beacon College", kind=OrgKind.training_provider, industry="Education")
        start = utcnow().replace(second=0, microsecond=0) + timedelta(days=2)
        session = events.create_event(db.session.get(User, world["facilitator"]), kind=EventKind.feedback_session,
                                      title="Beacon feedback", starts_at=start, ends_at=start + timedelta(hours=1),
                                      timezone="America/Chicago", capacity=10, host_org=provider,
                                      address="12 College Way")
        db.session.commit()
        for key in ("person", "other"):
            events.rsvp(db.session.get(Event, session.id), db.session.get(User, world[key]))
            db.session.commit()
        row = db.session.get(Event, session.id)
        row.starts_at, row.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=2)
        db.session.execute(sa.update(Rsvp).where(Rsvp.event_id == session.id).values(attended=True))
        db.session.commit()
        for key, words in (("person", "Loved the welding lab."), ("other", "Outsider opinion on cost.")):
            event = db.session.get(Event, session.id)
            text_question = next(q for q in event.questions if q.kind.value == "text")
            events.submit_feedback(event, db.session.get(User, world[key]), scores={},
                                   texts={text_question.id: words}, intents={"would_host_interns": Intent.yes})
            db.session.commit()


def read_zip(data: bytes) -> tuple[dict[str, object], set[str]]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    documents = {name: json.loads(archive.read(name)) for name in names if name.endswith(".json")}
    return documents, names


def test_an_export_holds_everything_the_member_made_and_nothing_of_others(app, client, login, world, runner,
                                                                          outbox):
    with app.app_context():
        leaver = db.session.get(User, world["person"])
        practice = db.session.get(Practice, world["practice"])
        library.update_practice(practice, leaver, title=practice.title, summary="How we rotate, revised.",
                                body="Every apprentice rotates quarterly, with a mentor.")
        library.add_attachment(practice, io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "rotation-plan.pdf", leaver)
        outsiders = library.create_practice(db.session.get(User, world["other"]), title="Oscar's own practice",
                                            summary="S.", body="B.", publish=True)
        library.add_attachment(outsiders, io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "checklist-i-added.pdf", leaver)
        library.add_attachment(outsiders, io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "oscars-own-file.pdf",
                               db.session.get(User, world["other"]))
        db.session.commit()
    add_feedback(app, world)
    ask_for_export(app, client, login, world["person"])
    assert "being prepared" in client.get("/privacy/export").get_data(as_text=True)
    link = build_and_find_link(runner, outbox, EMAIL)
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "no-store" in response.headers["Cache-Control"]
    documents, names = read_zip(response.data)
    assert {"profile.json", "practices.json", "discussions.json", "events.json", "feedback.json",
            "helpful_marks.json", "saved_practices.json", "notifications.json", "messages.json"} <= names
    assert documents["profile.json"]["profile"]["email"] == EMAIL
    assert documents["profile.json"]["profile"]["bio"] == BIO
    practices = {p["title"]: p for p in documents["practices.json"]["items"]}
    assert set(practices) == {"Rotations across three plants", "Unfinished draft on mentoring"}
    rotation = practices["Rotations across three plants"]
    assert [r["summary"] for r in rotation["revisions"]] == ["How we rotate.", "How we rotate, revised."]
    attachment_file = rotation["attachments"][0]["file"]
    assert attachment_file in names
    assert zipfile.ZipFile(io.BytesIO(response.data)).read(attachment_file) == b"%PDF-1.4\n%%EOF\n"
    [added] = documents["practices.json"]["attachments_on_others_practices"]
    assert added["filename"] == "checklist-i-added.pdf" and added["file"] in names
    assert not any("oscars-own-file" in name for name in names)
    discussions = documents["discussions.json"]
    assert {t["title"] for t in discussions["threads"]} == {"Who pays for safety boots?", "Badge photos on day one"}
    assert [r["body"] for r in discussions["replies"]] == ["A small stipend, paid quarterly."]
    assert [(r["event"], r["status"]) for r in documents["events.json"]["items"]][0] == (
        "Plant tour at Halvorsen", "going")
    feedback = documents["feedback.json"]["items"]
    assert [a["text"] for f in feedback for a in f["answers"] if a["text"]] == ["Loved the welding lab."]
    assert [m["reply_id"] for m in documents["helpful_marks.json"]["replies"]] == [world["answer"]]
    assert [s["practice_id"] for s in documents["saved_practices.json"]["items"]] == [world["practice"]]
    assert any("Oscar Outsider" in n["text"] for n in documents["notifications.json"]["items"])
    assert [(m["subject"], m["body"]) for m in documents["messages.json"]["items"]] == [
        ("Your budget sheet", "Could I see your budget sheet?")]
    [sent] = documents["messages.json"]["items"][0]["attachments"]
    assert sent["filename"] == "our-sheet-template.pdf" and sent["content_type"] == "application/pdf"
    assert zipfile.ZipFile(io.BytesIO(response.data)).read(sent["file"]) == b"%PDF-1.4\n%%EOF\n"
    assert not any("oscars-budget" in name for name in names)
    everything = json.dumps(documents)
    for others in ("Outsider opinion on cost", "The business unit pays", "Do you pay mentors",
                   "oscar", "Colette", "private answer"):
        assert others not in everything, others
    # Once only.
    again = client.get(link)
    assert again.status_code == 302
    assert "expired or was already used" in client.get("/privacy/export").get_data(as_text=True)
    with app.app_context():
        export = db.session.scalar(sa.select(DataExport))
        assert export.status is ExportStatus.downloaded and export.downloaded_at is not None
        assert not list((Path(app.config["COP_UPLOAD_DIR"]) / "exports").glob("*"))


def test_the_link_works_only_for_its_owner_and_only_until_it_expires(app, client, login, world, runner, outbox):
    ask_for_export(app, client, login, world["person"])
    link = build_and_find_link(runner, outbox, EMAIL)
    stranger = app.test_client()
    outsider = signin_as(app, world["other"])
    login(outsider, client=stranger)
    assert stranger.get(link).status_code == 404
    assert app.test_client().get(link).status_code == 302  # signed out: to sign-in
    with app.app_context():
        export = db.session.scalar(sa.select(DataExport))
        export.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert client.get(link).status_code == 302
    result = runner.invoke(args=["privacy", "expire-exports"])
    assert "Removed 1 expired export(s)." in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(DataExport.status)) is ExportStatus.expired


def test_one_export_at_a_time(app, client, login, world):
    ask_for_export(app, client, login, world["person"])
    client.post_form("/privacy/export", page="/privacy/export")
    html = client.get("/privacy/export").get_data(as_text=True)
    assert "already being prepared" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(DataExport.id))) == 1


def test_a_facilitator_keeps_a_practice_the_community_relies_on_while_removing_the_rest(app, client, login,
                                                                                       world):
    with app.app_context():
        leaver = db.session.get(User, world["person"])
        other = library.create_practice(leaver, title="A second practice nobody needs", summary="Short.",
                                        body="Words.", publish=True)
        db.session.commit()
        other_id = other.id
    login(signin_as(app, world["facilitator"]))
    page = f"/privacy/people/{world['person']}/delete"
    html = client.get(page).get_data(as_text=True)
    assert "Practices the community relies on" in html and "Rotations across three plants" in html
    response = client.post_form(page, {"posts": "remove", "password": PASSWORD,
                                       "keep_practices": [str(world["practice"])]}, page=page)
    assert response.status_code == 302
    with app.app_context():
        kept = db.session.get(Practice, world["practice"])
        assert kept is not None and kept.author.name == "Former member"
        assert db.session.get(Practice, other_id) is None
        assert db.session.get(Thread, world["lonely_thread"]) is None
        entry = db.session.scalar(sa.select(ModerationLogEntry).where(ModerationLogEntry.action == ModerationAction.erase))
        assert entry.detail == "Deleted by a facilitator; posts removed."


def test_a_manager_is_not_offered_to_keep_practices(app, client, login, world):
    login(signin_as(app, world["manager"]))
    html = client.get(f"/privacy/people/{world['colleague']}/delete").get_data(as_text=True)
    assert "Practices the community relies on" not in html


def test_building_an_export_runs_the_same_number_of_statements_however_much_the_member_made(
        app, world, count_queries):
    from cop.privacy.services import export_documents

    def statements() -> int:
        with app.app_context():
            user = db.session.get(User, world["person"])
            with count_queries() as tally:
                export_documents(user)
            return tally.count

    before = statements()
    with app.app_context():
        leaver = db.session.get(User, world["person"])
        thread = db.session.get(Thread, world["outsider_thread"])
        for n in range(5):
            practice = library.create_practice(leaver, title=f"Practice number {n}", summary="S.", body="B.",
                                               publish=True)
            library.add_attachment(practice, io.BytesIO(b"%PDF-1.4\n%%EOF\n"), f"plan-{n}.pdf", leaver)
            talk.add_reply(thread, leaver, f"Another reply, number {n}.")
        db.session.commit()
    assert statements() == before


def test_removed_practices_lose_their_files_only_when_the_removal_commits(app, world):
    with app.app_context():
        leaver = db.session.get(User, world["person"])
        attachment = library.add_attachment(db.session.get(Practice, world["practice"]),
                                            io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "plan.pdf", leaver)
        db.session.commit()
        stored = attachment.stored_name
        assert storage.store().exists(stored)
        library.remove_practices_of(db.session.get(User, world["person"]), keep_published=False)
        db.session.rollback()
        assert storage.store().exists(stored) and db.session.get(Practice, world["practice"]) is not None
        library.remove_practices_of(db.session.get(User, world["person"]), keep_published=False)
        db.session.commit()
        assert not storage.store().exists(stored)


def _message_files(app) -> dict[str, str]:
    """Every file sent in a message, filename -> stored name, as the database knows them."""
    with app.app_context():
        return dict(db.session.execute(sa.select(MessageAttachment.filename, MessageAttachment.stored_name)).all())


@pytest.mark.parametrize("keep", ["keep", "remove"])
def test_deleting_an_account_removes_the_files_it_sent_in_messages(app, client, login, world, keep):
    files = _message_files(app)
    with app.app_context():
        assert all(storage.store().exists(name) for name in files.values())
    response = delete_own_account(client, login, world["person"], keep=keep)
    assert response.status_code == 302
    assert _message_files(app) == {"oscars-budget.pdf": files["oscars-budget.pdf"]}
    with app.app_context():
        assert not storage.store().exists(files["our-sheet-template.pdf"])
        assert storage.store().exists(files["oscars-budget.pdf"])
        remaining = db.session.scalars(sa.select(Message.body).order_by(Message.id)).all()
    kept = ["Could I see your budget sheet?"] if keep == "keep" else []
    assert remaining == kept + ["Oscar's private answer, attached."]


def test_asking_for_exports_is_rate_limited_per_member(app, client, login, world, runner):
    app.config["COP_EXPORT_LIMIT"] = "2 per hour"
    ask_for_export(app, client, login, world["person"])
    for expected in (302, 429):
        runner.invoke(args=["privacy", "build-exports"])
        assert client.post_form("/privacy/export", page="/privacy/export").status_code == expected
