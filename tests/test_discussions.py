"""Discussions: threads and threaded replies, answers, mentions, follows and notifications, e-mail
preferences, digests and unsubscribe, unread marks, moderation and its log, rate limits, and the
constant number of statements behind lists and thread pages."""

import re
from html import unescape

import pytest
import sqlalchemy as sa

from cop.auth.models import MemberStatus, User
from cop.discussions import services
from cop.discussions.models import (MAX_DEPTH, Flag, FlagReason, Follow, ModerationAction, ModerationLogEntry,
                                    PostRevision, Reply, Thread, ThreadKind)
from cop.extensions import db
from cop.mail import flush_outbox
from cop.notifications import services as notifications
from cop.notifications.models import EmailFrequency, Notification
from cop.auth import services as membership
from cop.practices import services as library
from cop.practices.models import Practice, Topic
from tests.conftest import made_in, mail_text


@pytest.fixture
def make_thread(app, member):
    def make_thread(author=None, title="How do you staff your internship?", body="We have one coordinator.",
                    kind=ThreadKind.question, category="staffing", practice=None):
        with made_in(app) as finish:
            author = db.session.merge(author or member)
            thread = services.create_thread(
                author, title=title, body=body, kind=kind, category=services.category_for(category),
                practice=db.session.merge(practice) if practice is not None else None)
            db.session.commit()
            flush_outbox()
            return finish(thread)

    return make_thread


@pytest.fixture
def make_reply(app):
    def make_reply(thread, author, body="We use a half-time coordinator.", parent=None):
        with made_in(app) as finish:
            thread = db.session.get(Thread, thread.id)
            parent = db.session.get(Reply, parent.id) if parent is not None else None
            reply = services.add_reply(thread, db.session.merge(author), body, parent)
            db.session.commit()
            flush_outbox()  # as at the end of the request that would have posted it
            return finish(reply)

    return make_reply


@pytest.fixture
def make_practice(app, member):
    def make_practice(author=None, title="Two budgets for one apprenticeship", publish=True):
        with made_in(app) as finish:
            author = db.session.merge(author or member)
            topics = db.session.scalars(sa.select(Topic).where(Topic.slug == "budget-and-funding")).all()
            practice = library.create_practice(author, title=title, summary="How we split it.", body="## Why\n\nBecause.",
                                               publish=publish, classification=library.Classification(topics=topics))
            db.session.commit()
            return finish(practice)

    return make_practice


def notes(app, user, kind=None):
    """The texts of a member's notifications, oldest first."""
    with app.app_context():
        query = sa.select(Notification.text).where(Notification.user_id == user.id).order_by(Notification.id)
        if kind:
            query = query.where(Notification.kind == kind)
        return list(db.session.scalars(query))


def signed_in(app, login, user):
    client = app.test_client()
    login(user, client=client)
    return client


# Threads and replies

def test_member_asks_a_question_and_another_answers(app, client, member, make_user, login, outbox):
    login(member)
    form = client.get("/discussions/new").get_data(as_text=True)
    assert "Choose a category" in form and "@Dana.Whitfield" in form
    response = client.post_form("/discussions/new", {
        "title": "Which business unit pays for transportation?", "kind": "question", "category": "budget-and-funding",
        "practice": "", "body": "Our interns need **bus passes**. Who pays at your company?"}, page="/discussions/new")
    assert response.status_code == 302
    thread_path = response.headers["Location"]
    page = client.get(thread_path).get_data(as_text=True)
    assert "Which business unit pays for transportation?" in page and "<strong>bus passes</strong>" in page
    assert "Not answered yet" in page and "✓ Following" in unescape(page)

    helper = make_user(name="Hana Helper")
    other = signed_in(app, login, helper)
    posted = other.post_form(f"{thread_path}/reply", {"body": "HR pays; the plant pays for boots."}, page=thread_path)
    assert posted.status_code == 302 and "/replies/" in posted.headers["Location"]
    landing = other.get(posted.headers["Location"])
    assert landing.status_code == 302 and re.search(r"/discussions/\d+#reply-\d+$", landing.headers["Location"])
    assert notes(app, member) == ["Hana Helper answered your question “Which business unit pays for transportation?”"]
    [mail] = outbox(member.email)
    assert "Hana Helper answered your question" in mail["Subject"]
    assert "/discussions/" in mail_text(mail)

    listing = client.get("/discussions/").get_data(as_text=True)
    assert "Which business unit pays for transportation?" in listing and "1 reply" in listing


def test_missing_fields_keep_what_was_typed(client, member, login):
    login(member)
    response = client.post_form("/discussions/new", {"title": "", "kind": "question", "category": "staffing",
                                                     "body": "Keep these words, please."}, page="/discussions/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Keep these words, please." in page and "This field is required." in page


def test_posting_needs_the_csrf_token(client, member, login, make_thread):
    thread = make_thread()
    login(member)
    response = client.post(f"/discussions/{thread.id}/reply", data={"body": "No token"})
    assert response.status_code == 400


def test_preview_renders_without_posting(app, client, member, login):
    login(member)
    response = client.post_form("/discussions/new", {
        "title": "Preview me", "kind": "discussion", "category": "general", "body": "## A heading", "preview": "Preview"},
        page="/discussions/new")
    assert response.status_code == 200 and '<h2 id="a-heading">' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Thread.id))) == 0


def test_reply_depth_is_capped_then_flattened_with_a_replying_to_link(app, ctx, member, make_user, client, login):
    other = make_user(name="Otto Other")
    thread = services.create_thread(member, title="Nesting", body="Start", kind=ThreadKind.discussion,
                                    category=services.category_for("general"))
    parent, chain = None, []
    for i in range(MAX_DEPTH + 3):
        parent = services.add_reply(thread, other if i % 2 else member, f"Level {i}", parent)
        chain.append(parent)
    top = services.add_reply(thread, other, "A later top-level reply")
    db.session.commit()
    assert [r.depth for r in chain] == [0, 1, 2, 3, 3, 3]
    ordered = db.session.scalars(services.thread_replies_for(thread, member)).all()
    assert [r.body for r in ordered] == [f"Level {i}" for i in range(6)] + ["A later top-level reply"]
    assert [r.is_flattened for r in chain] == [False, False, False, False, True, True]
    assert top.depth == 0 and chain[4].parent_id == chain[3].id
    login(member)
    page = client.get(f"/discussions/{thread.id}").get_data(as_text=True)
    assert page.count('class="replying-to"') == 2
    assert f'href="/discussions/{thread.id}/replies/{chain[3].id}">Otto Other</a>' in page


