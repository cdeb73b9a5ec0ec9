"""The dermatology topics vocabulary, each topic with the cues that name it in a post.

The names are interface (corpus/AUTHORING.md): keep them exactly. Cues are regular expressions
matched against the post text case-insensitively unless the pattern turns case off itself with
``(?-i:...)`` (abbreviations such as SOC, HS, AD or AI are only cues in capitals). Hashtags match
as words too, so ``#SkinOfColor`` and ``#PedsDerm`` are listed as plain words without the ``#``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from collections.abc import Set as AbstractSet
from re import _constants, _parser  # type: ignore[attr-defined]
from typing import Any

import ahocorasick

from mentorfeed.models import normalize_tag

TOPIC_CUES: dict[str, tuple[str, ...]] = {
    "skin of color": (
        r"skin[- ]of[- ]colou?r", r"(?-i:\bSOC\b)", r"skinofcolou?r", r"darker[- ]skin",
        r"deep(?:er)? skin", r"brown (?:skin|kids|children|patients)",
        r"black (?:patients|women|men|kids|children|and brown)",
        r"(?:women|children|people) of colou?r",
        r"fitzpatrick", r"skin types? (?:iv|v|vi|4|5|6)\b",
        r"type v(?:i)? skin", r"skin[- ]tones?\b", r"monk skin", r"african descent", r"melasma",
        r"keloids?\b", r"\bccca\b", r"central centrifugal", r"pseudofolliculitis",
        r"dermatosis papulosa nigra", r"acne keloidalis", r"traction alopecia",
    ),
    "hair": (
        r"\bhair\b", r"alopecia", r"\bccca\b", r"trichoscop", r"\bscalp\b", r"pseudofolliculitis",
        r"trichorrhexis", r"acne keloidalis", r"hairloss",
    ),
    "pediatric dermatology": (
        r"pa?ediatric derm", r"\bpeds[- ]?derm", r"peds\b", r"pa?ediatric", r"\bchildren\b",
        r"\bkids?\b", r"\binfan(?:ts?|tile)\b", r"\btoddlers?\b", r"\bteens?\b", r"adolescen",
        r"birthmarks?", r"hemangioma", r"en la infancia", r"\bniñ[oa]s\b",
    ),
    "dermatopathology": (
        r"dermpath", r"dermatopath", r"derm path\b", r"histolog", r"immunohistochem",
        r"slide review",
    ),
    "mohs": (r"\bmohs\b", r"(?-i:\bMMS\b)"),
    "dermatologic surgery": (
        r"derm(?:atologic)? ?surg", r"\bmohs\b", r"(?-i:\bMMS\b)", r"excision", r"electrodesicc",
        r"deroofing", r"sutur(?:e|ing)", r"surgical", r"second[- ]intention", r"keloids?\b",
    ),
    "cosmetic": (
        r"cosmetic", r"aesthetic", r"injectables?", r"botox", r"\bfillers?\b", r"\blasers?\b",
        r"picosecond",
    ),
    "psoriasis": (r"psoria",),
    "atopic dermatitis": (
        r"atopic", r"(?-i:\bAD\b)", r"eczema", r"dupilumab", r"emollients?",
    ),
    "acne": (r"\bacne\b(?! keloidalis)", r"isotretinoin"),
    "hidradenitis suppurativa": (r"hidradenitis", r"(?-i:\bHS\b)", r"\bhs (?:fellowship|lab)"),
    "vitiligo": (r"vitiligo", r"repigment"),
    "melanoma": (r"melanoma", r"melanocytic", r"spitz"),
    "skin cancer": (
        r"skin cancer", r"(?-i:\b[BS]CCs?\b)", r"basal cell", r"squamous cell",
        r"cutaneous onc", r"keratinocyte carcinoma",
    ),
    "medical dermatology": (
        r"medical derm", r"complex medical", r"inflammatory (?:derm|skin)", r"general derm",
        r"general clinic", r"severe cutaneous adverse",
    ),
    "inpatient dermatology": (
        r"inpatient", r"hospitali[sz]ed", r"consult service", r"(?<!e-)\bconsult derm",
        r"(?<![e-])\bconsults?\b(?! (?:from|to)\b)(?=[^.]*\b(?:inpatient|hospital))",
        r"\bsjs\b", r"drug rash",
    ),
    "autoimmune": (
        r"autoimmun", r"lupus", r"dermatomyositis", r"morphea", r"scleroderma", r"pemphig",
    ),
    "contact dermatitis": (r"contact dermatitis", r"patch test"),
    "global health": (
        r"global (?:health|derm)", r"globalhealth", r"\bntds?\b", r"neglected tropical",
        r"lepro?sy", r"\blepra\b", r"scabies", r"mycetoma", r"leishmania", r"podoconiosis",
        r"buruli", r"\byaws\b", r"tropical", r"\blmics?\b", r"low-resource", r"low- and middle",
        r"low-income countr", r"salud global", r"east africa", r"refugee", r"endemic",
    ),
    "teledermatology": (
        r"tele-?derm", r"e-consult", r"store-and-forward", r"teledermatolog",
    ),
    "medical education": (
        r"medical education", r"\bmed ?ed\b", r"curricul", r"teaching (?:atlas|image|library)",
        r"textbooks?", r"educativ", r"education project",
    ),
    "health equity": (
        r"equity", r"disparit", r"underserved", r"safety-net", r"inequit",
    ),
    "dermoscopy": (r"dermoscop", r"dermatoscop"),
    "artificial intelligence": (
        r"artificial intelligence", r"(?-i:\bAI\b)", r"dermai\b", r"machine learning",
        r"deep learning", r"classifiers?\b", r"image analysis", r"computer vision",
        r"(?:image|photo) ?(?:set|dataset)", r"dataset of (?:clinical )?(?:skin )?images",
        r"(?:annotat|label)\w*[^.]{0,40}\bimages?\b",
    ),
    "wound care": (r"wound", r"second[- ]intention"),
    "genodermatoses": (
        r"genodermatos", r"epidermolysis bullosa", r"ichthyos", r"keratinization disorder",
        r"\bgenetic",
    ),
}

TOPICS: tuple[str, ...] = tuple(TOPIC_CUES)

_PLAIN = re.compile(r"[a-z0-9 ]+")
_WORD = re.compile(r"\w+")
# Characters that match an ASCII letter case-insensitively but that str.lower() leaves apart:
# with them folded, every text a case-insensitive pattern matches contains, lower-cased, each
# literal run the pattern requires.
_FOLD = {0x130: "i", 0x131: "i", 0x17F: "s"}


def folded(text: str) -> str:
    """The text as the gates of `Gated` look at it: lower-cased, with the few letters that match
    ASCII letters case-insensitively (dotted and dotless i, long s) folded to them."""
    if text.isascii() or not any(chr(c) in text for c in _FOLD):
        return text.lower()
    return text.translate(_FOLD).lower()


def unfolded(text: str) -> bool:
    """Whether `folded(text)` is `text.lower()`."""
    return text.isascii() or not any(chr(c) in text for c in _FOLD)


def _alternatives(pattern: str) -> list[str]:
    """The pattern's top-level alternatives, as written."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1
        elif in_class:
            in_class = char != "]" or pattern[i - 1] == "["
        elif char == "[":
            in_class = True
            if pattern[i + 1:i + 2] == "^":
                i += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*parts, pattern[start:]]


