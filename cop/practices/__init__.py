"""The practice library: Markdown best practices, their taxonomy, revisions, feedback and feeds."""

from flask import Blueprint

bp = Blueprint("practices", __name__)

# Sections later features add below a practice (its discussions, the program it describes):
# each is a function (practice, viewer) -> (template, context) or None, appended once at import.
DETAIL_SECTIONS: list = []


def init_app(app):
    from cop.practices import cli, sections

    from cop.practices.models import PROGRAM_TYPES, STUDENT_LEVELS

    cli.init_app(app)
    sections.register()
    app.jinja_env.globals.update(PROGRAM_TYPES=PROGRAM_TYPES, STUDENT_LEVELS=STUDENT_LEVELS)


from cop.practices import views  # noqa: E402,F401
