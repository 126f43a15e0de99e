"""`flask seed-demo` and `flask demo-logins`: a realistic fictional network to explore, built through the
real services, and who to sign in as."""

import click
import sqlalchemy as sa
from flask import current_app

from cop.demo.logins import login_lines
from cop.extensions import db


def init_app(app):
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only load when the community has no members yet.")
    def seed_demo(if_empty):
        """Load the fictional demo community (safe to run again: nothing is duplicated)."""
        from cop.auth.models import User
        from cop.mail import deliver_pending

        if if_empty and db.session.scalar(sa.select(sa.func.count(User.id))):
            click.echo("The database already has members; demo data not loaded.")
            return
        from cop.demo.activity import seed_people, seed_searches, seed_visits
        from cop.demo.community import seed_community
        from cop.demo.departures import seed_departures
        from cop.demo.discussions import seed_discussions
        from cop.demo.events import seed_events
        from cop.demo.library import seed_library
        from cop.demo.messages import seed_messages
        from cop.demo.programs import seed_programs
        from cop.practices.taxonomy import ensure_taxonomy

        ensure_taxonomy()
        counts = seed_community()
        counts.update(seed_library())
        counts.update(seed_discussions())
        counts.update(seed_departures())
        counts.update(seed_events())
        counts.update(seed_programs())
        counts.update(seed_messages())
        counts.update(seed_people())
        counts.update(seed_visits())
        db.session.commit()
        # The searches' result counts come from the index, which sees the demo once it is committed.
        counts.update(seed_searches(current_app._get_current_object()))
        db.session.commit()
        deliver_pending()
        from cop.search import engine

        engine.sync_or_repair(app)  # this node's search finds the demo at once; other nodes catch up
        click.echo("Created " + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".")
        click.echo("\n".join(login_lines()))

    @app.cli.command("demo-logins")
    def demo_logins():
        """Print who to sign in as to try each role of the demo community."""
        click.echo("\n".join(login_lines()))