def test_quote_prefills_the_reply_and_reply_to_a_reply_is_threaded(app, client, member, make_user, make_thread,
                                                                   make_reply, login):
    thread = make_thread()
    other = make_user(name="Quinn Quoter")
    first = make_reply(thread, other, "Line one\nLine two")
    login(member)
    page = client.get(f"/discussions/{thread.id}/reply?to={first.id}&quote=1").get_data(as_text=True)
    assert "&gt; **Quinn Quoter** wrote:" in page and "&gt; Line two" in page
    assert f'name="parent_id" type="hidden" value="{first.id}"' in page
    response = client.post_form(f"/discussions/{thread.id}/reply", {"body": "> Line two\n\nAgreed.",
                                                                   "parent_id": str(first.id)}, page=f"/discussions/{thread.id}")
    assert response.status_code == 302
    with app.app_context():
        answer = db.session.scalar(sa.select(Reply).where(Reply.parent_id == first.id))
        assert answer.depth == 1 and "<blockquote>" in answer.body_html
    assert notes(app, other, "reply") == ["Maria Member replied to you in “How do you staff your internship?”"]


def test_edit_keeps_history_and_shows_an_edited_mark(app, client, member, make_user, make_thread, make_reply, login):
    thread = make_thread()
    reply = make_reply(thread, member, "First words")
    login(member)
    edit_page = f"/discussions/{thread.id}/replies/{reply.id}/edit"
    assert "First words" in client.get(edit_page).get_data(as_text=True)
    client.post_form(edit_page, {"body": "Better words"}, page=edit_page)
    page = client.get(f"/discussions/{thread.id}").get_data(as_text=True)
    assert "Better words" in page and f"/replies/{reply.id}/history\">edited</a>" in page
    history = client.get(f"/discussions/{thread.id}/replies/{reply.id}/history").get_data(as_text=True)
    assert "First words" in history and "Better words" in history

    client.post_form(f"/discussions/{thread.id}/edit", {"title": "How do you staff it?", "body": "Edited opening"},
                     page=f"/discussions/{thread.id}/edit")
    history = client.get(f"/discussions/{thread.id}/history").get_data(as_text=True)
    assert "We have one coordinator." in history and "How do you staff your internship?" in history

    stranger = signed_in(app, login, make_user())
    assert stranger.get(edit_page).status_code == 403
    assert stranger.post_form(edit_page, {"body": "Vandalism"}, page="/discussions/").status_code == 403
    assert stranger.get(f"/discussions/{thread.id}/edit").status_code == 403
    with app.app_context():
        assert db.session.get(Reply, reply.id).body == "Better words"
        assert db.session.scalar(sa.select(sa.func.count(PostRevision.id))) == 2


def test_removed_reply_leaves_a_placeholder(app, client, member, make_user, make_thread, make_reply, login):
    thread = make_thread()
    other = make_user(name="Rita Remover")
    removed = make_reply(thread, other, "I said something I regret")
    make_reply(thread, member, "Replying to the regrettable thing", parent=removed)
    author = signed_in(app, login, other)
    assert author.post_form(f"/discussions/{thread.id}/replies/{removed.id}/delete",
                            page=f"/discussions/{thread.id}").status_code == 302
    login(member)
    page = client.get(f"/discussions/{thread.id}").get_data(as_text=True)
    assert "This reply was removed by its author." in page and "I said something I regret" not in page
    assert "Replying to the regrettable thing" in page and "a removed reply" in page
    with app.app_context():
        assert db.session.get(Thread, thread.id).reply_count == 1
    assert client.post_form(f"/discussions/{thread.id}/replies/{removed.id}/delete",
                            page=f"/discussions/{thread.id}").status_code == 403


def test_helpful_marks_are_one_per_member_and_not_for_your_own(app, member, make_user, make_thread, make_reply, login):
    thread = make_thread()
    other = make_user()
    reply = make_reply(thread, other)
    reader = signed_in(app, login, member)
    url = f"/discussions/{thread.id}/replies/{reply.id}/helpful"
    reader.post_form(url, page=f"/discussions/{thread.id}")
    with app.app_context():
        assert db.session.get(Reply, reply.id).helpful_count == 1
    assert 'aria-pressed="true">Helpful (1)' in reader.get(f"/discussions/{thread.id}").get_data(as_text=True)
    reader.post_form(url, page=f"/discussions/{thread.id}")
    with app.app_context():
        assert db.session.get(Reply, reply.id).helpful_count == 0
    own = signed_in(app, login, other)
    own.post_form(url, page=f"/discussions/{thread.id}")
    with app.app_context():
        assert db.session.get(Reply, reply.id).helpful_count == 0


def test_a_double_click_does_not_fail_the_request(app, ctx, member, make_thread):
    thread = db.session.get(Thread, make_thread().id)
    author = db.session.merge(member)  # the author already follows the thread
    assert services._add_once(Follow(user_id=author.id, thread_id=thread.id)) is False
    assert services.is_following(author, thread=thread) and services.follow(author, thread=thread) is False
    db.session.commit()


# Answers

