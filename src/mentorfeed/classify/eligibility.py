"""Who may take a call, as its text states it: stages, a required background, a language, a
place, or one named person.

Pure functions, no I/O. The stored form (`Eligibility.to_json`) is interface: the matcher and
the listing read it to keep a call away from trainees it excludes (`excludes`). Readings chosen
where a post is ambiguous (tests/classify/test_eligibility.py shows each):

- stages: only a named year or level restricts ("MS2s", "MS1-MS3", "rising MS3", "3rd/4th-year
  students", "PGY-2+", "medical students only"); a resident listed beside students widens it
  ("residents or MS4s"), and a list spanning stages takes in those between ("premeds, MS1s,
  residents"). A stage welcomed ("MS1s very welcome") does not restrict, nor does a person in
  the story ("a PGY-2", "two MS3s volunteered", "I'm an MS4"). Visiting rotations for MS4s take
  MS3s too: they apply a year ahead. Without a named year nothing is restricted.
- background: only a call for a group restricts ("for URiM and first-gen students", "Latinx
  students:" opening a sentence, "LGBTQ+ applicants only"); a group that is welcomed,
  encouraged or given priority does not. Several groups mean any of them.
- language: a call written in Spanish, or for Spanish speakers ("Spanish-speaking students",
  "fluent in Spanish", "sessions in Spanish"); "Spanish a plus", "bonus if you speak Spanish"
  and "in Spanish and English" are not requirements.
- location: shown on the card only; a profile holds no place to compare it with.
- addressed_to: a reply that offers something to one person: one that calls its reader by name
  ("Valeria, send me a DM"), or opens with one @mention (X adds the replied-to handle by
  itself) and has words for that person alone ("congrats", "your project", "then let's talk").
  A reply that speaks to a group ("Premeds are welcome") is for everyone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

MS_STAGES = ("MS1", "MS2", "MS3", "MS4")
# Required background, named as the profile names what a trainee opts into (match/profile.py).
URIM_GROUPS = ("black", "latino", "indigenous")
_BACKGROUND_WORDS = {"urim": "URiM", "first_generation": "first-generation", "lgbtq": "LGBTQ+",
                     "img": "IMG", "black": "Black", "latino": "Latinx",
                     "indigenous": "Indigenous"}
_LANGUAGE_WORDS = {"es": "Spanish"}
_STAGE_WORDS = {"premed": "premeds", "resident": "residents", "IMG": "IMGs",
                "other": "other stages"}


@dataclass(slots=True, frozen=True)
class Eligibility:
    stages: tuple[str, ...] = ()  # who may take it, from match/profile.py STAGES; () anyone
    background: tuple[str, ...] = ()  # any one of these is required
    languages: tuple[str, ...] = ()  # ISO 639-1 codes the reader must speak
    location: str | None = None  # where the reader must be, as the post names it
    addressed_to: str | None = None  # the one person a reply offers to (handle or name)

    def to_json(self) -> dict[str, Any]:
        """The stored form: non-empty fields only; {} means open to every trainee."""
        out: dict[str, Any] = {}
        for name in ("stages", "background", "languages"):
            if value := getattr(self, name):
                out[name] = list(value)
        if self.location:
            out["location"] = self.location
        if self.addressed_to:
            out["addressed_to"] = self.addressed_to
        return out


def eligibility(text: str, audience: Iterable[str] = (), *, is_reply: bool = False,
                lang: str | None = None) -> Eligibility:
    """Who may take the call `text` carries; `audience` is extract.py's audience of the post."""
    text = (text or "")[:20_000]
    return Eligibility(
        stages=find_stages(text, audience), background=find_background(text),
        languages=find_languages(text, lang), location=find_location(text),
        addressed_to=find_addressee(text) if is_reply else None)


# -- stages --------------------------------------------------------------------------------------

_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
             "4th": 4}
