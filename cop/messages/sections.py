"""What messages add to member profiles: "Send a message" and blocking."""

from cop.messages.services import has_blocked


def message_person(person, viewer):
    if person.id == viewer.id or not getattr(viewer, "is_active", False):
        return None
    return "messages/_profile_section.html", {"person": person, "blocked": has_blocked(viewer.id, person.id)}
