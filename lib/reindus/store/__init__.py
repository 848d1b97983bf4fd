"""The operational database (SQLAlchemy 2 + Alembic): SQLite by default, PostgreSQL in deployment.

    from reindus.store import make_engine, init_schema, session_factory, Project, update_versioned

See db.py (engines, schema), models.py (tables), repository.py (audited, versioned writes; inventory).
"""

from reindus.store.db import (
    head_revision,
    init_schema,
    make_engine,
    schema_is_current,
    schema_revision,
    session_factory,
)
from reindus.store.models import (
    MODEL_BY_TABLE,
    MODELS,
    TABLE_LABELS,
    AuditEntry,
    Base,
    ChainLink,
    Coach,
    FundingApplication,
    FundingScheme,
    IndustryStat,
    Milestone,
    Project,
    ShortlistEntry,
    SiteEvent,
)
from reindus.store.repository import (
    RowInUseError,
    RowNotFoundError,
    StaleEditError,
    StoreBusyError,
    StoreError,
    audit_history,
    delete_versioned,
    import_rows,
    insert,
    inventory,
    last_change,
    load,
    purge_source,
    update_versioned,
)

__all__ = [
    "MODELS",
    "MODEL_BY_TABLE",
    "TABLE_LABELS",
    "AuditEntry",
    "Base",
    "ChainLink",
    "Coach",
    "FundingApplication",
    "FundingScheme",
    "IndustryStat",
    "Milestone",
    "Project",
    "RowInUseError",
    "RowNotFoundError",
    "ShortlistEntry",
    "SiteEvent",
    "StaleEditError",
    "StoreBusyError",
    "StoreError",
    "audit_history",
    "delete_versioned",
    "head_revision",
    "import_rows",
    "init_schema",
    "insert",
    "inventory",
    "last_change",
    "load",
    "make_engine",
    "purge_source",
    "schema_is_current",
    "schema_revision",
    "session_factory",
    "update_versioned",
]
