"""The exception tree: every error a user can meet is one of these, with a one-sentence message."""


class MentorfeedError(Exception):
    """Base class; the CLI prints the message and exits non-zero."""


class ConfigError(MentorfeedError):
    """A setting is missing or has a value we cannot use."""


class SourceError(MentorfeedError):
    """An input file or source cannot be read at all."""


class UnknownFormatError(SourceError):
    """No importer recognises the file."""


class RateLimitError(SourceError):
    """A platform refused a request for exceeding its rate limit."""


class AuthError(SourceError):
    """A credential is missing, wrong or expired."""


class StoreError(MentorfeedError):
    """The database cannot be opened, migrated or written."""


class QueryError(MentorfeedError):
    """A search query that cannot be run."""


class ModelError(MentorfeedError):
    """A trained model is missing or cannot be loaded."""
