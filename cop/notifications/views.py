"""The notification inbox (list, open one, mark all read), e-mail settings and one-click unsubscribe."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cop.auth import public
from cop.extensions import csrf, db
from cop.forms import EmptyForm
from cop.notifications import bp, services
from cop.notifications.forms import EmailSettingsForm
from cop.notifications.models import EmailFrequency, Notification
from cop.security import allows_cross_site

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


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    current = services.settings_for(current_user)
    form = EmailSettingsForm(email_frequency=current.email_frequency.value)
    if form.validate_on_submit():
        services.set_email_frequency(current_user, EmailFrequency(form.email_frequency.data))
        db.session.commit()
        flash("Your e-mail settings are saved.", "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
@allows_cross_site
@csrf.exempt
def unsubscribe(token):
    """The link in every e-mail. GET asks first (link scanners follow links); POST unsubscribes, and is
    also what mail programs send for one-click unsubscribe (RFC 8058), without a session or CSRF token:
    the signed token in the address is the proof, and it can only turn e-mail off."""
    user = services.user_for_unsubscribe_token(token)
    if user is None:
        abort(404)
    if request.method == "POST":
        services.unsubscribe(user)
        db.session.commit()
        return render_template("notifications/unsubscribed.html", user=user)
    return render_template("notifications/unsubscribe.html", user=user, token=token)
