"""The transparent rule layer: named cues a person can check.

Each cue is a pattern with what it suggests: a label, a call to action, an audience, or a hard
negative (a pattern of posts that use opportunity words without offering anything). Cues become
features of the statistical model, and the ones found in a post are part of its explanation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cue:
    name: str          # feature and explanation name, e.g. "cta:apply"
    says: str          # what it suggests, in words, for explanations
    pattern: re.Pattern[str]  # matched against lower-cased text
    triggers: tuple[str, ...]  # a match needs a word starting with one of these


def _cue(name: str, triggers: str, says: str, pattern: str) -> Cue:
    return Cue(name, says, re.compile(pattern), tuple(triggers.split()))


CUES: tuple[Cue, ...] = (
    # Calls to action: someone is asked to do something.
    _cue("cta:looking_for", "looking seeking searching recruit need want",
         "asks for people",
         r"\b(looking for|seeking|searching for|recruiting|need(ing)?|want(ed)?)\b.{0,40}?"
         r"\b(students?|residents?|trainees?|mentees?|volunteers?|help|premeds?|ms[1-4]s?|"
         r"people|folks|someone|anyone|applicants?|co-?authors?)\b"),
    _cue("cta:apply", "apply applica now accepting sign register submit nominat",
         "invites applications",
         r"\b(apply|applications? (are |is )?(now )?open|now accepting|accepting applications|"
         r"sign[ -]?up|register|submit (your|an?) (application|cv)|nominat(e|ions))\b"),
    _cue("cta:contact", "dm message email mail reach touch drop reply comment fill link inbox",
         "says how to respond",
         r"\b(dm me|dms? (are )?open|message me|email me|e-mail me|reach out|get in touch|"
         r"drop (me )?a (line|note)|reply (below|here)|comment below|fill (out|in)|"
         r"link in (bio|thread)|my inbox)\b"),
    _cue("cta:deadline",
         "deadline due apply clos until mon tues wednes thurs fri "
         "satur sun extended",
         "names a deadline",
         r"\b(deadline|due (by|on)?|apply by|closes?|closing|until|by (mon|tues|wednes|thurs|"
         r"fri|satur|sun)day|extended)\b"),
    _cue("cta:spots", "spot slot position place opening seat",
         "offers places",
         r"\b(\d+|a few|two|three|several|limited) (spots|slots|positions|places|openings|seats)\b"
         r"|\bspots? (left|available|open)\b"),
    # What is offered.
    _cue("offer:research",
         "case chart research data manuscript retrospective abstract "
         "systematic qi quality co",
         "offers research work",
         r"\b(case (report|series)|chart review|research (project|year|fellowship|opportunit\w*|"
         r"assistant|position)|data (collection|entry|analysis)|manuscript|retrospective|"
         r"abstract|systematic review|qi project|quality improvement|co-?author)\b"),
    _cue("offer:qna", "ama ask happy glad thrilled delighted willing eager here question office "
         "info webinar q panel virtual coffee",
         "offers to answer questions",
         r"\b(ama|ask me anything|(happy|glad|thrilled|delighted|willing|eager|here) to (answer|"
         r"chat|talk|help)|questions? about "
         r"(derm|dermatology|applying|the match|residency)|office hours|info(rmation)? session|"
         r"webinar|q ?& ?a|panel|virtual (chat|session)|coffee chats?)\b"),
    _cue("offer:peer",
         "spreadsheet google shared study accountab fellow mock "
         "personal wish tips peer",
         "shares peer resources",
         r"\b(spreadsheet|google sheets?|shared (doc|sheet)|study group|accountability|"
         r"fellow (ms[1-4]s?|applicants|students|residents|premeds)|mock interviews?|"
         r"personal statement|what i wish i knew|tips (for|from)|peer (mentor\w*|support))\b"),
    _cue("offer:program",
         "scholarship award grant clerkship visiting away vslo "
         "elective observership travel stipend mentorship mentoring "
         "fellowship cohort",
         "names a formal program",
         r"\b(scholarships?|awards?|grants?|clerkships?|visiting (student|rotation|elective)|"
         r"away rotations?|vslo|electives?|observerships?|travel (award|grant)|stipend|"
         r"mentorship program|mentoring program|fellowship program|cohort)\b"),
    _cue("offer:urim",
         "urim urm under snma lmsa anamsa black first minorit divers "
         "pipeline latin hispanic indigenous",
         "addresses under-represented trainees",
         r"\b(urim|urm|under-?represented|snma|lmsa|anamsa|black ?in ?derm|first[- ]gen(eration)?|"
         r"minority|diversity|pipeline|latin[ox]|hispanic|indigenous|black (students|trainees|"
         r"med students))\b"),
    _cue("offer:journal_club", "derm journal tweet live q1 q2 q3 q4 q5 q6 t1 t2 t3 t4 t5 t6 join",
         "announces a live journal club",
         r"\b(?:derm ?jc|journal club|tweet ?chat|live[- ]tweet|[qt][1-6])\b|"
         r"\bjoin us\b.{0,40}?\b(?:tonight|at \d|pm|et|pt)\b"),
    # The host's side of a live chat, whatever the specialty's hashtag: a numbered prompt (Q1,
    # T1) at the start of a line (with an answer line, A1:, it is a quiz), a welcome, or an
    # announcement with a day or time (not a thank-you or recap afterwards).
    _cue("offer:chat", "# journal tweet twitter welcome " +
         " ".join(f"{q}{n}" for q in "qt" for n in range(10)),
         "hosts a live chat",
         r"(?ms)\A(?!.*^\s*a\d{1,2}\s*[:.]).*?^\s*(?:@\w+\s+)*[qt]\d{1,2}\s*[:.)\-\u2013]|"
         r"\bwelcome (?:\w+ ){0,2}to (?:tonight'?s |today'?s |this month'?s |our |the )?"
         r"(?:#\w*(?:jc|journalclub|chat)\b|journal club|tweet ?chat|twitter chat)|"
         r"\A(?!.*\b(?:thanks?(?: you)?(?: all| everyone)? for (?:joining|coming|a great)|"
         r"great (?:chat|discussion)|recap|wrap(?:ped)?[- ]up)\b)"
         r"(?=.*(?:\bjournal ?club|\btweet ?chat|\btwitter chat|#\w*(?:jc|journalclub)\b))"
         r"(?=.*(?:\b(?:tonight|tomorrow|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b|"
         r"\b\d{1,2}(?::\d\d)? ?(?:am|pm|et|pt|ct|est|edt|pst|gmt|bst|utc)\b))"),
    _cue("offer:position",
         "postdoc post phd studentship research summer intern fellowship predoc pre graduate "
         "funded",
         "offers a research or training position",
         r"\b(?:post-?docs?|postdoctoral|phd (?:students?|positions?|candidates?|studentships?|"
         r"programm?es?|projects?|fellowships?|opportunit\w+|scholarships?)|funded phd|"
         r"studentships?|research (?:assistants?|associates?|fellows?|technicians?|"
         r"coordinators?|interns?|trainees?)|summer (?:research|schools?|programm?es?|"
         r"internships?|students?)|internships?|pre-?doctoral|graduate (?:students?|"
         r"programm?es?|positions?|research)|fellowships?)\b"),
    _cue("offer:advice",
         "make don remember be reach consider you my pro here how tip avoid ask",
         "gives advice to act on",
         r"\b(?:make sure|don'?t forget|remember to|be sure to|reach out to|consider|you should|"
         r"you'll want|my advice|pro[- ]tips?|here'?s how|how to|tips? (?:for|on)|avoid|ask "
         r"(?:your|the|for|about))\b|\btips?:"),
    # Audiences.
    _cue("aud:student", "ms m1 m2 m3 m4 med student premed pre undergrad",
         "addresses students",
         r"\b(ms[1-4]s?|m[1-4]s?|med(ical)? students?|students?|premeds?|pre-meds?|"
         r"undergrads?)\b"),
    _cue("aud:resident", "pgy resident fellow r1 r2 r3 r4",
         "addresses residents", r"\b(pgy-?[1-5]|residents?|fellows?|r[1-4])\b"),
    _cue("aud:img", "img international foreign",
         "addresses international graduates",
         r"\b(imgs?|international (medical )?graduates?|foreign medical)\b"),
    # Hard negatives: opportunity words without an offer.
    _cue("neg:closed",
         "spot position role applica longer clos thank we all is are s team group cohort "
         "circle form round sheet match found got have wrap fill full",
         "says the call is filled or closed",
         r"\b(spots? (are |have been )?(all )?(filled|taken)|(position|role|spot)s? (has been |"
         r"is )?(filled|taken)|applications? (are |is )?(now )?closed|no longer accepting|"
         r"(is|are|'s) (now )?(closed|full)|thanks? (to )?(all|everyone) who (applied|reached "
         r"out|signed up|emailed|messaged|wrote)|closing this|we'?re full|all (filled|full)|"
         r"(team|group|cohort|circles?|form|round|match) (is |are )?(now )?(full|closed|"
         r"complete)|found (our|my|two|someone|a great)\b|(got|have) our (students?|two|pair|"
         r"mentees?)|that'?s a wrap|filled,? thank)\b|^closed\b"),
    _cue("neg:thanks_mentor", "thank grateful shout mentor",
         "thanks a mentor",
         r"\b(thank(s| you) (to )?(my|our) (mentors?|pi|attendings?)|grateful (to|for) (my|"
         r"our) mentors?|shout ?out to (my|our) mentors?|my mentor (taught|showed|believed))\b"),
    _cue("neg:new_research", "new study research recruiting trial patients according",
         "reports research findings",
         r"\b(new (study|research|data|paper) (shows|finds|suggests)|study (finds|shows|"
         r"suggests)|researchers found|according to a new|recruiting patients|trial (is )?"
         r"recruiting|patients (needed|wanted))\b"),
    _cue("neg:sunscreen", "apply reapply sunscreen spf two",
         "is about applying skin products",
         r"\b((re)?apply(ing)? (your )?(sunscreen|spf|moisturi[sz]er|cream|ointment)|"
         r"sunscreen application|spf ?\d+|two[- ]finger)\b"),
    _cue("neg:case_quiz", "what dx name guess answer derm",
         "is a case quiz",
         r"\b(?:what'?s (?:your|the) (?:dx|diagnosis)|dx\?|name (?:that|this) (?:rash|lesion)|"
         r"guess the|answer (?:tomorrow|in the replies)|derm(?:quiz|dx))"),
    _cue("neg:paper", "paper article study review published online doi check now",
         "promotes a paper",
         r"\b((our|my) (new )?(paper|article|study|review) (is )?(out|published|online|live)|"
         r"just published|now (out|online) in|check out our (paper|article)|doi\.org)\b"),
    _cue("neg:match", "match going",
         "celebrates a match",
         r"#match20\d\d|\b(?:i matched|matched (?:into|at|to)|match day|"
         r"going to be a dermatologist)\b"),
    _cue("neg:job_ad", "hiring job join bc board seeking position competitive",
         "advertises a job for dermatologists",
         r"\b(hiring|now hiring|job opening|join our (practice|team|group)|bc/be|"
         r"board[- ]certified dermatologist (wanted|needed)|seeking a (board|bc)|"
         r"(pa|np|dermatologist) position|competitive (salary|compensation))\b"),
    _cue("neg:brand", "off ad sponsored use giveaway shop new buy",
         "advertises a product",
         r"\d% off\b|#(?:ad|sponsored)\b|\b(?:use (?:my |our )?code|giveaway|shop (?:now|the)|"
         r"new (?:serum|cleanser|formula|product)|buy)\b"),
    _cue("neg:conference", "aad annual see booth poster exhibit just plenary",
         "is conference chatter",
         r"#aad\d\d|\b(?:annual meeting|see you at|booth|poster hall|exhibit hall|just landed|"
         r"plenary)\b"),
    _cue("neg:conference_tag", "#", "tags a meeting of a year", r"#[a-z]+20[12]\d\b"),
    _cue("neg:clinical",
         "pearl differential ddx patho mechanism treat patient mg dose dosing diagnos troponin "
         "ischemi tweetorial case",
         "teaches clinical medicine",
         r"\b(?:pearls?|differential|ddx|pathophysiolog\w*|mechanisms?|treat(?:ment|ed|ing)?|"
         r"patients?|\d+ ?mg|doses?|dosing|diagnos(?:is|ed|tic)|troponin|ischemi\w*|tweetorial|"
         r"case (?:of|presentation))\b"),
    _cue("neg:opinion", "mentorship mentors hot unpopular reminder",
         "is an opinion about mentorship",
         r"\b(mentorship (is|isn't|should|matters)|mentors (should|shouldn't|are)|hot take|"
         r"unpopular opinion|reminder that)\b"),
)


_WORD = re.compile(r"\w+")
_BY_START: dict[str, list[tuple[str, int]]] = {}
_BY_SYMBOL: dict[str, list[int]] = {}  # a trigger that is not a word: a character in the text
for _index, _c in enumerate(CUES):
    for _trigger in _c.triggers:
        if _trigger.isalnum():
            _BY_START.setdefault(_trigger[:3], []).append((_trigger, _index))
        else:
            _BY_SYMBOL.setdefault(_trigger, []).append(_index)


def cues_in(text: str) -> list[Cue]:
    """The cues whose pattern occurs in the text. Only cues with a trigger word in the text are
    tried, which keeps this fast; a test checks that the triggers never hide a match."""
    lowered = text.lower()
    candidates = {i for symbol, cues in _BY_SYMBOL.items() if symbol in lowered for i in cues}
    for word in set(_WORD.findall(lowered)):
        for size in (1, 2, 3):
            for trigger, index in _BY_START.get(word[:size], ()):
                if word.startswith(trigger):
                    candidates.add(index)
    return [CUES[i] for i in sorted(candidates) if CUES[i].pattern.search(lowered)]


@dataclass(frozen=True, slots=True)
class Convention:
    """A labelling convention of taxonomy.md that decides a label by itself: a post it matches
    has the label whatever the model's scores say."""

    name: str
    label: str
    says: str
    needs: tuple[str, ...]  # one of these (lower-case) must be in the text for a match
    pattern: re.Pattern[str]


