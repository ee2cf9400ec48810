"""B-cubed scoring (hand-computed) and the evaluation run on small datasets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from babelwire.errors import BabelwireError
from babelwire.evaluate.stories import (
    STORIES_DEV,
    bcubed,
    bcubed_pooled,
    cold_windows,
    evaluate_stories,
    load_dataset,
)
from tests.stories.events import BAKERS_EN, BAKERS_FR, RFI_EN, RFI_FR, RT_EN, RT_FR, SKI_EN

DEV = STORIES_DEV


def test_bcubed_perfect_and_hand_computed():
    gold = {"a": 1, "b": 1, "c": 2}
    assert bcubed({"a": 7, "b": 7, "c": 8}, gold) == (1.0, 1.0, 1.0)
    # Everything in one cluster: precision a,b = 2/3, c = 1/3 → 5/9; recall 1.
    p, r, f = bcubed({"a": 0, "b": 0, "c": 0}, gold)
    assert p == pytest.approx(5 / 9) and r == 1.0 and f == pytest.approx(2 * (5 / 9) / (5 / 9 + 1))
    # All apart: precision 1; recall a,b = 1/2, c = 1 → 2/3.
    p, r, _ = bcubed({"a": 1, "b": 2, "c": 3}, gold)
    assert p == 1.0 and r == pytest.approx(2 / 3)


def _row(id_: str, group: str, source: str, at: str, fr: tuple | None, en: tuple) -> dict:
    row = {"id": id_, "group": group, "source": source, "published": at}
    if fr is None:
        row |= {"language": "en", "title": en[0], "text": "\n\n".join(en[1])}
    else:
        row |= {"language": "fr", "title": fr[0], "text": "\n\n".join(fr[1]), "translated_title": en[0],
                "translated_text": "\n\n".join(en[1])}
    return row


def test_evaluation_of_a_tiny_dataset(tmp_path: Path):
    rows = [
        _row("rt", "nato", "RT", "2022-01-12T17:40:00+01:00", RT_FR, RT_EN),
        _row("rfi", "nato", "RFI", "2022-01-12T18:55:00+01:00", RFI_FR, RFI_EN),
        _row("bakers", "bakers", "Courrier", "2022-01-12T09:00:00+01:00", BAKERS_FR, BAKERS_EN),
        _row("ski", "ski", "Alps", "2022-01-12T10:00:00+00:00", None, SKI_EN),
    ]
    path = tmp_path / "tiny.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    report = evaluate_stories(path)
    (score,) = report.scores
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
    assert score.articles == 4 and score.groups == 3 and score.stories == 3
    assert report.to_dict()["scores"][0]["method"] == "tfidf"


def test_a_malformed_dataset_is_refused(tmp_path: Path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"id": "x", "title": "no group"}]), encoding="utf-8")
    with pytest.raises(BabelwireError, match="lacks"):
        load_dataset(path)


def test_development_set_quality_gate():
    # The numbers in the README (warm, human 0.985; cold, Apertium 0.968): a change that lowers
    # them is a regression. Targets of the cold start: ≥ 0.9 with either translation.
    report = evaluate_stories(DEV, translations=("human", "apertium"), cold=True)
    scores = {(s.translations, s.run): s for s in report.scores}
    assert set(scores) == {("human", "warm"), ("human", "cold"), ("apertium", "warm"), ("apertium", "cold")}
    assert scores["human", "warm"].articles == len(load_dataset(DEV))
    assert scores["human", "warm"].f1 >= 0.985, report.to_dict()
    assert scores["human", "cold"].f1 >= 0.95 and scores["apertium", "cold"].f1 >= 0.95, report.to_dict()
    assert scores["apertium", "warm"].f1 >= 0.94, report.to_dict()
    assert all(s.precision == 1.0 for s in scores.values()), report.to_dict()


def test_cold_windows_are_consecutive_and_overlap_by_half():
    articles = [{"id": str(i)} for i in range(7)]
    windows = cold_windows(articles, sizes=(2, 5))
    assert [[a["id"] for a in w] for w in windows] == [
        ["0", "1"], ["1", "2"], ["2", "3"], ["3", "4"], ["4", "5"], ["5", "6"],
        ["0", "1", "2", "3", "4"], ["2", "3", "4", "5", "6"]]
    # Pooled B-cubed weighs every article the same, each scored within its own run.
    runs = [({"a": 1, "b": 2}, {"a": 1, "b": 1}), ({"c": 1}, {"c": 1})]
    p, r, _ = bcubed_pooled(runs)
    assert p == 1.0 and r == pytest.approx((0.5 + 0.5 + 1) / 3)


def test_an_apertium_run_needs_the_apertium_translations(tmp_path: Path):
    rows = [_row("rt", "nato", "RT", "2022-01-12T17:40:00+01:00", RT_FR, RT_EN)]
    path = tmp_path / "tiny.jsonl"
    path.write_text(json.dumps(rows[0]), encoding="utf-8")
    with pytest.raises(BabelwireError, match="machine_translations"):
        evaluate_stories(path, translations=("apertium",))
