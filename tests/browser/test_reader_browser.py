"""The reader in a real browser (Playwright driving Debian's Chromium): reading an article side by
side, the phone layout's original toggle, the story page, and a hostile article that must not run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from babelwire.demo import run_demo
from babelwire.demo.run import demo_settings
from babelwire.document import Block, Document
from babelwire.server import ReaderServer, reader_app
from babelwire.store import Store
from babelwire.store.models import Article, Revision, Source, Translation, utcnow
from tests.browser.chromium import ARGS, CHROMIUM, PHONE, WIDE, sync_api

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = "window.__pwned = 1; alert('pwned')"
HOSTILE_TITLE = f"<b>Titre</b><script>{PAYLOAD}</script><img src=x onerror=\"{PAYLOAD}\">"
HOSTILE_BLOCKS = [
    f"<script>{PAYLOAD}</script> Un paragraphe ordinaire en apparence, avec du texte suffisant.",
    f"<img src=x onerror=\"{PAYLOAD}\"><svg onload=\"{PAYLOAD}\"></svg> Deuxième paragraphe.",
    f"<a href=\"javascript:{PAYLOAD}\">cliquez ici</a> <iframe src=\"javascript:{PAYLOAD}\"></iframe>",
    f"\"><script>{PAYLOAD}</script><style>body{{display:none}}</style> Fin de l'attaque.",
]


def artifacts_dir() -> Path:
    path = Path(os.environ.get("BABELWIRE_ARTIFACTS") or ROOT / "test-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _store_hostile_article(store: Store) -> int:
    """An article as a malicious (or compromised) outlet could get it stored: markup everywhere."""
    original = Document(title=HOSTILE_TITLE, blocks=[Block("paragraph", t) for t in HOSTILE_BLOCKS],
                        language="fr", url=f"javascript:{PAYLOAD}")
    translated = original.with_blocks([Block("paragraph", t.replace("paragraphe", "paragraph"))
                                       for t in HOSTILE_BLOCKS], title=HOSTILE_TITLE + " (en)")
    with store.transaction() as session:
        source = Source(url=f"javascript:{PAYLOAD}", kind="page", name=f"<script>{PAYLOAD}</script>Hostile",
                        language="fr", interval=3600.0, consecutive_failures=0, translate=True)
        session.add(source)
        session.flush()
        article = Article(url=f"javascript:{PAYLOAD}//hostile", source_id=source.id, title=HOSTILE_TITLE,
                          language="fr", first_seen_at=utcnow(), consecutive_failures=0)
        session.add(article)
        session.flush()
        revision = Revision(article_id=article.id, number=1, content_hash="f" * 64, document=original.to_dict())
        session.add(revision)
        session.flush()
        session.add(Translation(revision_id=revision.id, target="en", engine="apertium",
                                engine_id=f"<script>{PAYLOAD}</script>", model=f"<img src=x onerror=\"{PAYLOAD}\">",
                                document=translated.to_dict(),
                                flags={"title": [f"<script>{PAYLOAD}</script>"],
                                       "blocks": [["numbers"], [f"<b onmouseover=\"{PAYLOAD}\">x</b>"], [], []]},
                                sentences=4, from_memory=0))
        return article.id


@pytest.fixture(scope="session")
def reader(tmp_path_factory) -> Iterator[dict]:
    """The demo content (polled twice, translated by Apertium) plus a hostile article, served."""
    home = tmp_path_factory.mktemp("browser") / "home"
    summary = run_demo(home=home, serve=False, engine="apertium")
    settings = demo_settings(home)
    store = Store(settings.database_url)
    hostile_id = _store_hostile_article(store)
    with ReaderServer(reader_app(store, settings), port=0) as server:
        yield {"url": server.url, "summary": summary, "hostile_id": hostile_id}
    store.close()


@pytest.fixture(scope="session")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _side_by_side(page) -> None:
    """Each translated block sits in a left column, on the same row as its original block."""
    assert page.locator("#translation").is_visible() and page.locator("#original").is_visible()
    # The columns may be `display: contents` (one grid, rows shared), so compare the blocks.
    for i in (0, 3):
        t = page.locator("#translation .block").nth(i).bounding_box()
        o = page.locator("#original .block").nth(i).bounding_box()
        assert t and o
        assert t["x"] + t["width"] <= o["x"] + 1, "translation left of the original"
        assert abs(t["y"] - o["y"]) < 5, "block on the row of its original"


def test_home_to_article_shows_translation_and_original_side_by_side(reader, page):
    event_id = reader["summary"].updated_article_id
    page.goto(reader["url"] + "/")
    link = page.locator(f"a[href$='/articles/{event_id}']").first
    assert link.is_visible()
    link.click()
    page.wait_for_url(f"**/articles/{event_id}")
    _side_by_side(page)
    assert "Grouchko" in page.locator("#original").inner_text()
    assert "Grouchko" in page.locator("#translation").inner_text()
    assert page.locator("#translation .block").count() == page.locator("#original .block").count() >= 8
    assert page.locator(".mt-label").first.is_visible()  # readers are told this is machine translation
    page.screenshot(path=str(artifacts_dir() / "article.png"), full_page=True)


def test_phone_layout_toggles_the_original(reader, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{reader['url']}/articles/{reader['summary'].updated_article_id}")
        # The toggle is a checkbox; a CSS-only design may hide the box and style its label.
        toggle = page.locator("#toggle-original")
        if not toggle.is_visible():
            toggle = page.locator("label[for='toggle-original']")
        assert toggle.is_visible()
        assert page.locator("#translation").is_visible()
        before = page.locator("#original").is_visible()
        toggle.click()
        page.wait_for_timeout(200)
        assert page.locator("#original").is_visible() is not before
        toggle.click()
        page.wait_for_timeout(200)
        assert page.locator("#original").is_visible() is before
        page.screenshot(path=str(artifacts_dir() / "article-phone.png"), full_page=False)
    finally:
        context.close()


def test_story_page_shows_the_other_outlets_report(reader, page):
    first, second = reader["summary"].event_article_ids
    page.goto(f"{reader['url']}/articles/{first}")
    story_link = page.locator("a[href*='/stories/'], a[href$='/story']").first
    assert story_link.is_visible(), "the article page links to its story"
    story_link.click()
    page.wait_for_url("**/stories/*")
    assert page.locator(f"a[href$='/articles/{second}']").count() >= 1
    assert page.locator(f"a[href$='/articles/{first}']").count() >= 1
    page.screenshot(path=str(artifacts_dir() / "story.png"), full_page=True)


def test_hostile_article_runs_no_script(reader, page):
    dialogs, errors, blocked = [], [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A CSP violation report means markup got into the page and only the policy stopped it.
    page.on("console", lambda msg: blocked.append(msg.text) if msg.type == "error" and (
        "Content Security Policy" in msg.text or "pwned" in msg.text) else None)
    for path in (f"/articles/{reader['hostile_id']}", "/", "/sources", "/search?q=Titre"):
        response = page.goto(reader["url"] + path)
        assert response.status == 200, path
        csp = response.headers.get("content-security-policy", "")
        assert "script-src" in csp or "default-src" in csp, (path, csp)
        page.wait_for_timeout(300)  # give any onerror/onload handler the chance to fire
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert page.evaluate("Array.from(document.scripts).every(s => !s.text.includes('__pwned'))"), path
        assert page.locator("a[href^='javascript:'], iframe, svg[onload], img[onerror]").count() == 0, path
    page.goto(f"{reader['url']}/articles/{reader['hostile_id']}")
    assert "<script>" in page.locator("#original").inner_text()  # shown as text, not interpreted
    assert page.locator("body").is_visible()  # the injected <style> did not hide the page
    assert dialogs == [] and errors == [] and blocked == []