def test_answer_is_marked_by_the_asker_or_a_facilitator_only(app, member, make_user, facilitator, make_thread,
                                                             make_reply, login):
    thread = make_thread()
    first, second = make_user(name="Ann Answerer"), make_user(name="Ben Bystander")
    one, two = make_reply(thread, first, "Answer one"), make_reply(thread, second, "Answer two")
    url = f"/discussions/{thread.id}/replies/{one.id}/answer"
    assert signed_in(app, login, second).post_form(url, page=f"/discussions/{thread.id}").status_code == 403

    asker = signed_in(app, login, member)
    asker.post_form(url, page=f"/discussions/{thread.id}")
    with app.app_context():
        assert db.session.get(Reply, one.id).is_answer and db.session.get(Thread, thread.id).is_answered
    assert notes(app, first, "accepted") == ["Maria Member marked your reply as the answer to “How do you staff your internship?”"]
    page = asker.get(f"/discussions/{thread.id}").get_data(as_text=True)
    assert "The answer, from Ann Answerer" in page and "Answered" in page

    signed_in(app, login, facilitator).post_form(f"/discussions/{thread.id}/replies/{two.id}/answer", page="/")
    with app.app_context():
        assert not db.session.get(Reply, one.id).is_answer and db.session.get(Reply, two.id).is_answer
    assert notes(app, member, "accepted")[-1] == ("Fran Facilitator marked Ben Bystander's reply as the answer to "
                                                  "your question “How do you staff your internship?”")
    asker.post_form(f"/discussions/{thread.id}/replies/{two.id}/answer", page="/")
    with app.app_context():
        assert not db.session.get(Thread, thread.id).is_answered


def test_discussions_have_no_answers(app, member, make_user, make_thread, make_reply, login):
    thread = make_thread(kind=ThreadKind.discussion)
    reply = make_reply(thread, make_user())
    asker = signed_in(app, login, member)
    assert asker.post_form(f"/discussions/{thread.id}/replies/{reply.id}/answer", page="/").status_code == 403
    assert "Mark as answer" not in asker.get(f"/discussions/{thread.id}").get_data(as_text=True)


def test_unanswered_list_shows_open_questions_only(app, client, member, make_user, make_thread, make_reply, login):
    open_question = make_thread(title="Still open question")
    answered = make_thread(title="Answered question")
    make_thread(title="Just a discussion", kind=ThreadKind.discussion)
    reply = make_reply(answered, make_user())
    with app.app_context():
        services.mark_answer(db.session.get(Reply, reply.id), db.session.merge(member))
        db.session.commit()
    login(member)
    page = client.get("/discussions/?show=unanswered").get_data(as_text=True)
    assert open_question.title in page and "Answered question" not in page and "Just a discussion" not in page


# Mentions

def test_handles_are_names_with_dots(ctx):
    assert services.handle_for("Kevin O'Malley") == "Kevin.OMalley"
    assert services.handle_for("Héctor Villalobos") == "Hector.Villalobos"
    assert services.handle_for("Mary-Jane van der Berg") == "Mary.Jane.van.der.Berg"


def test_mentions_link_members_but_not_code_emails_or_strangers(app, ctx, member, make_user):
    kevin = make_user(name="Kevin O'Malley")
    hector = make_user(name="Héctor Villalobos")
    make_user(name="Sam Twin")
    make_user(name="Sam Twin")
    html, mentioned = services.render_post(
        "Thanks @Kevin.OMalley and @hector.villalobos! Ask @Sam.Twin or @Nobody.Here. "
        "Mail bob@Kevin.OMalley.example, see `@Kevin.OMalley` and [@Kevin.OMalley](https://x.example). "
        "Also @Kevin-O'Malley.")
    assert [u.id for u in mentioned] == [kevin.id, hector.id]
    assert html.count(f'<a class="mention" href="/members/{kevin.id}">') == 2
    assert f'<a class="mention" href="/members/{hector.id}">@hector.villalobos</a>' in html
    assert "@Sam.Twin" in html and "@Nobody.Here" in html and 'class="mention" href="/members/None' not in html
    assert "<code>@Kevin.OMalley</code>" in html and "bob@Kevin.OMalley.example" in html
    assert html.count('class="mention"') == 3


def test_mentions_notify_once_and_edits_only_notify_newcomers(app, member, make_user, make_thread, make_reply, login):
    dana, eli = make_user(name="Dana Whitfield"), make_user(name="Eli Rosen")
    thread = make_thread(body="Paging @Dana.Whitfield")
    assert notes(app, dana) == ["Maria Member mentioned you in “How do you staff your internship?”"]
    reply = make_reply(thread, eli, "Me too, @Dana.Whitfield and @Maria.Member")
    # Maria is the thread's author and mentioned: she hears once, as a mention.
    assert notes(app, member) == ["Eli Rosen mentioned you in “How do you staff your internship?”"]
    assert len(notes(app, dana)) == 2
    author = signed_in(app, login, eli)
    url = f"/discussions/{thread.id}/replies/{reply.id}/edit"
    author.post_form(url, {"body": "Me too, @Dana.Whitfield and @Maria.Member. cc @Fran.Nobody"}, page=url)
    assert len(notes(app, dana)) == 2 and len(notes(app, member)) == 1


# Following and notifications

def test_followers_hear_of_new_threads_and_replies_once_each(app, member, make_user, make_thread, make_reply,
                                                            make_practice, login):
    practice = make_practice()
    category_fan, practice_fan, both = make_user(name="Cat Fan"), make_user(name="Pat Fan"), make_user(name="Bo Both")
    with app.app_context():
        budget = services.category_for("budget-and-funding")
        merged_practice = db.session.get(Practice, practice.id)
        for user in (category_fan, both):
            services.follow(db.session.merge(user), category=budget)
        for user in (practice_fan, both):
            services.follow(db.session.merge(user), practice=merged_practice)
        db.session.commit()
    thread = make_thread(title="Who pays the bus passes?", category="budget-and-funding", practice=practice)
    for fan in (category_fan, practice_fan, both):
        assert len(notes(app, fan, "new_thread")) == 1, fan.name
    assert notes(app, category_fan) == ["New question in Budget and funding: “Who pays the bus passes?” by Maria Member"]
    assert notes(app, practice_fan) == ["New question in the discussion of “Two budgets for one apprenticeship”: "
                                        "“Who pays the bus passes?” by Maria Member"]
    assert notes(app, member) == []

    with app.app_context():
        services.follow(db.session.merge(both), thread=db.session.get(Thread, thread.id))
        db.session.commit()
    make_reply(thread, category_fan, "The plant pays")
    assert notes(app, both, "thread_reply") == ["Cat Fan replied in “Who pays the bus passes?”, which you follow"]
    assert notes(app, category_fan, "thread_reply") == []  # your own reply tells you nothing
    assert notes(app, member, "answer") == ["Cat Fan answered your question “Who pays the bus passes?”"]
    # Replying made Cat a follower: Maria's reply reaches her.
    make_reply(thread, member, "Thanks!")
    assert notes(app, category_fan, "thread_reply") == ["Maria Member replied in “Who pays the bus passes?”, which you follow"]


