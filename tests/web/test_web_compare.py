"""The comparison page (/stories/{id}/compare) and its JSON twin, through the real app on a real
store: outlets side by side, what one outlet alone reports, numbers that disagree, quotations by
speaker, the machine-translation label and flags, 404 for a story of one outlet, the page cache."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from babelwire.store import Store
from babelwire.store.models import Article, Translation
from tests.stories.events import RFI_EN, RFI_FR, RT_EN, RT_FR
from tests.web.conftest import Newsroom

WRITTEN = Path(__file__).resolve().parents[2] / "babelwire" / "evaluate" / "data" / "stories-dev" / "written.json"
LICENCE = {"license": "CC-BY-4.0", "license_url": "https://creativecommons.org/licenses/by/4.0/",
           "attribution": "OPUS-MT, Helsinki-NLP", "model": "opus-mt-fr-en"}


def _wire() -> tuple[str, list[str]]:
    """Global Wire's English report of the NATO–Russia Council (development set)."""
    item = next(a for a in json.loads(WRITTEN.read_text(encoding="utf-8")) if a["id"] == "nato-wire")
    return item["title"], item["text"].split("\n\n")


def _changed(text: str) -> str:
    return text.replace("12 janvier", "13 janvier").replace("January 12", "January 13")


def nato_story(newsroom: Newsroom, store: Store) -> dict[str, int]:
    """The NATO–Russia Council told by RT and RFI (French, translated), Global Wire (English) and a
    copy of RT's report by a fourth outlet that dates the meeting a day later."""
    rt = newsroom.article(newsroom.source("RT en français"), *RT_FR, translation=RT_EN, flags=[["numbers"], []])
    rfi = newsroom.article(newsroom.source("RFI"), *RFI_FR, translation=RFI_EN)
    wire = newsroom.article(newsroom.source("Global Wire", language="en"), *_wire(), language="en")
    copy = newsroom.article(newsroom.source("Agence Copie"), RT_FR[0], [_changed(p) for p in RT_FR[1]],
                            translation=(RT_EN[0], [_changed(p) for p in RT_EN[1]]))
    with store.transaction() as session:
        session.query(Translation).update({Translation.provenance: LICENCE})
    lone = newsroom.article(newsroom.source("Le Journal"), "Un tramway de nuit", ["Le tramway roulera la nuit."],
                            translation=("A night tram", ["The tram will run at night."]))
    story = newsroom.story("NATO–Russia", [rt, rfi, wire, copy])
    return {"rt": rt, "rfi": rfi, "wire": wire, "copy": copy, "story": story,
            "lone": newsroom.story("Night tram", [lone]), "lone_article": lone}


@pytest.fixture
def ids(newsroom: Newsroom, store: Store) -> dict[str, int]:
    return nato_story(newsroom, store)


def _text(element) -> str:
    return " ".join(element.text_content().split())


def find(element, selector: str) -> list:
    """Descendants matching a small CSS subset (no cssselect here): ``tag.class.class``, one level
    of ``parent > child``, and ``[attr='value']``."""
    steps = []
    for part in selector.split(">"):
        part = part.strip()
        attrs = re.findall(r"\[([\w-]+)='([^']*)'\]", part)
        part = re.sub(r"\[.*?\]", "", part)
        tag, *classes = part.split(".")
        conditions = [f"contains(concat(' ', normalize-space(@class), ' '), ' {c} ')" for c in classes]
        conditions += [f"@{name}='{value}'" for name, value in attrs]
        steps.append((tag or "*") + "".join(f"[{c}]" for c in conditions))
    return element.xpath(".//" + "/".join(steps))


