"""Which paper a journal-club announcement says the session reads: its title when quoted, what
it is ("a randomized trial of ..."), its authors, journal and year when named, and its DOI or
link. A session's page and the Journal clubs list name it, so a trainee can read it first.

Announcements say it in a few ways: `Paper: "Title" (open access) https://doi.org/...`, `We're
discussing a case-control study of X`, `9 PM ET: a prospective reader study of X`, `This month:
a randomized trial of X`, `8pm ET: teledermatology e-consults and ...`. Only what the text says
is kept: nothing is looked up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>…]+)(…?)", re.I)
_URL = re.compile(r"https?://[^\s<>\"']+")
# Links that point at a paper (a DOI resolver, a journal or an index), not at a sign-up form.
_PAPER_HOSTS = re.compile(
    r"(?:doi\.org|pubmed|ncbi\.nlm\.nih\.gov|jamanetwork|jaad|sciencedirect|wiley|springer|"
    r"nature\.com|nejm|thelancet|bmj|oup\.com|academic\.oup|cell\.com|plos|frontiersin|mdpi|"
    r"medrxiv|biorxiv|tandfonline|sagepub|karger|lww\.com|journals?\.|/doi/|/article)", re.I)
_QUOTED = re.compile(r"[\"“”]([^\"“”\n]{12,200})[\"“”]")
_ET_AL = re.compile(r"(?<![@\w])(?!USER\b)([A-Z][a-z][A-Za-z'\-]*) et al\.?")
_YEAR = re.compile(r"(?<![\d/.])((?:19|20)\d\d)(?![\d/])")
# Journals dermatology clubs read, by the names posts use; the first name is shown.
_JOURNALS = (
    ("JAAD", r"JAAD(?! ?Case| ?Int)|J Am Acad Dermatol"),
    ("JAAD Case Reports", r"JAAD ?Case ?Reports?"),
    ("JAAD International", r"JAAD ?Int(?:ernational)?"),
    ("JAMA Dermatology", r"JAMA ?Derm(?:atology|atol)?"),
    ("British Journal of Dermatology", r"British Journal of Dermatology|\bBJD\b|Br J Dermatol"),
    ("Journal of Investigative Dermatology", r"Journal of Investigative Dermatology|\bJID\b"),
    ("Pediatric Dermatology", r"Pediatric Dermatology|Pediatr Dermatol"),
    ("Dermatologic Surgery", r"Dermatologic Surgery|Dermatol Surg"),
    ("NEJM", r"\bNEJM\b|New England Journal(?: of Medicine)?"),
    ("The Lancet", r"\bLancet\b"),
    ("BMJ", r"\bBMJ\b"),
    ("JAMA", r"\bJAMA\b(?! ?Derm)"),
)
_KINDS = (r"(?:paper|article|study|studies|trial|RCT|review|meta-analysis|case series|"
          r"case report|report|analysis|survey|guidelines?|cohort|commentary|editorial)")
_QUALIFIERS = (r"(?:new|recent|landmark|classic|fascinating|great|big|small|open[- ]access|"
               r"randomi[sz]ed|controlled|prospective|retrospective|double[- ]blind|"
               r"multi-?cent(?:er|re)|multinational|open-label|cross-sectional|systematic|"
               r"scoping|narrative|pilot|cohort|case[- ]control|reader|observational|"
               r"qualitative|population-based|phase \w+|[A-Z][\w\-]+)")
# "a randomized trial of X", "the PET-NECK study", "a case series on X".
_WHAT = re.compile(rf"\b(?:an?|the|this)\s+(?:{_QUALIFIERS}\s+){{0,4}}{_KINDS}\b"
                   r"(?:\s+(?:of|on|about|comparing|testing|looking at|from)\b[^.!?\n]*)?", re.I)
# "We're discussing X", "reading X", "This month: X", "8pm ET: X" (what follows the time).
_LEAD = re.compile(r"(?:\b(?:discussing|we(?:'|\u2019)re reading|we are reading|reading|topic:|"
                   r"this (?:month|week):|paper on)\s+|"
                   r"\b\d{1,2}(?::\d\d)?\s*[ap]\.?m\.?\s*(?:[ECMP][SD]?T|UTC|GMT)?\b"
                   r"(?:\s*\([^)]*\))?\s*[:\-\u2013\u2014]\s+)"
                   r"(?P<what>[^.!?\n]{8,})", re.I)
# Where a description of the paper ends.
_END = re.compile(r"\s*(?:https?://|#|@|\bPaper:|\bFree\b|\bStudents\b|\bGuest\b|\s[\u2013\u2014]\s|"
                  r"\b(?:on |this |next )(?:the )?(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|"
                  r"\b(?:tonight|today|tomorrow|next week)\b|"
                  r"\bRead\b|\bJoin\b|\bBring\b|\bAnswer\b|\bFive questions\b|\(open access\)|"
                  r"\(free\)|[.!?;]\s|[.!?;]$|\s[\u2600-\U0001faff])", re.I)
_GENERIC = re.compile(r"^(?:the |a |an |this )?(?:paper|article|study|chat|session|"
                      r"journal club|abstract)\b", re.I)


@dataclass(frozen=True, slots=True)
class Paper:
    """What an announcement says about the paper a session reads; any part may be missing."""

    title: str | None = None  # as quoted in the post
    about: str | None = None  # what it is: "a randomized trial of emollients from birth"
    authors: str | None = None  # "Smith et al."
    journal: str | None = None
    year: int | None = None
    doi: str | None = None
    url: str | None = None  # the DOI's address, or a link to the paper

    @property
    def name(self) -> str | None:
        """How a page names it: the title, else what it is."""
        return self.title or self.about

    def merged(self, other: Paper) -> Paper:
        """This, with the parts it lacks taken from `other` (a later post of the session)."""
        return replace(self, **{field: getattr(other, field) for field in self.__slots__
                                if getattr(self, field) is None})

    def __bool__(self) -> bool:
        return any(getattr(self, field) is not None for field in self.__slots__)


def paper_of(text: str) -> Paper:
    """The paper an announcement names, as far as its text says; an empty Paper when it
    names none."""
    doi = next((_tidy_link(m.group(1)) for m in _DOI.finditer(text) if not m.group(2)),
               None)  # not one cut short with "…"
    links = [_tidy_link(u) for u in _URL.findall(text)]
    paper_links = [u for u in links if _PAPER_HOSTS.search(u)]
    url = f"https://doi.org/{doi}" if doi else (paper_links[0] if paper_links else None)
    quoted = next((q.strip() for q in _QUOTED.findall(text) if len(q.split()) >= 3
                   and "http" not in q and not q.strip().lower().startswith(("a1", "q1"))),
                  None)
    authors = m.group(0).rstrip(".") + "." if (m := _ET_AL.search(text)) else None
    journal = next((name for name, pattern in _JOURNALS if re.search(pattern, text)), None)
    year = None
    if journal or authors:
        years = _YEAR.findall(_URL.sub(" ", text))
        year = int(years[0]) if years else None
    return Paper(title=quoted, about=_about(text, quoted), authors=authors, journal=journal,
                 year=year, doi=doi, url=url)


def paper_of_posts(texts: Iterable[str]) -> Paper:
    """The paper the posts of one session name, the first post that names it first (its
    announcement), with what later ones add (a link in the reminder)."""
    found = Paper()
    for text in texts:
        found = found.merged(paper_of(text)) if found else paper_of(text)
    return found


def _about(text: str, quoted: str | None) -> str | None:
    plain = _URL.sub(" ", text)
    if quoted:
        plain = plain.replace(quoted, " ")
    candidates = [m.group(0) for m in _WHAT.finditer(plain)]
    candidates += [m.group("what") for m in _LEAD.finditer(plain)]
    for candidate in candidates:
        cut = _END.search(candidate)
        phrase = " ".join((candidate[:cut.start()] if cut else candidate).split()).strip(
            " ,:;-\u2013\u2014")
        if len(phrase.split()) >= 3 and not _GENERIC.fullmatch(phrase) and \
                not re.fullmatch(rf"(?:an?|the|this)\s+(?:\w+\s+)?{_KINDS}", phrase, re.I):
            return phrase[:160]
    return None


def _tidy_link(url: str) -> str:
    return url.rstrip(".,;:!?)]}…")
