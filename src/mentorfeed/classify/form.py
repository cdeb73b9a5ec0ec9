"""The form of an opportunity (taxonomy.md): a `call` to respond to, an `event` at a set time, or
a `resource` to read or use now. Read from the post's labels, words and links.

Readings chosen where a post is ambiguous (tests/classify/test_form.py shows each):
- A journal club is an event, whatever else it says: joining means showing up at its hour.
- An explicit invitation to respond (sign up, DM me, email, fill in the form, "looking for"; and
  "apply" in a research, program or outreach post, not in advice about applying) makes a call,
  even when the post also names an info session or links a guide: the act asked for decides.
- Otherwise a session (webinar, info session, AMA, Q&A night, panel, "join us ... 8pm") makes an
  event, and advice, a thread, a spreadsheet, a guide or a list makes a resource.
- With none of these, the kinds decide: research, programs and outreach are calls; information
  and peer help are resources (advice is their usual shape).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["find_form"]

_CALL = re.compile(
    r"\b(?:applications? (?:are |is )?(?:now )?open|accepting (?:applications|mentees|"
    r"students)|now accepting|sign[ -]?up|register (?:here|now|at|by|for (?:the|our) (?:program|"
    r"cohort))|nominat(?:e|ions)|submit (?:your|an?)|deadline|due (?:by|on)|apply by|"
    r"dms? (?:are |r )?open|dm me|(?:message|email|e-mail) me|reach out|get in touch|"
    r"drop (?:me )?a (?:line|note)|fill (?:out|in)|interested\?|if (?:you(?:'re| are)|anyone is)"
    r" interested|looking for (?:a |an |two |three |\d+ )?(?:(?:junior|senior|motivated|"
    r"medical|med|premed|undergrad\w*|pre-med|dermatology|derm) )*(?:students?|residents?|"
    r"trainees?|mentees?|volunteers?|research assistants?|co-?authors?|ms[1-4]s?|"
    r"applicants?|someone|people)|seeking (?:a |an )?(?:students?|residents?|trainees?|"
    r"mentees?|research)|recruiting (?:students|trainees|research)|we(?:'re| are) hiring|"
    r"(?:positions?|spots?|openings?) (?:available|open)|open positions?|join (?:our|my) "
    r"(?:lab|team|group|research)|(?:happy|glad|thrilled|willing|here) to (?:help|mentor|connect|"
    r"chat|answer))\b", re.I)
_EVENT = re.compile(
    r"\b(?:webinar|info(?:rmation(?:al)?)? sessions?|open house|office hours|ama|ask me "
    r"anything|q ?& ?a (?:session|night|panel|tonight|today|tomorrow)|panel(?: discussion)?|"
    r"tweet ?chat|twitter chat|live[- ]?tweet|live (?:session|event|chat|q&a)|town ?hall|"
    r"virtual (?:session|event|meet(?:ing|-?up)|chat|fair)|workshop|symposium|"
    r"(?:join|see) us (?:tonight|tomorrow|on|at|this|next|live)|tonight at|tomorrow at|"
    r"\d{1,2}(?::\d\d)? ?(?:am|pm) ?(?:et|est|edt|ct|cst|cdt|pt|pst|pdt|mt|gmt|bst|cet)?|"
    r"zoom|#\w*jc|journal club|\b[qt]1\b)", re.I)
_RESOURCE = re.compile(
    r"(?:\U0001f9f5|\bthread\b|^\s*1/|\b1/\d*\s*$|\(1/\d+\)|\btips?\b|\badvice\b|\bguides?\b|"
    r"\bspreadsheet|\bgoogle (?:sheet|doc)|\bresources?\b|\blist of\b|\bhere(?:'s| is| are) "
    r"(?:what|how|my|some|a few)\b|\bwhat i (?:wish|learned)\b|\blessons?\b|\bcheck out\b|"
    r"\bread\b|\btoolkit\b|\bcheat ?sheet|\bpodcast\b|\bepisode\b|\bblog post\b|\bfaqs?\b|"
    r"\bdo(?:'s)? and don'?ts\b|\bpro tip\b|\bhow to\b|\bprimer\b|\btweetorial\b)", re.I)
_APPLY = re.compile(r"\bapply\b", re.I)  # a call for programs; in advice, about applying
_CALL_KINDS = ("research_collaboration", "program_application", "urim_outreach")


def find_form(text: str, labels: Sequence[str], link_kinds: Sequence[str] = ()) -> str | None:
    """`call`, `event` or `resource` for an opportunity; None for a post with no label."""
    if not labels:
        return None
    if "journal_club" in labels:
        return "event"
    calls = any(name in _CALL_KINDS for name in labels)
    if _CALL.search(text) or "form" in link_kinds or (calls and _APPLY.search(text)):
        return "call"
    if _EVENT.search(text):
        return "event"
    if _RESOURCE.search(text) or "spreadsheet" in link_kinds:
        return "resource"
    return "call" if calls else "resource"