def test_suspended_members_hear_nothing(app, member, make_user, make_thread, make_reply):
    gone = make_user(name="Gone Person", status=MemberStatus.suspended)
    thread = make_thread(body="Hello @Gone.Person")
    with app.app_context():
        db.session.add(Follow(user_id=gone.id, thread_id=thread.id))
        db.session.commit()
    make_reply(thread, make_user(), "A reply")
    assert notes(app, gone) == []


def test_follow_buttons_toggle(app, client, member, make_thread, make_practice, login):
    thread = make_thread()
    practice = make_practice()
    login(member)
    client.post_form(f"/discussions/{thread.id}/follow", page=f"/discussions/{thread.id}")
    assert 'Follow</button>' in client.get(f"/discussions/{thread.id}").get_data(as_text=True)
    response = client.post_form("/discussions/c/staffing/follow", page="/discussions/c/staffing", follow_redirects=True)
    assert "You follow Staffing" in response.get_data(as_text=True)
    assert "Following Staffing" in client.get("/discussions/c/staffing").get_data(as_text=True)
    response = client.post_form(f"/discussions/practice/{practice.id}/follow", page=f"/practices/{practice.id}")
    assert response.headers["Location"].endswith(f"/practices/{practice.id}#discussions")
    assert "✓ Following its discussion" in unescape(client.get(f"/practices/{practice.id}").get_data(as_text=True))
    assert client.post_form("/discussions/c/no-such-thing/follow", page="/discussions/").status_code == 404


def test_following_and_mine_lists(app, client, member, make_user, make_thread, make_reply, login):
    other = make_user()
    mine = make_thread(title="My own thread")
    theirs = make_thread(author=other, title="Their thread")
    unrelated = make_thread(author=other, title="Unrelated thread")
    make_reply(theirs, member, "I replied, so I follow it")
    login(member)
    following = client.get("/discussions/?show=following").get_data(as_text=True)
    assert mine.title in following and theirs.title in following and unrelated.title not in following
    own = client.get("/discussions/?show=mine").get_data(as_text=True)
    assert mine.title in own and theirs.title not in own


# Unread marks

def test_unread_marks_per_member(app, client, member, make_user, make_thread, make_reply, login):
    other = make_user(name="Uma Unread")
    thread = make_thread(author=other, title="Fresh thread")
    login(member)
    assert 'Unread</span>' in client.get("/discussions/").get_data(as_text=True)
    client.get(f"/discussions/{thread.id}")
    assert 'Unread</span>' not in client.get("/discussions/").get_data(as_text=True)
    reply = make_reply(thread, other, "Something new")
    assert 'Unread</span>' in client.get("/discussions/").get_data(as_text=True)
    page = client.get(f"/discussions/{thread.id}").get_data(as_text=True)
    assert f'id="reply-{reply.id}"' in page and 'badge-new">New' in page
    author = signed_in(app, login, other)
    assert 'Unread</span>' not in author.get("/discussions/").get_data(as_text=True)


def test_opening_a_thread_marks_its_notifications_read(app, client, member, make_user, make_thread, make_reply, login):
    thread = make_thread()
    make_reply(thread, make_user(), "An answer")
    login(member)
    assert 'Notifications <span class="badge">1' in client.get("/discussions/").get_data(as_text=True)
    page = client.get(f"/discussions/{thread.id}").get_data(as_text=True)
    assert 'Notifications <span class="badge">' not in page
    with app.app_context():
        assert notifications.unread_count(db.session.get(User, member.id)) == 0



def test_a_thread_page_marks_only_its_own_notifications_read(app, client, member, make_user, make_thread, login):
    """The thread's address and its replies' count, by exact prefix: not those of a thread whose id starts
    with the same digits, nor a look-alike address."""
    thread = make_thread()
    base = f"/discussions/{thread.id}"
    urls = [base, f"{base}/replies/7", f"{base}7/replies/1", f"{base}0", f"{base}/repliesx", f"{base}/Replies/8"]
    with app.app_context():
        for url in urls:
            notifications.notify(db.session.get(User, member.id), "reply", "Something", url)
        db.session.commit()
    login(member)
    assert client.get(base).status_code == 200
    with app.app_context():
        unread = set(db.session.scalars(sa.select(Notification.url).where(Notification.user_id == member.id,
                                                                          Notification.read_at.is_(None))))
    assert unread == set(urls[2:])


def test_a_cached_thread_page_begins_no_transaction(app, client, member, make_user, make_thread, make_reply, login):
    """Once read and cached, a thread page is the member's row and the thread's state, read on their own: no
    unit of work is begun and ended around them."""
    thread = make_thread(author=make_user())
    make_reply(thread, make_user(), "A reply to read")
    login(member)
    client.get(f"/discussions/{thread.id}")  # marks it read and caches it
    with app.app_context():
        engine = db.engine
    begun = []
    listener = lambda connection: begun.append(connection)  # noqa: E731
    sa.event.listen(engine, "begin", listener)
    try:
        page = client.get(f"/discussions/{thread.id}")
    finally:
        sa.event.remove(engine, "begin", listener)
    assert page.status_code == 200 and "A reply to read" in page.get_data(as_text=True)
    assert begun == []


