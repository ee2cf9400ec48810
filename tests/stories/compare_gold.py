"""Hand-aligned sentences of several outlets' reports, to measure the fact alignment of
``stories.compare`` (precision, recall and F1 of the sentence pairs put in one row).

Cases: the eight events of the stories development set told by two outlets or more
(``babelwire/evaluate/data/stories-dev/written.json``: French reports with their English
translations, compared with English reports through the English text; the two French reports of
the NATO–Russia Council with each other in French where both have the original sentence), and the
demo's two French reports of that meeting (``babelwire/demo/pages``), compared in French.

A gold *group* is a set of sentences (one per report at most) that report the same thing; a pair
inside a group is a pair the alignment should make. *Tolerated* pairs report overlapping facts
(two sentences of one outlet both saying part of what one sentence of the other says): making
them or not counts neither way. Sentences are named by their report and a piece of their text.

    python -m tests.stories.compare_gold     # the threshold sweep quoted in the README
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from babelwire.stories import compare
from babelwire.stories.compare import Report, Sentence, compare_reports

ROOT = Path(__file__).resolve().parents[2]
WRITTEN = ROOT / "babelwire" / "evaluate" / "data" / "stories-dev" / "written.json"
DEMO = ROOT / "babelwire" / "demo" / "pages"

Ref = tuple[str, str]  # (report id, a piece of the sentence's text)


@dataclass(frozen=True)
class Case:
    name: str
    reports: list[Report]
    ids: dict[int, str]  # report key → report id
    groups: list[list[Ref]]
    tolerated: list[tuple[Ref, Ref]]


def _document(title: str, text: str) -> dict:
    return {"title": title, "blocks": [{"type": "paragraph", "text": p} for p in text.split("\n\n") if p.strip()]}


def written_reports(group: str) -> tuple[list[Report], dict[int, str]]:
    """The development set's reports of one event, oldest first, as ``compare`` takes them: a
    French report's original text and its English translation, an English report's text."""
    items = sorted((a for a in json.loads(WRITTEN.read_text(encoding="utf-8")) if a["group"] == group),
                   key=lambda a: a["published"])
    reports = []
    for key, a in enumerate(items):
        translated = _document(a["translated_title"], a["translated_text"]) if a.get("translated_text") else None
        reports.append(Report(key=key, outlet=a["source"], language=a["language"], published=a["published"],
                              original=_document(a["title"], a["text"]), translated=translated, target="en"))
    return reports, {key: a["id"] for key, a in enumerate(items)}


def demo_reports() -> tuple[list[Report], dict[int, str]]:
    """The demo's two French reports of the NATO–Russia Council (the updated version of the first),
    extracted as the pipeline extracts them."""
    from babelwire.extract import extract_document

    reports = []
    for key, (name, outlet, published) in enumerate((
        ("courrier/otan-russie-divergences.v2.html", "Le Courrier d'Europe", "2022-01-12T17:40:00+01:00"),
        ("infomonde/otan-russie-dialogue.html", "Info Monde", "2022-01-12T18:55:00+01:00"),
    )):
        document = extract_document((DEMO / name).read_text(encoding="utf-8"), language="fr").to_dict()
        reports.append(Report(key=key, outlet=outlet, language="fr", published=published, original=document,
                              translated=None, target="en"))
    return reports, {0: "courrier", 1: "infomonde"}


def cases() -> list[Case]:
    found = []
    nato, nato_ids = written_reports("nato-russia-brussels")
    found.append(Case("NATO–Russia Council (dev set)", nato, nato_ids, groups=[
        [("nato-rfi", "Moscow stuck to its positions"), ("nato-wire", "ended four hours of talks"),
         ("nato-rt", "recalled Moscow’s key proposal")],
        [("nato-rt", "revealed a number of differences"), ("nato-rfi", "revealed a great number of differences")],
        [("nato-rfi", "major differences were noted"), ("nato-wire", "There are significant differences")],
        [("nato-kyiv", "would not slam the door"), ("nato-euobs", "We will not allow anyone to slam")],
    ], tolerated=[
        (("nato-rt", "After a Russia-NATO meeting"), ("nato-rfi", "Moscow stuck to its positions")),
        (("nato-rt", "After a Russia-NATO meeting"), ("nato-wire", "ended four hours of talks")),
        (("nato-rt", "After a Russia-NATO meeting"), ("nato-euobs", "We will not allow anyone to slam")),
        (("nato-euobs", "We will not allow anyone to slam"), ("nato-wire", "ended four hours of talks")),
        (("nato-euobs", "We will not allow anyone to slam"), ("nato-rfi", "Moscow stuck to its positions")),
        (("nato-euobs", "We will not allow anyone to slam"), ("nato-rt", "recalled Moscow’s key proposal")),
        (("nato-rfi", "Explained Jens Stoltenberg"), ("nato-wire", "There are significant differences")),
        (("nato-rt", "We will not let this happen"), ("nato-kyiv", "would not slam the door")),
        (("nato-euobs", "non-starters"), ("nato-kyiv", "would not slam the door")),
    ]))
    for group, groups, tolerated in (
        ("us-russia-geneva", [
            [("geneva-wire", "nearly eight hours of talks"), ("geneva-f24", "ended a long day of discussions")],
            [("geneva-wire", "difficult, long and very professional"), ("geneva-f24", "difficult, long, very")],
        ], [(("geneva-dw", "no reason for optimism"), ("geneva-f24", "difficult, long, very")),
            (("geneva-f24", "led by Wendy Sherman"), ("geneva-wire", "difficult, long and very professional"))]),
        ("osce-vienna", [], []),
        ("ukraine-cyberattack", [
            [("cyber-wire", "massive cyberattack hit"), ("cyber-fr", "targeted by a massive cyberattack")],
            [("cyber-wire", "no personal data had been leaked"), ("cyber-fr", "no personal data had leaked")],
        ], [(("cyber-eu", "condemned the cyberattack"), ("cyber-wire", "massive cyberattack hit")),
            (("cyber-eu", "condemned the cyberattack"), ("cyber-fr", "targeted by a massive cyberattack"))]),
        ("partygate-apology", [
            [("party-wire", "apologised to parliament"), ("party-fr", "apologised to Parliament")],
            [("party-wire", "I want to apologise"), ("party-fr", "I want to apologise")],
            [("party-wire", "Keir Starmer called"), ("party-fr", "Keir Starmer, called")],
        ], [(("party-ross", "should resign"), ("party-wire", "Keir Starmer called")),
            (("party-ross", "should resign"), ("party-fr", "Keir Starmer, called")),
            (("party-ross", "should resign"), ("party-wire", "apologised to parliament")),
            (("party-ross", "should resign"), ("party-fr", "apologised to Parliament")),
            (("party-ross", "following his apology"), ("party-wire", "I want to apologise")),
            (("party-ross", "following his apology"), ("party-fr", "I want to apologise")),
            (("party-ross", "following his apology"), ("party-wire", "apologised to parliament")),
            (("party-ross", "following his apology"), ("party-fr", "apologised to Parliament"))]),
        ("djokovic-visa", [
            [("djoko-wire", "cancelled tennis star"), ("djoko-fr", "cancelled Novak Djokovic's visa")],
            [("djoko-wire", "now faces deportation"), ("djoko-fr", "faces expulsion")],
            [("djoko-fr", "announced an appeal"), ("djoko-court", "launched a challenge")],
        ], [(("djoko-court", "launched a challenge"), ("djoko-wire", "cancelled tennis star")),
            (("djoko-court", "launched a challenge"), ("djoko-fr", "cancelled Novak Djokovic's visa")),
            (("djoko-court", "launched a challenge"), ("djoko-wire", "now faces deportation"))]),
        ("france-teachers-strike", [
            [("teach-fr", "Teachers went on strike"), ("teach-en", "Tens of thousands of French teachers")],
        ], [(("teach-fr", "75% of primary school"), ("teach-en", "Tens of thousands of French teachers")),
            (("teach-castex", "received the teachers' unions"), ("teach-fr", "Teachers went on strike")),
            (("teach-castex", "received the teachers' unions"), ("teach-en", "Tens of thousands of French")),
            (("teach-castex", "said Education Minister"), ("teach-en", "Unions said Education Minister"))]),
        ("edf-price-cap", [
            [("edf-en", "Shares in French utility"), ("edf-fr", "To limit the rise in electricity bills")],
            [("edf-en", "20 terawatt hours"), ("edf-fr", "20 terawatt hours")],
        ], [(("edf-fr", "heavy blow"), ("edf-en", "20 terawatt hours")),
            (("edf-fr", "heavy blow"), ("edf-en", "Shares in French utility"))]),
        ("kazakhstan-withdrawal", [
            [("kaz-en", "began leaving Kazakhstan"), ("kaz-fr", "began their withdrawal")],
        ], [(("kaz-fr", "unrest that shook"), ("kaz-en", "began leaving Kazakhstan"))]),
    ):
        reports, ids = written_reports(group)
        found.append(Case(group, reports, ids, groups, tolerated))
    demo, demo_ids = demo_reports()
    found.append(Case("NATO–Russia Council (demo, French)", demo, demo_ids, groups=[
        [("courrier", "a « révélé un grand nombre de divergences"), ("infomonde", "Pendant plusieurs heures")],
        [("courrier", "rappelé la proposition centrale"), ("infomonde", "Moscou a campé sur ses positions")],
        [("courrier", "réclamé le retrait des forces"), ("infomonde", "rejeté la demande russe de retrait")],
    ], tolerated=[
        (("courrier", "la conversation avec les représentants"), ("infomonde", "Pendant plusieurs heures")),
        (("courrier", "À l'issue d'une réunion"), ("infomonde", "Moscou a campé sur ses positions")),
        (("courrier", "À l'issue d'une réunion"), ("infomonde", "avait prévenu dès la veille")),
        (("courrier", "rappelé la proposition centrale"), ("infomonde", "avait prévenu dès la veille")),
        (("courrier", "des projets de traités"), ("infomonde", "avait prévenu dès la veille")),
        (("courrier", "des projets de traités"), ("infomonde", "Moscou a campé sur ses positions")),
        (("courrier", "élargissements successifs"), ("infomonde", "refuse surtout que l'élargissement")),
        (("courrier", "élargissements successifs"), ("infomonde", "perspective d'adhésion")),
        (("courrier", "rappelé la proposition centrale"), ("infomonde", "fin de non-recevoir")),
        (("courrier", "À l'issue d'une réunion"), ("infomonde", "fin de non-recevoir")),
    ]))
    return found


def _text(sentence: Sentence) -> str:
    return sentence.translated or sentence.original or ""


def find(sentences: Sequence[Sentence], ids: dict[int, str], ref: Ref) -> Sentence:
    """The one sentence a reference names."""
    found = [s for s in sentences if ids[s.report] == ref[0] and (ref[1] in _text(s) or ref[1] in (s.original or ""))]
    assert len(found) == 1, f"{ref} names {len(found)} sentences"
    return found[0]


def pairs_of(case: Case, threshold: float) -> tuple[set[frozenset], set[frozenset], set[frozenset]]:
    """(pairs the alignment made, gold pairs, tolerated pairs) as sets of two (report, index)."""
    comparison = compare_reports(case.reports, threshold=threshold)
    sentences = [s for row in comparison.facts for s in row.sentences]

    def node(ref: Ref) -> tuple[int, int]:
        s = find(sentences, case.ids, ref)
        return s.report, s.index

    made = {frozenset({(a.report, a.index), (b.report, b.index)})
            for row in comparison.facts for a, b in combinations(row.sentences, 2)}
    gold = {frozenset({node(a), node(b)}) for group in case.groups for a, b in combinations(group, 2)}
    tolerated = {frozenset({node(a), node(b)}) for a, b in case.tolerated}
    return made, gold, tolerated


def measure(threshold: float) -> dict[str, float]:
    """Precision, recall and F1 of the aligned pairs over every case at ``threshold``."""
    right = made_count = gold_count = 0
    for case in cases():
        made, gold, tolerated = pairs_of(case, threshold)
        counted = made - (tolerated - gold)
        right += len(counted & gold)
        made_count += len(counted)
        gold_count += len(gold)
    precision = right / made_count if made_count else 1.0
    recall = right / gold_count if gold_count else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"threshold": threshold, "pairs": made_count, "precision": round(precision, 3),
            "recall": round(recall, 3), "f1": round(f1, 3)}


SWEEP = [round(0.10 + 0.025 * i, 3) for i in range(13)]  # 0.10 … 0.40


def main() -> None:
    gold = sum(len({frozenset(p) for g in c.groups for p in combinations(g, 2)}) for c in cases())
    print(f"{len(cases())} cases, {gold} gold pairs; chosen THRESHOLD = {compare.THRESHOLD}")
    print("| threshold | pairs made | precision | recall | F1 |")
    print("|---|---|---|---|---|")
    for threshold in SWEEP:
        m = measure(threshold)
        print(f"| {threshold:.3f} | {m['pairs']} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} |")


if __name__ == "__main__":
    main()
