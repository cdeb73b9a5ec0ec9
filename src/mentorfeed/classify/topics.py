"""The dermatology topics vocabulary, each topic with the cues that name it in a post.

The names are interface (corpus/AUTHORING.md): keep them exactly. Cues are regular expressions
matched against the post text case-insensitively unless the pattern turns case off itself with
``(?-i:...)`` (abbreviations such as SOC, HS, AD or AI are only cues in capitals). Hashtags match
as words too, so ``#SkinOfColor`` and ``#PedsDerm`` are listed as plain words without the ``#``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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


class _Matcher:
    """One topic's cues, split by cost: plain substrings and whole words are checked with `in`,
    only the rest as regular expressions. Same answers as one regex of all cues, much faster."""

    def __init__(self, cues: tuple[str, ...]) -> None:
        self.substrings: list[str] = []
        self.words: set[str] = set()
        patterns: list[str] = []
        for cue in cues:
            inner = cue[2:-2] if cue.startswith(r"\b") and cue.endswith(r"\b") else None
            if _PLAIN.fullmatch(cue):
                self.substrings.append(cue)
            elif inner and _PLAIN.fullmatch(inner) and " " not in inner:
                self.words.add(inner)
            else:
                patterns.append(cue)
        self.pattern = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) \
            if patterns else None

    def search(self, text: str, lowered: str, words: set[str]) -> bool:
        return (any(s in lowered for s in self.substrings) or not self.words.isdisjoint(words)
                or (self.pattern is not None and self.pattern.search(text) is not None))


_MATCHERS = {name: _Matcher(cues) for name, cues in TOPIC_CUES.items()}


def topics_in(text: str, hashtags: Iterable[str] = ()) -> list[str]:
    """The vocabulary topics a post names, in vocabulary order."""
    tags = " ".join(normalize_tag(tag) for tag in hashtags)
    haystack = f"{text}\n{tags}" if tags else text
    lowered = haystack.lower()
    words = set(_WORD.findall(lowered))
    return [name for name, matcher in _MATCHERS.items()
            if matcher.search(haystack, lowered, words)]
