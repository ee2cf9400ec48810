"""From a news site to the reader: poll a LoopbackServer site through the real pipeline (Apertium
translating), then read it on the pages, the API, the search and the feed."""

from __future__ import annotations

import shutil
from pathlib import Path

import feedparser
import pytest
from fastapi.testclient import TestClient

from babelwire.config import load_settings
from babelwire.loopback import LoopbackServer
from babelwire.pipeline.local import poll
from babelwire.pipeline.subscriptions import add_source
from babelwire.store import Store
from tests.newsfixtures import PARAGRAPHS, NewsSite

pytestmark = pytest.mark.skipif(
    shutil.which("apertium") is None or not Path("/usr/share/apertium/modes/fr-es.mode").exists(),
    reason="Apertium fr-es/eng-spa not installed (apt-get install apertium apertium-fr-es apertium-eng-spa)",
)


def test_polled_and_translated_article_reads_well(home: Path, server: LoopbackServer, monkeypatch):
    from babelwire.web.app import create_app

    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENGINE", "apertium")
    settings = load_settings(home)
    store = Store(settings.database_url)
    site = NewsSite(server)
    site.add("otan", "Divergences persistantes entre l'OTAN et la Russie", [*PARAGRAPHS[:2], "Détails à suivre."])
    add_source(store, settings, site.feed_url, "feed", name="Le Journal")
    poll(store, settings)
    site.add("otan", "Divergences persistantes entre l'OTAN et la Russie", PARAGRAPHS, in_feed=False)
    assert poll(store, settings, all_sources=True).updated == 1

    with TestClient(create_app(store, settings)) as client:
        (item,) = client.get("/api/articles").json()["items"]
        assert item["source"] == "Le Journal" and item["revisions"] == 2 and item["translated_title"]
        article = client.get(f"/api/articles/{item['id']}").json()
        assert article["translation"]["engine"] == "apertium" and article["translation"]["model"]
        assert article["translation"]["label"].startswith("Machine translation from French by apertium (")
        assert len(article["blocks"]) == len(PARAGRAPHS)
        assert all(b["original"] and b["translated"] for b in article["blocks"])

        html = client.get(f"/articles/{item['id']}").text
        assert "Jens Stoltenberg" in html and "<del>Détails à suivre.</del>" in html  # the diff shows the old text
        assert f'href="{site.server.url("/site/otan.html")}"' in html

        english_word = article["blocks"][0]["translated"].split()[1]
        hits = client.get("/api/search", params={"q": "Stoltenberg"}).json()["items"]
        assert [h["id"] for h in hits] == [item["id"]]
        assert client.get("/api/search", params={"q": english_word}).json()["items"]

        feed = feedparser.parse(client.get("/feeds/all.atom").content)
        assert not feed.bozo and "by apertium" in feed.entries[0].content[0].value
    store.close()