def test_the_json_twin_is_the_page(client, ids):
    data = client.get(f"/api/stories/{ids['story']}/compare").json()
    page = client.get(f"/stories/{ids['story']}/compare")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    tree = lxml_html.fromstring(page.text)

    assert [a["id"] for a in data["articles"]] == [ids["rt"], ids["rfi"], ids["wire"], ids["copy"]]
    assert [c.get("id") for c in find(tree, ".compare-column")] == [f"a{a['id']}" for a in data["articles"]]
    assert data["outlets"] == ["Agence Copie", "Global Wire", "RFI", "RT en français"]

    rows = find(tree, "li.fact-row")
    assert len(rows) == len(data["facts"]) > 0
    for row, fact in zip(rows, data["facts"], strict=True):
        cells = find(row, ".fact-cell")
        assert [int(c.get("data-article")) for c in cells] == [s["article_id"] for s in fact["sentences"]]
        assert ("only-one" in row.get("class")) == fact["only_one_outlet"]
        assert ("numbers-differ" in row.get("class")) == fact["numbers_differ"]
        for cell, sentence in zip(cells, fact["sentences"], strict=True):
            shown = (find(cell, ".translated") or find(cell, ".original-only"))[0]
            assert _text(shown) == " ".join((sentence["translated"] or sentence["original"]).split())
            originals = find(cell, "details.original > p")
            assert [_text(o) for o in originals] == ([" ".join(sentence["original"].split())]
                                                    if sentence["translated"] and sentence["original"] else [])
            # The contradicted numbers are marked in the text they were compared in.
            compared = originals[0] if originals and sentence["numbers_language"] == "fr" else shown
            assert [_text(m) for m in find(compared, "mark.number")] == sentence["conflicting_numbers"]
    groups = find(tree, ".speaker-group")
    assert [_text(find(g, "h3")[0]) for g in groups] == [s["speaker"] or "Without a named speaker"
                                                             for s in data["speakers"]]
    for group, speaker in zip(groups, data["speakers"], strict=True):
        assert [r.get("class").split()[-1] for r in find(group, "li.quote-row")] == [
            f"status-{q['status']}" for q in speaker["quotes"]]


def test_what_one_outlet_alone_reports_is_marked(client, ids):
    data = client.get(f"/api/stories/{ids['story']}/compare").json()
    alone = [f for f in data["facts"] if f["only_one_outlet"]]
    delegation = [f for f in alone if any("delegation was led by" in (s["original"] or "") for s in f["sentences"])]
    assert len(delegation) == 1 and delegation[0]["outlets"] == ["Global Wire"]
    tree = lxml_html.fromstring(client.get(f"/stories/{ids['story']}/compare").text)
    markers = [_text(m) for row in find(tree, "li.fact-row.only-one") for m in find(row, ".marker-only")]
    assert "Only Global Wire reports this" in markers and len(markers) == len(alone)
    # The facts all four report are aligned in one row, three of them compared through the
    # translations, the two French outlets in their own words.
    shared = [f for f in data["facts"] if len(f["sentences"]) >= 2]
    assert shared and all(not f["only_one_outlet"] for f in shared)


def test_numbers_that_disagree_are_flagged(client, ids):
    data = client.get(f"/api/stories/{ids['story']}/compare").json()
    flagged = [f for f in data["facts"] if f["numbers_differ"]]
    lead = next(f for f in flagged if any(s["article_id"] == ids["copy"] for s in f["sentences"]))
    numbers = {s["article_id"]: s["conflicting_numbers"] for s in lead["sentences"]}
    assert numbers[ids["copy"]] == ["13"] and numbers[ids["rt"]] == ["12"]
    assert lead["compared_in"] == "original"  # RT and its copy are both French
    page = client.get(f"/stories/{ids['story']}/compare").text
    tree = lxml_html.fromstring(page)
    assert [_text(m) for m in find(tree, ".marker-numbers")] == [
        "Numbers differ: 12 (RT en français, RFI) · 13 (Agence Copie)"]
    assert '<mark class="number">13</mark>' in page


def test_every_translation_keeps_its_label_licence_and_flags(client, ids):
    data = client.get(f"/api/stories/{ids['story']}/compare").json()
    columns = {a["id"]: a for a in data["articles"]}
    rt = columns[ids["rt"]]["translation"]
    assert rt["label"] == "Machine translation from French by ct2 (opus-mt-fr-en). Not reviewed by a human."
    assert rt["license"] == "CC-BY-4.0" and columns[ids["wire"]]["translation"] is None
    assert "in English" in columns[ids["wire"]]["note"]
    assert columns[ids["rt"]]["translated_title"] == RT_EN[0] and columns[ids["rt"]]["lead"] == RT_FR[1][0]
    flagged = [s for f in data["facts"] for s in f["sentences"] if s["flags"]]
    assert flagged and all(s["article_id"] == ids["rt"] and s["block"] == 0 for s in flagged)
    assert flagged[0]["flags"][0]["name"] == "numbers"

    tree = lxml_html.fromstring(client.get(f"/stories/{ids['story']}/compare").text)
    for cell in find(tree, ".fact-cell"):
        translated = find(cell, ".translated")
        labels = [_text(m) for m in find(cell, ".mt-mini")]
        if translated:  # every translated sentence says so, with the model's licence
            assert translated[0].get("lang") == "en"
            assert len(labels) == 1 and labels[0].startswith("Machine translation from French by ct2")
            assert "licence CC-BY-4.0" in labels[0]
            assert find(cell, "details.original > p")[0].get("lang") == "fr"
        else:
            assert labels == []
    rt_lead = next(c for c in find(tree, ".fact-cell") if c.get("data-article") == str(ids["rt"])
                   and "Russia-NATO meeting" in _text(c))
    assert find(rt_lead, "li.flag[data-flag='numbers']")