_MS = r"(?:M\.?S\.?\s?-?|(?-i:M))([1-4])"
_MS_RANGE = re.compile(rf"\b{_MS}s?\s*(?:-|\u2013|—|to|through|thru)\s*(?:M\.?S\.?\s?-?|(?-i:M))?"
                       r"([1-4])s?\b", re.I)
_MS_AND_UP = re.compile(rf"\b{_MS}s?\s*(?:\+|and up\b|or (?:above|later|higher)\b|and beyond\b)",
                        re.I)
_MS_ONE = re.compile(rf"\b(rising\s+)?{_MS}('?s)?\b(?!-?\d)", re.I)
_MS_SLASH = re.compile(rf"\b{_MS}\s*/\s*(?:M\.?S\.?\s?-?|(?-i:M))?([1-4])s?\b", re.I)
_YEARS = re.compile(r"\b((?:first|second|third|fourth|1st|2nd|3rd|4th)(?:\s*(?:/|,|or|and|&)\s*"
                    r"(?:first|second|third|fourth|1st|2nd|3rd|4th))*)[- ]years?\s+(?:med(?:ical)?"
                    r"\s+)?(?:students?|ms)\b", re.I)
_PGY = re.compile(r"\bPGY-?[1-7](?:\s*(?:/|-|\u2013|to)\s*[1-7])?(\+|s)?\b|\bR[1-4]s\b", re.I)
_ONLY = re.compile(r"\b(residents?|premeds?|pre-meds?|med(?:ical)? students?)\s+only\b|"
                   r"\bonly\s+(?:open\s+to\s+)?(residents|premeds|med(?:ical)? students)\b", re.I)
# Someone in the story: "a PGY-2", "our PGY-3 hosts", "I'm an MS4 now", "as a current MS2".
_PERSON_BEFORE = re.compile(r"\b(?:an?|the|our|my|his|her|their|one|this|that|i'?m|i am|was|as|"
                            r"now|current|former|ex|como|soy|fui)(?:\s+|-)"
                            r"(?:(?!(?:or|and|for|to|y|o)\b)\w+\s+){0,2}$", re.I)
# A stage welcomed is not the only one invited ("MS1s very welcome", "MS1-MS3 welcome"); a
# stage followed by "here" is the author ("PGY-2 derm here").
_STAGE_SOFT_AFTER = re.compile(r"^\W{0,3}(?:(?:are|is)\s+)?(?:very\s+|more than\s+|also\s+|"
                               r"especially\s+)?(?:welcome|encouraged|included|too)\b", re.I)
_AUTHOR_AFTER = re.compile(r"^\s*(?:derm\w*\s+)?here\b", re.I)
# People in the story too: "two MS3s volunteered", "our PGY-2s".
_PEOPLE_BEFORE = re.compile(r"\b(?:two|three|four|five|six|seven|eight|nine|ten|several|some|our|"
                            r"many|most|"
                            r"my|\d{1,2})\s+(?:(?!(?:for|to|and|or|of|with)\b)\w+\s+){0,2}$",
                            re.I)
# "A year between MS3 and MS4" says when, not who.
_BETWEEN = re.compile(r"\bbetween\s+(?:M\.?S\.?\s?-?[1-4]\s+(?:and|&)\s+)?$", re.I)
_AWAY = re.compile(r"\bvisiting|\baways?\b|away rotation|\bclerkships?\b|\bvslo\b|\bsub-?i\b",
                   re.I)
_WANTED_BEFORE = re.compile(r"\b(?:need|needs|looking for|seeking|take|taking|want|wants|"
                            r"recruiting|for|of|with)\s+(?:\w+\s+){0,2}$", re.I)
_ANY_STAGE = re.compile(r"\b(?:any|all|every) (?:stages?|years?|levels?)\b", re.I)
_PREMED_TO = re.compile(r"\bpre-?meds?\s+(?:through|to|thru|-|\u2013)\s+(?:MS\s?-?4|residents?)\b",
                        re.I)
