"""Quality flags on the reader page and in the JSON API: each with what the check found."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from babelwire.store.models import Revision, Translation
from babelwire.translate.quality import FLAG_DESCRIPTIONS, check_block_evidence
from tests.web.conftest import Newsroom

FR = ["Alexandre Grouchko a dénoncé la politique d'« endiguement » menée par l'OTAN aux dépens de la Russie.",
      "Le chat du maire a mangé 3 souris."]
EN = ["Alexandre Grouchko denounced the policy of “endiguement” led by NATO to the dépens of Russia.",
      "The mayor's cat ate mice."]


def _set_flags(newsroom: Newsroom, article_id: int, flags: dict) -> None:
    with newsroom.store.transaction() as session:
        revisions = select(Revision.id).where(Revision.article_id == article_id)
        [row] = session.scalars(select(Translation).where(Translation.revision_id.in_(revisions))).all()
        row.flags = flags


@pytest.fixture
def article_id(newsroom: Newsroom) -> int:
    source = newsroom.source("RT en français")
    article = newsroom.article(source, "L'OTAN et la Russie", FR, translation=("NATO and Russia", EN))
    # the flags as the translate stage stores them: names, and each flag's evidence
    evidence = [check_block_evidence(f, e, "fr", "en") for f, e in zip(FR, EN, strict=True)]
    _set_flags(newsroom, article, {"title": ["numbers"], "blocks": [list(e) for e in evidence],
                                   "evidence": {"title": {"numbers": ["2022"]}, "blocks": evidence}})
    return article


def test_reader_shows_each_flag_with_its_evidence(client, article_id):
    html = unescape(client.get(f"/articles/{article_id}").text)
    assert "Check: left untranslated: endiguement, dépens." in html
    assert "Check: number missing: 3." in html
    assert "Title: number missing: 2022." in html
    assert 'data-flag="untranslated_words"' in html


def test_api_flags_carry_evidence_and_detail(client, article_id):
    data = client.get(f"/api/articles/{article_id}").json()
    first, second = data["blocks"][0]["flags"], data["blocks"][1]["flags"]
    assert first == [{"name": "untranslated_words", "description": FLAG_DESCRIPTIONS["untranslated_words"],
                      "evidence": ["endiguement", "dépens"], "detail": "left untranslated: endiguement, dépens"}]
    assert [(f["name"], f["evidence"]) for f in second] == [("numbers", ["3"])]
    assert data["translation"]["title_flags"][0]["evidence"] == ["2022"]
    schema = client.get("/openapi.json").json()["components"]["schemas"]["Flag"]
    assert schema["properties"]["evidence"]["type"] == "array" and "evidence" not in schema.get("required", [])


def test_rows_stored_before_evidence_show_the_description(client, newsroom):
    source = newsroom.source("Le Journal")
    old, hostile, broken = (
        newsroom.article(source, "Le chat", FR[1:], translation=("The cat", EN[1:]), flags=[["numbers"]])
        for _ in range(3))
    # evidence of another shape (hand-edited, hostile) is ignored or shown as text
    _set_flags(newsroom, hostile, {"title": [], "blocks": [["numbers"]],
                                   "evidence": {"title": [], "blocks": [{"numbers": ["<script>x</script>"]}]}})
    _set_flags(newsroom, broken, {"title": [], "blocks": [["numbers"]], "evidence": "broken"})

    flag = client.get(f"/api/articles/{old}").json()["blocks"][0]["flags"][0]
    assert flag["evidence"] == [] and flag["detail"] == flag["description"] == FLAG_DESCRIPTIONS["numbers"]
    assert f"Check: {FLAG_DESCRIPTIONS['numbers']}." in unescape(client.get(f"/articles/{old}").text)
    html = client.get(f"/articles/{hostile}").text
    assert "<script>x" not in html and "number missing: &lt;script&gt;x&lt;/script&gt;" in html
    assert client.get(f"/api/articles/{broken}").json()["blocks"][0]["flags"][0]["evidence"] == []
