"""Done when: a watch on a person's name, fed French pages on loopback that name him, produces one
webhook call and one Atom entry per matching article and one digest e-mail, in a real poll (local
runner); a refresh or a wording-only revision alerts nobody again."""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from babelwire.alerts.service import WatchService
from babelwire.config import load_settings
from babelwire.loopback import LoopbackServer
from babelwire.pipeline.local import poll
from babelwire.pipeline.subscriptions import add_source
from babelwire.store import Store
from babelwire.store.errors import recent_errors
from babelwire.web.app import create_app
from tests.alerts.conftest import Mailbox, Receiver
from tests.newsfixtures import PARAGRAPHS, NewsSite, article_html

ATOM = "{http://www.w3.org/2005/Atom}"
needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None or not Path("/usr/share/apertium/modes/fr-es.mode").exists(),
    reason="Apertium fr-es/eng-spa not installed (apt-get install apertium apertium-fr-es apertium-eng-spa)",
)
OTHER = [
    "Le gouvernement a présenté mardi son projet de budget pour l'année prochaine devant les députés.",
    "Les syndicats ont annoncé une journée de mobilisation à la fin du mois.",
]


def french_site(server: LoopbackServer) -> tuple[NewsSite, list[str]]:
    site = NewsSite(server)
    naming = [
        site.add("grouchko-otan", "L'OTAN et la Russie se parlent à Bruxelles", PARAGRAPHS[:3]),
        site.add(
            "grouchko-geneve", "Sécurité en Europe : Moscou maintient ses exigences", [PARAGRAPHS[1], PARAGRAPHS[3]]
        ),
    ]
    site.add("budget", "Le budget de l'État présenté aux députés", OTHER)
    return site, naming


def atom_entries(client: TestClient, path: str) -> list[etree._Element]:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    return etree.fromstring(answer.content).findall(f"{ATOM}entry")


@needs_apertium
@pytest.mark.timeout(180)
def test_a_watch_on_a_name_alerts_once_per_article_in_a_real_poll(
    home: Path,
    server: LoopbackServer,
    smtp: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENGINE", "apertium")
    monkeypatch.setenv("BABELWIRE_ALERTS_DIGEST_EVERY", "0s")  # the digest goes out at the end of the poll
    site, naming = french_site(server)
    receiver = Receiver(server)
    settings = load_settings(home)
    store = Store(settings.database_url)
    add_source(store, settings, site.feed_url, "feed", name="Le Journal")
    watch = WatchService(store, settings).add(
        "grushko",
        "Grushko",
        languages=["fr"],
        private=True,
        webhook_url=receiver.url,
        email="analyst@example.org",
        digest=True,
    )

    summary = poll(store, settings)

    assert summary.new == 3 and summary.alerts.matched == 2
    # One webhook call per matching article, signed with the watch's secret.
    assert len(receiver.calls) == 2
    urls = set()
    for call in receiver.calls:
        expected = "sha256=" + hmac.new(watch.webhook_secret.encode(), call.body, hashlib.sha256).hexdigest()
        assert call.headers["X-Babelwire-Signature"] == expected
        payload = json.loads(call.body)
        assert payload["watch"] == "grushko" and payload["terms"] == ["Grushko"]
        assert "Grouchko" in payload["matched"]["original"]
        assert "Grouchko" in payload["article"]["text"] and payload["article"]["language"] == "fr"
        assert payload["translation"]["language"] == "en" and payload["translation"]["text"]
        urls.add(payload["article"]["url"])
    assert urls == set(naming)
    # One digest e-mail naming both articles, plain text and HTML.
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert smtp.envelopes[0] == ("alerts@babelwire.test", ["analyst@example.org"])
    assert message["Subject"] == "[babelwire] grushko: 2 new articles"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert all(url in text for url in naming) and all(url in html for url in naming)
    # One Atom entry per matching article; the private feed needs its token.
    with TestClient(create_app(store, settings)) as client:
        assert client.get("/feeds/watch/grushko.atom").status_code == 404
        entries = atom_entries(client, f"/feeds/watch/grushko.atom?token={watch.feed_token}")
        assert len(entries) == 2
        page = client.get(f"/watches/grushko?token={watch.feed_token}")
        assert page.status_code == 200 and "<mark>Grouchko</mark>" in page.text

    # A second poll (the articles are refreshed, unchanged) and a wording-only revision alert nobody.
    slug = "/site/grouchko-otan.html"
    reworded = [PARAGRAPHS[0].replace("mercredi", "ce mercredi"), *PARAGRAPHS[1:3]]
    site.articles[slug] = article_html("L'OTAN et la Russie se parlent à Bruxelles", reworded, url=naming[0])
    again = poll(store, settings, all_sources=True)
    assert again.updated == 1 and again.alerts.matched == 0
    assert len(receiver.calls) == 2 and len(smtp.messages) == 1
    with TestClient(create_app(store, settings)) as client:
        assert len(atom_entries(client, f"/feeds/watch/grushko.atom?token={watch.feed_token}")) == 2
    store.close()


def test_a_revision_that_brings_a_new_term_alerts_again(
    home: Path, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENABLED", "0")
    site = NewsSite(server)
    url = site.add("otan", "L'OTAN réunie à Bruxelles", [PARAGRAPHS[0], PARAGRAPHS[2]])
    receiver = Receiver(server)
    settings = load_settings(home)
    store = Store(settings.database_url)
    add_source(store, settings, site.feed_url, "feed")
    WatchService(store, settings).add("otan", "otan OR Grushko", webhook_url=receiver.url)
    assert poll(store, settings).alerts.matched == 1
    site.articles["/site/otan.html"] = article_html("L'OTAN réunie à Bruxelles", PARAGRAPHS[:3], url=url)
    assert poll(store, settings, all_sources=True).alerts.matched == 1  # Grouchko is new in the update
    assert [json.loads(c.body)["terms"] for c in receiver.calls] == [["otan"], ["otan", "Grushko"]]
    assert poll(store, settings, all_sources=True).alerts.matched == 0
    assert len(receiver.calls) == 2
    assert recent_errors(store, 10) == []
    store.close()