# E-mail: preferences, unsubscribe, digests

def test_email_preferences_immediately_daily_never(app, client, member, make_user, make_thread, make_reply, login,
                                                   outbox):
    login(member)
    settings_page = client.get("/notifications/settings").get_data(as_text=True)
    assert 'aria-current="page">Notifications' in settings_page
    assert '<input checked id="email_frequency-0" name="email_frequency" required type="radio" value="immediately">' \
        in settings_page
    assert "/notifications/settings" in client.get("/auth/settings").get_data(as_text=True)
    client.post_form("/notifications/settings", {"email_frequency": "never"}, page="/notifications/settings")
    thread = make_thread()
    make_reply(thread, make_user(), "Reply one")
    assert outbox(member.email) == [] and len(notes(app, member)) == 1
    client.post_form("/notifications/settings", {"email_frequency": "daily"}, page="/notifications/settings")
    make_reply(thread, make_user(), "Reply two")
    assert outbox(member.email) == []
    bad = client.post_form("/notifications/settings", {"email_frequency": "hourly"}, page="/notifications/settings")
    assert bad.status_code == 200 and "Not a valid choice" in bad.get_data(as_text=True)


def test_every_email_has_one_click_unsubscribe(app, member, make_user, make_thread, make_reply, outbox):
    thread = make_thread()
    make_reply(thread, make_user(name="Una Sender"), "Reply")
    [mail] = outbox(member.email)
    link = re.search(r"one click: (\S+)", mail_text(mail)).group(1)
    assert mail["List-Unsubscribe"] == f"<{link}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = link.split("://", 1)[1].split("/", 1)[1]
    anonymous = app.test_client()
    confirm = anonymous.get(f"/{path}")
    assert confirm.status_code == 200 and "Stop notification e-mails?" in confirm.get_data(as_text=True)
    with app.app_context():
        assert notifications.email_frequency(db.session.get(User, member.id)) is EmailFrequency.immediately
    # What a mail program sends for one-click unsubscribe: a bare POST, no session, no CSRF token.
    done = anonymous.post(f"/{path}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You're unsubscribed" in done.get_data(as_text=True)
    with app.app_context():
        assert notifications.email_frequency(db.session.get(User, member.id)) is EmailFrequency.never
    make_reply(thread, make_user(), "Another reply")
    assert len(outbox(member.email)) == 1
    assert anonymous.post("/notifications/unsubscribe/forged-token").status_code == 404


def test_list_unsubscribe_header_is_a_plain_url_on_the_wire(app, member, make_user, make_thread, make_reply):
    from pathlib import Path

    make_reply(make_thread(), make_user(), "Reply")
    [raw] = [p.read_bytes() for p in Path(app.config["MAIL_DIR"]).glob("*.eml")]
    assert re.search(rb"^List-Unsubscribe: <https?://\S+/notifications/unsubscribe/\S+>\r?$", raw, re.MULTILINE)


def test_digests_are_sent_once(app, runner, member, make_user, make_thread, make_reply, outbox):
    with app.app_context():
        notifications.set_email_frequency(db.session.get(User, member.id), EmailFrequency.daily)
        db.session.commit()
    thread = make_thread()
    make_reply(thread, make_user(name="Dee Gest"), "First")
    make_reply(thread, make_user(name="Al Ready"), "Second")
    first = runner.invoke(args=["notify", "send-digests"])
    assert first.exit_code == 0 and "Sent 1 digest(s) carrying 2 notification(s)." in first.output
    [digest] = outbox(member.email)
    body = mail_text(digest)
    assert "Dee Gest answered your question" in body and "Al Ready answered your question" in body
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    again = runner.invoke(args=["notify", "send-digests"])
    assert "Sent 0 digest(s)" in again.output and len(outbox(member.email)) == 1

    make_reply(thread, make_user(name="Nu Later"), "Third")
    runner.invoke(args=["notify", "send-digests"])
    latest = mail_text(outbox(member.email)[-1])
    assert "Nu Later" in latest and "Dee Gest" not in latest
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))
                                 .where(Notification.emailed_at.is_(None))) == 0


def test_read_notifications_stay_out_of_the_digest(app, runner, member, make_user, make_thread, make_reply, outbox):
    with app.app_context():
        notifications.set_email_frequency(db.session.get(User, member.id), EmailFrequency.daily)
        db.session.commit()
    make_reply(make_thread(), make_user(), "Seen in the app")
    with app.app_context():
        notifications.mark_all_read(db.session.get(User, member.id))
        db.session.commit()
    assert "Sent 0 digest(s)" in runner.invoke(args=["notify", "send-digests"]).output
    assert outbox(member.email) == []


# Visibility and moderation

