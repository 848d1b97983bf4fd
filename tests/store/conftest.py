"""Store fixtures: every test runs on SQLite (temp file) and on PostgreSQL (a private schema).

PostgreSQL: REINDUS_TEST_PG_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test. The test
session creates one uniquely named schema, points every connection's search_path at it, empties it
before each test and drops it at the end; nothing outside that schema is touched. If the server
cannot be reached the PostgreSQL variants are skipped with the reason, or fail when CI=true.
"""

from tests.support.store import Session, backend, empty_engine, engine, factory  # noqa: F401
