"""A feedback session's scorecard: counts, averages and distributions, drawn as SVG bar charts on the
server (no JavaScript), with every number also in a table, and the open answers."""

import hashlib
import hmac
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from markupsafe import Markup, escape

from cop.events.models import INTENT_QUESTIONS, Event, FeedbackQuestion, FeedbackResponse, Intent, QuestionKind
from cop.extensions import db

SCORES = (1, 2, 3, 4, 5)


@dataclass
class RatingResult:
    question: FeedbackQuestion
    distribution: list[int]  # how many gave 1, 2, 3, 4, 5
    chart: Markup = Markup("")

    @property
    def count(self) -> int:
        return sum(self.distribution)

    @property
    def average(self) -> float | None:
        return sum(s * n for s, n in zip(SCORES, self.distribution)) / self.count if self.count else None


@dataclass
class OpenAnswer:
    text: str
    name: str = ""
    organization: str = ""


@dataclass
class OpenResult:
    question: FeedbackQuestion
    answers: list[OpenAnswer] = field(default_factory=list)


@dataclass
class IntentResult:
    name: str
    question: str
    counts: dict  # Intent -> count
    unanswered: int
    chart: Markup = Markup("")


@dataclass
class Scorecard:
    event: Event
    with_names: bool
    responses: list[FeedbackResponse]
    ratings: list[RatingResult]
    open_questions: list[OpenResult]
    intents: list[IntentResult]
    overview_chart: Markup = Markup("")

    @property
    def count(self) -> int:
        return len(self.responses)


def _anonymous_order(response: FeedbackResponse) -> str:
    """A keyed shuffle: without names, the order must not tell who answered first."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"response-{response.id}".encode(), hashlib.sha256).hexdigest()


def load_responses(event: Event, with_names: bool) -> list[FeedbackResponse]:
    from cop.auth.models import User

    query = (sa.select(FeedbackResponse).where(FeedbackResponse.event_id == event.id)
             .options(so.selectinload(FeedbackResponse.answers)))
    if with_names:
        query = query.options(so.joinedload(FeedbackResponse.user).joinedload(User.organization))
    responses = db.session.scalars(query).unique().all()
    if with_names:
        return sorted(responses, key=lambda r: (r.user.name.lower(), r.id))
    return sorted(responses, key=_anonymous_order)


def build_scorecard(event: Event, with_names: bool) -> Scorecard:
    """Everything the scorecard shows. Without names, open answers carry no name or organization."""
    responses = load_responses(event, with_names)
    answers = {(a.response_id, a.question_id): a for r in responses for a in r.answers}
    ratings, open_questions = [], []
    for question in event.questions:
        if question.kind is QuestionKind.rating:
            distribution = [0] * len(SCORES)
            for response in responses:
                answer = answers.get((response.id, question.id))
                if answer is not None and answer.score in SCORES:
                    distribution[answer.score - 1] += 1
            result = RatingResult(question, distribution)
            result.chart = bar_chart(
                f"How attendees scored “{question.prompt}” (1 = poor, 5 = excellent)",
                [(f"Score {s}", n) for s, n in zip(SCORES, distribution)], maximum=max(distribution + [1]),
                chart_id=f"chart-q{question.id}")
            ratings.append(result)
        else:
            result = OpenResult(question)
            for response in responses:
                answer = answers.get((response.id, question.id))
                if answer is not None and answer.text:
                    person = response.user if with_names else None
                    result.answers.append(OpenAnswer(
                        answer.text, person.name if person else "",
                        person.organization.name if person and person.organization else ""))
            open_questions.append(result)
    intents = []
    for name, question in INTENT_QUESTIONS:
        counts = {intent: sum(1 for r in responses if getattr(r, name) is intent) for intent in Intent}
        result = IntentResult(name, question, counts, len(responses) - sum(counts.values()))
        result.chart = bar_chart(question, [(intent.label, n) for intent, n in counts.items()],
                                 maximum=max(list(counts.values()) + [1]), chart_id=f"chart-{name}")
        intents.append(result)
    card = Scorecard(event, with_names, responses, ratings, open_questions, intents)
    if ratings:
        card.overview_chart = bar_chart(
            "Average score per question (out of 5)",
            [(r.question.prompt, round(r.average, 1) if r.average is not None else 0.0) for r in ratings],
            maximum=5, chart_id="chart-averages", label_width=230)
    return card


def bar_chart(title: str, bars: list[tuple[str, float]], *, maximum: float, chart_id: str,
              label_width: int = 110) -> Markup:
    """Horizontal bars as inline SVG. The chart is an image named by its title, with every value in
    its description too; pages show the same numbers in a table next to it."""
    row, bar_height, bar_area, value_width = 30, 20, 300, 50
    width = label_width + bar_area + value_width
    height = row * len(bars) + 10
    description = "; ".join(f"{label}: {_number(value)}" for label, value in bars)
    parts = [
        f'<svg class="chart" id="{chart_id}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for n, (label, value) in enumerate(bars):
        y = 5 + n * row
        length = 0 if not maximum else round(bar_area * value / maximum, 1)
        short = label if len(label) <= label_width // 7 else label[: label_width // 7 - 1] + "…"
        parts.append(f'<text class="chart-label" x="{label_width - 8}" y="{y + 15}" text-anchor="end">'
                     f'{escape(short)}</text>')
        box = f'x="{label_width}" y="{y}" height="{bar_height}" rx="3"'
        parts.append(f'<rect class="chart-track" {box} width="{bar_area}"/>')
        if length:
            parts.append(f'<rect class="chart-bar" {box} width="{length}"/>')
        parts.append(f'<text class="chart-value" x="{label_width + bar_area + 8}" y="{y + 15}">{_number(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _number(value: float) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)
