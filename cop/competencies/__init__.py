"""The competency toolkit: the network's shared foundational competencies, their rubric, how to assess
them and the practices that develop them; facilitators keep the framework up to date."""

from flask import Blueprint

bp = Blueprint("competencies", __name__)

from cop.competencies import views  # noqa: E402,F401
