"""The demo's sign-ins: one person per role or kind of organization, each with what they are there to try.

`flask seed-demo` and `flask demo-logins` (which `make run` calls) print this table, and the README lists the
same people, so what is printed cannot drift from what the demo holds.
"""

from typing import NamedTuple

DEMO_PASSWORD = "community-demo-2026"


class DemoLogin(NamedTuple):
    who: str
    email: str
    try_this: str


DEMO_LOGINS = [
    DemoLogin("facilitator", "dana.whitfield@northbridge.example",
              "review the flagged reply, pin a thread, run an event"),
    DemoLogin("organization manager", "denise.carter@harborview.example",
              "edit Harborview's profile and programs, invite a colleague"),
    DemoLogin("member", "marcus.bell@harborview.example",
              "browse and save practices, ask a question, RSVP to a site visit"),
    DemoLogin("training provider", "imani.douglas@beaconcollege.example",
              "read the feedback scorecard of Beacon's session"),
    DemoLogin("education partner", "teresa.holm@maplevalleyusd.example",
              "find employers that host high-school students"),
    DemoLogin("community organization", "monique.harris@pathwaysyouth.example",
              "answer questions on wraparound supports"),
    DemoLogin("sponsor", "eleanor.voss@hartwellfoundation.example",
              "compare the community's programs and how they are funded"),
]


def demo_email(who: str) -> str:
    """The demo login of one role, e.g. `demo_email("facilitator")`."""
    return next(login.email for login in DEMO_LOGINS if login.who == who)


def login_lines() -> list[str]:
    """The table as aligned lines of text, for the terminal."""
    width = max(len(login.who) for login in DEMO_LOGINS)
    mail = max(len(login.email) for login in DEMO_LOGINS)
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    lines += [f"  {login.who:<{width}}  {login.email:<{mail}}  {login.try_this}" for login in DEMO_LOGINS]
    return lines
