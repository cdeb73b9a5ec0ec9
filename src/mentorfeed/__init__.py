"""mentorfeed: find mentorship opportunities for dermatology trainees in public social media.

The library API is `mentorfeed.service`, one module per concern (posts, demo, classifying,
collecting, people, opportunities, mentors, insights, tracking, curation); the CLI and the web
app are thin layers over it. The most common calls are exported here too.
"""

from importlib.metadata import version

from mentorfeed import service
from mentorfeed.config import Settings
from mentorfeed.errors import MentorfeedError
from mentorfeed.models import Author, Mention, Post
from mentorfeed.service.demo import build_demo
from mentorfeed.service.posts import import_files, open_store, search, stats
from mentorfeed.store import Store

__version__ = version("mentorfeed")

__all__ = [
    "Author",
    "Mention",
    "MentorfeedError",
    "Post",
    "Settings",
    "Store",
    "__version__",
    "build_demo",
    "import_files",
    "open_store",
    "search",
    "service",
    "stats",
]
