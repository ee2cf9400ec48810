"""The comparison page in a real browser (Playwright driving Debian's Chromium) at a phone's width:
the outlets' columns stack, the "only one outlet" marker shows, the original opens on demand."""

from __future__ import annotations

import os
from itertools import pairwise
from pathlib import Path

from babelwire.config import load_settings
from babelwire.server import ReaderServer
from babelwire.store import Store
from babelwire.web.app import create_app
from tests.browser.chromium import ARGS, CHROMIUM, PHONE, WIDE, sync_api
from tests.web.conftest import Newsroom
from tests.web.test_web_compare import nato_story

ROOT = Path(__file__).resolve().parents[2]


def _boxes(page, selector: str) -> list[dict]:
    return [box for box in (page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count()))
            if box]


def test_compare_page_stacks_on_a_phone(home: Path):
    home.mkdir(parents=True, exist_ok=True)
    settings = load_settings(home)
    store = Store(settings.database_url)
    ids = nato_story(Newsroom(store), store)
    artifacts = Path(os.environ.get("BABELWIRE_ARTIFACTS") or ROOT / "test-artifacts")
    artifacts.mkdir(parents=True, exist_ok=True)
    try:
        with ReaderServer(create_app(store, settings), port=0) as server, sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            errors: list[str] = []
            try:
                phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
                phone.on("pageerror", lambda exc: errors.append(str(exc)))
                phone.goto(f"{server.url}/stories/{ids['story']}/compare")
                # The four outlets' headlines: one column, one under the other, each as wide as the screen.
                heads = _boxes(phone, ".compare-column")
                assert len(heads) == 4
                assert all(abs(box["x"] - heads[0]["x"]) < 1 for box in heads)
                assert all(a["y"] + a["height"] <= b["y"] + 1 for a, b in pairwise(heads))
                assert all(box["x"] + box["width"] <= PHONE["width"] for box in heads)
                # A fact several outlets report: its sentences stacked too.
                shared = phone.locator("li.fact-row:not(.only-one)").first
                cells = _boxes(shared, ".fact-cell")
                assert len(cells) >= 2 and abs(cells[0]["x"] - cells[1]["x"]) < 1 and cells[1]["y"] > cells[0]["y"]
                # What only one outlet reports is marked, and the marker is on screen when scrolled to.
                marker = phone.locator("li.fact-row.only-one .marker-only", has_text="Only Global Wire reports this")
                marker.first.scroll_into_view_if_needed()
                assert marker.first.is_visible()
                # The page is no wider than the phone (nothing to scroll sideways).
                assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
                # The original opens on demand, without JavaScript.
                original = shared.locator("details.original").first
                assert not original.locator("p").is_visible()
                original.locator("summary").click()
                assert original.locator("p").is_visible()
                assert original.locator("p").get_attribute("lang") == "fr"
                phone.screenshot(path=str(artifacts / "compare-phone.png"), full_page=True)

                wide = browser.new_context(viewport=WIDE).new_page()
                wide.goto(f"{server.url}/stories/{ids['story']}/compare")
                heads = _boxes(wide, ".compare-column")
                assert len({round(box["y"]) for box in heads}) == 1  # side by side on a wide screen
                assert len({round(box["x"]) for box in heads}) == 4
                wide.screenshot(path=str(artifacts / "compare.png"), full_page=True)
            finally:
                browser.close()
            assert errors == []
    finally:
        store.close()
