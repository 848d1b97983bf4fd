"""The audit log: who changed what, when, with the values before and after as JSON text.

Entries are written in the same transaction as the change they describe: a change that is rolled back
(or refused) leaves no entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, inspect
from sqlalchemy.orm import Session

from reindus.errors import ValidationError
from reindus.store import version
from reindus.store.models import AUDIT_ACTIONS, AuditEntry, Base
from reindus.store.types import utcnow

# Bookkeeping columns left out of the audited values (the entry has its own timestamp).
_UNAUDITED = frozenset({"created_at", "updated_at"})


def json_value(value: Any, scale: int | None = None) -> Any:
    """A value as JSON can hold it: dates in ISO 8601, Decimal as a string (at the column's scale)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal | float):
        dec = value if isinstance(value, Decimal) else Decimal(str(value))
        if scale is not None and dec.is_finite():
            dec = dec.quantize(Decimal(1).scaleb(-scale))
        return str(dec)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def column_scale(model: type[Base], column: str) -> int | None:
    """The decimal scale of a Numeric column (None for any other column): the audit log writes its
    values at that scale."""
    table = getattr(model, "__table__", None)
    col = None if table is None else table.c.get(column)
    if col is not None and isinstance(col.type, Numeric):
        return col.type.scale
    return None


def json_values(model: type[Base], values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: json_value(v, column_scale(model, k)) for k, v in values.items()}


def same_value(model: type[Base], column: str, a: Any, b: Any) -> bool:
    """Whether two values of a column are equal as the audit log writes them (decimals at the column's
    scale, dates as ISO text): a write that changes neither is no change."""
    scale = column_scale(model, column)
    return json_value(a, scale) == json_value(b, scale)


def row_values(obj: Base, columns: Iterable[str] | None = None) -> dict[str, Any]:
    """The column values of a mapped object, keyed by column name (bookkeeping timestamps left out)."""
    mapper = inspect(type(obj))
    wanted = None if columns is None else set(columns)
    out: dict[str, Any] = {}
    for attr in mapper.column_attrs:
        name = attr.columns[0].name
        if name in _UNAUDITED or (wanted is not None and name not in wanted):
            continue
        out[name] = getattr(obj, attr.key)
    return out


def to_json(model: type[Base], values: Mapping[str, Any] | None) -> str | None:
    if values is None:
        return None
    return json.dumps(json_values(model, values), ensure_ascii=False, sort_keys=True)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    table_name: str,
    row_key: str | int,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    detail: str | None = None,
    model: type[Base] | None = None,
) -> AuditEntry:
    """Add one audit entry to the session (flushed with the change it describes)."""
    if not actor or not actor.strip():
        raise ValidationError("Indiquez qui fait la modification (actor vide).", field="actor")
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"Action d'audit inconnue : {action!r} (attendu : {', '.join(AUDIT_ACTIONS)})")
    m = model or Base
    entry = AuditEntry(
        at=utcnow(),
        actor=actor.strip(),
        action=action,
        table_name=table_name,
        row_key=str(row_key),
        before=to_json(m, before),
        after=to_json(m, after),
        detail=detail,
    )
    session.add(entry)
    version.mark_changed(session)
    return entry


def parse(entry_json: str | None) -> dict[str, Any] | None:
    """The before/after values of an entry back as a dict (values as serialised: strings for dates)."""
    return None if entry_json is None else json.loads(entry_json)
