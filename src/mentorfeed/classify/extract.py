"""Fields of an opportunity read from its text: deadline, audience, contact, topics and links.

Pure functions, no I/O. Field names and values are interface (shared/design/taxonomy.md).
Readings chosen where a post is ambiguous (tests/classify/test_extract.py shows each):

- deadline: a date counts only right after a cue (apply by, due, closes, deadline, until, ...);
  dates of sessions and webinars do not. Numeric dates are month/day in English and day/month
  when the day is over 12 or the post is Spanish, French or Portuguese; a post that writes both
  ways leaves 5/4-style dates unresolved. A weekday is the next one after the post's date, "the
  15th" the next 15th, "end of the month" the last day of the post's month; "N days left" counts
  from the post. "Next Friday" and "in two weeks" stay unresolved. Two different deadlines are
  ambiguous (None) unless the post says it was extended, then the latest wins.
- audience: "students" means medical students unless qualified (premed, undergrad, PhD, ...);
  residents named as speakers or mentors ("three residents", "a derm attending or resident")
  are not the audience; "trainees" are students and residents. urim needs a URiM cue (URiM,
  URM, under-represented, SNMA, LMSA, #BlackInDerm, Black/Latinx/Indigenous students):
  first-generation, LGBTQ+ or Spanish-speaking alone are not urim, as in the labelled corpus.
  "Outside the US/Canada" means img only for graduates, doctors or schools.
- contact: a paper link is not a way to respond; "lmk", an AMA or a live journal club with no
  other instruction means reply.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from mentorfeed.classify import dates
from mentorfeed.classify.dates import deadline_in
from mentorfeed.classify.form import find_form
from mentorfeed.classify.topics import Gated, folded, present, topics_in
from mentorfeed.taxonomy import AUDIENCES, CONTACTS

LINK_KINDS = ("form", "spreadsheet", "program", "paper", "other")
MAX_CHARS = 20_000  # posts are at most a few thousand characters; this bounds hostile input


@dataclass(slots=True, frozen=True)
class Link:
    url: str
    kind: str


@dataclass(slots=True)
class Extract:
    deadline: date | None = None
    audience: list[str] = field(default_factory=list)
    contact: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    form: str | None = None  # call, event or resource: only for a post with labels

    def to_json(self) -> dict[str, Any]:
        """The stored form: an ISO deadline and the non-empty lists; empty fields are absent."""
        out: dict[str, Any] = {}
        if self.deadline is not None:
            out["deadline"] = self.deadline.isoformat()
        for name in ("audience", "contact", "topics"):
            if value := getattr(self, name):
                out[name] = list(value)
        if self.form is not None:
            out["form"] = self.form
        return out


def extract(text: str, *, posted_at: datetime | None = None, urls: Sequence[str] = (),
            hashtags: Sequence[str] = (), bio: str | None = None,
            labels: Sequence[str] = ()) -> Extract:
    """Every field of one post; never raises on odd text. `form` needs the post's labels."""
    clean = _clean(text)
    links = find_links(text, urls)
    if bio and "bio" in folded(clean) and _IN_BIO.search(clean):
        # "link in bio": the bio's links are the post's
        links += [link for link in find_links(bio) if link not in links]
    # The field readers clean their text again, as they do when called alone: same answers.
    again = _clean(clean)
    tagged = _with_tags(again, hashtags)
    found = present(folded(tagged), _GATE_STRINGS)  # tagged text holds `again`: enough for all
    return Extract(
        deadline=deadline_in(again, posted_at, found),
        audience=_audience(tagged, found),
        contact=_contact(again, links, found),
        topics=topics_in(clean, hashtags),
        links=links,
        form=find_form(clean, labels, [link.kind for link in links]),
    )


_IN_BIO = re.compile(r"\b(?:link|form|sign[- ]?up)s? (?:is )?in (?:my |the )?bio", re.I)


def _clean(text: str) -> str:
    text = html.unescape((text or "")[:MAX_CHARS])
    text = re.sub(r"<[^<>]{0,500}>", " ", text)
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text)


# -- deadline (dates.py) -------------------------------------------------------------------------


def find_deadline(text: str, posted_at: datetime | None) -> date | None:
    """The date by which the reader must act, when the post states one unambiguously.

    A date counts only after a deadline cue ("apply by", "due", "closes", "until", ...); event
    dates ("session on 3/15", "tonight 9pm ET") do not. Several strong dates are ambiguous unless
    the post says the deadline was extended, in which case the latest one wins.
    """
    text = _clean(text)
    return deadline_in(text, posted_at, present(folded(text), _GATE_STRINGS))