def test_quotations_by_speaker(client, ids):
    data = client.get(f"/api/stories/{ids['story']}/compare").json()
    speakers = {s["speaker"]: s for s in data["speakers"]}
    # RT and its copy quote Grouchko alike; RFI quotes him saying something else.
    grouchko = next(s for name, s in speakers.items() if name and "Grouchko" in name)
    assert set(grouchko["outlets"]) == {"RT en français", "RFI", "Agence Copie"}
    same = next(q for q in grouchko["quotes"] if q["status"] == "same")
    assert {q["source"] for q in same["quotes"]} == {"RT en français", "Agence Copie"}
    assert {q["original"] for q in same["quotes"]} == {"Nous ne laisserons pas cela se produire"}
    assert all(q["translated"] == "We will not let this happen" for q in same["quotes"])
    assert any(q["status"] == "only" and q["outlets"] == ["RFI"] for q in grouchko["quotes"])
    assert speakers["Jens Stoltenberg"]["outlets"] == ["Global Wire"]


def test_the_story_page_links_the_comparison_only_with_two_outlets(client, ids):
    story = client.get(f"/stories/{ids['story']}").text
    assert f'href="/stories/{ids["story"]}/compare"' in story
    lone = client.get(f"/stories/{ids['lone']}").text
    assert "/compare" not in lone


def test_a_story_of_one_outlet_has_nothing_to_compare(client, ids):
    page = client.get(f"/stories/{ids['lone']}/compare")
    assert page.status_code == 404 and "one outlet only (Le Journal)" in page.text
    assert "nothing to compare" in page.text
    api = client.get(f"/api/stories/{ids['lone']}/compare")
    assert api.status_code == 404 and "one outlet only" in api.json()["detail"]
    assert client.get("/stories/99999/compare").status_code == 404
    assert client.get("/api/stories/99999/compare").json() == {
        "type": "about:blank", "title": "Not Found", "status": 404, "detail": "no story 99999",
        "instance": "/api/stories/99999/compare"}
    assert client.get("/stories/99999999999999999999/compare").status_code == 404  # beyond any id


def test_the_comparison_is_cached_and_follows_changes(client, ids, newsroom: Newsroom, store: Store):
    path = f"/stories/{ids['story']}/compare"
    first = client.get(path)
    assert first.headers["etag"]
    assert client.get(path, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    api = client.get(f"/api/stories/{ids['story']}/compare")
    assert client.get(f"/api/stories/{ids['story']}/compare",
                      headers={"If-None-Match": api.headers["etag"]}).status_code == 304
    # A fifth outlet joins: the cached comparison is not served any more.
    extra = newsroom.article(newsroom.source("Le Quotidien"), "Réunion OTAN-Russie",
                             ["Les pourparlers de Bruxelles se sont achevés sans accord."],
                             translation=("NATO-Russia meeting", ["The Brussels talks ended without agreement."]))
    newsroom.join(ids["story"], extra)
    again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200 and "Le Quotidien" in again.text
    assert "Le Quotidien" in client.get(f"/api/stories/{ids['story']}/compare").json()["outlets"]


def test_the_openapi_schema_describes_the_comparison(client, ids):
    schema = client.get("/openapi.json").json()
    answer = schema["paths"]["/api/v1/stories/{story_id}/compare"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/StoryComparison")
    fact = schema["components"]["schemas"]["FactRow"]["properties"]
    assert {"only_one_outlet", "numbers_differ", "sentences", "compared_in"} <= set(fact)


def test_articles_of_one_story_stay_in_their_columns(client, ids, store: Store):
    # An article moved out of the story leaves the comparison.
    with store.transaction() as session:
        session.get(Article, ids["copy"]).story_id = None
    data = client.get(f"/api/stories/{ids['story']}/compare").json()
    assert ids["copy"] not in [a["id"] for a in data["articles"]]
    assert not any(f["numbers_differ"] for f in data["facts"])
