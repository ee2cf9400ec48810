"""Stories from the first poll: the seeds' event — two French outlets' reports of the NATO–Russia
Council of 12 January 2022 — polled into a fresh store with Apertium (the engine a machine without
a neural model uses) beside unrelated French news, forms one story, and nothing else joins it.

Before comparing in the shared original language with background term weights, the two reports
(the development set's RT and RFI texts) landed in separate stories: their two Apertium
translations share few English words, and the weights came from three candidate stories."""

from __future__ import annotations

import json
from pathlib import Path

from babelwire.config import load_settings
from babelwire.evaluate.stories import STORIES_DEV
from babelwire.loopback import LoopbackServer
from babelwire.pipeline.local import poll
from babelwire.pipeline.subscriptions import add_source
from babelwire.store import Store
from babelwire.store.queries import latest_articles
from tests.newsfixtures import NewsSite
from tests.translate.conftest import needs_apertium

EVENT = ("nato-rt", "nato-rfi")  # RT en français, RFI: the seeds' two outlets
UNRELATED = ("bakers", "ski", "wreck", "tram", "teach-fr", "edf-fr", "djoko-fr", "party-fr")


def _articles() -> dict[str, dict]:
    return {row["id"]: row for row in json.loads((STORIES_DEV / "written.json").read_text(encoding="utf-8"))}


@needs_apertium
def test_the_seeds_event_is_one_story_from_the_first_poll(home: Path, server: LoopbackServer, monkeypatch):
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENGINE", "apertium")
    monkeypatch.setenv("BABELWIRE_TRANSLATE_TO", "en")
    rows = _articles()
    outlets = (NewsSite(server, "/rt"), NewsSite(server, "/rfi"))
    for i, key in enumerate(EVENT):
        outlets[i].add(key, rows[key]["title"], rows[key]["text"].split("\n\n"))
    for i, key in enumerate(UNRELATED):  # the rest of each outlet's front page
        outlets[i % 2].add(key, rows[key]["title"], rows[key]["text"].split("\n\n"))
    settings = load_settings(home)
    store = Store(settings.database_url)
    for site, name in zip(outlets, ("RT en français", "RFI"), strict=True):
        add_source(store, settings, site.feed_url, "feed", name=name, language="fr")

    summary = poll(store, settings)

    assert summary.errors == [] and summary.new == len(EVENT) + len(UNRELATED)
    assert summary.grouped == len(EVENT) + len(UNRELATED)
    by_url = {a.url.rsplit("/", 1)[-1].removesuffix(".html"): a
              for a in latest_articles(store, target="en", limit=None)}
    assert set(by_url) == {*EVENT, *UNRELATED}
    assert all(a.engine == "apertium" for a in by_url.values())  # grouped through Apertium's English
    event_story = by_url["nato-rt"].story_id
    assert event_story is not None and by_url["nato-rfi"].story_id == event_story
    assert {k for k, a in by_url.items() if a.story_id == event_story} == set(EVENT)
    unrelated_stories = [by_url[k].story_id for k in UNRELATED]
    assert None not in unrelated_stories and len(set(unrelated_stories)) == len(UNRELATED)
    store.close()