def test_hidden_posts_are_invisible_to_members_everywhere(app, client, member, make_user, facilitator, make_thread,
                                                         make_reply, make_practice, login):
    practice = make_practice()
    writer = make_user(name="Wren Writer")
    hidden = make_thread(author=writer, title="Buy cheap watches here", category="general", practice=practice)
    shown = make_thread(author=writer, title="A fine question", category="general", practice=practice)
    bad_reply = make_reply(shown, writer, "Rude words in a reply")
    make_reply(shown, member, "A kind reply")
    moderator = signed_in(app, login, facilitator)
    moderator.post_form(f"/discussions/{hidden.id}/hide", {"note": "Spam"}, page=f"/discussions/{hidden.id}")
    moderator.post_form(f"/discussions/{shown.id}/replies/{bad_reply.id}/hide", page=f"/discussions/{shown.id}")

    login(member)
    with app.app_context():
        token = membership.new_feed_token(db.session.get(User, member.id))
        db.session.commit()
    for path in ("/discussions/", "/discussions/c/general", "/discussions/?show=new", "/discussions/?show=unanswered",
                 f"/discussions/?practice={practice.id}", f"/practices/{practice.id}", "/",
                 f"/members/{writer.id}", f"/discussions/feed/{token}.atom"):
        page = client.get(path).get_data(as_text=True)
        assert "Buy cheap watches here" not in page, path
        assert "A fine question" in page, path
    assert client.get(f"/discussions/{hidden.id}").status_code == 404
    assert client.get(f"/discussions/{hidden.id}/reply").status_code == 404
    thread_page = client.get(f"/discussions/{shown.id}").get_data(as_text=True)
    assert "Rude words in a reply" not in thread_page and "A kind reply" in thread_page
    assert client.get(f"/discussions/{shown.id}/replies/{bad_reply.id}").status_code == 404
    assert client.get(f"/discussions/{shown.id}/replies/{bad_reply.id}/history").status_code == 404
    with app.app_context():
        viewer = db.session.get(User, member.id)
        titles = db.session.scalars(services.visible_threads_for(viewer).with_only_columns(Thread.title)).all()
        bodies = db.session.scalars(services.visible_replies_for(viewer).with_only_columns(Reply.body)).all()
        assert titles == ["A fine question"] and bodies == ["A kind reply"]
        assert db.session.get(Thread, shown.id).reply_count == 1
        assert db.session.get(Practice, practice.id).discussion_count == 1
        # Notifications about the hidden posts are withdrawn, so no digest carries them.
        assert not db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
            Notification.url.like(f"/discussions/{hidden.id}%")))

    # Facilitators still see them, marked, and can restore.
    assert "Hidden" in moderator.get(f"/discussions/{hidden.id}").get_data(as_text=True)
    assert "Rude words in a reply" in moderator.get(f"/discussions/{shown.id}").get_data(as_text=True)
    moderator.post_form(f"/discussions/{hidden.id}/restore", page=f"/discussions/{hidden.id}")
    assert client.get(f"/discussions/{hidden.id}").status_code == 200
    with app.app_context():
        assert db.session.get(Practice, practice.id).discussion_count == 2


def test_members_cannot_moderate(app, client, member, make_user, make_thread, make_reply, login):
    thread = make_thread()
    reply = make_reply(thread, make_user())
    login(member)
    for path in (f"/discussions/{thread.id}/hide", f"/discussions/{thread.id}/lock", f"/discussions/{thread.id}/pin",
                 f"/discussions/{thread.id}/replies/{reply.id}/hide", f"/discussions/{thread.id}/move",
                 f"/discussions/{thread.id}/merge", f"/discussions/{thread.id}/suspend/{reply.author_id}"):
        assert client.post_form(path, page=f"/discussions/{thread.id}").status_code == 403, path
    for path in ("/discussions/moderation", "/discussions/moderation/log", f"/discussions/{thread.id}/moderate"):
        assert client.get(path).status_code == 403, path


def test_flags_reach_the_queue_and_facilitators_act_on_them(app, client, member, make_user, facilitator, make_thread,
                                                           make_reply, login):
    thread = make_thread()
    troll = make_user(name="Troy Troll")
    reply = make_reply(thread, troll, "Buy my course at spam.example")
    login(member)
    flag_page = f"/discussions/{thread.id}/flag?reply={reply.id}"
    missing = client.post_form(flag_page, {"reason": "other", "note": ""}, page=flag_page)
    assert "Tell the facilitators what is wrong." in missing.get_data(as_text=True)
    client.post_form(flag_page, {"reason": "spam", "note": "Selling courses"}, page=flag_page)
    again = client.post_form(flag_page, {"reason": "spam"}, page=flag_page, follow_redirects=True)
    assert "You already flagged this post" in again.get_data(as_text=True)
    assert notes(app, facilitator, "flag") == ["Maria Member flagged a reply by Troy Troll: Spam or advertising"]

    moderator = signed_in(app, login, facilitator)
    queue = moderator.get("/discussions/moderation").get_data(as_text=True)
    assert "Buy my course at spam.example" in queue and "Selling courses" in queue
    moderator.post_form(f"/discussions/{thread.id}/replies/{reply.id}/hide?back=queue", page="/discussions/moderation")
    moderator.post_form(f"/discussions/{thread.id}/suspend/{troll.id}", {"note": "Repeated spam"},
                        page="/discussions/moderation")
    queue = moderator.get("/discussions/moderation").get_data(as_text=True)
    assert "No open flags" in queue
    with app.app_context():
        assert db.session.get(User, troll.id).status is MemberStatus.suspended
        assert db.session.scalar(sa.select(Flag.resolved_by_id)) == facilitator.id
    log = moderator.get("/discussions/moderation/log").get_data(as_text=True)
    assert "Hide reply" in log and "Suspend" in log and "Repeated spam" in log and "Troy Troll" in log


def test_dismissing_flags_is_logged(app, member, make_user, facilitator, make_thread, login):
    thread = make_thread(author=make_user())
    with app.app_context():
        services.flag_post(db.session.get(Thread, thread.id), None, db.session.merge(member), FlagReason.off_topic)
        db.session.commit()
    moderator = signed_in(app, login, facilitator)
    moderator.post_form(f"/discussions/{thread.id}/flags/dismiss?back=queue", page="/discussions/moderation")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Flag.id)).where(Flag.resolved_at.is_(None))) == 0
        entry = db.session.scalar(sa.select(ModerationLogEntry))
        assert entry.action is ModerationAction.dismiss_flags and entry.actor_id == facilitator.id


def test_locked_threads_take_no_member_replies(app, client, member, facilitator, make_thread, login):
    thread = make_thread()
    moderator = signed_in(app, login, facilitator)
    moderator.post_form(f"/discussions/{thread.id}/lock", page=f"/discussions/{thread.id}")
    login(member)
    page = client.get(f"/discussions/{thread.id}").get_data(as_text=True)
    assert "This thread is locked" in page and "Reply to the thread" not in page
    assert client.post_form(f"/discussions/{thread.id}/reply", {"body": "Let me in"}, page="/").status_code == 403
    assert client.get(f"/discussions/{thread.id}/edit").status_code == 403
    assert moderator.post_form(f"/discussions/{thread.id}/reply", {"body": "Closing note"}, page="/").status_code == 302


