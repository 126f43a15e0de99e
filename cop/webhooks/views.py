"""Webhook settings: the endpoints a facilitator or manager registered, each with its delivery log."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from cop.extensions import db
from cop.forms import EmptyForm
from cop.webhooks import bp, services
from cop.webhooks.delivery import DestinationError
from cop.webhooks.forms import EndpointForm
from cop.webhooks.models import EVENT_TYPES, WebhookDelivery, WebhookEndpoint


def _require_registrar() -> None:
    if not services.may_register(current_user):
        abort(403)


def get_endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    """404 for an endpoint the viewer does not look after (its existence is not theirs to learn)."""
    _require_registrar()
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or not endpoint.can_manage(current_user):
        abort(404)
    return endpoint


@bp.route("/", methods=["GET", "POST"])
def index():
    _require_registrar()
    form = EndpointForm()
    secret = None
    if form.validate_on_submit():
        try:
            endpoint, secret = services.register_endpoint(current_user, url=form.url.data.strip(),
                                                          event_types=form.event_types.data,
                                                          description=form.description.data or "")
        except (DestinationError, services.WebhookError) as error:
            form.url.errors.append(str(error))
        else:
            db.session.commit()
            flash("The endpoint is registered. Copy its signing secret now: it is not shown again.", "success")
            return render_template("webhooks/index.html", form=EndpointForm(formdata=None), secret=secret,
                                   new_endpoint=endpoint, endpoints=services.endpoints_of(current_user),
                                   event_types=EVENT_TYPES)
    return render_template("webhooks/index.html", form=form, secret=None, new_endpoint=None,
                           endpoints=services.endpoints_of(current_user), event_types=EVENT_TYPES)


@bp.get("/<int:endpoint_id>")
def detail(endpoint_id):
    endpoint = get_endpoint_or_404(endpoint_id)
    return render_template("webhooks/detail.html", endpoint=endpoint, event_types=EVENT_TYPES,
                           deliveries=services.recent_deliveries(endpoint), button_form=EmptyForm())


@bp.post("/<int:endpoint_id>/switch-on")
def switch_on(endpoint_id):
    endpoint = get_endpoint_or_404(endpoint_id)
    if EmptyForm().validate_on_submit():
        try:
            services.switch_on(endpoint)
        except DestinationError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("The endpoint is switched on.", "success")
    return redirect(url_for("webhooks.detail", endpoint_id=endpoint.id))


@bp.post("/<int:endpoint_id>/pause")
def pause(endpoint_id):
    endpoint = get_endpoint_or_404(endpoint_id)
    if EmptyForm().validate_on_submit():
        services.pause(endpoint)
        db.session.commit()
        flash("The endpoint is switched off; events are kept for it until you switch it on.", "success")
    return redirect(url_for("webhooks.detail", endpoint_id=endpoint.id))


@bp.post("/<int:endpoint_id>/delete")
def delete(endpoint_id):
    endpoint = get_endpoint_or_404(endpoint_id)
    if EmptyForm().validate_on_submit():
        services.delete_endpoint(endpoint)
        db.session.commit()
        flash("The endpoint and its delivery log are deleted.", "success")
        return redirect(url_for("webhooks.index"))
    return redirect(url_for("webhooks.detail", endpoint_id=endpoint.id))


@bp.post("/<int:endpoint_id>/deliveries/<int:delivery_id>/send-again")
def send_again(endpoint_id, delivery_id):
    endpoint = get_endpoint_or_404(endpoint_id)
    delivery = db.session.scalar(sa.select(WebhookDelivery).where(WebhookDelivery.id == delivery_id,
                                                                  WebhookDelivery.endpoint_id == endpoint.id))
    if delivery is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        try:
            services.send_again(delivery)
        except services.WebhookError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("The delivery is queued again.", "success")
    return redirect(url_for("webhooks.detail", endpoint_id=endpoint.id))
