"""Debian's Chromium driven by Playwright, for the browser tests: importing this module skips the
importing test module when either is missing (with the command that installs it)."""

from __future__ import annotations

import os
import shutil

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
CHROMIUM = os.environ.get("BABELWIRE_CHROMIUM", "/usr/bin/chromium")
if not shutil.which(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def on_own_thread(test):
    """Run a browser test on a thread of its own: Playwright's sync API refuses to start where an
    asyncio loop is running, and a test earlier in the session may leave one on the main thread."""
    import functools
    import threading

    @functools.wraps(test)
    def run(*args, **kwargs):
        failure: list[BaseException] = []

        def body() -> None:
            try:
                test(*args, **kwargs)
            except BaseException as exc:  # re-raised on the test's own thread
                failure.append(exc)

        thread = threading.Thread(target=body, name=f"browser:{test.__name__}")
        thread.start()
        thread.join()
        if failure:
            raise failure[0]

    return run
