"""The embedded store: a book in a SQL database (SQLite by default, PostgreSQL in production).

Callers make an engine, upgrade its schema, then import or export whole books; table classes
stay inside this package.
"""

from trimtab.store import (
    access_tables,  # noqa: F401  (registers the desk's tables)
    queue_indexes,  # noqa: F401  (registers the review queue's indexes)
    workflow_tables,  # noqa: F401  (registers the daily run's tables)
)
from trimtab.store.engine import current_revision, default_url, head_revision, make_engine, upgrade
from trimtab.store.opening import open_store
from trimtab.store.repository import (
    book_imported_at,
    export_book,
    has_book,
    import_book,
    read_lots,
)

__all__ = [
    "book_imported_at",
    "current_revision",
    "default_url",
    "export_book",
    "has_book",
    "head_revision",
    "import_book",
    "make_engine",
    "open_store",
    "read_lots",
    "upgrade",
]
