"""The notification inbox: list, open one (marks it read), mark all read."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cop.extensions import db
from cop.forms import EmptyForm
from cop.notifications import bp, services
from cop.notifications.models import Notification

PER_PAGE = 30


@bp.get("/")
def index():
    query = (sa.select(Notification).where(Notification.user_id == current_user.id)
             .options(so.joinedload(Notification.actor)).order_by(Notification.created_at.desc(), Notification.id.desc()))
    if request.args.get("show") == "unread":
        query = query.where(Notification.read_at.is_(None))
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template("notifications/index.html", page=page, form=EmptyForm(),
                           only_unread=request.args.get("show") == "unread")


@bp.post("/<int:notification_id>/open")
def open_notification(notification_id):
    notification = db.get_or_404(Notification, notification_id)
    if notification.user_id != current_user.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        services.mark_read(notification)
        db.session.commit()
    # Only paths inside the site were ever stored, but check anyway before redirecting.
    target = notification.url if notification.url.startswith("/") and not notification.url.startswith("//") else "/"
    return redirect(target)


@bp.post("/read-all")
def read_all():
    if EmptyForm().validate_on_submit():
        count = services.mark_all_read(current_user)
        db.session.commit()
        flash(f"Marked {count} notification(s) as read.", "success")
    return redirect(url_for("notifications.index"))