# A resident listed beside students is audience: "residents or MS4s", "a resident or MS3/4".
_RESIDENT_BESIDE = re.compile(
    r"\bresidents?\s*(?:,|or|and|&|/)\s*(?:\w+\s+){0,2}(?:ms[1-4]|students?|premeds?)|"
    r"(?:ms[1-4]s?|students?|premeds?)\s*(?:,|or|and|&|/)\s*(?:\w+\s+){0,3}residents?\b", re.I)
_MENTIONS_LINKS = re.compile(r"https?://\S+|@[\w.:@-]+")


def _people(before: str) -> bool:
    """Whether the words before a stage make it people in the story ("two MS3s volunteered"),
    not people wanted ("I need 2 MS2/MS3s", "groups of five MS3s")."""
    return _PEOPLE_BEFORE.search(before) is not None and _WANTED_BEFORE.search(before) is None


def find_stages(text: str, audience: Iterable[str] = ()) -> tuple[str, ...]:
    """The stages a call is for, when it names a year or level; () when it names none."""
    text = _MENTIONS_LINKS.sub(" ", text)
    if _ANY_STAGE.search(text):
        return ()
    named: set[str] = set()
    if _PREMED_TO.search(text):
        named.update(("premed", *MS_STAGES))
    covered = [m.span() for pattern in (_MS_RANGE, _MS_SLASH, _MS_AND_UP)
               for m in pattern.finditer(text)]
    for m in _MS_RANGE.finditer(text):
        if _STAGE_SOFT_AFTER.search(text[m.end():m.end() + 30]) or \
                _BETWEEN.search(text[max(0, m.start() - 10):m.start()]):
            continue
        low, high = sorted((int(m[1]), int(m[2])))
        named.update(f"MS{n}" for n in range(low, high + 1))
    for m in _MS_AND_UP.finditer(text):
        named.update(f"MS{n}" for n in range(int(m[1]), 5))
    for m in _MS_SLASH.finditer(text):
        if _STAGE_SOFT_AFTER.search(text[m.end():m.end() + 30]) or \
                _people(text[max(0, m.start() - 30):m.start()]):
            continue
        named.update((f"MS{m[1]}", f"MS{m[2]}"))
    for m in _MS_ONE.finditer(text):
        before, after = text[max(0, m.start() - 30):m.start()], text[m.end():m.end() + 30]
        if any(start <= m.start() < end for start, end in covered) or \
                _BETWEEN.search(before) or _people(before) or _STAGE_SOFT_AFTER.search(after) or \
                (not m[3] and (_PERSON_BEFORE.search(before) or _AUTHOR_AFTER.search(after))):
            continue
        year = int(m[2])
        named.add(f"MS{year}")
        if m[1] and year > 1:  # a rising MS3 is an MS2 now
            named.add(f"MS{year - 1}")
    for m in _YEARS.finditer(text):
        named.update(f"MS{_ORDINALS[w.lower()]}" for w in re.findall(r"\w+", m[1])
                     if w.lower() in _ORDINALS)
    for m in _PGY.finditer(text):
        before = text[max(0, m.start() - 30):m.start()]
        after = text[m.end():m.end() + 30]
        if _people(before) or _STAGE_SOFT_AFTER.search(after) or \
                (not m[1] and (_PERSON_BEFORE.search(before) or _AUTHOR_AFTER.search(after))):
            continue
        named.add("resident")
    only = _ONLY.search(text)
    if not named and only is None:
        return ()
    if only is not None:
        word = (only[1] or only[2]).lower()
        named.add("resident" if word.startswith("resident") else
                  "premed" if word.startswith("pre") else "MS")
    groups = set(audience)
    if "premed" in groups:
        named.add("premed")
    if _RESIDENT_BESIDE.search(text):
        named.add("resident")
    if "img" in groups:
        named.add("IMG")
    if "MS" in named:
        named.discard("MS")
        named.update(MS_STAGES)
    if "MS4" in named and _AWAY.search(text):  # MS3s apply for the rotations of their MS4 year
        named.add("MS3")
    # A list that spans stages means the stages between too ("premeds, MS1s, residents").
    ladder = ("premed", *MS_STAGES, "resident")
    steps = [i for i, s in enumerate(ladder) if s in named]
    if steps:
        named.update(ladder[min(steps):max(steps) + 1])
    order = (*ladder, "IMG")
    return tuple(s for s in order if s in named)


