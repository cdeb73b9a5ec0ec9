"""Who an author says they are: their role, from bio credentials and from how they write about
themselves, and the background they state in their own words.

Every cue is a pattern a reader can check, with a weight (3: a credential or title, 2: a strong
hint, 1: a weak one). The bio and the display name count in full; posts count only where the
author speaks about themselves ("MS1 here", "my co-residents", "as a dermatologist"), at a lower
weight, so behaviour settles the role when the bio is empty or vague and otherwise adds agreement.
Background is never guessed: only phrases in which the author states it about themselves count
(taxonomy.md, sensitive attributes), never a name, a hashtag, or whom they serve.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from mentorfeed.classify.topics import Gated, GatedGroup, present

TRAINEES = frozenset({"medical_student", "premed", "resident"})
# Ties go to the more specific reading of a person: a trainee's stage beats a title.
_PREFERENCE = {role: i for i, role in enumerate(
    ("resident", "medical_student", "premed", "dermatologist", "researcher", "organization",
     "industry", "public"))}
# A cue right after one of these describes a hope, not a role ("future dermatologist",
# "MS4 → derm intern"); "→ now" is the present.
_FUTURE = re.compile(r"(?:future|aspiring|wannabe|would-be|someday|want to be|→(?!\s*now))"
                     r"\s*(?:\S+\s+){0,2}$")
POST_WEIGHT = 0.75  # one self-description in a post, against a bio cue of weight 1
POST_CAP = 3.0      # per role, however many posts repeat it


@dataclass(frozen=True, slots=True)
class RoleCue:
    role: str
    weight: float
    pattern: re.Pattern[str]


def _cues(role: str, *specs: tuple[float, str]) -> list[RoleCue]:
    return [RoleCue(role, weight, re.compile(pattern, re.MULTILINE)) for weight, pattern in specs]


# Matched against the lower-cased name and bio.
BIO_CUES: tuple[RoleCue, ...] = (
    *_cues("dermatologist",
           (4, r"\bdermat[oó]log(?:ist|a|o|ue)\b(?![-s])"), (3, r"\bdermatopathologist\b"),
           (3, r"\bmohs surgeon\b"), (3, r"\bf(?:aad|acms)\b"),
           (3, r"\bboard[- ]certified derm(?:atologist)?\b(?!s)"), (2, r"\battending\b"),
           (2, r"\b(?:academic|private practice|peds|pediatric|general|medical|scalp|hair|"
               r"inpatient|early-career|community) derm(?:atology)?\b(?![- ](?:resident|pgy|"
               r"applicant|student|interest|bound|research))"),
           (2, r"^derm(?:\.|,| in\b)"),
           (2, r"\b(?:residency |fellowship )?(?:apd|program director|fellowship director)\b"),
           (1, r"\b(?:volunteer )?faculty\b"), (1, r"\bin derm\b"),
           (1, r"\b(?:directs|runs) an? [\w ]{0,30}clinic\b"), (1, r"^dra?\.? ")),
    *_cues("resident",
           (3, r"\bpgy-?\s?[1-8]\b"), (3, r"\b(?:chief )?resident\b"),
           (3, r"\bdermatologist-in-training\b"), (2, r"\bintern\b"),
           (3, r"\b(?:mohs|dermpath|procedural|clinical|surgery) fellow\b"),
           (1, r"(?<!research )\bfellow\b(?! (?:ms|premeds|applicants|students|residents))")),
    *_cues("medical_student",
           (3, r"\bms[1-4]\b"), (2, r"\bm[1-4]\b"),
           (3, r"\b(?:med(?:ical)?|do|md) student\b"), (3, r"\bmd candidate\b"),
           (2, r"\b(?:derm applicant|applying (?:to )?derm|applied derm)\b"),
           (1, r"\bderm-curious\b"), (1, r"\b(?:snma|lmsa)\b"), (1, r"#medstudent"),
           (1, r"\b(?:step 1|anki)\b")),
    *_cues("premed",
           (3, r"\bpre-?med\b"), (2, r"\bmcat\b"), (2, r"\b(?:bio|chem|biology) major\b"),
           (2, r"\bundergrad\b"), (1, r"\bgap year\b"), (1, r"\bscrib(?:e|ing)\b")),
    *_cues("researcher",
           (3, r"\bph\.?d\b"), (3, r"\bresearch fellow\b"), (3, r"\bpostdoc\b"),
           (3, r"\b(?:epidemiologist|immunologist|scientist|biologist|geneticist|researcher)\b"),
           (2, r"\bpi\b"), (1, r"\blab\b")),
    *_cues("organization",
           (3, r"\b(?:journal club|society|association|network|collective|alliance|fund|"
               r"collaborative|commons|hub|mentorship|scholars|info hour|pathways?)(?: \(.*\))?$"),
           (2, r"\b(?:volunteer|student|resident|peer)[- ]run\b|\brun by\b|\bnonprofit\b"),
           (2, r"\bnot affiliated\b|\bnot tied to\b|\bposts by the\b"),
           (2, r"\bwe (?:are|run|host|pair)\b"),
           (2, r"^(?:connecting|pairing|mentorship|pipeline|monthly|regional|student-run|"
               r"resident-run|peer-run|free, open|research collaborative|multi-site)\b"),
           (1, r"\b(?:journal club|society|association|chapter|network|interest groups?|"
               r"alliance|collective|research group|cohorts)\b"),
           (1, r"@ state u\b")),
    *_cues("industry",
           (3, r"\bshop\b|\bshipping\b|customer care|\b(?:dermatologist|derm)[- ]tested\b"),
           (3, r"developed with dermatologists|#ad\b|®|™|\bbook online\b|financing available"),
           (3, r"physician recruiting|healthcare professionals only|physician-owned"),
           (3, r"\bmineral (?:spf|sunscreens?)\b|\bskincare$|\bsun care\b"),
           (2, r"\bnow hiring\b|\bplatforms?\b|\bnow in \d+ states\b|\bdermoscopes\b"),
           (2, r"\bspf\b|\bfragrance-free\b|\bmoisturi[sz]ers\b"), (1, r"\bskincare\b")),
    *_cues("public",
           (3, r"\bnot a doctor\b|\bpatient advocate\b|\bsurvivor\b|\bnurse\b|\brn$|\brn\b,"),
           (2, r"\bliving with\b|\b(?:mom|dad|mum|parent) (?:of|to)\b|\bretired\b|\bteacher\b"),
           (2, r"\b(?:eczema|alopecia) (?:mom|dad)\b|\bwarrior\b|\bwriter\b|\bhobbyist\b"),
           (2, r"\bsince (?:i was )?\d{1,2}\b|\bawareness\b")),
)

# Matched against the lower-cased text of the author's own posts.
_SELF = r"\b(?:i'?m|i am|as|me,?)\s+(?:an?\s+)?(?:\w+\s+)?"
POST_CUES: tuple[RoleCue, ...] = (
    *_cues("dermatologist",
           (1, _SELF + r"(?:dermatologist|derm attending|mohs surgeon|dermatopathologist)\b"),
           (1, r"\bmy (?:patients?|clinic|practice|own practice)\b|\bin my clinic\b"),
           (0.5, r"^q: .{10,}\ba: ")),  # a case quiz with its answer: a clinician teaching
    *_cues("resident",
           (1, _SELF + r"(?:derm )?(?:resident|intern|pgy-?\d)\b"),
           (1, r"\b(?:derm )?(?:resident|pgy-?\d|intern) here\b|\bderm resident, mostly\b"),
           (1, r"\bmy co-?residents?\b|\bmy (?:program director|residency|chief)\b"),
           (1, r"\b(?:last|first) day of residency\b|\bchief[- ]year\b|\bin the pgy-?\d class\b"),
           (1, r"\b(?:honest|just a|as a) pgy-?\d\b|\bstudying for (?:derm )?boards\b")),
    *_cues("medical_student",
           (1, _SELF + r"(?:rising |incoming )?(?:ms[1-4]\b|\bmed(?:ical)? student\b)"),
           (1, r"\bms[1-4] (?:here|me)\b|\bmed(?:ical)? student here\b"),
           (1, r"\bfor me \(ms[1-4]\)|\bmy (?:school|classmates?|med school|shelf|step 1)\b"),
           (1, r"\bstudents?(?: too)?\?? asking for me\b|\bstudying for (?:the )?step\b")),
    *_cues("premed",
           (1, _SELF + r"(?:premed|pre-med|undergrad)\b|\b(?:premed|pre-med) here\b"),
           (1, r"\bmcat\b|\bsecondary essays?\b|\ba (?:random|gap-year) premed\b")),
    *_cues("researcher",
           (1, _SELF + r"(?:scientist|researcher|postdoc|epidemiologist|biologist)\b"),
           (0.5, r"\b(?:my|our) lab\b")),
    *_cues("industry",
           (1, r"\d+% off\b|#ad\b|#sponsored\b|\buse (?:my |our )?code\b|\bshop (?:now|the)\b")),
    *_cues("public",
           (1, r"\b(?:nurse|patient|parent|mom|dad) here\b|\bfrom a nurse\b|\bnot a doctor\b"),
           (1, r"\bas a (?:patient|parent|mom|dad|nurse)\b"),
           (1, r"\bmy (?:son|daughter|dermatologist)\b")),
)
# Each cue is tried only where literal strings it needs occur (topics.Gated): `present` finds
# them once per text, for these cues and for whatever else the caller gates the same way.
_BIO_GATED = GatedGroup([Gated(cue.pattern.pattern, re.MULTILINE) for cue in BIO_CUES])
BIO_STRINGS = tuple(sorted(_BIO_GATED.strings))
_PARTS = re.compile(r"\s*[|\u2022\u00b7]\s*|\n")
_POST_GATED = GatedGroup([Gated(cue.pattern.pattern, re.MULTILINE) for cue in POST_CUES])
POST_STRINGS: frozenset[str] = _POST_GATED.strings

_YOU = re.compile(r"\byou(?:r)?\b")
_I = re.compile(r"\b(?:i|i'm|my|me)\b")
# Credentials written in capitals in a display name ("Jo P., MD"): a physician.
_NAME_DEGREE = re.compile(r"\b(?:MD|DO|MBBS|MBChB)\b")


@dataclass(frozen=True, slots=True)
class RoleGuess:
    role: str
    confidence: float
    cues: list[str]


def _hits(text: str) -> Iterable[tuple[RoleCue, str]]:
    """The bio cues found in `text` (one line per part of a name or bio), each once."""
    found = present(text, BIO_STRINGS)
    for i in _BIO_GATED.candidates(found):
        cue, pattern = BIO_CUES[i], _BIO_GATED.members[i].pattern(found)
        for match in pattern.finditer(text) if pattern else ():
            line = text.rfind("\n", 0, match.start()) + 1
            if not _FUTURE.search(text, max(line, match.start() - 30), match.start()):
                yield cue, match.group().strip(" ,")
                break


def post_evidence(lowered: str, found: AbstractSet[str] | None = None
                  ) -> list[tuple[str, float, str]]:
    """(role, weight, phrase) for each way a lower-cased post describes its author. `found`:
    the strings of POST_STRINGS (or more) in the text, when the caller has them already."""
    if found is None:
        found = present(lowered, POST_STRINGS)
    evidence: list[tuple[str, float, str]] = []
    for i in _POST_GATED.candidates(found):
        cue, pattern = POST_CUES[i], _POST_GATED.members[i].pattern(found)
        for match in pattern.finditer(lowered) if pattern else ():
            if not _FUTURE.search(lowered, max(0, match.start() - 30), match.start()):
                evidence.append((cue.role, cue.weight, match.group().strip(" ,")))
                break
    if any(phrase.startswith("as ") for _, _, phrase in evidence) and \
            _YOU.search(lowered) and not _I.search(lowered):
        # "as a premed, do research you enjoy" is advice to someone else
        evidence = [e for e in evidence if not e[2].startswith("as ")]
    return evidence


def detect_role(name: str | None, bio: str | None,
                posts: Iterable[tuple[str, float, str]] = ()) -> RoleGuess:
    """The role that the name, the bio and the posts' self-descriptions (`post_evidence`) agree
    on best, with a confidence from the winning weight against the rest."""
    scores: dict[str, float] = {}
    cues: dict[str, list[str]] = {}
    for where, text in (("name", name), ("bio", bio)):
        lines = "\n".join(part.strip() for part in _PARTS.split((text or "").lower()))
        for cue, phrase in _hits(lines):
            scores[cue.role] = scores.get(cue.role, 0.0) + cue.weight
            cues.setdefault(cue.role, []).append(f"{where} says '{phrase}'")
    degree = _NAME_DEGREE.search(name or "")
    if degree:
        scores["dermatologist"] = scores.get("dermatologist", 0.0) + 1
        cues.setdefault("dermatologist", []).append(f"name says '{degree.group()}'")
    from_posts: dict[str, float] = {}
    for role, weight, phrase in posts:
        from_posts[role] = from_posts.get(role, 0.0) + weight * POST_WEIGHT
        said = cues.setdefault(role, [])
        if len(said) < 6 and f"posts say '{phrase}'" not in said:
            said.append(f"posts say '{phrase}'")
    for role, weight in from_posts.items():
        scores[role] = scores.get(role, 0.0) + min(weight, POST_CAP)
    if not scores:
        if bio and bio.strip():
            return RoleGuess("public", 0.2, ["bio names no profession"])
        return RoleGuess("unknown", 0.0, [])
    ranked = sorted(scores, key=lambda r: (-scores[r], _PREFERENCE[r]))
    best = scores[ranked[0]]
    rest = sum(scores[r] for r in ranked[1:])
    confidence = min(0.99, best / (best + rest + 1.5))
    return RoleGuess(ranked[0], round(confidence, 3), cues[ranked[0]])


# Background: phrases that state it about oneself. A word followed by whom it serves ("URiM
# students", "Black kids", "LGBTQ+ students") describes an audience, not the author.
_AUDIENCE = (r"(?![-\w+]*\s+(?:derm\s+|med\s+|medical\s+)?(?:applicant\s+)?(?:students|"
             r"trainees|applicants|mentees|patients|kids|children|women|men|families|folks|"
             r"people|community|pathways?|spreadsheet)\b)")
_BACKGROUND: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(f"(?:{pattern}){_AUDIENCE}")) for name, pattern in (
        ("first_generation", r"\bfirst[- ]gen(?:eration)?\b|\bfirst in (?:my|our) family\b"),
        ("urim", r"\bur(?:i)?m\b|\bunder-?represented in medicine\b"),
        ("black", r"\bblack\b(?! (?:and brown|skin|hair|box|friday))"),
        ("latino", r"\blatin[aox]\b|\blatine\b|\bhispanic\b|\bboricua\b|\bchican[ao]\b"),
        ("indigenous", r"\bindigenous\b|\bnative american\b|\bfirst nations\b|"
                       r"\b(?:navajo|diné|cherokee|lakota|ojibwe|anishinaabe)\b"),
        ("asian", r"\basian\b|\b(?:korean|chinese|japanese|vietnamese|filipin[ao]|indian|"
                  r"taiwanese|pakistani|bangladeshi|hmong|desi)[- ]american\b"),
        ("lgbtq", r"\bqueer\b|\bgay\b|\blesbian\b|\bbisexual\b|\btrans\b|\bnon-?binary\b|"
                  r"\blgbtq\+?"),
        ("woman", r"(?<!changed )\bwoman\b"),
        ("img", r"(?<!future )(?<!other )(?<!fellow )\bimg\b(?!s)|"
                r"\binternational medical graduate\b(?!s)"),
        ("disability", r"\bdisabled\b|\bwheelchair user\b|\bdeaf\b|\bhard of hearing\b|"
                       r"\bneurodivergent\b|\bautistic\b|\bchronic(?:ally)? ill\b"),
    ))
# In a post the statement must be in the first person: "as a first-gen student", "I'm queer".
_FIRST_PERSON = re.compile(r"\b(?:i'?m|i am|as an?|as|proud|me,)\s+(?:(?:a|an|also|\w+)\s+){0,2}$")
_POST_BACKGROUND_GATE = re.compile(
    r"(?:i'?m|i am|\bas\b|proud|me,)[^.!?]{0,40}(?:first|urim|urm|under|black|latin|hispanic|"
    r"boricua|chican|indigenous|native|nations|navajo|diné|cherokee|lakota|ojibwe|anishinaabe|asian|"
    r"american|queer|gay|lesbian|bisexual|trans|binary|lgbtq|woman|img|international|"
    r"disabled|wheelchair|deaf|hearing|neurodivergent|autistic|chronic)")
_BACKGROUND_GATED = Gated(_POST_BACKGROUND_GATE.pattern)
BACKGROUND_STRINGS = _BACKGROUND_GATED.strings
_NEGATED = re.compile(r"\bnot\s+(?:\w+\s+){0,1}$")
_LANGUAGES = {"español": "es", "espanol": "es", "spanish": "es", "bilingüe": "es",
              "português": "pt", "portuguese": "pt", "français": "fr", "french": "fr",
              "arabic": "ar", "árabe": "ar", "twi": "tw", "korean": "ko", "한국어": "ko",
              "mandarin": "zh", "cantonese": "zh", "hindi": "hi", "urdu": "ur", "tagalog": "tl",
              "vietnamese": "vi", "yoruba": "yo", "igbo": "ig", "swahili": "sw", "amharic": "am",
              "haitian creole": "ht", "russian": "ru", "german": "de", "italian": "it",
              "japanese": "ja", "farsi": "fa", "persian": "fa", "bengali": "bn", "punjabi": "pa",
              "somali": "so", "hebrew": "he", "turkish": "tr", "polish": "pl", "greek": "el"}
_SPEAKS = re.compile(r"\b(?:i speak|speaks?|hablo|habla|falo|parle|fluent in|escribo en|"
                     r"posts? in)\b|bilingüe|한국어 가능|\w+ (?:/|&) english|english (?:/|&) \w+")
_LANGUAGE = re.compile(r"(?<![-\w])(?:" + "|".join(sorted(_LANGUAGES, key=len, reverse=True))
                       + r")(?![-\w])|\ben/(fr|es|pt|ar)\b")


def may_state_background(lowered: str, found: AbstractSet[str] | None = None) -> bool:
    """A cheap first look: whether a lower-cased post could state its author's background.
    `found`: the strings of BACKGROUND_STRINGS (or more) in the text, if known."""
    if found is None:
        found = present(lowered, BACKGROUND_STRINGS)
    return _BACKGROUND_GATED.search(lowered, found)


def stated_background(bio: str | None, posts: Iterable[str] = ()) -> list[str]:
    """The background attributes and languages (`language:xx`) the author states about
    themselves: anywhere in their own bio, and in the first person in their posts."""
    found: list[str] = []
    low = (bio or "").lower()
    for name, pattern in _BACKGROUND:
        for match in pattern.finditer(low):
            if not _NEGATED.search(low, max(0, match.start() - 12), match.start()):
                found.append(name)
                break
    for part in re.split(r"[|.·\n]", low):
        if _SPEAKS.search(part):
            found += _languages(part)
    for text in posts:
        post = text.lower()
        if not may_state_background(post):
            continue
        for name, pattern in _BACKGROUND:
            for match in pattern.finditer(post):
                before = post[max(0, match.start() - 30):match.start()]
                if _FIRST_PERSON.search(before) and not _NEGATED.search(before):
                    found.append(name)
                    break
    return list(dict.fromkeys(found))


def _languages(part: str) -> list[str]:
    codes = []
    for match in _LANGUAGE.finditer(part):
        code = match.group(1) or _LANGUAGES[match.group()]
        codes.append(f"language:{code}")
    return codes