def _required(items: Any) -> frozenset[str] | None:
    """Lower-case strings one of which every match of the parsed items contains, or None."""
    options: list[frozenset[str]] = []
    run: list[str] = []

    def close() -> None:
        if run:
            options.append(frozenset(["".join(run).lower()]))
            run.clear()

    for op, av in items:
        if op is _LITERAL and av < 128:
            run.append(chr(av))
            continue
        close()
        found: frozenset[str] | None = None
        if op is _SUBPATTERN:
            found = _required(av[-1])
        elif op is _BRANCH:
            alternatives = [_required(branch) for branch in av[1]]
            if all(alternatives):
                found = frozenset().union(*(a for a in alternatives if a))
        elif op in (_MAX_REPEAT, _MIN_REPEAT) and av[0] >= 1:
            found = _required(av[2])
        if found:
            options.append(found)
    close()
    options = [o for o in options if "" not in o]
    if not options:
        return None
    return max(options, key=lambda o: (min(map(len, o)), -len(o)))


_AUTOMATA: dict[int, tuple[Collection[str], ahocorasick.Automaton]] = {}


def present(low: str, strings: Collection[str]) -> set[str]:
    """Those of `strings` that occur in `low`: what the `Gated` expressions are asked about.

    One Aho-Corasick pass over the text finds them all, whatever their number; the automaton is
    built once per collection of strings (callers pass module constants)."""
    entry = _AUTOMATA.get(id(strings))
    if entry is None or entry[0] is not strings:
        if len(_AUTOMATA) > 64:
            _AUTOMATA.clear()
        automaton = ahocorasick.Automaton()
        for string in set(strings):
            if string:
                automaton.add_word(string, string)
        automaton.make_automaton()
        entry = _AUTOMATA[id(strings)] = (strings, automaton)
    found = {string for _, string in entry[1].iter(low)} if len(entry[1]) else set()
    if "" in strings:
        found.add("")
    return found


