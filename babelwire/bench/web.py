"""``babelwire bench web``: reader latency under concurrent clients, on a store of synthetic articles.

The store is filled with bulk inserts (realistic sizes: 6–12 blocks per document, a translation
with quality flags, stories of 2–5 articles); the app runs under uvicorn in a *separate* process
(as in production), and asyncio httpx clients in this process request random pages of each kind.
With ``think=0`` every client sends its next request as soon as the last answer arrives (closed
loop), so latency ≈ clients / throughput; ``think`` > 0 models readers pausing between pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import httpx

from babelwire.document import Block, Document
from babelwire.store import Store
from babelwire.store.bulk import analyze, insert_rows, set_story_counts

T = TypeVar("T")
APP_FACTORY = "babelwire.server:app_from_environment"
ENDPOINTS = ("home", "article", "story", "search", "feed")
TARGETS_MS = {"home": 50.0, "article": 50.0, "story": 50.0}  # p95 goals on a 2-core machine

_FR = [
    "La réunion s'est tenue mercredi au siège de l'Alliance atlantique à Bruxelles.",
    "« La conversation a été très franche, directe, profonde, intense », a déclaré le vice-ministre.",
    "Le gouvernement a présenté mardi un projet de loi sur la rénovation énergétique des logements.",
    "Selon l'Insee, l'inflation a atteint 2,8 % sur un an en décembre, portée par les prix de l'énergie.",
    "Les syndicats appellent à une nouvelle journée de mobilisation le 27 janvier dans toute la France.",
    "Faute de neige, plusieurs stations de moyenne montagne ont fermé une partie de leurs pistes.",
    "Le tribunal administratif a suspendu l'arrêté municipal, jugé disproportionné par les requérants.",
    "Une trentaine de canons et des fragments de céramique ont été repérés par vingt-cinq mètres de fond.",
    "Le maire a plaidé pour un fonds régional destiné à diversifier l'offre touristique de la vallée.",
    "Les associations d'usagers saluent la mesure, tout en regrettant qu'elle ne concerne pas la périphérie.",
    "Moscou a soumis à la mi-décembre aux États-Unis et à l'OTAN des projets de traités.",
    "Le prix de la farine a progressé d'environ 15 % en un an, tout comme celui du beurre.",
]
_EN = [
    "The meeting was held on Wednesday at the headquarters of the Atlantic Alliance in Brussels.",
    "“The conversation was very frank, direct, deep, intense,” the deputy minister said.",
    "The government presented a bill on the energy renovation of housing on Tuesday.",
    "According to Insee, inflation reached 2.8% year on year in December, driven by energy prices.",
    "The unions are calling for a new day of action on 27 January throughout France.",
    "For lack of snow, several mid-mountain resorts have closed some of their slopes.",
    "The administrative court suspended the municipal order, which the applicants deemed disproportionate.",
    "About thirty cannons and fragments of ceramics were spotted twenty-five metres down.",
    "The mayor called for a regional fund to diversify the valley's tourist offer.",
    "User associations welcome the measure, while regretting that it does not cover the suburbs.",
    "In mid-December Moscow submitted draft treaties to the United States and NATO.",
    "The price of flour has risen by about 15% in a year, as has that of butter.",
]
_TOPICS = [
    ("OTAN", "NATO"), ("inflation", "inflation"), ("retraites", "pensions"), ("neige", "snow"),
    ("tramway", "tramway"), ("énergie", "energy"), ("élections", "elections"), ("santé", "health"),
    ("Ukraine", "Ukraine"), ("agriculture", "farming"), ("climat", "climate"), ("football", "football"),
]
SEARCH_TERMS = [en for _, en in _TOPICS] + [fr for fr, _ in _TOPICS]
_FLAGS = ["numbers", "quotes", "length_ratio", "untranslated"]


def _documents(rng: random.Random, i: int, when: datetime, url: str) -> tuple[dict, dict, dict]:
    """(original, translation, flags) of one synthetic article."""
    fr_topic, en_topic = _TOPICS[i % len(_TOPICS)]
    n = rng.randint(6, 12)
    picks = [rng.randrange(len(_FR)) for _ in range(n)]
    fr_blocks, en_blocks = [], []
    for k, p in enumerate(picks):
        kind = "heading" if k and k % 5 == 0 else "paragraph"
        fr_blocks.append(Block(kind, _FR[p] if kind == "heading" else f"{_FR[p]} {_FR[(p + 3) % len(_FR)]}"))
        en_blocks.append(Block(kind, _EN[p] if kind == "heading" else f"{_EN[p]} {_EN[(p + 3) % len(_EN)]}"))
    original = Document(title=f"{fr_topic.capitalize()} : point de situation n° {i}", blocks=fr_blocks,
                        language="fr", published=when, url=url)
    translated = original.with_blocks(en_blocks, title=f"{en_topic.capitalize()}: situation update no. {i}")
    translated.language = "en"
    flags = [[rng.choice(_FLAGS)] if rng.random() < 0.08 else [] for _ in en_blocks]
    return original.to_dict(), translated.to_dict(), {"title": [], "blocks": flags}


def generate_store(url: str, *, articles: int = 10_000, sources: int = 20, seed: int = 0,
                   batch: int = 1000) -> dict[str, list[int]]:
    """Fill an empty store with synthetic articles; returns {"articles": ids, "stories": ids}."""
    rng = random.Random(seed)
    store = Store(url)
    now = datetime.now(UTC)
    story_count = articles // 5
    insert_rows(store, [
        ("sources", [
            {"id": s + 1, "url": f"https://news{s}.example.fr/rss.xml", "kind": "feed", "name": f"Le Journal {s}",
             "language": "fr", "interval": 1800.0, "created_at": now, "next_poll_at": now,
             "consecutive_failures": 0, "translate": True, "last_success_at": now}
            for s in range(sources)
        ]),
        ("stories", [
            {"id": k + 1, "title": f"{_TOPICS[k % len(_TOPICS)][1].capitalize()}: story {k + 1}",
             "created_at": now, "updated_at": now - timedelta(minutes=k), "start_at": now - timedelta(minutes=k + 60),
             "end_at": now - timedelta(minutes=k), "article_count": 0, "features": None}
            for k in range(story_count)
        ]),
    ])
    counts = [0] * (story_count + 1)
    for start in range(0, articles, batch):
        rows_a, rows_r, rows_t = [], [], []
        for i in range(start, min(start + batch, articles)):
            aid = i + 1
            when = now - timedelta(minutes=articles - i)
            source_id = i % sources + 1
            url = f"https://news{source_id - 1}.example.fr/article/{aid}.html"
            original, translated, flags = _documents(rng, i, when, url)
            # Roughly half the articles belong to a story, shared by 2–5 outlets.
            story_id = rng.randint(1, story_count) if story_count and rng.random() < 0.5 else None
            if story_id:
                counts[story_id] += 1
            rows_a.append({"id": aid, "url": url, "source_id": source_id, "first_seen_at": when,
                           "last_checked_at": when, "last_changed_at": when, "title": original["title"],
                           "language": "fr", "published": when, "content_hash": f"{aid:064x}",
                           "consecutive_failures": 0, "story_id": story_id})
            rows_r.append({"id": aid, "article_id": aid, "number": 1, "fetched_at": when,
                           "content_hash": f"{aid:064x}", "document": original})
            rows_t.append({"id": aid, "revision_id": aid, "target": "en", "engine": "ct2",
                           "engine_id": "ct2:opus-mt-fr-en@bench", "model": "opus-mt-fr-en", "created_at": when,
                           "seconds": 0.4, "document": translated, "flags": flags,
                           "sentences": 2 * len(translated["blocks"]), "from_memory": 0})
        insert_rows(store, [("articles", rows_a), ("revisions", rows_r), ("translations", rows_t)])
    story_ids = set_story_counts(store, {k: n for k, n in enumerate(counts) if k})
    analyze(store)
    store.close()
    return {"articles": list(range(1, articles + 1)), "stories": story_ids}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(home: Path, *, workers: int = 1, http: str = "auto", loop: str = "auto",
                 timeout: float = 60.0, factory: str = APP_FACTORY) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn serving the reader for ``home`` in a child process; returns (process, base URL)."""
    port = free_port()
    # The pages were pre-rendered before (or deliberately not): no background rendering while measuring.
    env = {**os.environ, "BABELWIRE_HOME": str(home), "BABELWIRE_WEB_PRERENDER": "0"}
    env.pop("BABELWIRE_DATABASE_URL", None)
    command = [sys.executable, "-m", "uvicorn", factory, "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--http", http,
               "--loop", loop, "--no-proxy-headers", "--no-access-log", "--log-level", "warning"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the web server exited: {process.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            if httpx.get(base + "/", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"the web server did not answer on {base} within {timeout:.0f}s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def discover_feed(base: str) -> str:
    """The first Atom feed the home page links to (``<link rel=alternate>``), else /feeds/."""
    html = httpx.get(base + "/", timeout=10).text
    for tag in re.findall(r"<link\b[^>]*>", html):
        if "alternate" in tag and "atom" in tag:
            href = re.search(r'href="([^"]+)"', tag)
            if href:
                return href.group(1).replace(base, "")
    return "/feeds/articles.atom"


def _paths(name: str, rng: random.Random, ids: dict[str, list[int]], feed: str) -> Callable[[], str]:
    if name == "home":
        return lambda: "/"
    if name == "article":
        return lambda: f"/articles/{rng.choice(ids['articles'])}"
    if name == "story":
        return lambda: f"/stories/{rng.choice(ids['stories'])}"
    if name == "search":
        return lambda: f"/search?q={quote(rng.choice(SEARCH_TERMS))}"
    if name == "feed":
        return lambda: feed
    raise ValueError(f"unknown endpoint {name!r}")


class _Connection:
    """A minimal HTTP/1.1 keep-alive client connection.

    httpx spends ~5 ms of CPU per request here, enough to saturate a core of a 2-core machine
    before the server does; this reader of status line, headers and (chunked) body costs a
    fraction of that, so the numbers measure the server, not the client."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                          "Accept-Encoding: identity\r\n\r\n".encode("ascii"))
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split()[1])
        headers = dict((k.strip().lower(), v.strip()) for k, _, v in (line.partition(":") for line in head[1:] if line))
        if "content-length" in headers:
            await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                await self.reader.readexactly(size + 2)
            await self.reader.readuntil(b"\r\n")
        else:
            await self.reader.read()
            await self.close()
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def _load(base: str, make_path: Callable[[], str], *, clients: int, requests: int,
                think: float) -> tuple[list[float], int, float]:
    """(latencies in ms, errors, wall seconds) for ``requests`` requests from ``clients`` clients."""
    host, port = urlsplit(base).hostname or "127.0.0.1", urlsplit(base).port or 80
    latencies: list[float] = []
    errors = 0
    remaining = requests

    async def one_client() -> None:
        nonlocal remaining, errors
        connection = _Connection(host, port)
        if think:  # readers arrive spread over one pause, not all in the same millisecond
            await asyncio.sleep(random.uniform(0, think))
        try:
            while remaining > 0:
                remaining -= 1
                path = make_path()
                start = time.perf_counter()
                try:
                    ok = await connection.get(path) == 200
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    ok = False
                    await connection.close()
                latencies.append((time.perf_counter() - start) * 1000)
                errors += not ok
                if think:
                    await asyncio.sleep(think)
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(clients)))
    return latencies, errors, time.perf_counter() - started


def _run_async(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on a fresh event loop in its own thread: the caller's thread may already
    run a loop (Playwright's sync API, Jupyter), where ``asyncio.run`` refuses to start."""
    with ThreadPoolExecutor(1, thread_name_prefix="bench-clients") as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def measure(base: str, ids: dict[str, list[int]], *, clients: int = 50, requests: int = 500,
            warmup: int = 50, think: float = 0.0, endpoints: tuple[str, ...] = ENDPOINTS,
            seed: int = 1) -> list[dict[str, Any]]:
    """One row per endpoint: requests, errors, p50/p95/p99/mean in ms, requests/s."""
    rng = random.Random(seed)
    feed = discover_feed(base) if "feed" in endpoints else ""
    rows = []
    for name in endpoints:
        make_path = _paths(name, rng, ids, feed)
        _run_async(partial(_load, base, make_path, clients=min(clients, warmup) or 1, requests=warmup, think=0))
        latencies, errors, seconds = _run_async(
            partial(_load, base, make_path, clients=clients, requests=requests, think=think))
        rows.append({
            "endpoint": name, "requests": len(latencies), "errors": errors,
            "p50_ms": round(_percentile(latencies, 50), 1), "p95_ms": round(_percentile(latencies, 95), 1),
            "p99_ms": round(_percentile(latencies, 99), 1), "mean_ms": round(statistics.fmean(latencies), 1),
            "rps": round(len(latencies) / seconds, 1),
            "target_p95_ms": TARGETS_MS.get(name),
        })
    return rows


def run_web_bench(
    *, articles: int = 10_000, clients: int = 50, requests: int = 500, workers: int = 1, http: str = "auto",
    loop: str = "auto", think: float = 0.0, warmup: int = 50, home: Path | None = None,
    endpoints: tuple[str, ...] = ENDPOINTS, prerendered: bool = True,
) -> dict[str, Any]:
    """Generate a store of ``articles`` synthetic articles, serve it in a child uvicorn process and
    measure every endpoint; returns settings, generation time and one row per endpoint."""
    with tempfile.TemporaryDirectory(prefix="babelwire-webbench-") as tmp:
        home = home or Path(tmp)
        db_url = f"sqlite:///{home / 'babelwire.db'}"
        started = time.perf_counter()
        ids = generate_store(db_url, articles=articles)
        generated = time.perf_counter() - started
        rendered = 0
        prerender_seconds = 0.0
        if prerendered:
            from babelwire.config import load_settings
            from babelwire.web.prerender import prerender

            started = time.perf_counter()
            settings = load_settings(home, environ={"BABELWIRE_DATABASE_URL": db_url})
            store = Store(db_url)
            try:
                rendered = prerender(store, settings)  # what `babelwire render` does
            finally:
                store.close()
            prerender_seconds = time.perf_counter() - started
        process, base = start_server(home, workers=workers, http=http, loop=loop)
        try:
            rows = measure(base, ids, clients=clients, requests=requests, warmup=warmup, think=think,
                           endpoints=endpoints)
        finally:
            stop_server(process)
    return {
        "articles": articles, "stories": len(ids["stories"]), "clients": clients, "requests": requests,
        "workers": workers, "http": http, "loop": loop, "think": think,
        "generate_seconds": round(generated, 1), "prerendered_pages": rendered,
        "prerender_seconds": round(prerender_seconds, 1), "cpus": os.cpu_count(), "rows": rows,
        "targets_met": all(r["p95_ms"] < TARGETS_MS[r["endpoint"]] for r in rows if r["endpoint"] in TARGETS_MS),
    }
