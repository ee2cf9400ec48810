"""Comparing outlets (``stories.compare``) on the development set's reports of the NATO–Russia
Council of 12 January 2022: aligned facts, what one outlet alone reports, numbers that disagree,
one speaker across spellings; plus the pieces (numbers, names, revisions) on their own."""

from __future__ import annotations

import dataclasses

import pytest

from babelwire.stories.compare import (
    THRESHOLD,
    Comparison,
    FactRow,
    Report,
    compare_reports,
    name_key,
    number_disagreements,
    numbers_in,
    paragraph_changes,
    same_speaker,
)
from tests.stories.compare_gold import demo_reports, written_reports


def _text(sentence) -> str:
    return sentence.translated or sentence.original or ""


def _row(comparison: Comparison, outlet: str, piece: str) -> FactRow:
    """The fact row holding the sentence of ``outlet`` that contains ``piece``."""
    found = [row for row in comparison.facts for s in row.sentences
             if piece in _text(s) and comparison.headlines[comparison.reports.index(s.report)].outlet == outlet]
    assert len(found) == 1, f"{outlet}: {piece!r} is in {len(found)} rows"
    return found[0]


@pytest.fixture(scope="module")
def nato() -> tuple[list[Report], Comparison]:
    reports, _ = written_reports("nato-russia-brussels")
    return reports, compare_reports(reports)


def test_facts_both_outlets_report_are_one_row(nato):
    reports, comparison = nato
    outlets = {r.key: r.outlet for r in reports}
    assert [h.outlet for h in comparison.headlines] == ["Global Wire", "RT en français", "RFI", "Euro Observer",
                                                        "Kyiv Daily"]  # oldest first
    grouchko = _row(comparison, "RT en français", "revealed a number of differences on fundamental questions")
    assert {outlets[s.report] for s in grouchko.sentences} == {"RT en français", "RFI"}
    assert any("revealed a great number of differences" in _text(s) for s in grouchko.sentences)
    assert not grouchko.only and grouchko.basis == "translation" and grouchko.score >= THRESHOLD
    # A sentence keeps its original wording next to its translation (the set has RT's lead in French).
    lead = _row(comparison, "RT en français", "After a Russia-NATO meeting on January 12")
    rt = next(s for s in lead.sentences if outlets[s.report] == "RT en français")
    assert rt.original.startswith("À l'issue d'une réunion Russie-OTAN") and rt.translated.startswith("After a")

    sherman = _row(comparison, "Kyiv Daily", "would not slam the door on NATO's open door policy")
    assert {outlets[s.report] for s in sherman.sentences} == {"Kyiv Daily", "Euro Observer"}
    assert sherman.basis == "original"  # two English outlets: compared in their own words


def test_a_fact_only_one_outlet_reports_is_marked(nato):
    _, comparison = nato
    delegation = _row(comparison, "Global Wire", "Russia's delegation was led by")
    assert delegation.only and delegation.outlets == ("Global Wire",) and len(delegation.sentences) == 1
    # And a row of several outlets is never marked so.
    assert all(row.only == (len(set(row.outlets)) == 1) for row in comparison.facts)
    # Every sentence of every report is in exactly one row.
    placed = [(s.report, s.index) for row in comparison.facts for s in row.sentences]
    assert len(placed) == len(set(placed))
    assert all(len({s.report for s in row.sentences}) == len(row.sentences) for row in comparison.facts)


def test_unrelated_sentences_are_not_paired_by_names_alone(nato):
    _, comparison = nato
    # Both name Grushko/Grouchko, Deputy Foreign Minister, Russia — but report different things.
    delegation = _row(comparison, "Global Wire", "Russia's delegation was led by")
    lead = _row(comparison, "RT en français", "After a Russia-NATO meeting on January 12")
    assert delegation is not lead


def test_the_reports_agree_on_their_numbers(nato):
    _, comparison = nato
    # "January 12" (RT), "Wednesday January 12" (RFI), "four hours" (Global Wire): nothing contradicts.
    assert not any(row.numbers for row in comparison.facts)


def _with(report: Report, key: int, outlet: str, old: str, new: str, *, translated_old: str | None = None,
          translated_new: str | None = None) -> Report:
    """A copy of ``report`` by another outlet with one number changed in the original (and translation)."""
    def swap(document, a, b):
        return {**document, "blocks": [{**block, "text": block["text"].replace(a, b)} for block in document["blocks"]]}

    translated = report.translated
    if translated is not None and translated_old is not None:
        translated = swap(translated, translated_old, translated_new)
    return dataclasses.replace(report, key=key, outlet=outlet, original=swap(report.original, old, new),
                               translated=translated)


