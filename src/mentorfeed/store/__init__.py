"""The store interface and its SQLite/PostgreSQL backing."""

from mentorfeed.store.store import Stats, Store, UpsertResult

__all__ = ["Stats", "Store", "UpsertResult"]