def test_pinned_threads_lead_the_latest_list(app, client, member, facilitator, make_thread, login):
    old = make_thread(title="Old but important")
    make_thread(title="Newer chatter")
    signed_in(app, login, facilitator).post_form(f"/discussions/{old.id}/pin", page=f"/discussions/{old.id}")
    login(member)
    page = client.get("/discussions/").get_data(as_text=True)
    assert page.index("Old but important") < page.index("Newer chatter") and "Pinned" in page
    newest = client.get("/discussions/?show=new").get_data(as_text=True)
    assert newest.index("Newer chatter") < newest.index("Old but important")


def test_move_changes_category_and_counts(app, member, facilitator, make_thread, login):
    thread = make_thread(category="staffing")
    moderator = signed_in(app, login, facilitator)
    assert '<option selected value="staffing">' in moderator.get(f"/discussions/{thread.id}/moderate").get_data(as_text=True)
    moderator.post_form(f"/discussions/{thread.id}/move", {"move-category": "budget-and-funding"},
                        page=f"/discussions/{thread.id}/moderate")
    with app.app_context():
        assert db.session.get(Thread, thread.id).category.slug == "budget-and-funding"
        counts = {c.slug: c.thread_count for c in services.list_categories()}
        assert counts["staffing"] == 0 and counts["budget-and-funding"] == 1
        entry = db.session.scalar(sa.select(ModerationLogEntry))
        assert entry.action is ModerationAction.move and entry.detail == "From Staffing to Budget and funding"


def test_merge_folds_one_thread_into_another(app, client, member, make_user, facilitator, make_thread, make_reply,
                                             make_practice, login):
    practice = make_practice()
    asker, helper, fan = make_user(name="Second Asker"), make_user(name="Helpful Hal"), make_user(name="Fan Follower")
    target = make_thread(title="How do you staff it?", category="staffing")
    make_reply(target, helper, "Target reply")
    source = make_thread(author=asker, title="Staffing question (duplicate)", category="general", practice=practice,
                         body="Same question, asked again")
    first = make_reply(source, helper, "Source reply one")
    nested = make_reply(source, asker, "Source nested", parent=first)
    with app.app_context():
        services.follow(db.session.merge(fan), thread=db.session.get(Thread, source.id))
        services.edit_thread(db.session.get(Thread, source.id), db.session.merge(asker), title=source.title,
                             body="Same question, asked again (edited)")
        db.session.commit()
    moderator = signed_in(app, login, facilitator)
    bad = moderator.post_form(f"/discussions/{source.id}/merge", {"merge-target": "nonsense"},
                              page=f"/discussions/{source.id}/moderate")
    assert "Give a thread number" in bad.get_data(as_text=True)
    response = moderator.post_form(f"/discussions/{source.id}/merge",
                                   {"merge-target": f"http://localhost/discussions/{target.id}"},
                                   page=f"/discussions/{source.id}/moderate")
    assert response.status_code == 302 and response.headers["Location"] == f"/discussions/{target.id}"
    with app.app_context():
        merged = db.session.get(Thread, target.id)
        replies = db.session.scalars(services.thread_replies_for(merged, db.session.merge(member))).all()
        assert [r.body.split("\n")[0] for r in replies] == [
            "Target reply", "*Merged from “Staffing question (duplicate)”*", "Source reply one", "Source nested"]
        assert [r.depth for r in replies] == [0, 0, 1, 2]
        opening = replies[1]
        assert replies[2].parent_id == opening.id and replies[3].parent_id == first.id
        assert merged.reply_count == 4 and merged.last_poster_id == asker.id
        assert services.is_following(db.session.merge(fan), thread=merged)
        assert db.session.scalar(sa.select(PostRevision.reply_id)) == opening.id
        gone = db.session.get(Thread, source.id)
        assert gone.merged_into_id == target.id
        assert db.session.get(Practice, practice.id).discussion_count == 0
        counts = {c.slug: c.thread_count for c in services.list_categories()}
        assert counts["general"] == 0 and counts["staffing"] == 1
        entry = db.session.scalar(sa.select(ModerationLogEntry).where(ModerationLogEntry.action == ModerationAction.merge))
        assert "Staffing question (duplicate)" in entry.detail
    login(member)
    assert client.get(f"/discussions/{source.id}").headers["Location"] == f"/discussions/{target.id}"
    landing = client.get(f"/discussions/{source.id}/replies/{nested.id}")
    assert landing.headers["Location"] == f"/discussions/{target.id}#reply-{nested.id}"
    assert "Staffing question (duplicate)" not in client.get("/discussions/").get_data(as_text=True)


def test_merge_refuses_nonsense(app, ctx, member, facilitator, make_thread):
    one, two = make_thread(title="One"), make_thread(title="Two")
    boss = db.session.merge(facilitator)
    with pytest.raises(services.DiscussionError):
        services.merge_thread(db.session.get(Thread, one.id), db.session.get(Thread, one.id), boss)
    services.merge_thread(db.session.get(Thread, one.id), db.session.get(Thread, two.id), boss)
    with pytest.raises(services.DiscussionError):
        services.merge_thread(db.session.get(Thread, two.id), db.session.get(Thread, one.id), boss)
    with pytest.raises(services.DiscussionError):
        services.merge_thread(db.session.get(Thread, two.id), db.session.get(Thread, one.id), db.session.merge(member))


# Rate limit