def test_a_changed_number_is_flagged_in_the_originals():
    reports, _ = written_reports("nato-russia-brussels")
    rt = next(r for r in reports if r.outlet == "RT en français")
    copy = _with(rt, 99, "Agence Copie", "le 12 janvier", "le 13 janvier",
                 translated_old="on January 12", translated_new="on January 13")
    comparison = compare_reports([rt, copy])
    lead = _row(comparison, "RT en français", "After a Russia-NATO meeting")
    assert len(lead.sentences) == 2 and lead.basis == "original"  # two French outlets: compared in French
    assert {(n.report, n.numbers, n.language) for n in lead.numbers} == {(rt.key, ("12",), "fr"), (99, ("13",), "fr")}
    # Exactly the rows whose sentences had the date changed are flagged (the lead, in French; the
    # second paragraph, which the set has in English only, through the translation).
    flagged = [row for row in comparison.facts if row.numbers]
    changed = [row for row in comparison.facts
               if any(s.report == rt.key and "12" in _text(s) + (s.original or "") for s in row.sentences)]
    assert flagged == changed and len(flagged) == 2


def test_a_changed_number_is_flagged_across_languages():
    reports, _ = written_reports("edf-price-cap")
    french = next(r for r in reports if r.language == "fr")
    changed = _with(french, french.key, french.outlet, "20", "25", translated_old="20 terawatt",
                    translated_new="25 terawatt")
    comparison = compare_reports([next(r for r in reports if r.language == "en"), changed])
    row = _row(comparison, "Markets Today", "20 terawatt hours")
    assert len(row.sentences) == 2 and row.basis == "translation"
    assert sorted(n.numbers for n in row.numbers) == [("20",), ("25",)]
    assert {n.language for n in row.numbers} == {"en"}


def test_the_same_speaker_across_outlets_is_one_row(nato):
    _, comparison = nato
    stoltenberg = [group for group in comparison.speakers if group.speaker == "Jens Stoltenberg"]
    assert len(stoltenberg) == 1 and set(stoltenberg[0].outlets) == {"Global Wire", "RFI"}
    # Each outlet quotes him saying something else: every quotation is marked as one outlet's.
    assert all(row.status == "only" for row in stoltenberg[0].rows)


def test_a_speaker_spelled_three_ways_is_one_row():
    reports, _ = written_reports("nato-russia-brussels")
    rt = next(r for r in reports if r.outlet == "RT en français")
    english = Report(key=50, outlet="Wire Two", language="en", published="2022-01-12T20:00:00+00:00", original={
        "title": "Russia warns NATO", "blocks": [{"type": "paragraph", "text": (
            '"We will not let this happen," Russian Deputy Foreign Minister Alexander Grushko told reporters.')}]})
    german = Report(key=51, outlet="Draht", language="en", published=None, original={
        "title": "NATO", "blocks": [{"type": "paragraph", "text": (
            '"Enlargement threatens the security of Russia," said Alexander Gruschko.')}]})
    comparison = compare_reports([rt, english, german])
    grouchko = [g for g in comparison.speakers if g.speaker and "Gru" in g.speaker]
    assert len(grouchko) == 1
    assert set(grouchko[0].names) == {"Alexander Grouchko", "Alexander Grushko", "Alexander Gruschko"}
    assert grouchko[0].speaker == "Alexander Grushko"  # as the outlets writing in the reader's language spell it
    same = [row for row in grouchko[0].rows if len(row.quotes) > 1]
    assert len(same) == 1 and same[0].status == "matched"  # one quotation, compared through the translation
    assert {q.report for q in same[0].quotes} == {rt.key, 50}
    assert [q.translated for q in same[0].quotes if q.report == rt.key] == ["We will not let this happen"]


def test_french_outlets_are_compared_in_french_and_quotations_marked():
    reports, _ = demo_reports()  # two French outlets, no translation needed to compare them
    comparison = compare_reports(reports)
    withdrawal = _row(comparison, "Le Courrier d'Europe", "réclamé le retrait des forces")
    assert len(withdrawal.sentences) == 2 and withdrawal.basis == "original"
    grouchko = next(g for g in comparison.speakers if g.speaker == "Alexandre Grouchko")
    statuses = {row.status for row in grouchko.rows}
    # Info Monde quotes the whole sentence, Le Courrier d'Europe a part of it; only Le Courrier
    # quotes « Nous ne laisserons pas cela se produire ».
    assert "partial" in statuses and "only" in statuses
    alone = next(row for row in grouchko.rows if row.quotes[0].original == "Nous ne laisserons pas cela se produire")
    assert alone.status == "only" and alone.outlets == ("Le Courrier d'Europe",)


