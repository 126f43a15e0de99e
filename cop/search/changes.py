"""Collecting what changed: one session listener records every searchable change in the change log,
inside the same transaction as the change, so a commit and its index entry can never part."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.search.documents import DEPENDENTS, DOCUMENTS
from cop.search.models import SearchChange


def _changed(obj, watched: set[str]) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in watched if name in state.attrs)


@sa.event.listens_for(so.Session, "before_flush")
def _collect(session, flush_context, instances):
    # Histories are only readable before the flush writes them, so look now and write after.
    pending = session.info.setdefault("search_pending", [])
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        kind = DOCUMENTS.get(type(obj))
        in_new_or_deleted = obj in session.new or obj in session.deleted
        if kind is not None and (in_new_or_deleted or _changed(obj, kind.watched)):
            pending.append((kind.name, obj, None))
        for dependent_kind, watched, ids_for in DEPENDENTS.get(type(obj), ()):
            if in_new_or_deleted or _changed(obj, watched):
                pending.append((dependent_kind, obj, ids_for))


@sa.event.listens_for(so.Session, "after_flush")
def _record(session, flush_context):
    pending = session.info.pop("search_pending", [])
    if not pending:
        return
    connection = session.connection()
    rows = set()
    for kind, obj, ids_for in pending:
        object_id = sa.inspect(obj).identity[0] if sa.inspect(obj).identity else getattr(obj, "id", None)
        if object_id is None:
            continue
        if ids_for is None:
            rows.add((kind, object_id))
        else:
            rows.update((kind, dependent_id) for dependent_id in ids_for(connection, obj) if dependent_id)
    if rows:
        connection.execute(sa.insert(SearchChange), [{"kind": k, "object_id": i} for k, i in sorted(rows)])
        session.info["search_dirty"] = True


@sa.event.listens_for(so.Session, "after_rollback")
def _forget(session):
    session.info.pop("search_pending", None)
    session.info.pop("search_dirty", None)


@sa.event.listens_for(so.Session, "after_commit")
def _committed(session):
    if session.info.pop("search_dirty", False):
        session.info["search_ready"] = True
