"""Compare the second annotator's labels with the gold labels in corpus/posts/*.yaml.

Reads corpus/agreement/second_annotator.jsonl (one line per sampled key) and the gold records,
prints agreement figures, and writes corpus/agreement/disagreements.md. Standard library + PyYAML.

Figures:
- per label: Cohen's kappa and F1 (gold as reference), over all sampled posts;
- opportunity vs not (labels non-empty or empty): Cohen's kappa;
- exact-match rate of the label sets;
- deadline: among posts where both annotators give a deadline, the share with the same ISO date
  (plus how often only one of them gives one);
- audience and contact: mean Jaccard over posts both annotators call opportunities
  (two empty sets count as 1.0).

Usage: python corpus/agreement/compare.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent
sys.path.insert(0, str(CORPUS))
from records import LABELS  # noqa: E402  (the corpus tooling's one list of labels)

# The second annotator's adjudication, written after reading each disagreement: which reading
# seems right, and why. Keys without a note get "(no note)".
NOTES: dict[str, str] = {
    # label-set disagreements
    "g1-p028": "Gold reads better: a PGY-2 who just went through the IMG research-year route is a "
    "near-peer, and taxonomy.md counts residents' support for applicants as peer_mentorship. "
    "(Gold is not consistent here: g2-p052 and g5-p268, similar resident Q&A offers, are "
    "specialty_information only in gold.)",
    "g1-p056": "Gold reads better for the same reason: a chief resident answering away-rotation "
    "questions is application tips from a recent applicant (peer_mentorship) as well as a Q&A offer.",
    "g2-p010": "Second reads closer to taxonomy.md: no project or research opening is offered, only "
    "an open inbox for students curious about research; research_collaboration asks for a chance "
    "to join research. Gold's extra label is defensible only via the bio ('research inbox is open').",
    "g2-p290": "Gold reads better: a one-to-one reply inviting one MS1 to a slide session, which is "
    "clinical teaching (excluded from specialty_information), not an open offer.",
    "g3-p247": "Second reads slightly better: the host announces that a resident joins the "
    "open Sunday applicant sessions and tells applicants to bring questions, an invitation to a "
    "peer session like g3-p245 (labelled in gold); but it gives no way to join, so chatter is "
    "defensible.",
    "g4-p291": "Gold reads better in context: the original call (not in the sample file) is an "
    "application with a written paragraph and project matching, so program_application applies; "
    "the reply alone does not show it.",
    "g6-p190": "Either: the post says only 'Shadowing applications: <link>'; urim_outreach comes "
    "from the author's bio (an org pairing URiM/first-gen/LGBTQ+ students). taxonomy.md does not "
    "say whether an organisation's bio may supply a label; gold takes the literal reading.",
    "g7-p268": "Gold reads better: the post explicitly offers monthly meetings that 'double as career "
    "advice for anyone eyeing med-derm', an offer of specialty advice alongside the research call.",
}

# Notes on audience/contact differences among posts both annotators call opportunities.
EXTRACT_NOTES: dict[str, str] = {
    "g7-p224": "'same link' refers to a sheet link not in this text; gold carries it over, second "
    "took the text literally. Either.",
    "g2-p063": "Gold better: the sheet gains a column on whether positions take IMGs.",
    "g2-p105": "Second better: gold gives `reply` to the other Q prompts in the sample "
    "(g7-p279, g5-p125, g4-p108, g1-p128) but not to this one.",
    "g3-p263": "Gold better: the live Q&A after the chat is answered by replying.",
    "g7-p210": "Either: 'paths into pediatric dermatology (derm residency vs peds first)' plausibly "
    "speaks to pediatrics residents too; the text says 'students'.",
    "g6-p190": "Follows the label disagreement; the post states no audience (gold literal).",
    "g4-p013": "Gold defensible: 'Apply through VSLO' is an online application, counted as link.",
    "g5-p239": "Gold better: the link is the paper, not how to respond.",
    "g7-p036": "Gold defensible: 'Latinx and first-gen students' need not be medical students.",
    "g5-p304": "Gold better: the Q&A happens in the chat, i.e. by replying.",
    "g5-p301": "Gold better: 'student to student' from an MS4.",
    "g4-p025": "Gold better: the offer is to LMSA members, a URiM cue in taxonomy.md.",
    "g1-p128": "Gold defensible: 'Trainees especially' covers students and residents.",
    "g6-p251": "Gold defensible on contact (a live chat is joined by replying); the text addresses "
    "students only, so `resident` comes from the resident-run organisation's bio.",
    "g4-p014": "'Same process' inherits the original call's link; gold carries it over, second "
    "took the text literally.",
    "g4-p291": "Gold carries `form` over from the original call (not visible in the sample).",
    "g5-p176": "Gold better: 'come hang out' in a reply thread means answering there.",
    "g1-p056": "Gold defensible: 'send me your questions' can mean DMs as well as replies.",
}


def load_gold() -> dict[str, dict]:
    gold: dict[str, dict] = {}
    for path in sorted((CORPUS / "posts").glob("*.yaml")):
        for rec in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            gold[rec["key"]] = rec
    return gold


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def kappa(a: list[bool], b: list[bool]) -> float:
    n = len(a)
    po = sum(x == y for x, y in zip(a, b, strict=False)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return 1.0 if pe == 1 else (po - pe) / (1 - pe)


def prf(gold: list[bool], pred: list[bool]) -> tuple[float, float, float, int, int, int]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=False))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=False))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=False))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1, tp, fp, fn


def jaccard(a: set, b: set) -> float:
    return 1.0 if not a and not b else len(a & b) / len(a | b)


def fmt_extract(ex: dict) -> str:
    parts = []
    for k in ("deadline", "audience", "contact"):
        if ex.get(k):
            v = ex[k]
            parts.append(f"{k}={','.join(v) if isinstance(v, list) else v}")
    return "; ".join(parts) or "-"


def main() -> None:
    gold = load_gold()
    sample = {r["key"]: r for r in load_jsonl(HERE / "sample.jsonl")}
    second = load_jsonl(HERE / "second_annotator.jsonl")
    keys = [r["key"] for r in second]
    assert set(keys) == set(sample), "second_annotator.jsonl must cover exactly the sample"
    sec = {r["key"]: r for r in second}

    g_sets = {k: set(gold[k].get("labels") or []) for k in keys}
    s_sets = {k: set(sec[k]["labels"]) for k in keys}
    n = len(keys)

    print(
        f"posts compared: {n} (gold opportunities {sum(bool(g_sets[k]) for k in keys)}, "
        f"second annotator's {sum(bool(s_sets[k]) for k in keys)})"
    )
    print()
    print(f"{'label':24} {'gold':>4} {'2nd':>4} {'kappa':>6} {'P':>5} {'R':>5} {'F1':>5}")
    for lab in LABELS:
        g = [lab in g_sets[k] for k in keys]
        s = [lab in s_sets[k] for k in keys]
        p, r, f1, *_ = prf(g, s)
        print(f"{lab:24} {sum(g):4d} {sum(s):4d} {kappa(g, s):6.3f} {p:5.2f} {r:5.2f} {f1:5.2f}")
    # micro-averaged over all label decisions
    g_all = [lab in g_sets[k] for k in keys for lab in LABELS]
    s_all = [lab in s_sets[k] for k in keys for lab in LABELS]
    p, r, f1, *_ = prf(g_all, s_all)
    print(
        f"{'(micro over labels)':24} {sum(g_all):4d} {sum(s_all):4d} {'':6} {p:5.2f} {r:5.2f} {f1:5.2f}"
    )
    print()

    g_opp = [bool(g_sets[k]) for k in keys]
    s_opp = [bool(s_sets[k]) for k in keys]
    agree_opp = sum(a == b for a, b in zip(g_opp, s_opp, strict=False))
    print(
        f"opportunity vs not: kappa {kappa(g_opp, s_opp):.3f}, "
        f"raw agreement {agree_opp}/{n} ({agree_opp / n:.1%})"
    )
    exact = sum(g_sets[k] == s_sets[k] for k in keys)
    both_opp = [k for k in keys if g_sets[k] and s_sets[k]]
    exact_opp = sum(g_sets[k] == s_sets[k] for k in both_opp)
    print(
        f"exact label-set match: {exact}/{n} ({exact / n:.1%}); among posts both call "
        f"opportunities: {exact_opp}/{len(both_opp)} ({exact_opp / max(len(both_opp), 1):.1%})"
    )
    print()

    def ex(k: str, who: str) -> dict:
        return (gold[k].get("extract") or {}) if who == "gold" else (sec[k].get("extract") or {})

    both_dl = [
        k for k in both_opp if ex(k, "gold").get("deadline") and ex(k, "2nd").get("deadline")
    ]
    same_dl = [
        k for k in both_dl if str(ex(k, "gold")["deadline"]) == str(ex(k, "2nd")["deadline"])
    ]
    only_gold = [
        k for k in both_opp if ex(k, "gold").get("deadline") and not ex(k, "2nd").get("deadline")
    ]
    only_2nd = [
        k for k in both_opp if ex(k, "2nd").get("deadline") and not ex(k, "gold").get("deadline")
    ]
    print(
        f"deadline: same ISO date in {len(same_dl)}/{len(both_dl)} posts where both give one"
        f"{f' ({len(same_dl) / len(both_dl):.1%})' if both_dl else ''}; "
        f"only gold gives one: {len(only_gold)}, only second: {len(only_2nd)} "
        f"(over {len(both_opp)} posts both call opportunities)"
    )
    for field in ("audience", "contact"):
        js = [
            jaccard(set(ex(k, "gold").get(field) or []), set(ex(k, "2nd").get(field) or []))
            for k in both_opp
        ]
        exact_f = sum(j == 1.0 for j in js)
        print(
            f"{field}: mean Jaccard {sum(js) / len(js):.3f} over {len(js)} posts both call "
            f"opportunities; identical sets in {exact_f}"
        )

    # ---- disagreements.md
    label_dis = [k for k in keys if g_sets[k] != s_sets[k]]
    dl_dis = [k for k in both_dl if k not in same_dl] + only_gold + only_2nd
    out = [
        "# Second-annotator disagreements",
        "",
        "Written by `corpus/agreement/compare.py`. The sample is `sample.jsonl` (300 posts, seed "
        "2026, stratified 100 gold opportunities / 200 gold non-opportunities); the second "
        "annotator labelled it from the post text, author bio/role and parent text only, without "
        "seeing the gold. *Note* is the second annotator's view, after comparing, of which reading "
        "follows `shared/design/taxonomy.md` better.",
        "",
        "Caveat: before annotating, the second annotator glanced at the first records of "
        "`corpus/posts/g1-a.yaml` to learn the format, and so saw the gold of g1-p001 (a plain "
        "advocacy post, labelled `[]` by both). No other gold in the sample was seen before the "
        "annotations were written.",
        "",
        f"## Label-set disagreements ({len(label_dis)})",
        "",
    ]
    for k in sorted(label_dis):
        g, s = gold[k], sec[k]
        text = " ".join(sample[k]["text"].split())
        out += [
            f"### {k} ({g.get('kind')})",
            "",
            f"> {text}",
            "",
        ]
        if sample[k].get("reply_to_text"):
            out += [f"Replying to: _{' '.join(sample[k]['reply_to_text'].split())}_", ""]
        out += [
            f"- gold: `{sorted(g_sets[k]) or '[]'}` ({fmt_extract(g.get('extract') or {})})",
            f"- second: `{sorted(s_sets[k]) or '[]'}` ({fmt_extract(s.get('extract') or {})})",
            f"- note: {NOTES.get(k, '(no note)')}",
            "",
        ]
    ex_dis = []
    for k in both_opp:
        diffs = []
        for field in ("audience", "contact"):
            g_f = set(ex(k, "gold").get(field) or [])
            s_f = set(ex(k, "2nd").get(field) or [])
            if g_f != s_f:
                diffs.append(f"{field}: gold `{sorted(g_f)}`, second `{sorted(s_f)}`")
        if diffs:
            ex_dis.append((k, diffs))
    out += [
        f"## Audience/contact differences among shared opportunities ({len(ex_dis)})",
        "",
    ]
    for k, diffs in sorted(ex_dis):
        out += [
            f"- **{k}**: {'; '.join(diffs)}. {EXTRACT_NOTES.get(k, '(no note)')}",
        ]
    out += [""]
    out += [f"## Deadline disagreements among shared opportunities ({len(dl_dis)})", ""]
    for k in sorted(dl_dis):
        text = " ".join(sample[k]["text"].split())
        out += [
            f"### {k}",
            "",
            f"> {text}",
            "",
            f"- post date: {sample[k]['date'][:10]}",
            f"- gold deadline: {ex(k, 'gold').get('deadline', '-')}; second: "
            f"{ex(k, '2nd').get('deadline', '-')}",
            f"- note: {NOTES.get(k, '(no note)')}",
            "",
        ]
    (HERE / "disagreements.md").write_text("\n".join(out), encoding="utf-8")
    print()
    print(
        f"wrote corpus/agreement/disagreements.md: {len(label_dis)} label-set disagreements, "
        f"{len(dl_dis)} deadline disagreements"
    )


if __name__ == "__main__":
    main()
