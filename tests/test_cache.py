"""Rendered-page caching: the content version, the fragment store, and what cached pages must still get right
for each member (their own marks, controls, CSRF token, time zone, unread count and flashed messages)."""

import re
from html import unescape
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from cop.auth.models import Role
from cop.cache import fragments, versions
from cop.extensions import db
from cop.discussions.models import ThreadRead
from cop.notifications.models import Notification
from cop.practices import services, viewcounts
from cop.practices.models import Practice
from tests.conftest import CSRF_INPUT, made_in


@pytest.fixture
def practice(app, make_user):
    author = make_user(name="Avery Author")
    with made_in(app) as finish:
        practice = services.create_practice(db.session.merge(author), title="Rotating mentors across shifts",
                                            summary="Mentors rotate so nobody burns out.",
                                            body="Each mentor takes **two** interns.", publish=True)
        db.session.commit()
        return finish(practice)


def store(app):
    return app.extensions["cop_fragments"]


def test_commits_that_change_content_move_the_version_and_others_do_not(app, ctx, member, facilitator):
    start = versions.current()

    db.session.rollback()
    practice = services.create_practice(db.session.merge(member), title="Badge day", summary="s", body="b",
                                        publish=True)
    db.session.rollback()  # never committed: nothing moved
    assert versions.current() == start

    practice = services.create_practice(db.session.merge(member), title="Badge day", summary="s", body="b",
                                        publish=True)
    db.session.commit()
    after_create = versions.current()
    assert after_create > start

    # A Core statement outside the ORM's unit of work counts too.
    db.session.execute(sa.update(Practice).where(Practice.id == practice.id).values(title="Badge day, revised"))
    db.session.commit()
    assert versions.current() > after_create

    # Per-member bookkeeping and view counts do not retire every cached page.
    settled = versions.current()
    db.session.add(Notification(user_id=member.id, kind="reply", text="Someone replied", url="/"))
    db.session.commit()
    viewcounts.write_views({practice.id: 3})
    db.session.commit()
    assert versions.current() == settled
    assert db.session.get(Practice, practice.id).view_count == 3

    # Nor does ending someone's sessions (every sign-out does), unless something shown changes with it.
    from cop.auth.services import end_all_sessions, suspend_member

    person = db.session.merge(member)
    token = person.session_token
    end_all_sessions(person)
    db.session.commit()
    assert versions.current() == settled and db.session.get(type(person), person.id).session_token != token
    suspend_member(person, db.session.merge(facilitator))
    db.session.commit()
    assert versions.current() > settled


def test_the_store_keeps_the_most_recently_used_within_its_byte_budget():
    store = fragments.FragmentStore(max_bytes=10)
    store.put("a", "aaaa")
    store.put("b", "bbbb")
    assert store.get("a") == "aaaa"  # a is now the most recent
    store.put("c", "cccc")  # 12 bytes: the least recently used (b) goes
    assert store.get("b") is None
    assert store.get("a") == "aaaa" and store.get("c") == "cccc"
    assert store.size == 8
    store.put("huge", "x" * 11)  # bigger than the budget: never stored, nothing evicted for it
    assert store.get("huge") is None and len(store) == 2


def test_the_library_is_served_from_the_cache_until_something_changes(app, client, login, member, practice):
    login(member)
    first = client.get("/practices/")
    assert "Rotating mentors across shifts" in first.get_data(as_text=True)
    hits = store(app).hits
    second = client.get("/practices/")
    assert second.get_data(as_text=True).count("Rotating mentors across shifts") == 1
    assert store(app).hits > hits

    with app.app_context():
        db.session.get(Practice, practice.id).title = "Rotating mentors across all three shifts"
        db.session.commit()
    page = client.get("/practices/").get_data(as_text=True)
    assert "Rotating mentors across all three shifts" in page


