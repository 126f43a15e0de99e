"""The page that shows a member their private feed addresses (calendar, practices) and renews them."""

from flask import flash, redirect, request, url_for
from flask_login import current_user

from cop.auth import services as membership
from cop.extensions import begin_write, db


def feed_addresses_response(form, endpoint: str):
    """Give the member a feed secret on their first visit, or a new one when they ask (the old addresses stop
    working); returns the redirect after a renewal, or None to show the page."""
    if request.method == "GET" and current_user.feed_token is None:
        begin_write()  # the first visit writes the secret: make this reading request a writer first
    if form.validate_on_submit() or current_user.feed_token is None:
        membership.new_feed_token(current_user)
        db.session.commit()
        if request.method == "POST":
            flash("Your feed addresses are renewed; the old ones no longer work.", "success")
            return redirect(url_for(endpoint))
    return None
