"""Scale-out benchmark: pages/minute through the Celery runner with 1, 2, … worker processes.

Pages of an extraction-dev style dataset are served from loopback (as ``bench ingest`` does),
the store is a fresh PostgreSQL database and the broker a dedicated Redis database. Each worker
process consumes ``fetch,extract,translate``; with ``translate=True`` new revisions are translated
by a tiny random Marian model (installed for every source language) through CTranslate2 (the
plumbing, batching and store writes are real; the model's speed is not that of OPUS-MT).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import redis

from babelwire.bench.ingest import load_pages, serve_pages
from babelwire.bench.web import stop_server
from babelwire.config import load_settings
from babelwire.errors import ConfigError
from babelwire.loopback import LoopbackServer
from babelwire.store.bulk import count_rows, frequent_errors
from babelwire.store.database import scratch_database

log = logging.getLogger(__name__)
PG_ADMIN_URL = os.environ.get("BABELWIRE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BENCH_LANGUAGES = ("fr", "de", "es", "it", "pt", "nl", "pl", "ru", "uk", "sv", "da", "no", "fi", "cs", "sk",
                   "hu", "ro", "bg", "el", "tr", "ar", "zh", "ja", "ko", "ca", "hr", "sl", "lt", "lv", "et")
REDIS_URL = os.environ.get("BABELWIRE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")


def _drained(client: redis.Redis) -> bool:
    """No message waiting or in flight on the stage queues."""
    return not (client.llen("fetch") or client.llen("translate") or client.hlen("unacked"))


def _run_once(html: list[bytes], workers: int, concurrency: int, model: Path | None, logs: Path) -> dict[str, Any]:
    from babelwire.pipeline.celery_app import configure, enqueue_poll
    from babelwire.pipeline.subscriptions import add_source
    from babelwire.pipeline.translation import count_pending
    from babelwire.store import Store

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    processes: list[subprocess.Popen] = []
    log_files: list[Any] = []
    with tempfile.TemporaryDirectory(prefix="babelwire-scale-") as home, LoopbackServer() as server, \
            scratch_database(PG_ADMIN_URL, "babelwire_bench") as db_url:
        sitemap_url = serve_pages(server, html)
        env = {
            **os.environ, "BABELWIRE_HOME": home, "BABELWIRE_DATABASE_URL": db_url, "BABELWIRE_BROKER_URL": REDIS_URL,
            "BABELWIRE_FETCH_ALLOW_PRIVATE": "1", "BABELWIRE_FETCH_HOST_DELAY": "0",
            "BABELWIRE_FETCH_HOST_CONCURRENCY": str(concurrency), "BABELWIRE_POLL_MAX_ENTRIES": str(len(html) + 10),
            "BABELWIRE_TRANSLATE_ENABLED": "1" if model else "0", "BABELWIRE_TRANSLATE_ENGINE": "ct2",
            "BABELWIRE_TRANSLATE_MODEL": "", "BABELWIRE_TRANSLATE_THREADS": "1",
            "BABELWIRE_TRANSLATE_BEAM_SIZE": "1",
        }
        if model is not None:  # installed for every pair, as `models pull` would for each language
            shutil.copytree(model, Path(home) / "models" / model.name)
        settings = load_settings(home, environ=env)
        store = Store(settings.database_url)  # migrate before the workers open it
        app = configure(settings)
        try:
            for i in range(workers):
                out = (logs / f"worker-{workers}-{i}.log").open("wb")
                log_files.append(out)
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "babelwire", "-v", "worker",
                     "--queues", "fetch,extract,translate", "--concurrency", str(concurrency)],
                    env=env, stdout=out, stderr=subprocess.STDOUT))
            deadline = time.monotonic() + 60
            while len(app.control.ping(timeout=0.5) or []) < workers:
                if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                    raise ConfigError(f"the Celery workers did not start (logs in {logs})")
            add_source(store, settings, sitemap_url, "sitemap", name="bench")
            start = time.perf_counter()
            enqueue_poll(settings, store)
            calm = 0
            while calm < 3:  # drained three checks in a row: nothing left anywhere
                time.sleep(0.2)
                calm = calm + 1 if _drained(client) else 0
            seconds = time.perf_counter() - start - 0.4  # the two confirming checks
            counts = count_rows(store, "articles", "fetch_queue", "translations")
            stored, failed, translated = counts["articles"], counts["fetch_queue"], counts["translations"]
            untranslated = count_pending(store, settings)
            errors = [f"{n}× {stage}: {reason[:120]}" for stage, reason, n in session_errors(store)]
        finally:
            for process in processes:
                stop_server(process)
            for out in log_files:
                out.close()
            store.close()
            client.flushdb()
    return {
        "worker processes": workers, "threads each": concurrency, "pages served": len(html),
        "articles stored": stored, "pages failed": failed, "translated": translated,
        "left untranslated": untranslated, "seconds": round(seconds, 2),
        "pages/minute": round(len(html) / seconds * 60, 1), "errors": errors,
    }


def session_errors(store: Any) -> list[tuple[str, str, int]]:
    """The most frequent recorded errors (stage, reason, count)."""
    return frequent_errors(store, 5)


def run_scale_bench(
    dataset_dir: Path, *, pages: int | None = 200, workers: Sequence[int] = (1, 2), concurrency: int = 4,
    translate: bool = True, logs: Path | None = None,
) -> list[dict[str, Any]]:
    """One row per worker count: pages/minute of fetch + extract + store (+ translate) via Celery."""
    html = load_pages(Path(dataset_dir), pages)
    logs = logs or Path(tempfile.mkdtemp(prefix="babelwire-scale-logs-"))
    with tempfile.TemporaryDirectory(prefix="babelwire-scale-model-") as tmp:
        model = None
        if translate:
            from babelwire.translate.models import write_manifest
            from babelwire.translate.testing import build_marian_model

            model = build_marian_model(Path(tmp) / "tiny-marian-any-en")
            # Random weights translate nothing anyway: declare the model for every source language of
            # the pages so that each one goes through the whole translate path (and its timing).
            write_manifest(model, name="tiny-marian-any-en", kind="marian", repo=None, quantization="int8",
                           source="testing", random_weights=True,
                           pairs=[[lang, "en"] for lang in BENCH_LANGUAGES])
        rows = []
        for count in workers:
            rows.append(_run_once(html, count, concurrency, model, logs))
            log.info("scale bench: %s", rows[-1])
    return rows