def test_posting_is_rate_limited_per_member(app, client, member, make_user, make_thread, login):
    app.config["COP_POST_LIMIT"] = "2 per minute"
    thread = make_thread()
    login(member)
    codes = [client.post_form(f"/discussions/{thread.id}/reply", {"body": f"Reply {i}"}, page="/discussions/").status_code
             for i in range(3)]
    assert codes == [302, 302, 429]
    blocked = client.post_form("/discussions/new", {"title": "T", "kind": "question", "category": "general",
                                                    "body": "B"}, page="/discussions/")
    assert blocked.status_code == 429 and "Too many attempts" in blocked.get_data(as_text=True)
    assert client.get(f"/discussions/{thread.id}").status_code == 200
    other = signed_in(app, login, make_user())
    assert other.post_form(f"/discussions/{thread.id}/reply", {"body": "Mine"}, page="/discussions/").status_code == 302


def test_form_errors_do_not_use_up_the_limit(app, client, member, make_thread, login):
    app.config["COP_POST_LIMIT"] = "1 per minute"
    thread = make_thread()
    login(member)
    assert client.post_form(f"/discussions/{thread.id}/reply", {"body": ""}, page="/discussions/").status_code == 200
    assert client.post_form(f"/discussions/{thread.id}/reply", {"body": "Now"}, page="/discussions/").status_code == 302


# Practices

def test_practice_page_invites_discussion_and_counts_threads(app, client, member, make_user, make_thread,
                                                             make_practice, login):
    practice = make_practice()
    login(member)
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "Discuss this practice" in page and "Nobody has asked about this practice yet" in page
    form = client.get(f"/discussions/new?practice={practice.id}").get_data(as_text=True)
    assert f'<option selected value="{practice.id}">' in form and '<option selected value="budget-and-funding">' in form
    make_thread(title="What does the plant pay?", practice=practice)
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "What does the plant pay?" in page
    other = make_practice(title="A quiet practice")
    with app.app_context():
        assert db.session.get(Practice, practice.id).discussion_count == 1
    ranked = client.get("/practices/?sort=discussed").get_data(as_text=True)
    assert ranked.index("Two budgets for one apprenticeship") < ranked.index(other.title)


def test_drafts_cannot_be_discussed(app, client, member, make_practice, login):
    draft = make_practice(title="Half-done", publish=False)
    login(member)
    response = client.post_form("/discussions/new", {"title": "Q", "kind": "question", "category": "general",
                                                     "practice": str(draft.id), "body": "B"}, page="/discussions/new")
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)


# Statements per page

def _statements(client, count_queries, path):
    client.get(path)  # the first view may write a read mark
    with count_queries() as tally:
        assert client.get(path).status_code == 200
    return tally.count


@pytest.mark.parametrize("path", ["/discussions/", "/discussions/c/staffing", "/discussions/?show=following",
                                  "/discussions/?show=unanswered", "/"])
def test_lists_run_a_constant_number_of_statements(app, client, member, make_user, make_thread, make_reply,
                                                   make_practice, login, count_queries, path):
    login(member)
    practice = make_practice()

    def add(n):
        for i in range(n):
            author = make_user()
            thread = make_thread(author=author, title=f"Thread {i}", category="staffing",
                                 practice=practice if i % 2 else None)
            make_reply(thread, member if i % 3 else make_user(), "A reply")

    add(2)
    few = _statements(client, count_queries, path)
    add(10)
    assert _statements(client, count_queries, path) == few


def test_thread_page_runs_a_constant_number_of_statements(app, client, member, make_user, facilitator, make_thread,
                                                          make_reply, make_practice, login, count_queries):
    login(member)
    practice = make_practice()
    counts = []
    for size in (3, 30):
        thread = make_thread(author=make_user(), title=f"Thread of {size}", practice=practice)
        parent = None
        for i in range(size):
            parent = make_reply(thread, make_user(), f"Reply {i} @Maria.Member", parent=parent if i % 4 else None)
            if i % 5 == 0:
                client.post_form(f"/discussions/{thread.id}/replies/{parent.id}/helpful", page="/discussions/")
        with app.app_context():
            services.mark_answer(db.session.get(Reply, parent.id), db.session.merge(facilitator))
            services.edit_reply(db.session.get(Reply, parent.id), db.session.get(User, parent.author_id), "Edited")
            db.session.commit()
        counts.append(_statements(client, count_queries, f"/discussions/{thread.id}"))
    assert counts[0] == counts[1]


# Demo content

def test_demo_discussions_load_once_through_the_services(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        threads = db.session.scalars(sa.select(Thread)).all()
        assert len(threads) >= 40
        questions = [t for t in threads if t.kind is ThreadKind.question]
        assert any(t.is_answered for t in questions) and any(not t.is_answered for t in questions)
        assert sum(1 for t in threads if t.practice_id) >= 8
        assert len({t.category_id for t in threads}) >= 10
        assert db.session.scalar(sa.select(sa.func.count(Reply.id))) >= 100
        assert all(t.reply_count == db.session.scalar(sa.select(sa.func.count(Reply.id)).where(
            Reply.thread_id == t.id, Reply.deleted_at.is_(None), Reply.hidden_at.is_(None))) for t in threads)
        counts = (len(threads), db.session.scalar(sa.select(sa.func.count(Reply.id))),
                  db.session.scalar(sa.select(sa.func.count(Notification.id))))
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "0 threads" in second.output
    with app.app_context():
        assert (db.session.scalar(sa.select(sa.func.count(Thread.id))), db.session.scalar(sa.select(sa.func.count(Reply.id))),
                db.session.scalar(sa.select(sa.func.count(Notification.id)))) == counts


def test_the_feeds_page_lists_the_discussions_feed_the_discussions_page_points_to(app, client, member, make_thread,
                                                                                 login):
    make_thread(title="Who signs the work permits?")
    login(member)
    client.get("/practices/feeds")
    listing = client.get("/discussions/").get_data(as_text=True)
    pointed = re.search(r'href="(/discussions/feed/[^"]+\.atom)"', listing).group(1)
    page = client.get("/practices/feeds").get_data(as_text=True)
    assert f'value="https://cop.example{pointed}"' in page and "New discussion threads" in page
    feed = app.test_client().get(pointed)
    assert feed.status_code == 200 and "Who signs the work permits?" in feed.get_data(as_text=True)