def test_a_textual_write_retires_the_cached_library_page(app, client, login, member, practice):
    login(member)
    assert "Rotating mentors across shifts" in client.get("/practices/").get_data(as_text=True)

    # A script in an application context, as `flask shell` or a one-off job would run it.
    with app.app_context():
        db.session.execute(sa.text("UPDATE practices SET title = :title WHERE id = :id"),
                           {"title": "Rotating mentors across two shifts", "id": practice.id})
        db.session.commit()
    assert "Rotating mentors across two shifts" in client.get("/practices/").get_data(as_text=True)

    # A CLI command writing straight through the driver's SQL.
    @app.cli.command("retitle-by-hand")
    def retitle_by_hand():
        connection = db.session.connection()
        placeholder = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        connection.exec_driver_sql(f"UPDATE practices SET title = {placeholder} WHERE id = {placeholder}",
                                   ("Rotating mentors across three shifts", practice.id))
        db.session.commit()

    result = app.test_cli_runner().invoke(args=["retitle-by-hand"])
    assert result.exit_code == 0, result.output
    assert "Rotating mentors across three shifts" in client.get("/practices/").get_data(as_text=True)


@pytest.mark.parametrize("statement, moves", [
    ("UPDATE practices SET view_count = view_count WHERE id > 0", True),
    ("WITH chosen AS (SELECT id FROM practices) UPDATE practices SET view_count = view_count "
     "WHERE id IN (SELECT id FROM chosen)", True),
    ("/* a comment first */ DELETE FROM practices WHERE id < 0", True),
    ("INSERT INTO notifications (user_id, kind, text, url, created_at) "
     "SELECT id, 'reply', 'x', '/', created_at FROM users WHERE id < 0", False),
    ("DELETE FROM thread_reads WHERE user_id < 0", False),
    ("SELECT title FROM practices WHERE title = 'UPDATE practices'", False),
])
def test_textual_writes_move_the_version_unless_they_touch_only_bookkeeping(ctx, statement, moves):
    start = versions.current()
    db.session.execute(sa.text(statement))
    db.session.commit()
    assert (versions.current() > start) is moves


def test_a_textual_write_marked_neutral_leaves_the_version(ctx):
    start = versions.current()
    db.session.execute(sa.text("UPDATE practices SET view_count = view_count + 0"),
                       execution_options={versions.NEUTRAL: True})
    db.session.commit()
    assert versions.current() == start


def test_each_member_gets_their_own_token_marks_and_controls(app, client, login, member, make_user, facilitator,
                                                             practice):
    other = make_user(name="Omar Other")
    login(facilitator)
    as_facilitator = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "Unpublish" in as_facilitator
    # Each reader in a browser of their own, so that no sign-out moves the version between them.
    client = app.test_client()
    login(member, client=client)
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "Unpublish" not in page and ">Edit<" not in page
    token = CSRF_INPUT.search(page).group(1)
    assert "<!--cop:" not in page
    assert client.post(f"/practices/{practice.id}/helpful", data={"csrf_token": token}).status_code == 302
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "✓ This helped me" in unescape(page) and "1 member found this helpful" in page

    client = app.test_client()
    login(other, client=client)
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "✓ This helped me" not in unescape(page) and 'aria-pressed="false">This helped me' in page
    assert "1 member found this helpful" in page
    assert "Maria Member" not in page  # nothing of the previous viewer's header survives
    assert "Omar Other" in page


def test_dates_follow_each_viewers_time_zone(app, client, login, make_user, practice):
    with app.app_context():
        db.session.get(Practice, practice.id).published_at = datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc)
        db.session.commit()
    chicago = make_user(name="Chicago Reader")
    tokyo = make_user(name="Tokyo Reader")
    with app.app_context():
        db.session.merge(tokyo).timezone = "Asia/Tokyo"
        db.session.commit()
    login(chicago)
    assert "Mar 1, 2026" in client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "Mar 1, 2026" in client.get("/practices/").get_data(as_text=True)
    # Another browser, so that nothing (not even a sign-out) changes between the two readers.
    elsewhere = app.test_client()
    login(tokyo, client=elsewhere)
    hits = store(app).hits
    assert "Mar 2, 2026" in elsewhere.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "Mar 2, 2026" in elsewhere.get("/practices/").get_data(as_text=True)
    assert "Mar 1, 2026" in client.get("/practices/").get_data(as_text=True)
    assert store(app).hits > hits  # Chicago's page came from the cache: the zone is what told them apart