# -- audience ------------------------------------------------------------------------------------

_STUDENT = (r"\bM\.?S\.? ?-?[1-4]s?\b|\bms[1-4]s?\b|\bM[1-4]s?\b|(?-i:\bMS\b)|med(?:ical)?[- ]?"
            r"students?|students?|estudiantes?|étudiant\w*|estudantes?|applicants?|applying "
            r"(?:to )?derm\w*|interviewees|\baways?\b|away rotations?|visiting (?:students?|"
            r"clerkships?|rotations?)|vslo|sub-?i\b|(?:third|fourth|first|second)[- ]years?\b|"
            r"\beras\b|year of med(?:ical)? school|trainees")
_NOT_MED_STUDENT = re.compile(
    r"(?:premed|pre-med|undergrad\w*|college|high[- ]school|ph\.?d|grad(?:uate)?|nursing|"
    r"pharmacy|dental|mph|public health|img|international)(?:\s+derm\w*)?\s*$", re.I)
# "I'm a PGY-2", "PGY-2 derm here", "current MS2 who...": the author describing themselves.
_SELF_BEFORE = re.compile(r"\b(?:I'm|I am|I was|I'm now|as|now|current|former)\s+"
                          r"(?:an?\s+|that\s+|the\s+)?(?:\w+\s+)?$", re.I)
_SELF_AFTER = re.compile(r"^\s*(?:derm\w*\s+)?here\b|^\s+(?:who (?:did|was)|now\b)", re.I)
_AUDIENCE: dict[str, Gated] = {
    "premed": Gated(r"\bpre-?meds?\b|\bpre-?medical\b|\bundergrad\w*|college students|"
                         r"\bmcat\b|pre-?health", re.I),
    "resident": Gated(r"\bresident(?:s|es)?\b|résidents?|\bPGY-?[1-5]|(?-i:\bR[1-4]s?\b)|"
                           r"\btrainees\b", re.I),
    "urim": Gated(
        r"\bur(?:i|i\.)?m\b|\buim\b|under-?\s?represent\w*|\bsnma\b|\blmsa\b|blackinderm|"
        r"\b(?:black|latin[xao]s?|latine|latin@|latino/a|latina/o|hispanic|indigenous|native "
        r"american)\b(?:[\s,/&+]+(?:and|or|latin\w*|hispanic|black|indigenous|first-gen|urim|"
        r"lgbtq\+?)){0,3}[\s,/&+]+(?:med(?:ical)? |derm )?(?:students?|applicants|premeds?|"
        r"folks|trainees|ms[1-4]s?|undergrads)\b|estudiantes? (?:de medicina )?latin\w*|"
        r"minority students|students of colou?r", re.I),
    "img": Gated(
        r"(?-i:\bIMGs?\b)|#img\b|international (?:medical )?grad\w*|foreign medical grad\w*|"
        r"(?-i:\bFMGs?\b)|international grads|(?:graduat\w*|trained|schools?|doctors|"
        r"physicians)\b[^.!?\n]{0,30}\boutside (?:the )?(?:US|U\.S\.|USA|United States|"
        r"Canada)\b", re.I),
}
_AUDIENCE["medical_student"] = Gated(_STUDENT, re.I)
# "Three residents", "our residents are running", "a resident mentor": residents as speakers or
# mentors, not as the people invited. A resident listed beside students is always audience.
_SPEAKER_BEFORE = re.compile(
    r"\b(?:our|my|with|by|us|the|what|two|three|four|five|six|several|some|few|couple|current|"
    r"\d+|i|con|dos|tres|cuatro|nuestr[oa]s)(?:\s+[\w-]+){0,2}\s+$|\b(?:dermatologists?|"
    r"attendings?|faculty(?: members?)?|derms|mentors?|PDs?|program directors?)\s+(?:or|and|&|\+)"
    r"\s+(?:an?\s+)?(?:\w+\s+)?$", re.I)
_SPEAKER_AFTER = re.compile(
    r"^\s*(?:mentors?|buddy|hosts?|reader|moderat\w*|will|are|run\w*|host\w*|answer\w*|take|"
    r"took|lead\w*|led|walks|wrote|interview\w*|shar\w*|on hand|and i\b|from (?:six|our|\d)|"
    r"who (?:came|matched|took|just|did|built)|(?:and|&|\+) (?:attendings|faculty|PDs|program "
    r"directors|derms|dermatologists))\b", re.I)
