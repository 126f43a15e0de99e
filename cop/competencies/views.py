"""Toolkit pages: the framework, one page per competency with its practices, and facilitators' edits."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from cop.competencies import PAGE_SECTIONS, bp
from cop.competencies.forms import CompetencyForm, NewCompetencyForm
from cop.extensions import db
from cop.competencies.models import Competency

EDITABLE = ("name", "description", "emerging", "developing", "proficient", "assessment")


def get_competency_or_404(slug: str, for_edit: bool = False) -> Competency:
    """Every member sees the framework; only facilitators change it (403 for everyone else)."""
    competency = db.first_or_404(sa.select(Competency).where(Competency.slug == slug))
    if for_edit and not current_user.is_facilitator:
        abort(403)
    return competency


@bp.get("/")
def index():
    competencies = db.session.scalars(sa.select(Competency).order_by(Competency.position, Competency.name)).all()
    return render_template("competencies/index.html", competencies=competencies)


@bp.get("/<slug>")
def detail(slug):
    competency = get_competency_or_404(slug)
    sections = [section for make in PAGE_SECTIONS if (section := make(competency, current_user))]
    return render_template("competencies/detail.html", competency=competency, sections=sections)


def _fill(competency: Competency, form: CompetencyForm) -> None:
    for name in EDITABLE:
        setattr(competency, name, (getattr(form, name).data or "").strip())


@bp.route("/new", methods=["GET", "POST"])
def create():
    if not current_user.is_facilitator:
        abort(403)
    form = NewCompetencyForm()
    if form.validate_on_submit():
        position = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Competency.position), -1) + 1))
        competency = Competency(slug=form.slug.data, position=position, practice_count=0)
        _fill(competency, form)
        db.session.add(competency)
        db.session.commit()
        flash(f"“{competency.name}” is in the toolkit.", "success")
        return redirect(url_for("competencies.detail", slug=competency.slug))
    return render_template("competencies/form.html", form=form, competency=None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
def edit(slug):
    competency = get_competency_or_404(slug, for_edit=True)
    form = CompetencyForm(obj=competency, competency=competency)
    if form.validate_on_submit():
        _fill(competency, form)
        db.session.commit()
        flash(f"Your changes to “{competency.name}” are saved.", "success")
        return redirect(url_for("competencies.detail", slug=competency.slug))
    return render_template("competencies/form.html", form=form, competency=competency)
