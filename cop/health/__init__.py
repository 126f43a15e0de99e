"""The readiness check load balancers poll: is the database reachable, how far behind is this node's search
index, does the file store answer."""

from flask import Blueprint

bp = Blueprint("health", __name__)

from cop.health import views  # noqa: E402,F401