_BESIDE_TRAINEES = re.compile(
    r"(?:(?:students?|ms[1-4]s?|premeds?|imgs?)\s*(?:,|and|or|&|/|\+|y|o|e|ou)\s*(?:\w+\s+){0,2}$)|"
    r"^\s*(?:,|and|or|&|/|\+|y|o|e|ou)\s*(?:\w+\s+){0,2}(?:med(?:ical)? )?(?:students?|ms[1-4]s?|"
    r"premeds?|imgs?)", re.I)


def find_audience(text: str, hashtags: Iterable[str] = ()) -> list[str]:
    """Which trainees the post invites, in the taxonomy's order."""
    text = _with_tags(_clean(text), hashtags)
    return _audience(text, present(folded(text), _GATE_STRINGS))


def _with_tags(text: str, hashtags: Iterable[str]) -> str:
    return text + " " + " ".join("#" + tag.lstrip("#") for tag in hashtags)


def _audience(text: str, gates: AbstractSet[str]) -> list[str]:
    found: set[str] = set()
    for name, gated in _AUDIENCE.items():
        pattern = gated.pattern(gates)
        for m in pattern.finditer(text) if pattern is not None else ():
            before, after = text[max(0, m.start() - 40):m.start()], text[m.end():m.end() + 40]
            if name == "medical_student" and _NOT_MED_STUDENT.search(before):
                continue
            if _SELF_BEFORE.search(before) or (_SELF_AFTER.search(after) and m[0][-1] != "s"):
                continue
            if (name == "resident" and m[0].lower() != "trainees"
                    and not _BESIDE_TRAINEES.search(before) and not _BESIDE_TRAINEES.search(after)
                    and (_SPEAKER_BEFORE.search(before) or _SPEAKER_AFTER.search(after))):
                continue
            trainees = m[0].lower() == "trainees"
            found.update(("medical_student", "resident") if trainees else (name,))
            break
    return [name for name in AUDIENCES if name in found]


# -- contact and links ---------------------------------------------------------------------------

