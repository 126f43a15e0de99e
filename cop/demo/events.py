"""Demo events: upcoming and past site visits, a full one with a waitlist, a virtual roundtable, and a
past feedback session for Beacon Hybrid College with its scorecard; loaded through the events services."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from cop.extensions import db, utcnow

ZONE = "America/Chicago"

EVENTS = [
    {
        "title": "Inside a CNC youth apprenticeship: Halvorsen Plant 2",
        "kind": "site_visit", "host": "Halvorsen Precision Machining",
        "by": "karen.lindqvist@halvorsen-precision.example",
        "days": 12, "hour": 9, "hours": 3, "capacity": 14, "per_org_cap": 2, "rsvp_days_before": 3,
        "cancel_days_before": 2,
        "summary": "See second-year youth apprentices run production parts, and how two budgets pay for them.",
        "venue": "Halvorsen Plant 2, visitor entrance on the north side",
        "address": "4100 Industrial Parkway\nNorth County, Tri-River Region",
        "what_you_will_see": (
            "The 5-axis cell where second-year apprentices run production parts; the apprentice learning bench "
            "and competency board; 30 minutes of questions with two youth apprentices and their journeyworker "
            "mentors; how we split apprentice wages between HR and the plant budget."),
        "access_requirements": (
            "Closed-toe shoes (steel toe preferred) and long pants; we lend safety glasses and ear plugs. "
            "Bring a government-issued photo ID for the gate: parts of the plant are ITAR-registered. "
            "No photos on the shop floor."),
        "acknowledgements": "I will wear closed-toe shoes and long pants\nI will bring a government-issued photo ID",
        "description": (
            "## Agenda\n\n- 9:00 Coffee and welcome in the training room\n- 9:20 Walk the floor in groups of five\n"
            "- 10:45 Questions with apprentices and mentors\n- 11:30 How we fund it (the numbers)\n\n"
            "Two seats per company, so every member company can come."),
        "going": ["marcus.bell@harborview.example", "mike.brennan@crestlinefab.example",
                  "samantha.okoye@meridian-aero.example", "dale.hutchins@tallgrassmech.example",
                  "gary.lindgren@pioneerelectric.example", "yolanda.pierce@eastfield.example",
                  "teresa.holm@maplevalleyusd.example", "travis.olsen@prairieline.example"],
    },
    {
        "title": "Job shadows in a hospital: a morning at Riverbend Medical Center",
        "kind": "site_visit", "host": "Riverbend Health System", "by": "latoya.jenkins@riverbendhealth.example",
        "days": 18, "hour": 8, "hours": 4, "capacity": 6, "rsvp_days_before": 5, "cancel_days_before": 3,
        "summary": "How Riverbend gets 120 high-school job shadows a year through clearances and onto the floors.",
        "venue": "Riverbend Medical Center, main lobby (ask for Nursing Education)",
        "address": "1500 Riverside Drive\nRiverside, Tri-River Region",
        "what_you_will_see": (
            "The clearance tracker that gets students through immunizations and background checks in three weeks; "
            "a job shadow rotation on a medical-surgical unit and in sterile processing; lunch with the nurse "
            "educators who run the program."),
        "access_requirements": (
            "A visitor badge from lobby security (photo ID). A flu vaccination this season, or wear the mask we "
            "give you on clinical floors. You'll sign a patient confidentiality form on arrival."),
        "acknowledgements": "I will sign the patient confidentiality form on arrival",
        "description": "Small group on purpose: clinical floors take six visitors at most.",
        "going": ["grace.abernathy@lakeshoreliving.example", "neha.kapoor@summitpeds.example",
                  "carmen.ibarra@lincolnechs.example", "monique.harris@pathwaysyouth.example",
                  "rebecca.sato@granitemutual.example", "paul.whitaker@keystonebancorp.example"],
        "waitlist": ["marcus.bell@harborview.example", "hector.villalobos@lakeshoreliving.example",
                     "eli.rosen@pathwaysyouth.example"],
    },
    {
        "title": "Paying high-school interns: payroll, minors and stipends",
        "kind": "virtual", "host": "Northbridge Talent Collaborative", "by": "dana.whitfield@northbridge.example",
        "days": 9, "hour": 12, "hours": 1, "capacity": 40,
        "summary": ("A virtual roundtable: how members put 16-year-olds on payroll, and when a stipend is the "
                    "better answer."),
        "meeting_url": "https://meet.example/northbridge-paying-interns",
        "description": (
            "Three members share what they did, then open questions.\n\n- Harborview Credit Union: hourly pay "
            "through a staffing partner\n- Halvorsen Precision Machining: minors on payroll, work permits and hours\n"
            "- Pathways Youth Alliance: stipends for unpaid-by-law placements"),
        "going": ["denise.carter@harborview.example", "karen.lindqvist@halvorsen-precision.example",
                  "monique.harris@pathwaysyouth.example", "jordan.reyes@bluepine.example",
                  "angela.whitehorse@northstarfreight.example"],
    },
    {
        "title": "Spring convening: what worked in work-based learning this year",
        "kind": "roundtable", "host": "Northbridge Talent Collaborative", "by": "dana.whitfield@northbridge.example",
        "days": 40, "hour": 13, "hours": 3, "capacity": 60,
        "summary": "The whole community in one room: five short talks, then tables by topic.",
        "venue": "Riverside Public Library, Community Room B",
        "address": "220 River Street\nRiverside, Tri-River Region",
        "going": ["priya.raman@northbridge.example", "mike.brennan@crestlinefab.example",
                  "jordan.reyes@bluepine.example", "imani.douglas@beaconcollege.example"],
    },
    {
        "title": "Forge Skills Institute: IT support credential redesign",
        "kind": "feedback_session", "host": "Forge Skills Institute", "by": "rafael.ortega@northbridge.example",
        "days": 25, "hour": 15, "hours": 2, "capacity": 16, "per_org_cap": 2,
        "summary": "Forge shows the new 10-week IT support program before launch; tell them what your help desks need.",
        "venue": "Forge Skills Institute, Lab 3", "address": "77 Commerce Street\nRiverside, Tri-River Region",
        "description": "Forge walks through the competency map, the lab assessments and the employer-partner model.",
        "going": ["brian.kowalski@ironwooddata.example", "jordan.reyes@bluepine.example",
                  "owen.park@cascadecloud.example"],
    },
    {
        "title": "Summer welding internship walk-through at Crestline",
        "kind": "site_visit", "host": "Crestline Fabrication", "by": "mike.brennan@crestlinefab.example",
        "days": -45, "hour": 10, "hours": 2, "capacity": 12,
        "summary": "Walk the shop where high-school welding interns work their first summer.",
        "venue": "Crestline Fabrication, main shop", "address": "12 Foundry Road\nEastfield, Tri-River Region",
        "what_you_will_see": ("The intern weld booths, the green/yellow/red task board for under-18s, and the "
                              "mentor pairing."),
        "access_requirements": "Closed-toe leather shoes and cotton clothing. We provide helmets and gloves.",
        "going": ["karen.lindqvist@halvorsen-precision.example", "dale.hutchins@tallgrassmech.example",
                  "nicole.ferraro@brightwaterbuilders.example", "gary.lindgren@pioneerelectric.example",
                  "william.thompson@lincolnechs.example"],
        "absent": ["gary.lindgren@pioneerelectric.example"],
        "recap_practice": "Building a green, yellow, red task list for under-18 pre-apprentices",
        "recap": (
            "Five members walked the shop with Mike and two of last summer's interns.\n\n"
            "**What stood out**\n\n- The task board is physical, at the booth entrance: every intern knows "
            "their colour for the day.\n- Each intern has one named mentor; mentors get 2 hours a week off "
            "production for it.\n- Crestline's insurer signed off because the task list is written down.\n\n"
            "**What people will copy**: Tallgrass will try the task board with its sheet-metal pre-apprentices."),
    },
]

BEACON_SESSION = {
    "title": "Beacon Hybrid College: Industrial Maintenance Technician associate — pre-launch feedback",
    "kind": "feedback_session", "host": "Beacon Hybrid College", "by": "priya.raman@northbridge.example",
    "days": -24, "hour": 14, "hours": 2, "capacity": 16, "per_org_cap": 2, "anonymous": True,
    "summary": "Beacon presented its earn-and-learn maintenance technician associate before the first cohort starts.",
    "venue": "Beacon Hybrid College, Harbor District campus, Room 204",
    "address": "900 Harbor Avenue\nHarbor District, Tri-River Region",
    "description": (
        "Beacon's new associate degree: students work 24 hours a week as maintenance technician apprentices at "
        "partner employers and show competencies on the job (PLC troubleshooting, hydraulics, electrical safety, "
        "preventive maintenance), with online coursework in the evenings. Two years, $4,800 a year to the "
        "employer per student."),
    "going": ["karen.lindqvist@halvorsen-precision.example", "samantha.okoye@meridian-aero.example",
              "mike.brennan@crestlinefab.example", "gary.lindgren@pioneerelectric.example",
              "travis.olsen@prairieline.example", "angela.whitehorse@northstarfreight.example",
              "dale.hutchins@tallgrassmech.example", "derek.hollis@meridian-aero.example",
              "hannah.yoder@pioneerelectric.example", "luis.espinoza@brightwaterbuilders.example"],
    "absent": ["luis.espinoza@brightwaterbuilders.example"],
    # scores for: fit, competency coverage, credibility of assessment, schedule and format, cost
    "feedback": [
        ("karen.lindqvist@halvorsen-precision.example", [5, 4, 3, 4, 3], "yes", "yes", "yes",
         "Add CNC machine maintenance: spindles and way lube are half our downtime.",
         "Keep the 24-hour work week. Start the PLC module before the first summer, not after."),
        ("samantha.okoye@meridian-aero.example", [4, 4, 2, 3, 3], "yes", "maybe", "yes",
         "Our quality people need to see how a competency sign-off is evidenced before we trust it.",
         "Stop relying on the supervisor alone for sign-off; add a Beacon assessor visit each term."),
        ("mike.brennan@crestlinefab.example", [4, 3, 3, 5, 4], "maybe", "yes", "no",
         "Welding equipment maintenance would make it fit a fab shop.",
         "Keep evening coursework online; our second shift can't do daytime classes."),
        ("gary.lindgren@pioneerelectric.example", [3, 3, 3, 2, 2], "maybe", "maybe", "maybe",
         "Electrical safety needs NFPA 70E qualified-person training, not just awareness.",
         "Start with a part-time option for our rural crews; 24 hours a week is hard during storm season."),
        ("travis.olsen@prairieline.example", [5, 4, 4, 4, 4], "yes", "yes", "maybe",
         "Conveyor and sortation systems: that's what our technicians fix all day.",
         "Keep the employer-paid model; it is cheaper than our current sign-on bonuses."),
        ("angela.whitehorse@northstarfreight.example", [4, 3, 4, 3, 3], "yes", "maybe", "no",
         "Fleet maintenance overlaps a lot; a diesel elective would bring in logistics employers.", ""),
        ("dale.hutchins@tallgrassmech.example", [4, 5, 3, 4, 2], "maybe", "yes", "yes",
         "HVAC controls are close to PLC work; we'd love a building-systems track.",
         "Stop pricing per student per year; a per-competency price would let small employers try it."),
    ],
    "response": (
        "Thank you — seven of you gave us detailed feedback, and it changed the program before launch.\n\n"
        "**You said** competency sign-off by the supervisor alone isn't credible enough.\n"
        "**We did**: a Beacon assessor now visits every student's workplace once a term and co-signs each "
        "competency with the workplace mentor.\n\n"
        "**You said** the schedule is hard for second shift and rural crews.\n"
        "**We did**: evening coursework stays online, and a 16-hour-a-week track (three years) is open to "
        "employers with seasonal peaks.\n\n"
        "**You said** the price per student per year is a hurdle for small employers.\n"
        "**We did**: small employers (under 50 people) can pay per competency for their first student.\n\n"
        "**You said** add CNC, conveyor and HVAC controls content.\n"
        "**We did**: three electives (machine tool maintenance, material handling systems, building controls) "
        "start with the second cohort. We're looking for co-design partners for each: reply if you said yes."),
}


def _at(days: int, hour: int) -> datetime:
    """A whole hour `days` from today, local to the demo region, as UTC."""
    local = ZoneInfo(ZONE)
    day = utcnow().astimezone(local).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), local).astimezone(ZoneInfo("UTC"))


def _move_to_past(event, spec: dict) -> None:
    """Events are created ahead (so RSVPs follow the real rules), then dated to when they took place."""
    event.starts_at = _at(spec["days"], spec["hour"])
    event.ends_at = event.starts_at + timedelta(hours=spec["hours"])
    event.rsvp_deadline = event.cancel_deadline = None
    event.created_at = event.updated_at = event.starts_at - timedelta(days=21)
    db.session.flush()


def _create(spec: dict, people: dict, orgs: dict):
    from cop.events import services
    from cop.events.models import EventKind

    from cop.mail import OutboxMessage, OutboxStatus

    past = spec["days"] < 0
    last_mail = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    starts = _at(2 if past else spec["days"], spec["hour"])
    fields = {key: spec[key] for key in ("summary", "venue", "address", "what_you_will_see", "access_requirements",
                                         "acknowledgements", "description", "meeting_url") if key in spec}
    event = services.create_event(
        people[spec["by"]], kind=EventKind(spec["kind"]), title=spec["title"], starts_at=starts,
        ends_at=starts + timedelta(hours=spec["hours"]), timezone=ZONE, capacity=spec["capacity"],
        host_org=orgs[spec["host"]], per_org_cap=spec.get("per_org_cap"),
        rsvp_deadline=starts - timedelta(days=spec["rsvp_days_before"]) if "rsvp_days_before" in spec else None,
        cancel_deadline=starts - timedelta(days=spec["cancel_days_before"]) if "cancel_days_before" in spec else None,
        feedback_anonymous=spec.get("anonymous", True), **fields)
    count = 0
    for email in spec.get("going", []) + spec.get("waitlist", []):
        services.rsvp(event, people[email], acknowledged=True)
        count += 1
    if past:
        # The confirmations of an event the demo dates in the past would announce it on the wrong day.
        db.session.flush()
        db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id > last_mail,
                                                          OutboxMessage.status == OutboxStatus.pending))
        _move_to_past(event, spec)
        services.record_attendance(event, {r.id for r in services.audience(event, "going")
                                           if r.user.email not in spec.get("absent", [])})
    return event, count


def seed_events() -> dict[str, int]:
    """The demo events; an event whose title already exists is left alone, so running again adds nothing."""
    from cop.auth.models import User
    from cop.events import services
    from cop.events.models import INTENT_QUESTIONS, Event, Intent, QuestionKind
    from cop.orgs.models import Organization
    from cop.practices.models import Practice

    created = {"events": 0, "RSVPs": 0, "feedback responses": 0}
    db.session.flush()
    services.serialize_writes()
    existing = set(db.session.scalars(sa.select(Event.title)))
    people = {u.email: u for u in db.session.scalars(sa.select(User))}
    orgs = {o.name: o for o in db.session.scalars(sa.select(Organization))}
    needed = {spec["by"] for spec in EVENTS + [BEACON_SESSION]} | {spec["host"] for spec in EVENTS + [BEACON_SESSION]}
    if not needed <= set(people) | set(orgs):
        return created  # the demo community isn't there (a trimmed database); nothing to attach events to

    for spec in EVENTS:
        if spec["title"] in existing:
            continue
        event, count = _create(spec, people, orgs)
        created["events"] += 1
        created["RSVPs"] += count
        if spec.get("recap"):
            practice = db.session.scalar(sa.select(Practice).where(Practice.title == spec.get("recap_practice")))
            services.save_recap(event, people[spec["by"]], recap=spec["recap"], practice=practice)

    spec = BEACON_SESSION
    if spec["title"] not in existing:
        event, count = _create(spec, people, orgs)
        created["events"] += 1
        created["RSVPs"] += count
        closes = _at(-3, 17)
        event.feedback_closes_at = _at(7, 17)  # open while the answers arrive, then closed three days ago
        ratings = [q for q in event.questions if q.kind is QuestionKind.rating]
        texts = [q for q in event.questions if q.kind is QuestionKind.text]
        for email, scores, host, hire, codesign, first, second in spec["feedback"]:
            services.submit_feedback(
                event, people[email], scores={q.id: s for q, s in zip(ratings, scores)},
                texts={texts[0].id: first, texts[1].id: second},
                intents=dict(zip([name for name, _ in INTENT_QUESTIONS], map(Intent, (host, hire, codesign)))))
            created["feedback responses"] += 1
        event.feedback_closes_at = closes
        services.publish_response(event, people["imani.douglas@beaconcollege.example"], spec["response"])
    db.session.flush()
    return created
