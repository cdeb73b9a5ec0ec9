"""Journal-club sessions with the paper each one reads, for the Journal clubs page and the
API: a trainee deciding whether to join wants to know what will be discussed, and a past
session's transcript means more next to the paper it was about.

The paper is read from what the session's own posts say (people/papers.py): the
announcements first, then the host's questions; nothing is looked up elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping

from mentorfeed.people.activity import Key, PostRow
from mentorfeed.people.events import Event
from mentorfeed.people.papers import Paper, paper_of, paper_of_posts
from mentorfeed.people.sessions import Session

__all__ = ["Paper", "event_paper", "paper_of", "session_paper"]


def session_paper(session: Session, posts: Mapping[Key, PostRow]) -> Paper:
    """The paper a past session read, from its announcements and then its questions."""
    keys = [*session.announcements, *(q.post for q in session.questions)]
    return paper_of_posts(posts[key].text for key in keys if key in posts)


def event_paper(event: Event, posts: Mapping[Key, PostRow]) -> Paper:
    """The paper an announced session will read, from its announcement."""
    post = posts.get(event.post)
    return paper_of(post.text) if post is not None else Paper()
