"""CSV exports for hosts and providers: attendee lists and feedback responses."""

import csv
import io

from cop.events.models import INTENT_QUESTIONS, QuestionKind, RsvpStatus
from cop.text import localtime

# A spreadsheet runs a cell that starts like a formula; a leading apostrophe keeps it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_cell(h) for h in header])
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def attendees_csv(event, records) -> str:
    """One row per RSVP: confirmed first, then the waitlist in queue order, then cancellations."""
    position = 0
    rows = []
    for record in records:
        if record.status is RsvpStatus.waitlisted:
            position += 1
        rows.append([
            record.status.value, position if record.status is RsvpStatus.waitlisted else "",
            record.user.name, record.user.email, record.organization.name if record.organization else "",
            localtime(record.created_at, event.timezone, "%Y-%m-%d %H:%M %Z"),
            "yes" if record.acknowledged_at else "",
            {True: "yes", False: "no", None: ""}[record.attended],
        ])
    return _csv(["Status", "Waitlist position", "Name", "E-mail", "Organization", "RSVP time",
                 "Acknowledged requirements", "Attended"], rows)


def scorecard_csv(card) -> str:
    """One row per response, in the scorecard's order; names only where the viewer may see them."""
    questions = list(card.event.questions)
    header = (["Respondent", "Organization"] if card.with_names else ["Response"]) + [q.prompt for q in questions]
    header += [question for _, question in INTENT_QUESTIONS] + (["Last changed"] if card.with_names else [])
    rows = []
    for n, response in enumerate(card.responses, start=1):
        answers = {a.question_id: a for a in response.answers}
        if card.with_names:
            org = response.user.organization
            row = [response.user.name, org.name if org else ""]
        else:
            row = [n]
        for question in questions:
            answer = answers.get(question.id)
            if answer is None:
                row.append("")
            elif question.kind is QuestionKind.rating:
                row.append(answer.score if answer.score is not None else "")
            else:
                row.append(answer.text)
        row += [getattr(response, name).label if getattr(response, name) else "" for name, _ in INTENT_QUESTIONS]
        if card.with_names:  # without names, even a time could tell who answered
            row.append(localtime(response.updated_at, card.event.timezone, "%Y-%m-%d %H:%M %Z"))
        rows.append(row)
    return _csv(header, rows)