def test_shared_original_language_beats_garbled_translations():
    text = "Le maire a inauguré mardi la nouvelle ligne de tramway qui relie la gare au campus universitaire."
    garbled = [("The mayor inaugurated Tuesday the new tram line which links the station to the university campus."),
               ("Tram mayor of the new one inaugurates the connect campus on Tuesday of gare.")]
    reports = [Report(key=k, outlet=f"Outlet {k}", language="fr", published=None,
                      original={"title": "Tram", "blocks": [{"type": "paragraph", "text": text}]},
                      translated={"title": "Tram", "blocks": [{"type": "paragraph", "text": garbled[k]}]})
               for k in (0, 1)]
    (row,) = compare_reports(reports).facts
    assert len(row.sentences) == 2 and row.basis == "original" and row.score == pytest.approx(1.0)


def test_a_report_in_another_language_without_translation_is_not_paired():
    english = Report(key=1, outlet="A", language="en", published=None, original={
        "title": "x", "blocks": [{"type": "paragraph", "text": "The mayor opened the new tram line on Tuesday."}]})
    french = Report(key=2, outlet="B", language="fr", published=None, original={
        "title": "x", "blocks": [{"type": "paragraph", "text": "Le maire a ouvert mardi la nouvelle ligne de tram."}]})
    facts = compare_reports([english, french]).facts
    assert len(facts) == 2 and all(row.only for row in facts)


def test_names_across_spellings():
    assert name_key("Grouchko") == name_key("Grushko") == name_key("Gruschko") == "grushko"
    assert same_speaker("Alexandre Grouchko", "Alexander Grushko")
    assert same_speaker("Sherman", "Wendy Sherman")
    assert same_speaker("Volodymyr Zelensky", "Volodymyr Zelenskyy")
    assert same_speaker("Sergueï Lavrov", "Sergei Lavrov")
    assert not same_speaker("Wendy Sherman", "Jens Stoltenberg")
    assert not same_speaker("Alexander Grushko", "Alexander Fomin")


def test_numbers_and_their_disagreements():
    found = numbers_in("le 12 janvier 2022, au moins 1 500 morts, 3,5 %, quatre-vingt-dix blessés, 2 millions d'euros",
                       "fr")
    assert [(n.value, n.context) for n in found] == [
        (12, "month 1"), (2022, "year"), (1500, "mort"), (3.5, "%"), (90, "blesse"), (2_000_000, "euro")]
    assert [n.value for n in numbers_in("4,000 troops, 3.5% and a three-year ban", "en")] == [4000, 3.5, 3]

    def differ(a: str, b: str) -> tuple[list[str], list[str]]:
        left, right = number_disagreements(numbers_in(a, "en"), numbers_in(b, "en"))
        return [n.text for n in left], [n.text for n in right]

    assert differ("at least 12 people died on January 12", "at least 15 people died on January 12") == (["12"], ["15"])
    assert differ("the toll rose to 12 dead", "15 people were killed") == (["12"], ["15"])
    assert differ("talks lasted four hours", "talks lasted three hours") == (["four"], ["three"])
    assert differ("the 30 members met on January 12", "the members met") == ([], [])  # omitted, not contradicted
    assert differ("a possible three-year ban", "three days before the start") == ([], [])  # not the same thing


def test_what_a_revision_changed():
    old = {"title": "Divergences", "blocks": [{"type": "paragraph", "text": "La réunion a duré quatre heures."},
                                              {"type": "paragraph", "text": "Détails à suivre…"}]}
    new = {"title": "Divergences", "blocks": [{"type": "paragraph", "text": "La réunion a duré cinq heures."},
                                              {"type": "paragraph", "text": "Moscou attend des réponses écrites."},
                                              {"type": "paragraph", "text": "L'OSCE se réunit jeudi à Vienne."}]}
    changes = paragraph_changes(old, new)
    assert (changes.changed, changes.added, changes.removed, changes.title_changed) == (1, 2, 1, False)
    assert changes.describe() == "1 paragraph changed, 2 added, 1 removed"
    assert paragraph_changes(new, {**new, "title": "Autre"}).describe() == "title changed"
    assert paragraph_changes(new, new).describe() == "no change in the text"


def test_a_giant_article_is_compared_on_its_beginning():
    reports, _ = demo_reports()
    paragraphs = [b for b in reports[0].original["blocks"] if b["type"] != "heading"]
    long = dataclasses.replace(reports[0], original={"title": "x", "blocks": paragraphs * 60})  # ~800 sentences
    comparison = compare_reports([long, reports[1]])
    assert comparison.cut == (long.key,)
    read = sum(1 for row in comparison.facts for s in row.sentences if s.report == long.key)
    assert 200 < read <= 300  # the first 300 sentences, or 60,000 characters
    # One paragraph bigger than the whole budget is not read at all (and the rest still is).
    giant = {"title": "x", "blocks": [{"type": "paragraph", "text": "Le maire a parlé. " * 5000}, *paragraphs]}
    comparison = compare_reports([dataclasses.replace(reports[0], original=giant), reports[1]])
    assert comparison.cut == (reports[0].key,)
    assert not any(s.report == reports[0].key for row in comparison.facts for s in row.sentences)
