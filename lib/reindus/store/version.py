"""The store's change counter: one number that every committed change raises.

Each app process caches what it read from the store; several processes (behind a proxy) share one
store. Rather than a time-to-live of minutes, a process reads this one number per rerun (a primary-key
read) and keys its caches on it: an edit saved through one process is seen through every other on their
next rerun.

Every change is audited (`reindus.store.audit.record`, in the same transaction), and recording marks the
session; the counter is raised just before that session commits, in the same transaction, so the number
moves exactly when a change becomes visible — never before (a rolled-back change raises nothing) and
never after (no window where the data changed but the number did not).
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import event, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from reindus.store.models import StoreVersion

_CHANGED: Final = "reindus.changed"
ROW_ID: Final = 1


def mark_changed(session: Session) -> None:
    """This session wrote something: raise the counter when it commits."""
    session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _raise_on_commit(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        session.execute(
            update(StoreVersion).where(StoreVersion.id == ROW_ID).values(version=StoreVersion.version + 1)
        )


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)


def current(bind: Engine | Connection) -> int:
    """The counter now (0 on a store that has never changed)."""
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return current(conn)
    return int(bind.execute(select(StoreVersion.version).where(StoreVersion.id == ROW_ID)).scalar() or 0)
