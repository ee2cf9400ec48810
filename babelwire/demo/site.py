"""The demo's sample news sites: two fictional French outlets, each with an RSS feed, served on
loopback from the HTML pages shipped in ``babelwire/demo/pages``."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html import escape
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from babelwire.loopback import LoopbackServer, Request, Response

ROBOTS = b"User-agent: *\nAllow: /\n"


def pages_dir() -> Traversable:
    """The folder of sample pages inside the installed package."""
    return resources.files("babelwire.demo").joinpath("pages")


def load_manifest() -> dict[str, Any]:
    """``pages/outlets.json``: the outlets, their feeds and their articles."""
    return json.loads(pages_dir().joinpath("outlets.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Outlet:
    name: str
    feed_url: str


class DemoSite:
    """``with DemoSite() as site:`` serves the outlets; :meth:`publish_update` swaps the article
    that has a later version to that version (as a newsroom would, "Détails à suivre…" gone)."""

    def __init__(self, server: LoopbackServer | None = None) -> None:
        self.server = server or LoopbackServer()
        self.manifest = load_manifest()
        self._pages: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self.outlets: list[Outlet] = []
        self.server.route("/robots.txt", Response(ROBOTS, headers={"Content-Type": "text/plain"}))
        for outlet in self.manifest["outlets"]:
            for article in outlet["articles"]:
                self._pages[article["path"]] = self._read(article["file"])
                self.server.route(article["path"], self._serve_page)
            self.server.route(outlet["feed"], self._serve_feed)
            self.outlets.append(Outlet(outlet["name"], self.server.url(outlet["feed"])))

    @staticmethod
    def _read(name: str) -> bytes:
        return pages_dir().joinpath(name).read_bytes()

    @property
    def updated_paths(self) -> list[str]:
        """Paths of the articles that have a later version."""
        return [a["path"] for o in self.manifest["outlets"] for a in o["articles"] if a.get("update")]

    @property
    def event_paths(self) -> list[str]:
        """Paths of the articles on the shared event, one per outlet."""
        return [a["path"] for o in self.manifest["outlets"] for a in o["articles"] if a.get("event")]

    def url(self, path: str) -> str:
        return self.server.url(path)

    def publish_update(self) -> list[str]:
        """Serve the later version of every updated article; returns their URLs."""
        urls = []
        with self._lock:
            for outlet in self.manifest["outlets"]:
                for article in outlet["articles"]:
                    if article.get("update"):
                        self._pages[article["path"]] = self._read(article["update"])
                        urls.append(self.server.url(article["path"]))
        return urls

    def _conditional(self, request: Request, body: bytes, content_type: str) -> Response:
        # ETags let the second poll see "unchanged" (304) for every page but the updated one.
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return Response(b"", 304, {"ETag": etag})
        return Response(body, 200, {"Content-Type": content_type, "ETag": etag})

    def _serve_page(self, request: Request) -> Response:
        with self._lock:
            body = self._pages[request.path]
        return self._conditional(request, body, "text/html; charset=utf-8")

    def _serve_feed(self, request: Request) -> Response:
        outlet = next(o for o in self.manifest["outlets"] if o["feed"] == request.path)
        return self._conditional(request, self._rss(outlet), "application/rss+xml; charset=utf-8")

    def _rss(self, outlet: dict[str, Any]) -> bytes:
        items = []
        for article in sorted(outlet["articles"], key=lambda a: a["published"], reverse=True):
            url = escape(self.server.url(article["path"]))
            date = format_datetime(datetime.fromisoformat(article["published"]))
            items.append(f"<item><title>{escape(article['title'])}</title><link>{url}</link>"
                         f'<guid isPermaLink="true">{url}</guid><pubDate>{date}</pubDate></item>')
        home = escape(self.server.url("/" + outlet["slug"] + "/"))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                f"<title>{escape(outlet['feed_title'])}</title><link>{home}</link><language>fr</language>"
                f"<description>{escape(outlet['name'])}</description>{''.join(items)}</channel></rss>").encode()

    def start(self) -> DemoSite:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