# -- background --------------------------------------------------------------------------------

_GROUPS: dict[str, str] = {
    "urim": r"ur(?:i|i\.)?m|urm|under-?\s?represented(?: in medicine)?|minority|"
            r"students of colou?r",
    "black": r"black",
    "latino": r"latin[xaoe]s?|latina/o|latino/a|hispanic",
    "indigenous": r"indigenous|native american",
    "first_generation": r"first[- ]gen(?:eration)?|1st[- ]gen(?:eration)?",
    "lgbtq": r"lgbtq(?:ia)?\+?|queer|trans(?:gender)? and non-?binary",
    "img": r"imgs?|international medical graduates?",
}
_GROUP = "|".join(f"(?:{pattern})" for pattern in _GROUPS.values())
_JOIN = r"(?:\s*(?:,|and|or|&|/|\+)\s*)"
_TRAINEES = (r"(?:(?:med(?:ical)?|derm(?:atology)?|derm-interested|pre-?med)\s+)?(?:students?|"
             r"applicants|trainees|ms[1-4]s|ms[1-4]-ms[1-4]s|premeds?|pre-meds?|undergrads|folks|"
             r"medical graduates|grads)")
_GROUP_PHRASE = re.compile(
    rf"\b(?:{_GROUP})(?:{_JOIN}(?:{_GROUP}))*\s+(?:{_TRAINEES})\b|\b(?:imgs|international medical"
    r" graduates)\b", re.I)
_FOR_GROUP = re.compile(r"(?:\bfor|\bfellow|\bopen to|\bcalling all|\bamong|\bto|\bseeking|"
                        r"\bcohort of)\s*(?:(?:the|our|all|two|three|\d+)\s+)?$", re.I)
# A group named first in a sentence is the audience only when the sentence speaks to it
# ("First-gen derm applicants: ...", "IMGs wondering ...", "URiM students can now apply").
_OPENS = re.compile(r"(?:^|[.!?:\n]|[^\w\s#@,;()'\"-])\s*(?:(?:the|our|all|\d+)\s+)?$", re.I)
_SPOKEN_TO = re.compile(
    r"^\s*(?::|,|\+|&|-|\u2014|who\b|(?:are|is|get|can|may|will be)\s+(?:paired|invited|"
    r"eligible|matched|welcome|apply|now)|can\b|interested|applying|thinking|looking|wondering|"
    r"into\b|in (?:the|this)\b|aiming|curious|pursuing|planning|doing|without|starting|"
    r"considering|going|heading|paired|spend|get\b|pls\b|please\b)", re.I)
_SOFT_BEFORE = re.compile(r"\b(?:priority|prioriti\w*|especially|particularly|including|incl\.?|"
                          r"bonus|preference|preferred|encourag\w*|welcom\w*|also|plus|esp\.?|"
                          r"incluyendo|especialmente)\b[^.!?\n]{0,25}$", re.I)
_SOFT_AFTER = re.compile(r"^[^.!?\n]{0,12}\b(?:(?:are|is)\s+)?(?:strongly\s+|especially\s+|"
                         r"particularly\s+|very\s+)?(?:encouraged|welcome[ds]?|preferred|"
                         r"prioriti[sz]ed|get priority|a plus)\b|^\s*(?:\(?or|too)\b", re.I)
_ONLY_AFTER = re.compile(r"^\s*(?:only|exclusively)\b", re.I)


