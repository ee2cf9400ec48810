"""``babelwire bench ingest``: pages/minute of fetch + extract + store, served from loopback."""

from __future__ import annotations

import gzip
import json
import os
import resource
import tempfile
import time
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from babelwire.config import load_settings
from babelwire.loopback import LoopbackServer, Response


def load_pages(dataset: Path, limit: int | None = None) -> list[bytes]:
    """The raw HTML of an extraction-dev style dataset, in evaldata.json order."""
    entries = json.loads((dataset / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for entry in entries.values():
        path = dataset / "html" / entry["file"]
        if not path.exists():
            path = dataset / "html" / (entry["file"] + ".gz")
        if not path.exists():
            continue
        data = path.read_bytes()
        pages.append(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
        if limit and len(pages) >= limit:
            break
    return pages


def serve_pages(server: LoopbackServer, pages: list[bytes]) -> str:
    """Route every page and a sitemap listing them; returns the sitemap URL."""
    urls = []
    for i, body in enumerate(pages):
        # No charset in the header: the fetcher must find it in the page, as on many real sites.
        urls.append(server.route(f"/articles/{i}.html", Response(body, headers={"Content-Type": "text/html"})))
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{escape(u)}</loc></url>" for u in urls)
        + "</urlset>"
    ).encode()
    return server.route("/sitemap.xml", Response(sitemap, headers={"Content-Type": "application/xml"}))


#: Query shapes of the watches ``--watches N`` adds: names, words, phrases, AND/OR/NOT, languages.
WATCH_QUERIES = (
    "{name}", '"{name} {word}"', "{name} OR {word}", "{word} AND {name} NOT sport", "({name} OR {word}) lang:fr",
    "{word2} {word}",
)
_WORDS = ("ministre", "election", "budget", "climat", "frontiere", "accord", "sommet", "greve", "vaccin", "tribunal",
          "gouvernement", "entreprise", "marche", "police", "universite", "hopital", "energie", "banque")


def bench_watches(count: int) -> list[str]:
    """``count`` distinct watch queries of the shapes users write (made-up names, common news words)."""
    queries = []
    for i in range(count):
        name = "Nom" + "".join("bdfgjklmnprtvz"[int(c)] + "ae"[k % 2] for k, c in enumerate(f"{i:04d}"))
        queries.append(WATCH_QUERIES[i % len(WATCH_QUERIES)].format(
            name=name, word=_WORDS[i % len(_WORDS)], word2=_WORDS[(i * 7 + 3) % len(_WORDS)]))
    return queries


def run_ingest_bench(dataset: Path, *, pages: int | None = None, workers: int | None = None,
                     watches: int = 0) -> dict[str, Any]:
    """Serve the pages on loopback, poll them into a fresh store, report throughput and memory;
    ``watches``: that many watches are matched against every article (the notify stage) too."""
    from babelwire.pipeline.local import poll
    from babelwire.pipeline.subscriptions import add_source
    from babelwire.store import Store

    html = load_pages(dataset, pages)
    with tempfile.TemporaryDirectory(prefix="babelwire-bench-") as home, LoopbackServer() as server:
        sitemap_url = serve_pages(server, html)
        workers = workers or max(2, (os.cpu_count() or 2) * 2)
        env = {
            "BABELWIRE_FETCH_ALLOW_PRIVATE": "1",
            # Every page comes from one loopback host: politeness would measure the delay, not us.
            "BABELWIRE_FETCH_HOST_DELAY": "0",
            "BABELWIRE_FETCH_HOST_CONCURRENCY": str(workers),
            "BABELWIRE_POLL_WORKERS": str(workers),
            "BABELWIRE_POLL_MAX_ENTRIES": str(len(html) + 10),
            "BABELWIRE_TRANSLATE_ENABLED": "0",
        }
        settings = load_settings(home, environ=env)
        store = Store(settings.database_url)
        add_source(store, settings, sitemap_url, "sitemap", name="bench")
        if watches:
            from babelwire.store.watches import add_watch

            for i, query in enumerate(bench_watches(watches)):
                add_watch(store, name=f"watch-{i}", query=query)
        start = time.perf_counter()
        summary = poll(store, settings)
        seconds = time.perf_counter() - start
        store.close()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "pages served": len(html),
        "articles stored": summary.new + summary.updated + summary.unchanged,
        "pages failed (no article text etc.)": summary.failed,
        "workers": workers,
        "watches": watches,
        "watch matches": summary.alerts.matched,
        "notify seconds": round(summary.alerts.seconds, 2),
        "seconds": round(seconds, 2),
        "pages/minute": round(len(html) / seconds * 60, 1),
        "peak RSS MiB": round(peak_kib / 1024, 1),
    }
