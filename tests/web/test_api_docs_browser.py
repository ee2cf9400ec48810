"""/docs in a real browser (Playwright driving Debian's Chromium): Swagger UI starts from the
package's own files under the reader's Content-Security-Policy — no violation reported, no request
leaves the reader's origin — and lists the API's operations."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from babelwire.config import load_settings
from babelwire.server import ReaderServer
from babelwire.store import Store
from babelwire.web.app import create_app
from tests.browser.chromium import ARGS, CHROMIUM, WIDE, on_own_thread, sync_api


@on_own_thread
def test_swagger_ui_runs_under_the_csp_from_local_files(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    settings = load_settings(home)
    store = Store(settings.database_url)
    try:
        with ReaderServer(create_app(store, settings), port=0) as server, sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = browser.new_context(viewport=WIDE).new_page()
                errors: list[str] = []
                hosts: set[str] = set()
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
                page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
                page.goto(f"{server.url}/docs")
                page.wait_for_selector(".opblock-summary-path", timeout=20_000)
                paths = page.locator(".opblock-summary-path").all_inner_texts()
                assert any("/api/v1/articles" in p for p in paths) and any("/api/v1/sources" in p for p in paths)
                assert page.locator(".info .title").inner_text().startswith("babelwire")
                assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
                assert hosts == {urlsplit(server.url).netloc}, hosts
            finally:
                browser.close()
    finally:
        store.close()