def find_background(text: str) -> tuple[str, ...]:
    """The backgrounds a call is restricted to (any one qualifies); () when it is for all."""
    found: list[str] = []
    for m in _GROUP_PHRASE.finditer(text):
        before, after = text[max(0, m.start() - 40):m.start()], text[m.end():m.end() + 40]
        if _SOFT_BEFORE.search(before) or _SOFT_AFTER.search(after):
            continue
        if not (_FOR_GROUP.search(before) or _ONLY_AFTER.search(after) or
                (_OPENS.search(before) and _SPOKEN_TO.search(after))):
            continue
        names = [name for name in _GROUPS for part in _split_groups(m[0])
                 if re.fullmatch(_GROUPS[name], part, re.I)]
        found.extend(n for n in names if n not in found)
    order = tuple(_GROUPS)
    return tuple(name for name in order if name in found)


def _split_groups(phrase: str) -> list[str]:
    words = re.sub(rf"\s+(?:{_TRAINEES})$", "", phrase.strip(), flags=re.I)
    parts = re.split(_JOIN, words, flags=re.I)
    return [p.strip() for p in parts if p and p.strip()] + [phrase.strip()]


# -- language ------------------------------------------------------------------------------------

_SPANISH_NEEDED = re.compile(
    r"\bspanish[- ]speaking\s+(?:(?:med(?:ical)?|derm\w*|pre-?med)\s+)?(?:students?|applicants|"
    r"trainees|premeds?|residents|folks|volunteers|ms[1-4]s)\b|\b(?:fluent|fluency|proficien\w*)"
    r"\s+in\s+spanish\b|\bspanish\s+(?:fluency|proficiency)\s+(?:is\s+)?(?:needed|required|a "
    r"must)\b|\bmust\s+(?:be\s+able\s+to\s+)?speak\s+spanish\b|\bhispanohablantes\b|"
    r"\b(?:in|en)\s+(?:spanish|español)\b", re.I)
_BOTH_LANGUAGES = re.compile(
    r"(?:spanish|español)\s*(?:and|&|y|/|or|o)\s*(?:en\s+|in\s+)?(?:english|inglés|ingles)|"
    r"(?:english|inglés|ingles)\s*(?:and|&|y|/|or|o)\s*(?:en\s+|in\s+)?(?:spanish|español)|"
    r"bilingual|biling[üu]e", re.I)
_SPANISH_SOFT = re.compile(r"\b(?:a (?:big )?plus|bonus|preferred|encouraged|welcome|nice to "
                           r"have|helpful|si quieren|if you (?:like|want|prefer))\b", re.I)
_PARTLY = re.compile(r"\b(?:some|algunas|algunos|partly|sometimes|también|also)\W*$", re.I)
_SPANISH = (
    "de la que el en los las para con por una un del se es su al lo como más pero sus le ya "
    "este esta son entre cuando muy sin sobre también me hasta hay donde desde todo nos todos "
    "estudiantes buscamos nuestro nuestra nuestros pueden quieren si sí y o tu tus te les "
    "medicina dermatología programa sesión abierto abierta inscríbete escríbeme")
_SPANISH_WORDS = frozenset(_SPANISH.split())
_WORD = re.compile(r"[a-záéíóúñü]+", re.I)


def find_languages(text: str, lang: str | None = None) -> tuple[str, ...]:
    """The languages a reader must speak: Spanish for a call for Spanish speakers or written in
    Spanish."""
    if (lang and lang.lower().startswith("es")) or _written_in_spanish(text):
        return ("es",)
    for m in _SPANISH_NEEDED.finditer(text):
        around = text[max(0, m.start() - 60):m.end() + 60]
        if _BOTH_LANGUAGES.search(around) or _SPANISH_SOFT.search(text[m.end():m.end() + 25]) \
                or _PARTLY.search(text[max(0, m.start() - 12):m.start()]):
            continue
        return ("es",)
    return ()


def _written_in_spanish(text: str) -> bool:
    """Mostly Spanish: a call in another language with a Spanish phrase is not."""
    words = [w.lower() for w in _WORD.findall(re.sub(r"https?://\S+|[#@]\w+", " ", text))]
    if len(words) < 8:
        return False
    return sum(w in _SPANISH_WORDS for w in words) / len(words) >= 0.3