_EMAIL_ADDRESS = re.compile(r"(?<![@\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.I)
_CONTACT: dict[str, Gated] = {
    "dm": Gated(
        r"(?<!the )(?<!rather than )(?<!drown in )\b(?:dms?|dm'?s)\b(?! (?:are )?(?:closed|a "
        r"swamp))|direct message|mensaje directo|\bmessage me|\bmsg me|send (?:me )?a message|"
        r"\bmessage (?:us|here)|my inbox is|inbox is open|open inbox|escr[íi]b[ae]n?me", re.I),
    "email": Gated(
        r"\be-?mail (?:me|us|our|the (?:lab|team|coordinator|office|address)|a (?:cv|short|few|"
        r"line|note|writing)|(?:the|your) (?:short )?(?:essay|statement|cv|draft)|in |"
        r"is (?:in|on)|via|address|rather than|instead of)|\b(?:or|by|via) e-?mail\b|"
        r"\b(?:to|on) (?:my|the|our) (?:[\w-]+ )?e-?mail\b|\be-?mail on |\bcorreo\b|\bcourriel\b|"
        r"(?:^|[.!?]\s+)e-?mail\b", re.I),
    "form": Gated(
        r"\bfill (?:it |this |them )?out\b|\bformulari\w*|(?<!\bno )(?<!\bno sign-up )(?<!outside "
        r"this )\bform(?:ulaire)?\b(?! of\b| for (?:PIs|mentors|faculty|attendings)\b)", re.I),
    "link": Gated(
        r"\blink (?:is )?in (?:my |the |our )?(?:bio|profile|replies|reply|thread|pinned)|"
        r"\blink goes (?:up|out)|\bjoin link\b|post the link here|\blink below|"
        r"(?<!address )(?<!email )\bon (?:the|our) (?:[\w-]+ ){0,2}(?:site|website|page)\b|"
        r"(?<!email via our )\b(?:department|program) (?:site|website|page)\b|"
        r"\b(?:via|through|on) vslo\b|\bvslo (?:applications?|now)\b", re.I),
    "reply": Gated(
        r"(?<!\bI )(?<!\bI'll )(?<!\bwe )\brepl(?:y|ies|ying)\b|\bcomment(?:s| below| here)?\b|"
        r"\b(?:drop|ask|post|leave|share|add|put|introduce)\b[^.!?\n]{0,40}\bbelow\b|(?-i:\b[AT][1-5]\b)"
        r"|\b(?:respond\w*|contest\w*|answer\w*) (?:con |with )?[ART][1-5]\b|\bintroduce "
        r"yoursel|\bsay hi\b|\banswer (?:underneath|whichever|in the)|(?:^|\n)\s*Q[1-9]\b", re.I),
}
# Used only when nothing else says how to respond: a live chat or an open Q&A is joined by
# replying, and "lmk" asks for an answer without saying where.
_ANSWER_HERE = Gated(r"#\w*jc\b|journal club|tweet ?chat|live-tweet|club de revista|\bAMA\b|"
                          r"\bQ&A\b|ask (?:me|us) anything|(?:come with|bring) (?:your |the )?"
                          r"questions|\blmk\b|\blet me know\b", re.I)


def find_contact(text: str, links: Sequence[Link] = ()) -> list[str]:
    """How the reader is asked to respond, in the taxonomy's order."""
    text = _clean(text)
    return _contact(text, links, present(folded(text), _GATE_STRINGS))


def _contact(text: str, links: Sequence[Link], gates: AbstractSet[str]) -> list[str]:
    found = {name for name, pattern in _CONTACT.items() if pattern.search(text, gates)}
    if "reply" in found and "link" in found:  # "link in the replies" is not an invitation to reply
        found.discard("reply")
        if _CONTACT["reply"].full.search(_CONTACT["link"].full.sub(" ", text)):
            found.add("reply")
    if "@" in text and _EMAIL_ADDRESS.search(text):
        found.add("email")
    for link in links:
        if link.kind == "form":
            found.add("form")
        elif link.kind != "paper":
            found.add("link")
    if not found and _ANSWER_HERE.search(text, gates):
        found.add("reply")
    return [name for name in CONTACTS if name in found]


_URL = re.compile(r"\bhttps?://[^\s<>\"'`\]\[{}|\\^]+|\b(?:forms\.gle|bit\.ly|docs\.google\.com)"
                  r"/[^\s<>\"'`\]\[{}|\\^]+", re.I)
_PAPER_HOSTS = ("doi.org", "pubmed", "ncbi.nlm.nih.gov", "jaad.org", "wiley.com",
                "sciencedirect.com", "springer", "nature.com", "jamanetwork.com", "nejm.org",
                "bmj.com", "thelancet.com", "oup.com", "tandfonline.com", "karger.com",
                "lww.com", "medrxiv.org", "biorxiv.org", "arxiv.org", "ijdvl.com", "jidonline")
_PROGRAM = re.compile(r"apply|application|scholar|clerkship|fellowship|program|grant|award|"
                      r"mentor|elective|observership|internship|cohort|stipend|residency", re.I)


def link_kind(url: str) -> str:
    """What a link leads to: form, spreadsheet, program, paper or other."""
    try:
        parts = urlsplit(url if "://" in url else "https://" + url)
    except ValueError:
        return "other"
    host, path = (parts.hostname or "").lower().removeprefix("www."), parts.path.lower()
    if (host in ("forms.gle", "forms.office.com", "forms.microsoft.com")
            or host.startswith("forms.") or (host == "docs.google.com" and "/forms" in path)
            or host.endswith(("typeform.com", "jotform.com", "surveymonkey.com",
                              "qualtrics.com"))
            or (host.endswith("airtable.com") and "form" in path)):
        return "form"
    if ((host == "docs.google.com" and "/spreadsheets" in path) or host == "sheets.google.com"
            or host.endswith(("airtable.com", "notion.so", "notion.site"))):
        return "spreadsheet"
    if (any(paper in host for paper in _PAPER_HOSTS) or "journal" in host
            or re.search(r"/(?:article|doi|abs|full(?:text)?)(?:/|$)", path)):
        return "paper"
    if (_PROGRAM.search(path) or host.endswith((".edu", ".ac.uk")) or "society" in host
            or "academy" in host or host.endswith(("aad.org", "snma.org", "lmsa.org"))):
        return "program"
    return "other"


def find_links(text: str, urls: Sequence[str] = ()) -> list[Link]:
    """The post's links, typed; expanded `urls` (from the platform) stand for shortened ones."""
    found = list(urls)
    for m in _URL.finditer((text or "")[:MAX_CHARS]):
        url = m[0].rstrip(".,;:!?)…")
        if not (urls and "//t.co/" in url) and url not in found:
            found.append(url)
    return [Link(url, link_kind(url)) for url in dict.fromkeys(found)]


_GATE_STRINGS = dates.GATE_STRINGS.union(*(p.strings for p in (
    *_AUDIENCE.values(), *_CONTACT.values(), _ANSWER_HERE)))