def test_the_header_shows_a_new_notification_and_flashed_messages(app, client, login, member, practice):
    login(member)
    assert "unread</span>" not in client.get("/practices/").get_data(as_text=True)
    with app.app_context():
        db.session.add(Notification(user_id=member.id, kind="reply", text="Someone replied", url="/"))
        db.session.commit()
    assert re.search(r'badge">1<span class="visually-hidden"> unread', client.get("/practices/").get_data(as_text=True))

    response = client.post_form(f"/practices/{practice.id}/save", page="/practices/", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Saved to your list." in page and "★ Saved" in unescape(page)
    assert "Saved to your list." not in client.get(f"/practices/{practice.id}").get_data(as_text=True)


def test_view_counts_gather_and_are_written_together(app, client, login, make_user, practice):
    app.config["COP_VIEW_FLUSH_SECONDS"] = 3600
    counter = app.extensions["cop_view_counter"]
    counter.interval = 3600
    readers = [make_user() for _ in range(3)]
    for reader in readers:
        login(reader)
        client.get(f"/practices/{practice.id}").close()
        client.get(f"/practices/{practice.id}").close()  # the same session again: not a new view
        client.post_form("/auth/signout", page="/practices/")
    assert counter.pending[practice.id] == 3
    with app.app_context():
        assert db.session.get(Practice, practice.id).view_count == 0
    assert counter.flush() == 3
    assert not counter.pending
    with app.app_context():
        assert db.session.get(Practice, practice.id).view_count == 3


def test_the_cache_can_be_switched_off(app, client, login, member, practice):
    app.config["COP_FRAGMENT_CACHE"] = False
    login(member)
    client.get("/practices/")
    client.get("/practices/")
    assert len(store(app)) == 0
    assert "Rotating mentors across shifts" in client.get("/practices/").get_data(as_text=True)


def test_a_manager_of_the_authors_organization_sees_the_edit_controls(app, client, login, make_user, practice):
    with app.app_context():
        org = db.session.get(Practice, practice.id).organization
    colleague_manager = make_user(name="Colleague Manager", role=Role.manager, org=org)
    outsider = make_user(name="Outside Reader")
    login(outsider)
    assert ">Edit<" not in client.get(f"/practices/{practice.id}").get_data(as_text=True)
    elsewhere = app.test_client()
    login(colleague_manager, client=elsewhere)
    assert ">Edit<" in elsewhere.get(f"/practices/{practice.id}").get_data(as_text=True)



def test_cached_pages_are_ascii_and_read_as_the_uncached_page_reads(app, client, login, make_user):
    """Stored fragments hold other characters as references (see `fragments.ascii_html`): the bytes are
    ASCII, and what a reader sees, title included, is the page the cache-free path renders."""
    from cop.discussions import services as discussions
    from cop.discussions.models import ThreadKind

    asker = make_user(name="Zoë Ñúñez")
    with app.app_context():
        thread = discussions.create_thread(db.session.merge(asker), title="Café budgets — who pays “extras”?",
                                           body="Stipends in € and ¥; ✓ or ✗?", kind=ThreadKind.question,
                                           category=discussions.category_for("budget-and-funding"))
        db.session.commit()
        path = f"/discussions/{thread.id}"
    login(make_user(name="Rae Reader"))
    client.get(path)  # the first view marks it read
    cached = client.get(path).get_data()
    assert cached.isascii() and "&#8220;extras&#8221;" in cached.decode()
    app.config["COP_FRAGMENT_CACHE"] = False
    fresh = client.get(path).get_data(as_text=True)
    assert not fresh.isascii()
    shown = unescape(cached.decode())
    for text in ("<title>Café budgets — who pays “extras”? · ", "Zoë Ñúñez", "Stipends in € and ¥; ✓ or ✗?"):
        assert text in shown and text in fresh


# Discussions: shared lists and thread pages, each member's own part filled in.

def _thread_with_reply(app, asker, replier):
    from cop.discussions import services as discussions
    from cop.discussions.models import ThreadKind

    with app.app_context():
        thread = discussions.create_thread(db.session.merge(asker), title="Who pays for bus passes?",
                                           body="Transportation keeps coming up.", kind=ThreadKind.question,
                                           category=discussions.category_for("budget-and-funding"))
        db.session.flush()
        reply = discussions.add_reply(thread, db.session.merge(replier), "Our HR budget covers them.", None)
        db.session.commit()
        return thread.id, reply.id


def test_a_page_from_the_cache_makes_no_database_session_and_a_session_made_later_holds_the_member(
        app, login, make_user, practice):
    from flask import request_tearing_down
    from flask_login import current_user

    from cop.extensions import has_session

    asker, replier, reader = make_user(name="Asha Asker"), make_user(name="Remy Replier"), make_user(name="Rae Reader")
    thread_id, _ = _thread_with_reply(app, asker, replier)
    sessions = []

    def note(sender, **extra):
        # Whether the request made a session and, if it did, whether the member is in it.
        sessions.append(has_session() and sa.inspect(current_user._get_current_object()).persistent)

    client = app.test_client()
    login(reader, client=client)
    with request_tearing_down.connected_to(note, app):
        client.get(f"/discussions/{thread_id}")  # the first view marks the thread read: it writes
        assert sessions == [True]
        for path in ("/practices/", f"/practices/{practice.id}", "/", "/discussions/", f"/discussions/{thread_id}"):
            client.get(path)  # the cache is warm once this has been rendered
            sessions.clear()
            assert client.get(path).status_code == 200
            assert sessions == [False], path
    with app.app_context():
        assert db.session.get(ThreadRead, (reader.id, thread_id)) is not None


def test_a_cached_render_may_load_through_the_member_read_without_a_session(app, login, member):
    """A cached page's member is read without a session; a render that loads through them before anything
    else (their organization) still works, with the cache on and off."""
    from flask_login import current_user

    from cop.auth.models import User

    @app.get("/organization-of-the-member")
    @fragments.cached_page
    def organization_of_the_member():
        main = fragments.cached(("organization-of-the-member", current_user.id),
                                lambda: f"<p>{current_user.organization.name}</p>")
        return fragments.page("Your organization", main)

    with app.app_context():
        name = db.session.get(User, member.id).organization.name
    client = app.test_client()
    login(member, client=client)
    for caching in (True, False):
        app.config["COP_FRAGMENT_CACHE"] = caching
        page = client.get("/organization-of-the-member")
        assert page.status_code == 200, caching
        assert f"<p>{name}</p>" in page.get_data(as_text=True)


def test_a_shared_thread_page_gives_each_member_their_own_buttons(app, login, make_user):
    asker, replier, reader = make_user(name="Asha Asker"), make_user(name="Remy Replier"), make_user(name="Rae Reader")
    thread_id, reply_id = _thread_with_reply(app, asker, replier)
    pages = {}
    for person in (replier, reader, asker):
        client = app.test_client()
        login(person, client=client)
        client.get(f"/discussions/{thread_id}")  # the first view marks it read
        pages[person.name] = client, client.get(f"/discussions/{thread_id}").get_data(as_text=True)

    def reply_part(html):
        return html[html.index(f'id="reply-{reply_id}"'):html.index("</li>", html.index(f'id="reply-{reply_id}"'))]

    mine = reply_part(pages["Remy Replier"][1])
    assert "Edit<span" in mine and "/delete" in mine
    assert "/helpful" not in mine and "Flag<span" not in mine
    theirs = reply_part(pages["Rae Reader"][1])
    assert "/helpful" in theirs and "Flag<span" in theirs
    assert "Edit<span" not in theirs and "/delete" not in theirs
    assert "Mark as answer" not in theirs  # only the asker marks the answer
    assert "Mark as answer" in reply_part(pages["Asha Asker"][1])
    for _, html in pages.values():
        assert "<!--cop:" not in html

    client = pages["Rae Reader"][0]
    token = CSRF_INPUT.search(pages["Rae Reader"][1]).group(1)
    client.post(f"/discussions/{thread_id}/replies/{reply_id}/helpful", data={"csrf_token": token})
    assert 'aria-pressed="true">Helpful (1)' in reply_part(client.get(f"/discussions/{thread_id}").get_data(as_text=True))
    asker_client = pages["Asha Asker"][0]
    assert 'aria-pressed="false">Helpful (1)' in reply_part(
        asker_client.get(f"/discussions/{thread_id}").get_data(as_text=True))


def test_unread_and_new_marks_are_each_members_own(app, login, make_user):
    from cop.discussions import services as discussions
    from cop.discussions.models import Thread

    asker, replier, reader = make_user(name="Asha Asker"), make_user(name="Remy Replier"), make_user(name="Rae Reader")
    thread_id, _ = _thread_with_reply(app, asker, replier)
    reader_client, replier_client = app.test_client(), app.test_client()
    login(reader, client=reader_client)
    login(replier, client=replier_client)

    assert "badge-new\">Unread" in reader_client.get("/discussions/").get_data(as_text=True)
    reader_client.get(f"/discussions/{thread_id}")
    assert "badge-new\">Unread" not in reader_client.get("/discussions/").get_data(as_text=True)
    hits = store(app).hits
    listing = replier_client.get("/discussions/").get_data(as_text=True)
    assert store(app).hits > hits  # the same list, shared
    assert "thread-row unread" not in listing  # the replier posted last: nothing new to them

    with app.app_context():
        later = discussions.add_reply(db.session.get(Thread, thread_id), db.session.merge(replier),
                                      "Also: the transit agency has a youth pass.", None)
        db.session.commit()
        later_id = later.id
    page = reader_client.get(f"/discussions/{thread_id}").get_data(as_text=True)
    new_part = page[page.index(f'id="reply-{later_id}"'):]
    assert '<span class="badge-new">New</span>' in new_part[:new_part.index("</li>")]
    again = reader_client.get(f"/discussions/{thread_id}").get_data(as_text=True)
    assert '<span class="badge-new">New</span>' not in again
    # The author of the new reply never sees their own words as new.
    own = replier_client.get(f"/discussions/{thread_id}").get_data(as_text=True)
    assert '<span class="badge-new">New</span>' not in own


def test_a_members_private_feed_address_stays_on_their_own_page(app, login, make_user):
    with_feed, without = make_user(name="Fay Feed"), make_user(name="Nat Nofeed")
    with app.app_context():
        db.session.merge(with_feed).feed_token = "secret-feed-token-of-fay"
        db.session.commit()
    first, second = app.test_client(), app.test_client()
    login(with_feed, client=first)
    login(without, client=second)
    assert "secret-feed-token-of-fay" in first.get("/discussions/").get_data(as_text=True)
    hits = store(app).hits
    page = second.get("/discussions/").get_data(as_text=True)
    assert store(app).hits > hits
    assert "secret-feed-token-of-fay" not in page and "Get your private feed address" in page


def reference_fill(html: str, resolve, viewer_id=None, token: str = "TOKEN") -> str:
    """The placeholders' meaning, spelled out as one walk (the oracle the plans are held to): each
    placeholder is what `resolve` gives (None keeps it, the CSRF token by default), an `own` block stays for
    its owner alone and an `other` block for everyone but them, each up to the first end marker of its kind;
    without a viewer no `own` block stays."""
    parts = html.split(fragments.MARK)
    out, skip_to = [parts[0]], None
    for part in parts[1:]:
        name, _, rest = part.partition("-->")
        if skip_to is not None:
            if name == skip_to:
                skip_to = None
                out.append(rest)
            continue
        kind, _, owner = name.partition(":")
        if kind in ("own", "other") and owner.isdigit():
            if (kind == "own") != (viewer_id is not None and int(owner) == viewer_id):
                skip_to = "/" + kind
            else:
                out.append(rest)
            continue
        if name in ("/own", "/other"):
            out.append(rest)
            continue
        value = resolve(name)
        if value is None and name == "csrf":
            value = token
        out.append(fragments.MARK + name + "-->" if value is None else value)
        out.append(rest)
    return "".join(out)


def _page_with_blocks() -> str:
    """Replies by members 1, 2 and 3 with the blocks a thread page has (helpful buttons for everyone but the
    author, edit buttons for the author), and the awkward cases: an own block inside another member's other
    block, an own block inside its owner's other block, and an other block inside an own block."""
    slot, only_for, except_for = fragments.slot, fragments.only_for, fragments.except_for

    def reply(reply_id, author, inside_others=""):
        helpful = f'<form>{slot("csrf")}<b aria-pressed="{slot(f"pressed:{reply_id}")}">Helpful</b></form>'
        mine = f'<form>{slot("csrf")}Remove, {slot(f"pressed:{reply_id}")}</form>'
        return (f'<li>{slot(f"new:{reply_id}:{1000 + reply_id}:{author}")}'
                f'{except_for(author, helpful + inside_others)}{only_for(author, mine)}</li>')

    answer = only_for(3, f'<form>{slot("csrf")}Mark as answer</form>')
    own_inside_own_others = only_for(2, f'never for 2 {slot("pressed:11")}')
    others_inside_own = only_for(1, "<p>" + except_for(2, f'{slot("csrf")} {slot("pressed:12")}') + "</p>")
    return (f'<h1>{slot("title")}</h1><ol>{reply(10, 1, answer)}{reply(11, 2, own_inside_own_others)}'
            f'{others_inside_own}{reply(12, 3)}</ol><form>{slot("csrf")}</form>')


def test_a_fill_gives_what_the_placeholders_mean_for_every_viewer(app):
    defaults = {"pressed": "false", "new": ""}

    def walked(html, viewer_id, values):
        def resolve(name):
            if name in values:
                return values[name]
            return defaults.get(name.partition(":")[0])

        return reference_fill(html, resolve, viewer_id, token=fragments._csrf_token())

    html = _page_with_blocks()
    stored = fragments.Fragment(html)
    for values in ({}, {"pressed:10": "true", "pressed:12": "true", "new:11:1011:2": "NEW", "title": "T"}):
        with app.test_request_context():
            pages = {viewer_id: walked(html, viewer_id, values) for viewer_id in (1, 2, 3, 4, None)}
            for viewer_id, page in pages.items():
                assert fragments.fill_planned(stored, viewer_id, defaults, values) == page
                assert fragments.fill_planned(stored, viewer_id, defaults, values) == page  # from the stored plan
                assert fragments.fill_planned(html, viewer_id, defaults, values) == page  # a plain string
                assert fragments.fill(stored, lambda name: values.get(name, defaults.get(name.partition(":")[0])),
                                      viewer_id) == page
        assert len(set(pages.values())) == 4  # each owner sees a page of their own
        # Without a viewer nobody's own controls show: the page of a member who owns no block.
        assert pages[None] == pages[4]
        assert "never for 2" not in pages[None] and "Remove" not in pages[None] and "Mark as answer" not in pages[None]
    assert stored.plans
    assert "Mark as answer" in pages[3] and "never for 2" not in pages[2] and "Helpful" in pages[4]
    assert fragments.CSRF_PLACEHOLDER not in pages[4] and "<!--cop:title-->" not in pages[4]


def test_a_thread_page_is_filled_as_the_walk_filled_it(app):
    from types import SimpleNamespace

    from cop.discussions import pages as discussions

    def walked(html, user, state):
        # How the page was filled before it had a plan: every placeholder asked in turn.
        last_read = discussions.micros(state.read_at) if state.read_at else None

        def resolve(name):
            kind, _, rest = name.partition(":")
            if kind == "pressed":
                return "true" if int(rest) in state.marked else "false"
            if kind == "new":
                _, created, author = rest.split(":")
                fresh = last_read is not None and int(created) > last_read and int(author) != user.id
                return discussions._NEW_BADGE if fresh else ""
            return None

        return reference_fill(html, resolve, user.id, token=fragments._csrf_token())

    html = fragments.Fragment(_page_with_blocks())
    moment = datetime(1970, 1, 1, tzinfo=timezone.utc)
    for read_micros in (None, 0, 1011):
        read_at = None if read_micros is None else moment.replace(microsecond=read_micros % 1_000_000)
        for marked in (frozenset(), frozenset({10, 12, 99})):
            state = discussions.ThreadState(id=1, hidden=False, merged_into_id=None, last_activity_at=moment,
                                            read_at=read_at, following=False, unread_notifications=False,
                                            marked=marked)
            for user_id in (1, 2, 3, 4):
                user = SimpleNamespace(id=user_id)
                with app.test_request_context():
                    assert discussions.personalize_thread(html, user, state) == walked(html, user, state)


def test_a_thread_page_is_right_with_the_cache_switched_off(app, client, login, make_user):
    app.config["COP_FRAGMENT_CACHE"] = False
    asker, replier = make_user(name="Asha Asker"), make_user(name="Remy Replier")
    thread_id, reply_id = _thread_with_reply(app, asker, replier)
    login(replier)
    page = client.get(f"/discussions/{thread_id}").get_data(as_text=True)
    mine = page[page.index(f'id="reply-{reply_id}"'):]
    assert "Edit<span" in mine[:mine.index("</li>")] and "/helpful" not in mine[:mine.index("</li>")]
    assert "<!--cop:" not in page and CSRF_INPUT.search(page)
    assert len(store(app)) == 0
