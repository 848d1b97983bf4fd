"""Import tests' shared pieces: the fixture files and a checksum of a store's data rows."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import text

from reindus.store.models import MODELS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def db_checksum(engine) -> str:
    """SHA-256 over every row of every table, in id order: equal checksums mean an identical store."""
    h = hashlib.sha256()
    with engine.connect() as conn:
        for model in MODELS:
            table = model.__tablename__
            h.update(table.encode())
            for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY id")):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()
