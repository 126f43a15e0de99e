"""The in-app inbox: notify, unread count in the header, open marks read, only one's own."""

from cop.extensions import db
from cop.notifications.services import notify, unread_count


def test_notify_shows_in_the_header_and_opening_marks_it_read(app, client, member, make_user, login):
    other = make_user(name="Olu Other")
    with app.app_context():
        notify(db.session.merge(member), "reply", "Olu Other replied to your question", "/members/", actor=other)
        assert notify(db.session.merge(member), "reply", "ignored", "/", actor=db.session.merge(member)) is None
        db.session.commit()
    login(member)
    page = client.get("/").get_data(as_text=True)
    assert 'Notifications <span class="badge">1' in page
    inbox = client.get("/notifications/").get_data(as_text=True)
    assert "Olu Other replied to your question" in inbox
    from cop.notifications.models import Notification
    import sqlalchemy as sa

    with app.app_context():
        notification_id = db.session.scalar(sa.select(Notification.id))
    opened = client.post_form(f"/notifications/{notification_id}/open", page="/notifications/")
    assert opened.headers["Location"] == "/members/"
    with app.app_context():
        assert unread_count(db.session.merge(member)) == 0

    intruder = app.test_client()
    login(other, client=intruder)
    assert intruder.post_form(f"/notifications/{notification_id}/open", page="/").status_code == 404


def test_mark_all_read(app, client, member, login):
    with app.app_context():
        for i in range(3):
            notify(db.session.merge(member), "new_thread", f"New thread {i}", "/")
        db.session.commit()
    login(member)
    response = client.post_form("/notifications/read-all", page="/notifications/", follow_redirects=True)
    assert "Marked 3 notification(s) as read." in response.get_data(as_text=True)
    with app.app_context():
        assert unread_count(db.session.merge(member)) == 0
