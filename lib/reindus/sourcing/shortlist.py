"""Changes to a link's shortlist, as the coaches make them on « Fournisseurs »: add register candidates,
add a supplier established abroad, change statuses and notes, remove entries.

Every write goes through `store.repository` (audited; versioned edits refuse a row changed since it was
shown) in one transaction per action: a refused row leaves the whole action unwritten. Messages are in
French, for the page to show as they are. Each action takes the `Viewer` who makes it: the audit names
them, and a row of a project outside their scope is refused inside the same transaction
(reindus.auth.guard), whatever the page showed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from reindus.auth import Viewer
from reindus.auth.guard import require_edit
from reindus.errors import ValidationError
from reindus.reference.programme import ShortlistStatus
from reindus.sourcing import candidates as sourcing
from reindus.store.models import ChainLink, ShortlistEntry
from reindus.store.repository import delete_versioned, insert, update_versioned, write

EDITABLE = ("status", "note")


@dataclass(frozen=True)
class Edits:
    """What a coach changed in the shortlist shown: (id, shown version, {column: value}) and (id, shown
    version) of the rows to remove."""

    changed: list[tuple[int, int, dict[str, object]]] = field(default_factory=list)
    removed: list[tuple[int, int]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.changed) + len(self.removed)


def _blank(value: object) -> object:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else value


def diff(shown: pd.DataFrame, edited: pd.DataFrame) -> Edits:
    """Compare the rows shown (`id`, `version`, `status`, `note`) with the editor's rows, same order,
    (`status`, `note`, `remove`). A removed row's other changes are dropped with it."""
    changed, removed = [], []
    for i in range(len(shown)):
        row_id, version = int(shown["id"].iat[i]), int(shown["version"].iat[i])
        if bool(edited["remove"].iat[i]):
            removed.append((row_id, version))
            continue
        changes = {
            c: _blank(edited[c].iat[i])
            for c in EDITABLE
            if _blank(edited[c].iat[i]) != _blank(shown[c].iat[i])
        }
        if changes:
            changed.append((row_id, version, changes))
    return Edits(changed, removed)


def save(engine: Engine, edits: Edits, viewer: Viewer) -> str:
    """Write the edits in one transaction; StoreError (stale row included) or PermissionDeniedError
    writes none of them."""

    def work(session) -> None:
        for row_id, _version, _changes in edits.changed:
            require_edit(session, viewer, ShortlistEntry, row_id)
        for row_id, _version in edits.removed:
            require_edit(session, viewer, ShortlistEntry, row_id)
        for row_id, version, changes in edits.changed:
            update_versioned(session, ShortlistEntry, row_id, version, changes, viewer.actor)
        for row_id, version in edits.removed:
            delete_versioned(session, ShortlistEntry, row_id, version, viewer.actor)

    write(engine, work)
    text = f"{len(edits)} modification(s) enregistrée(s) au journal"
    return text + (f", dont {len(edits.removed)} retrait(s)." if edits.removed else ".")


def add_candidates(engine: Engine, link_id: int, rows: pd.DataFrame, viewer: Viewer) -> str:
    """Register rows into the link's shortlist as « identifié »; those already there are skipped."""

    def work(session) -> tuple[int, int]:
        require_edit(session, viewer, ChainLink, link_id)
        added, skipped = 0, 0
        already = set(
            session.scalars(
                select(ShortlistEntry.siret).where(
                    ShortlistEntry.link_id == link_id, ShortlistEntry.siret.is_not(None)
                )
            )
        )
        for row in rows.to_dict("records"):
            fields = sourcing.shortlist_row(row)
            if fields["siret"] in already:
                skipped += 1
                continue
            insert(
                session,
                ShortlistEntry(
                    link_id=link_id,
                    status=ShortlistStatus.IDENTIFIED.value,
                    note="",
                    source="saisie",
                    **fields,
                ),
                viewer.actor,
            )
            already.add(fields["siret"])
            added += 1
        return added, skipped

    added, skipped = write(engine, work)
    text = f"{added} fournisseur(s) ajouté(s) à la présélection."
    return text + (f" {skipped} y figurai(en)t déjà." if skipped else "")


def add_foreign(engine: Engine, link_id: int, name: str, country: str, note: str, viewer: Viewer) -> str:
    """A supplier established abroad (no SIRET) into the link's shortlist as « identifié ».
    ValidationError for a missing name, France, an unknown country or a name already there."""
    fields: Mapping[str, object] = sourcing.foreign_shortlist_row(name, country)

    def work(session) -> None:
        require_edit(session, viewer, ChainLink, link_id)
        names = session.scalars(
            select(ShortlistEntry.supplier_name).where(
                ShortlistEntry.link_id == link_id, ShortlistEntry.siret.is_(None)
            )
        )
        if any(str(n).casefold() == str(fields["supplier_name"]).casefold() for n in names):
            raise ValidationError(
                f"« {fields['supplier_name']} » figure déjà dans la présélection de ce maillon.",
                field="supplier_name",
            )
        insert(
            session,
            ShortlistEntry(
                link_id=link_id,
                status=ShortlistStatus.IDENTIFIED.value,
                note=note.strip()[:2000],
                source="saisie",
                **fields,
            ),
            viewer.actor,
        )

    write(engine, work)
    return f"« {fields['supplier_name']} » ajouté à la présélection."