# -- location ------------------------------------------------------------------------------------

_STATES = ("Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|"
           "Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|"
           "Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|"
           "New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|"
           "Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|"
           "Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|Ontario|"
           "Quebec|Québec|British Columbia|Alberta")
_COUNTRY = {"us": "US", "u.s.": "US", "usa": "US", "american": "US", "united states": "US",
            "canada": "Canada", "canadian": "Canada", "uk": "UK", "u.k.": "UK", "british": "UK"}
_COUNTRIES = r"U\.S\.|US|USA|United States|American|Canadian|Canada|UK|U\.K\.|British"
_LOCATION = re.compile(
    rf"(?-i:\b(?P<c1>{_COUNTRIES}))[- ]based\b|"
    rf"(?-i:\b(?P<c2>{_COUNTRIES}))\s+(?:(?:med(?:ical)?|derm\w*|pre-?med)\s+)?(?:students|"
    r"applicants|trainees|med schools|medical schools|schools)\b|"
    rf"\b(?:students?|applicants|trainees|residents|schools?|open|live|living|based)\s+(?:in|"
    rf"at schools in)\s+(?:the\s+)?(?-i:(?P<c3>{_COUNTRIES}|{_STATES}))\b|"
    rf"(?-i:\b(?P<s1>{_STATES}))[- ]based\b|"
    rf"(?-i:\b(?P<s2>{_STATES}))\s+(?:(?:med(?:ical)?|derm\w*|pre-?med)\s+)?(?:students|"
    r"applicants|trainees|med schools|medical schools)\b", re.I)


def find_location(text: str) -> str | None:
    """Where a reader must study or live, when the call says so ("US-based", "students in
    Texas", "Canadian students")."""
    m = _LOCATION.search(text)
    if m is None:
        return None
    place = next(value for value in m.groups() if value)
    return _COUNTRY.get(place.lower(), place)


# -- a reply to one person -----------------------------------------------------------------------

_OPENING_MENTIONS = re.compile(r"^\s*((?:@[\w.:@-]+[\s,]*)+)")
_VOCATIVE = re.compile(r"(?:^|[.!?]\s+|\n)(?-i:([A-Z][a-z]{2,14})),\s+(?:(?:if you|you|your|send|"
                       r"dm|email|e-mail|message|ping|reach|let's|lmk|come|happy|i'd|i'll|i "
                       r"can|i have|shoot|drop|feel free)\b)", re.I)
# Words that open a sentence with a comma and are not a name.
_NOT_NAME_WORDS = (
    "yes no also and but so honestly seriously folks friends everyone students premeds sure "
    "absolutely hi hey hello okay well plus again update note congrats congratulations thanks "
    "oh wow agreed true same totally team y'all all anyone anybody lurkers ok fair right "
    "great nice welcome seconding this that then now look listen real reminder edit psa tip "
    "fellow residents applicants trainees mentees guys everybody hola gracias")
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
# A reply that speaks to more than the one it answers.
_TO_ALL = re.compile(r"\b(?:anyone|anybody|everyone|everybody|all of you|any of you|"
                     r"y'all|folks|lurkers|whoever|students|premeds|residents|applicants|"
                     r"ms[1-4]s|imgs|this thread|in this thread|you all|same goes)\b", re.I)


# An offer made to the reader: without one, a reply to one person is talk, not a call.
_OFFER = re.compile(r"\b(?:dm me|message me|e-?mail me|send me|ping me|reach out|let'?s|"
                    r"i'?ll (?:send|intro\w*|connect|add|loop|set|pair|read|look)|happy to|"
                    r"glad to|if you(?:'d| would)? (?:like|want)|you'?re welcome to|set up|"
                    r"join (?:us|me)|come (?:join|help)|want to help|"
                    r"would love (?:to have|your))\b", re.I)


