"""API pages: the OpenAPI document, the reference generated from it, and members' token settings."""

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user

from cop.api import bp, services, spec
from cop.api.forms import TokenForm
from cop.api.models import ApiToken, TokenScope
from cop.auth import public
from cop.extensions import db
from cop.forms import EmptyForm


@bp.get("/v1/openapi.json")
@public
def openapi():
    """The API's OpenAPI 3.1 description; open to all, like the reference (it describes, it holds nothing)."""
    return jsonify(spec.document())


@bp.get("/")
@public
def reference():
    """The API reference: every operation of the OpenAPI document, readable without JavaScript."""
    document = spec.document()
    schema_list = spec.schemas(document)
    return render_template("api/reference.html", doc=document, groups=spec.operations(document), schema_list=schema_list,
                           schema_names={schema["name"] for schema in schema_list})


@bp.route("/tokens", methods=["GET", "POST"])
def tokens():
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        try:
            token, secret = services.issue_token(current_user, name=form.name.data, scope=TokenScope(form.scope.data),
                                                 days=form.days.data)
        except services.TokenError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Your token “{token.name}” is made. Copy its secret now: it is not shown again.", "success")
            form = TokenForm(formdata=None)
    return render_template("api/tokens.html", form=form, secret=secret, tokens=services.tokens_of(current_user),
                           button_form=EmptyForm())


@bp.post("/tokens/<int:token_id>/revoke")
def revoke(token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or not token.can_revoke(current_user):
        abort(404)
    if EmptyForm().validate_on_submit():
        services.revoke_token(token, current_user)
        db.session.commit()
        flash(f"The token “{token.name}” is revoked; it no longer works.", "success")
    if token.user_id != current_user.id:
        return redirect(url_for("api.all_tokens"))
    return redirect(url_for("api.tokens"))


@bp.get("/tokens/all")
def all_tokens():
    """Facilitators see every token that still works, and revoke any of them."""
    if not current_user.is_facilitator:
        abort(403)
    return render_template("api/all_tokens.html", tokens=services.usable_tokens(), button_form=EmptyForm())
