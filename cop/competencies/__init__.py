"""The competency toolkit: the network's shared foundational competencies, their rubric, how to assess
them and the practices that develop them; facilitators keep the framework up to date."""

from flask import Blueprint

bp = Blueprint("competencies", __name__)

# Later features add sections to a competency's page (the practices that develop it): each is a function
# (competency, viewer) -> (template, context) or None, appended once at import.
PAGE_SECTIONS: list = []

from cop.competencies import views  # noqa: E402,F401
