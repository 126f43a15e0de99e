"""The practice library: Markdown best practices, their taxonomy, revisions, feedback and feeds."""

from flask import Blueprint

bp = Blueprint("practices", __name__)

# Sections later features add below a practice (its discussions, the program it describes):
# each is a function (practice, viewer) -> (template, context) or None, appended once at import.
DETAIL_SECTIONS: list = []
# What those sections show that differs between members (following a practice's discussion): each is
# (name, function (practice id column, user id) -> SQL expression), read in the page's one state query
# so that cached practice pages are keyed by it.
DETAIL_VIEWER_STATE: list = []


def init_app(app):
    from cop.practices import cli, sections, viewcounts

    from cop.practices.models import PROGRAM_TYPES, STUDENT_LEVELS

    cli.init_app(app)
    viewcounts.init_app(app)
    sections.register()
    app.jinja_env.globals.update(PROGRAM_TYPES=PROGRAM_TYPES, STUDENT_LEVELS=STUDENT_LEVELS)


from cop.practices import views  # noqa: E402,F401
