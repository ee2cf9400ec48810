"""CPU per first view: what a page nobody has rendered yet costs the server, without HTTP.

The reader app is called in process (ASGI, the path of a real request through every middleware,
the page cache, the route and the template) for distinct article and story pages of a generated
store, none pre-rendered, and the process's CPU time is divided by the number of pages. Client,
sockets and uvicorn are left out, so the figure is the server's own cost, repeatable on a busy
machine better than a load test's throughput.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from babelwire.bench.web import generate_store

WARMUP = 20  # pages rendered first (imports, template compilation, connection pool)


async def _get(app: Any, path: str) -> int:
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"host", b"127.0.0.1:8080"), (b"accept-encoding", b"gzip")], "scheme": "http",
             "server": ("127.0.0.1", 8080), "client": ("127.0.0.1", 50000), "http_version": "1.1",
             "root_path": "", "app": app}
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def _measure(app: Any, ids: dict[str, list[int]], views: int) -> list[dict[str, Any]]:
    rows = []
    async with app.router.lifespan_context(app):
        for kind, page in (("articles", "article"), ("stories", "story")):
            chosen = ids[kind][:WARMUP + views]
            for i in chosen[:WARMUP]:
                await _get(app, f"/{kind}/{i}")
            measured = chosen[WARMUP:]
            wall, cpu = time.perf_counter(), time.process_time()
            statuses = [await _get(app, f"/{kind}/{i}") for i in measured]
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            cpu_ms = 1000 * cpu / max(1, len(measured))
            rows.append({"page": page, "views": len(measured), "errors": sum(s != 200 for s in statuses),
                         "cpu_ms": round(cpu_ms, 2), "wall_ms": round(1000 * wall / max(1, len(measured)), 2),
                         "views_per_cpu_second": round(1000 / cpu_ms) if cpu_ms else None})
    return rows


def run_first_view_bench(*, articles: int = 2000, views: int = 300) -> dict[str, Any]:
    """CPU milliseconds per first view of ``views`` distinct article and story pages."""
    from babelwire.config import load_settings
    from babelwire.store import Store
    from babelwire.web.app import create_app

    with tempfile.TemporaryDirectory(prefix="babelwire-firstview-") as folder:
        home = Path(folder)
        db_url = f"sqlite:///{home / 'bench.db'}"
        ids = generate_store(db_url, articles=articles)
        settings = load_settings(home, environ={"BABELWIRE_DATABASE_URL": db_url, "BABELWIRE_WEB_PRERENDER": "0"})
        store = Store(db_url)
        try:
            app = create_app(store, settings)
            rows = asyncio.run(_measure(app, ids, views))
            app.state.web.clock.close()
        finally:
            store.close()
    return {"articles": articles, "rows": rows}
