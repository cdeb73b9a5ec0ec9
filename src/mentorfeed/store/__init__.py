"""The store interface and its SQLite/PostgreSQL backing."""

from mentorfeed.store.classified import Classification, Opportunity
from mentorfeed.store.store import Stats, Store, UpsertResult, sqlite_file

__all__ = ["Classification", "Opportunity", "Stats", "Store", "UpsertResult", "sqlite_file"]
