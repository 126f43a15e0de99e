"""The library's standard taxonomy: topics from the community's recurring questions, and the
foundational competency framework. Loaded by `flask practices seed-taxonomy`; facilitators edit it after."""

import sqlalchemy as sa

from cop.extensions import db
from cop.competencies.models import Competency
from cop.practices.models import Topic

TOPICS = [
    ("program-structure", "Program structure",
     "How do you design the program?",
     "Program models, schedules, cohorts and rolling starts, pilots and scaling up."),
    ("staffing", "Staffing",
     "How do you staff it?",
     "Who runs the program, coordinator time, reporting lines, supervisor-to-student ratios."),
    ("budget-and-funding", "Budget and funding",
     "Which business unit absorbs the budget?",
     "Who pays for wages and coordination, cost sharing, grants, public workforce funds and tax credits."),
    ("internal-buy-in", "Internal buy-in",
     "How do you sell it internally?",
     "Business cases, executive sponsors, winning over plant and department managers."),
    ("target-occupations", "Target occupations",
     "How do you pick the occupations to target?",
     "Using vacancy, retirement and growth data to choose roles, and mapping them to programs."),
    ("education-and-provider-partnerships", "Education and provider partnerships",
     "Which schools and training providers do you partner with?",
     "Working with districts, high schools, community colleges, credential providers and hybrid colleges."),
    ("student-sourcing", "Student sourcing",
     "How do you find and recruit students?",
     "Recruiting through schools and community organizations, reaching students who don't self-select."),
    ("wraparound-supports-and-retention", "Wrap-around supports and retention",
     "How do you keep students in the program?",
     "Transportation, equipment, tutoring, child care, stipends, check-ins and other supports."),
    ("supervision-and-mentoring", "Supervision and mentoring",
     "How do you prepare supervisors and mentors?",
     "Supervisor training, peer mentors, structured check-ins and feedback."),
    ("competencies-and-assessment", "Competencies and assessment",
     "How do you know students are learning?",
     "Foundational competencies, rubrics, midpoint and final reviews, credentials."),
    ("policy-and-barriers", "Policy and barriers",
     "What rules and obstacles do you have to work through?",
     "Child labor rules, background checks, insurance and liability, payroll for minors."),
    ("measuring-results", "Measuring results",
     "How do you measure what it's worth?",
     "Completion, offers and hires, retention, cost per hire, dashboards for sponsors."),
]


def ensure_taxonomy() -> dict[str, int]:
    """Add the standard topics and competencies that are missing; never overwrite a facilitator's edits."""
    from cop.competencies.framework import COMPETENCIES

    added = {"topics": 0, "competencies": 0}
    have = set(db.session.scalars(sa.select(Topic.slug)))
    for position, (slug, name, question, description) in enumerate(TOPICS):
        if slug not in have:
            db.session.add(Topic(slug=slug, name=name, question=question, description=description, position=position))
            added["topics"] += 1
    have = set(db.session.scalars(sa.select(Competency.slug)))
    for position, data in enumerate(COMPETENCIES):
        if data["slug"] not in have:
            db.session.add(Competency(position=position, **data))
            added["competencies"] += 1
    db.session.flush()
    return added