class Gated:
    """A regular expression tried only with the top-level alternatives that can match the text.

    Each alternative is gated by literal strings one of which any match of it contains
    (`folded` text holds them whenever the alternative matches); an alternative whose strings
    are all absent from the text cannot match anywhere in it, so dropping it changes no match.
    `pattern(found)`, with `found` the gate strings present in the text (or more), gives the
    expression of the remaining alternatives in their order, or None when none remains. Only
    the whole match and its span are the original's: group numbers may differ.
    """

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.flags = flags
        self.full = re.compile(pattern, flags)
        self.branches = _alternatives(pattern)
        if len(self.branches) == 1:  # gate the whole pattern by what it requires
            gates = [_required(_parser.parse(pattern, flags).data)]
        else:
            gates = [_required(_parser.parse(b, flags).data) for b in self.branches]
        self.always = frozenset(i for i, gate in enumerate(gates) if gate is None)
        self.index: dict[str, set[int]] = {}
        for i, gate in enumerate(gates):
            for string in gate or ():
                self.index.setdefault(string, set()).add(i)
        self.strings = frozenset(self.index)
        self._some: dict[frozenset[str], re.Pattern[str] | None] = {}
        self._none = self._compile(self.always)

    def _compile(self, keep: AbstractSet[int]) -> re.Pattern[str] | None:
        if len(keep) == len(self.branches):
            return self.full
        return re.compile("|".join(self.branches[i] for i in sorted(keep)), self.flags) \
            if keep else None

    def pattern(self, found: AbstractSet[str]) -> re.Pattern[str] | None:
        if self.strings.isdisjoint(found):
            return self._none
        hit = self.strings.intersection(found)
        try:
            return self._some[hit]
        except KeyError:
            if len(self._some) > 4096:  # hostile text could ask for many subsets
                self._some.clear()
            some = self._some[hit] = self._compile(
                self.always.union(*(self.index[s] for s in hit)))
            return some

    def search(self, text: str, found: AbstractSet[str]) -> bool:
        pattern = self.pattern(found)
        return pattern is not None and pattern.search(text) is not None


class GatedGroup:
    """Several `Gated` expressions, and which of them can match a text given the gate strings
    present in it: a text is then tried against a few of them rather than all."""

    def __init__(self, members: Sequence[Gated]) -> None:
        self.members = tuple(members)
        self._always = frozenset(i for i, gated in enumerate(self.members) if gated.always)
        index: dict[str, set[int]] = {}
        for i, gated in enumerate(self.members):
            for string in gated.strings:
                index.setdefault(string, set()).add(i)
        self._index = {string: frozenset(found) for string, found in index.items()}
        self.strings = frozenset(index)

    def candidates(self, found: Iterable[str]) -> list[int]:
        """The indexes, in order, of the members that may match."""
        keep = set(self._always)
        for string in found:
            keep.update(self._index.get(string, ()))
        return sorted(keep)


_LITERAL, _SUBPATTERN, _BRANCH = _constants.LITERAL, _constants.SUBPATTERN, _constants.BRANCH
_MAX_REPEAT, _MIN_REPEAT = _constants.MAX_REPEAT, _constants.MIN_REPEAT


class _Matcher:
    """One topic's cues, split by cost: plain substrings and whole words are looked up among
    those the text holds, the rest is one gated regular expression. Same answers as one regex
    of all cues."""

    def __init__(self, cues: tuple[str, ...]) -> None:
        substrings: list[str] = []
        self.words: set[str] = set()
        patterns: list[str] = []
        for cue in cues:
            inner = cue[2:-2] if cue.startswith(r"\b") and cue.endswith(r"\b") else None
            if _PLAIN.fullmatch(cue):
                substrings.append(cue)
            elif inner and _PLAIN.fullmatch(inner) and " " not in inner:
                self.words.add(inner)
            else:
                patterns.append(cue)
        self.substrings = frozenset(substrings)
        self.pattern = Gated("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) \
            if patterns else None



_MATCHERS = {name: _Matcher(cues) for name, cues in TOPIC_CUES.items()}
_STRINGS = tuple(sorted(set().union(*(m.substrings | (m.pattern.strings if m.pattern else set())
                                      for m in _MATCHERS.values()))))


def _topics_by(strings_of: Callable[[_Matcher], Iterable[str]]) -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for name, matcher in _MATCHERS.items():
        for string in strings_of(matcher):
            index.setdefault(string, set()).add(name)
    return {string: frozenset(names) for string, names in index.items()}


# Which topics a string or word found in the text can make true, so that a post is checked
# against the few topics it may name rather than all of them.
_BY_SUBSTRING = _topics_by(lambda m: m.substrings)
_BY_WORD = _topics_by(lambda m: m.words)
_BY_GATE = _topics_by(lambda m: m.pattern.strings if m.pattern else ())
_ALWAYS_TRIED = frozenset(name for name, m in _MATCHERS.items()
                          if m.pattern is not None and m.pattern.always)


def topics_in(text: str, hashtags: Iterable[str] = ()) -> list[str]:
    """The vocabulary topics a post names, in vocabulary order."""
    tags = " ".join(normalize_tag(tag) for tag in hashtags)
    haystack = f"{text}\n{tags}" if tags else text
    lowered = haystack.lower()
    found = present(lowered, _STRINGS)
    gates = found if unfolded(haystack) else present(folded(haystack), _STRINGS)
    named: set[str] = set()
    for string in found:
        named.update(_BY_SUBSTRING.get(string, ()))
    for word in _WORD.findall(lowered):
        named.update(_BY_WORD.get(word, ()))
    maybe = set(_ALWAYS_TRIED)
    for string in gates:
        maybe.update(_BY_GATE.get(string, ()))
    for name in maybe - named:
        pattern = _MATCHERS[name].pattern
        if pattern is not None and pattern.search(haystack, gates):
            named.add(name)
    return [name for name in _MATCHERS if name in named]