_TRAINEES = r"(?:students?|trainees?|residents?|applicants?|premeds?|pre-meds?|mentees?|ms[1-4]s?)"
CONVENTIONS: tuple[Convention, ...] = (
    Convention("offer_to_help", "specialty_information", "offers to help trainees",
               ("to help", "to answer"),
               re.compile(r"\b(?:happy|glad|thrilled|delighted|willing|eager) to (?:help|answer)"
                          r"\b.{0,60}\b(?:" + _TRAINEES + r"|colleagues)\b",
                          re.I | re.S)),
    Convention("shared_spreadsheet", "peer_mentorship", "shares a spreadsheet with trainees",
               ("sheet",), re.compile(r"\b(?:check out|here(?:'s| is)|sharing)\b.{0,40}"
                          r"\b(?:spreadsheets?|google sheets?)\b", re.I | re.S)),
    Convention("urim_mentor_signup", "urim_outreach",
               "asks people to sign up for under-represented students",
               ("fill out", "sign"),
               re.compile(r"\b(?:urim|urm|snma|lmsa|under-?represented|minority)\b.{0,80}"
                          r"\b(?:fill out|sign[- ]?up)\b|\b(?:fill out|sign[- ]?up)\b.{0,80}"
                          r"\b(?:urim|urm|snma|lmsa|under-?represented|minority)\b",
                          re.I | re.S)),
    Convention("student_wanted", "research_collaboration",
               "asks for a student to join a project",
               ("looking for", "seeking", "recruiting"),
               re.compile(r"\b(?:looking for|seeking|recruiting)\b.{0,60}\b" + _TRAINEES +
                          r"\b.{0,100}\b(?:project|research|case reports?|chart reviews?|"
                          r"manuscripts?)\b", re.I | re.S)),
)


def convention_labels(text: str) -> list[Convention]:
    """The conventions a post's text matches (each tried only when a word it needs is there,
    which keeps this cheap)."""
    lowered = text.lower()
    return [c for c in CONVENTIONS if any(word in lowered for word in c.needs)
            and c.pattern.search(text)]