_PERSONAL = re.compile(
    r"\b(?:congrats|congratulations|your (?:idea|project|proposal|plan|curriculum|design|poster|"
    r"abstract|draft|work)|(?:that|this)(?:'s| is) (?:a |an )?(?:great|publishable|exactly|"
    r"perfect|fantastic|brilliant)|then let'?s|let'?s talk|not a bad idea|great idea|love "
    r"(?:this|that|your) idea|we match you)\b", re.I)


def find_addressee(text: str) -> str | None:
    """The one person a reply offers something to: its opening @mention or the name it calls
    its reader by; None when it speaks to everyone or offers nothing."""
    if _TO_ALL.search(text) or not _OFFER.search(text):
        return None
    opening = _OPENING_MENTIONS.match(text)
    if opening is not None:
        # X puts the replied-to handle first by itself: only words for that one person make
        # the offer theirs ("congrats", "that's a publishable pilot", "then let's talk").
        handles: list[str] = re.findall(r"@([\w.:@-]+)", opening[1])
        if len(handles) == 1 and _PERSONAL.search(text[opening.end():]):
            return str(handles[0]).rstrip(".:")
    for m in _VOCATIVE.finditer(text):
        if m[1].lower() not in _NOT_NAMES and not m[1].lower().endswith("ly"):
            return m[1]
    return None


# -- who is left out -----------------------------------------------------------------------------

class _Trainee(Protocol):
    @property
    def stage(self) -> str: ...

    @property
    def background(self) -> list[str]: ...

    @property
    def languages(self) -> list[str]: ...

    @property
    def handles(self) -> dict[str, str]: ...


def excludes(found: Mapping[str, Any] | None, trainee: _Trainee) -> str | None:
    """Why the call whose stored eligibility is `found` is not for `trainee`, in a sentence
    fragment ("for MS2s; you are an MS1"); None when they may take it. A background counts
    only when the trainee opted into it."""
    if not found:
        return None
    addressed = found.get("addressed_to")
    if addressed and not _is_one_of(str(addressed), trainee.handles.values()):
        who = f"@{addressed}" if "." in addressed or addressed.islower() else str(addressed)
        return f"a reply offering something to {who}, not an open call"
    stages = [str(s) for s in found.get("stages") or ()]
    if stages and trainee.stage not in stages:
        return f"for {_stage_list(stages)}; you are {_stage_as_you(trainee.stage)}"
    required = [str(b) for b in found.get("background") or ()]
    if required and not _has_background(required, trainee):
        groups = " or ".join(_BACKGROUND_WORDS.get(b, b) for b in required)
        return (f"for {groups} trainees only; your profile does not opt into "
                f"{'any of these' if len(required) > 1 else 'it'}")
    languages = [str(x) for x in found.get("languages") or ()]
    missing = [x for x in languages if x not in trainee.languages]
    if missing:
        named = " and ".join(_LANGUAGE_WORDS.get(x, x) for x in missing)
        return f"for {named} speakers; your profile does not list {named}"
    return None


def _is_one_of(addressed: str, handles: Iterable[str]) -> bool:
    """Whether a handle as written in a post names one of `handles` (a Mastodon post may
    leave out the server, a Bluesky one never does)."""
    wanted = addressed.lower().lstrip("@")
    for handle in handles:
        mine = handle.lower().lstrip("@")
        if wanted in (mine, mine.split("@")[0]) or mine.split("@")[0] == wanted.split("@")[0]:
            return True
    return False


def _has_background(required: list[str], trainee: _Trainee) -> bool:
    mine = set(trainee.background)
    if trainee.stage == "IMG":
        mine.add("img")
    if not mine.isdisjoint(URIM_GROUPS):
        mine.add("urim")
    if "urim" in mine:  # who opted into URiM is not told which group they belong to
        mine.update(URIM_GROUPS)
    return not mine.isdisjoint(required)


