"""A journal-club session as a readable transcript: the host's questions in order, the answers
under each, and the replies between participants under the post they answer."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from mentorfeed.service.people import AuthorRow, Key, PostRow, Session

MAX_DEPTH = 6  # deeper reply chains are shown flat at this depth, not lost


@dataclass(slots=True)
class Entry:
    post: PostRow
    handle: str
    role: str
    by_host: bool
    replies: list[Entry] = field(default_factory=list)


@dataclass(slots=True)
class QuestionBlock:
    number: int
    question: Entry | None  # None when the question post is no longer stored
    answers: list[Entry]


@dataclass(slots=True)
class Participant:
    key: Key
    handle: str
    name: str | None
    role: str
    posts: int
    listed: bool = True  # has a person page (did not opt out)


@dataclass(slots=True)
class Transcript:
    session: Session
    host: Participant | None
    announcements: list[Entry]
    questions: list[QuestionBlock]
    other: list[Entry]  # replies whose thread starts outside the questions and answers
    participants: list[Participant]

    @property
    def answers(self) -> int:
        return sum(len(q.answers) for q in self.questions)

    @property
    def roles(self) -> list[tuple[str, int]]:
        """How many participants have each role, most common first."""
        return Counter(p.role for p in self.participants).most_common()


def build(session: Session, posts: Mapping[Key, PostRow], authors: Mapping[Key, AuthorRow],
          role: Callable[[Key | None], str], hidden: Collection[Key] = ()) -> Transcript:
    """The transcript; people in `hidden` (opted out) are shown without a link to a page."""
    children: dict[Key, list[PostRow]] = defaultdict(list)
    for child, parent in session.replies:
        if child in posts:
            children[parent].append(posts[child])
    for replies in children.values():
        replies.sort(key=lambda p: p.created_at)
    placed: set[Key] = set()

    def entry(post: PostRow, depth: int = 0) -> Entry:
        placed.add(post.key)
        author = authors.get(post.author) if post.author else None
        made = Entry(post, author.handle if author else "unknown",
                     role(post.author), post.author == session.host)
        for reply in children.get(post.key, []):
            if reply.key in placed:
                continue
            if depth + 1 >= MAX_DEPTH:  # keep the rest of a long chain at this level
                made.replies.append(entry(reply, depth))
            else:
                made.replies.append(entry(reply, depth + 1))
        return made

    announcements = [entry(posts[k]) for k in session.announcements if k in posts]
    blocks = []
    for question in session.questions:
        asked = entry(posts[question.post]) if question.post in posts else None
        answers = [entry(posts[k]) for k in question.answers if k in posts and k not in placed]
        blocks.append(QuestionBlock(question.number, asked, answers))
    roots = sorted((posts[parent] for parent in children
                    if parent in posts and parent not in placed), key=lambda p: p.created_at)
    other = [entry(p) for p in roots if p.key not in placed]
    orphans = sorted((posts[child] for child, _ in session.replies
                      if child in posts and child not in placed), key=lambda p: p.created_at)
    other += [entry(p) for p in orphans if p.key not in placed]
    def participant(key: Key, count: int) -> Participant:
        author = authors.get(key)
        return Participant(key, author.handle if author else key[1],
                           author.name if author else None, role(key), count,
                           key not in hidden)

    return Transcript(session, participant(session.host, 0) if session.host else None,
                      announcements, blocks, other,
                      [participant(k, n) for k, n in
                       sorted(session.participants.items(), key=lambda item: -item[1])])