def _stage_list(stages: list[str]) -> str:
    ms = [s for s in stages if s in MS_STAGES]
    words = []
    if ms == list(MS_STAGES):
        words.append("medical students")
    elif len(ms) > 2 and MS_STAGES.index(ms[-1]) - MS_STAGES.index(ms[0]) == len(ms) - 1:
        words.append(f"{ms[0]}-{ms[-1]}s")
    elif ms:
        words.append(" and ".join(f"{s}s" for s in ms))
    words += [_STAGE_WORDS.get(s, s) for s in stages if s not in MS_STAGES]
    return ", ".join(words[:-1]) + (" or " if len(words) > 1 else "") + words[-1]


def _stage_as_you(stage: str) -> str:
    if stage in MS_STAGES or stage == "IMG":
        return f"an {stage}"
    return {"premed": "a premed", "resident": "a resident",
            "other": "at another stage"}.get(stage, stage)


def describe(found: Mapping[str, Any] | None) -> list[str]:
    """The eligibility as short phrases a card shows ("MS2s", "URiM or first-generation",
    "Spanish speakers", "in Texas")."""
    if not found:
        return []
    out: list[str] = []
    if stages := [str(s) for s in found.get("stages") or ()]:
        out.append(_stage_list(stages))
    if background := [str(b) for b in found.get("background") or ()]:
        out.append(" or ".join(_BACKGROUND_WORDS.get(b, b) for b in background) + " only")
    if languages := [str(x) for x in found.get("languages") or ()]:
        out.append(" and ".join(_LANGUAGE_WORDS.get(x, x) for x in languages) + " speakers")
    if location := found.get("location"):
        out.append(f"in {location}")
    return out


# -- jobs for attendings ---------------------------------------------------------------------

_ATTENDING = (r"(?:dermatologists?|dermatologist-educator|mohs surgeons?|dermatopathologists?|"
              r"teledermatologists?|attendings?|faculty member|associate dermatologists?)")
_JOB = re.compile(
    rf"\b(?:hiring|recruiting|seeks|seeking|looking for|wants|adding)\b[^.!?\n]{{0,60}}?"
    rf"\b{_ATTENDING}\b|\b{_ATTENDING}\s+(?:wanted|needed)\b|"
    r"\b(?:board[- ]certified|BC/BE|BC|fellowship[- ]trained)\)?\s+(?:[\w-]+\s+){0,2}"
    r"(?:dermatologists?|mohs surgeons?|dermatopathologists?)\b|\(BC/BE\)|"
    r"\b(?:board[- ]certified|BC/BE|fellowship[- ]trained)\b[^.!?\n]{0,40}\b(?:only|wanted|"
    r"required)\b|\bboard certification\b[^.!?\n]{0,40}\brequired\b|"
    r"\b(?:ACMS )?fellowship required\b|"
    r"\bopportunity for an? (?:fellowship[- ]trained|board[- ]certified|BC/BE)\b|"
    r"\battending job|\bjob (?:alert|board|posting)s?\b[^.!?\n]{0,80}\bdermatologist|"
    r"\b(?:graduating residents|finishing residency)\b[^\n]{0,120}\b(?:apply|associate|hiring|"
    r"new associate)\b|\bis hiring\b[^\n]{0,40}\b(?:academic position|dermatologist)|"
    r"\bdermatologist\b[^\n]{0,100}\bis hiring\b", re.I)
# What a job for attendings never says: a call for trainees.
_FOR_TRAINEES = re.compile(r"\b(?:med(?:ical)? students?|premeds?|ms[1-4]s?|research (?:assistant|"
                           r"coordinator|fellow)|summer students?|students? (?:to|who|for)|"
                           r"shadow\w*|mentees?|observerships?|undergrads?)\b", re.I)


def is_attending_job(text: str) -> bool:
    """A job for board-certified dermatologists (taxonomy.md's `attending_job_ad`): never a
    trainee's opportunity, however much it says about teaching or mentoring."""
    text = (text or "")[:20_000]
    return _JOB.search(text) is not None and _FOR_TRAINEES.search(text) is None
