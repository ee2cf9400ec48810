"""The Celery runner: the local runner's stage functions as Celery tasks, one queue per stage.

Queues (see :data:`babelwire.pipeline.dispatch.QUEUES`):

- ``fetch``: ``babelwire.list_source(source_id)`` (listing + refreshes, then sends an ingest task
  per pending URL of that source) and ``babelwire.ingest_item(item_id)`` (fetch + extract + store
  one ``fetch_queue`` row, then sends the new revision to ``translate``);
- ``translate``: ``babelwire.translate_revisions(revision_ids)``; the worker adds other pending
  revisions to the batch (up to :data:`REVISIONS_PER_TASK`) so sentences from many articles share
  engine batches;
- ``group``: ``babelwire.group_stories(revision_ids)`` places pending articles in stories and
  re-places the updated ones (a translate worker consumes ``group`` too unless told otherwise);
- ``extract``: declared, no task routed (extraction happens inside ingest_item: the raw page is
  never stored, so a separate task would ship HTML through the broker).

Delivery: tasks are acknowledged after they finish (``acks_late``), given back when the worker
process dies (``reject_on_worker_lost``), prefetched one at a time. Every task argument is the id of
work recorded in the store and every stage is idempotent, so a redelivered task whose work is done
is a no-op. A worker process beats a heartbeat into Redis and holds the leases of the messages it
received in its name (:mod:`babelwire.pipeline.dispatch`); :func:`run_scheduler` sweeps every
``[broker] sweep_interval``: the messages of a worker silent for ``[broker] lease_timeout`` go back
to the head of their queue at once (not after Redis's visibility timeout), and :func:`enqueue_poll`
(one scheduler tick) re-sends whatever is pending and not in flight, so nothing stays stuck after a crash.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from typing import Any

import redis
from celery import Celery, signals

from babelwire.config import Settings, format_duration, load_settings, parse_duration
from babelwire.errors import ConfigError
from babelwire.fetch import Fetcher
from babelwire.pipeline.dispatch import (
    QUEUES,
    STAGES,
    TASK_QUEUES,
    Dispatcher,
    Heartbeat,
    Leases,
    StoppedWorker,
    lease_of,
    queue_length,
    reclaim_lost_sends,
    record_stopped,
    scheduler_beat,
    sweep_workers,
)
from babelwire.pipeline.ingest import (
    due_sources,
    ingest_item,
    list_source,
    pending_items,
    queue_refreshes,
    record_error,
)
from babelwire.pipeline.notify import notify, notify_pending
from babelwire.pipeline.translation import pending_jobs, pending_revision_ids, translate_pending
from babelwire.store import Store
from babelwire.store.database import OperationalError
from babelwire.store.queue import existing_sources, pending_among
from babelwire.stories.grouping import articles_of_revisions, pending_articles, regroup_pending
from babelwire.translate.engines import EngineCache

log = logging.getLogger(__name__)

#: Revisions one translate task takes at most (its own plus other pending ones).
REVISIONS_PER_TASK = 64
DEFAULT_VISIBILITY_TIMEOUT = "1h"
LOCAL_RUNNER_HINT = (
    "no broker is configured, so babelwire uses the local runner (`babelwire run` or `babelwire poll` "
    "do everything in one process). To run Celery workers, set BABELWIRE_BROKER_URL=redis://HOST:6379/0 "
    "(or [broker] url in babelwire.toml) and, for workers on several machines, "
    "BABELWIRE_DATABASE_URL=postgresql+psycopg://USER:PASSWORD@HOST/DB"
)

app = Celery("babelwire", set_as_current=False)
TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    # A database or broker outage is worth a few retries; stage errors are recorded, not raised.
    "autoretry_for": (OperationalError, redis.exceptions.ConnectionError),
    "retry_backoff": True,
    "max_retries": 5,
}


def visibility_timeout(settings: Settings) -> float:
    """Seconds before Redis redelivers a message whose worker vanished (longer than any task)."""
    return settings.broker.visibility_timeout.total_seconds() or parse_duration(DEFAULT_VISIBILITY_TIMEOUT)


def heartbeat_interval(settings: Settings) -> float:
    """Seconds between two heartbeats of a worker process."""
    return settings.broker.heartbeat_interval.total_seconds()


def lease_timeout(settings: Settings) -> float:
    """Seconds without a heartbeat after which a worker is taken for dead and its work given back."""
    return settings.broker.lease_timeout.total_seconds()


def sweep_interval(settings: Settings) -> float:
    """Seconds between two looks of the scheduler for dead workers."""
    return settings.broker.sweep_interval.total_seconds()


def _check_recovery_settings(settings: Settings) -> None:
    beat, lease, sweep = heartbeat_interval(settings), lease_timeout(settings), sweep_interval(settings)
    if beat <= 0 or sweep <= 0:
        raise ConfigError("[broker] heartbeat_interval and sweep_interval must be greater than 0 "
                          "(BABELWIRE_BROKER_HEARTBEAT_INTERVAL, BABELWIRE_BROKER_SWEEP_INTERVAL)")
    if lease < 2 * beat:
        # One late heartbeat (a busy process, a slow network) must not make a live worker look dead.
        raise ConfigError(f"[broker] lease_timeout ({format_duration(settings.broker.lease_timeout)}) must be at "
                          f"least twice heartbeat_interval ({format_duration(settings.broker.heartbeat_interval)}) "
                          "(BABELWIRE_BROKER_LEASE_TIMEOUT)")


def configure(settings: Settings) -> Celery:
    """The Celery app set up from settings; raises ConfigError when no broker is configured."""
    if not settings.broker.url:
        raise ConfigError(LOCAL_RUNNER_HINT)
    _check_recovery_settings(settings)
    timeout = visibility_timeout(settings)
    app.conf.update(
        broker_url=settings.broker.url,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": timeout,
            # Look for abandoned messages often enough that a short timeout means short recovery.
            "unacked_restore_interval": max(1, min(10, int(timeout / 4))),
            "unacked_restore_throttle": 1,
            # A worker killed while holding the restore mutex blocks every other worker's restore
            # until the mutex expires (kombu default 300 s): keep that below the timeout itself.
            "unacked_mutex_expire": max(5, min(300, int(timeout))),
        },
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        task_ignore_result=True,
        task_default_queue="fetch",
        task_routes={name: {"queue": queue} for name, queue in TASK_QUEUES.items()},
        task_serializer="json",
        accept_content=["json"],
    )
    _context.bind(settings)
    return app


class _WorkerContext:
    """Per-process resources built on first use (after a prefork fork, never before)."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        #: This worker's Celery node name (set in the main process before a prefork pool forks), in
        #: whose name it holds the leases of the messages it receives; None outside a worker.
        self.worker_name: str | None = None
        self._pid = 0
        self._lock = threading.Lock()
        self._resources: dict[str, Any] = {}
        self._heartbeat: Heartbeat | None = None

    def bind(self, settings: Settings) -> None:
        with self._lock:
            if self.settings is not settings:
                self.settings = settings
                self._resources = {}

    def _get(self, name: str) -> Any:
        with self._lock:
            if self.settings is None:
                # A worker started by `celery -A babelwire.pipeline.celery_app worker` directly.
                self.settings = load_settings()
            if self._pid != os.getpid():
                self._pid, self._resources = os.getpid(), {}
            if name not in self._resources:
                self._resources[name] = self._build(name, self.settings)
            return self._resources[name]

    def _build(self, name: str, settings: Settings) -> Any:
        if name == "store":
            return Store(settings.database_url)
        if name == "fetcher":
            return Fetcher(settings.fetch)
        if name == "engines":
            # One cache per process: a ct2 model (on the GPU when there is one) is loaded once.
            return EngineCache(settings)
        if name == "leases":
            client = redis.Redis.from_url(settings.broker.url)
            return Leases(client, ttl=2 * visibility_timeout(settings), holder=self.worker_name)
        raise KeyError(name)

    def start_heartbeat(self) -> None:
        """Start this worker process's heartbeat (once; before it holds any lease in its name)."""
        with self._lock:
            if self._heartbeat is not None or self.worker_name is None:
                return
            settings = self.settings or load_settings()
            self.settings = settings
            queues = sorted(app.amqp.queues.consume_from or ())
            client = redis.Redis.from_url(settings.broker.url, socket_timeout=10, socket_connect_timeout=10)
            heartbeat = Heartbeat(client, self.worker_name, queues=queues,
                                  interval=heartbeat_interval(settings), timeout=lease_timeout(settings))
            heartbeat.start()  # raises if the first beat fails: the next call tries again
            self._heartbeat = heartbeat
        log.info("worker %s: heartbeat every %ss, taken for dead after %ss of silence", self.worker_name,
                 heartbeat.interval, heartbeat.timeout)

    def stop_heartbeat(self) -> None:
        with self._lock:
            heartbeat, self._heartbeat = self._heartbeat, None
        if heartbeat is not None:
            heartbeat.stop()

    @property
    def store(self) -> Store:
        return self._get("store")

    @property
    def fetcher(self) -> Fetcher:
        return self._get("fetcher")

    @property
    def engines(self) -> EngineCache:
        return self._get("engines")

    @property
    def leases(self) -> Leases:
        leases = self._get("leases")
        leases.holder = leases.holder or self.worker_name  # built before the worker was named
        return leases

    @property
    def dispatcher(self) -> Dispatcher:
        return Dispatcher(app, self.leases)


_context = _WorkerContext()


@signals.celeryd_after_setup.connect
def _name_worker(sender: str, **_: Any) -> None:
    _context.worker_name = str(sender)


@signals.worker_ready.connect
def _worker_ready(**_: Any) -> None:
    try:
        _context.start_heartbeat()
    except redis.RedisError as exc:  # tried again when the first message arrives
        log.warning("could not start the worker heartbeat: %s", exc)


@signals.task_received.connect
def _task_received(request: Any = None, **_: Any) -> None:
    """Hold the leases of a message this worker received (also a prefetched one) in its name, so
    that the scheduler knows whose it is if this worker dies."""
    lease = lease_of(getattr(request, "name", None), getattr(request, "args", None))
    if lease is None or _context.worker_name is None:
        return
    try:
        _context.start_heartbeat()
        _context.leases.hold(*lease)
    except redis.RedisError as exc:  # the task still runs; at worst its work is given back twice
        log.warning("could not hold the lease of %s%s: %s", request.name, tuple(request.args or ()), exc)


@signals.worker_shutdown.connect
def _worker_shutdown(**_: Any) -> None:
    _context.stop_heartbeat()


@app.task(name="babelwire.list_source", **TASK_OPTIONS)
def list_source_task(source_id: int) -> dict[str, Any]:
    """List one source, queue refreshes, and send an ingest task per pending URL of it."""
    ctx = _context
    try:
        outcome = list_source(ctx.store, ctx.fetcher, source_id, ctx.settings)
        refreshes = queue_refreshes(ctx.store, [source_id], ctx.settings) if outcome.ok else 0
        sent = ctx.dispatcher.ingests(pending_items(ctx.store, source_id=source_id))
    finally:
        ctx.leases.release("list", [source_id])
    log.info("listed source %d: %d queued, %d refreshes, %d ingest tasks sent", source_id, outcome.queued,
             refreshes, len(sent), extra={"source_id": source_id})
    return {"ok": outcome.ok, "queued": outcome.queued, "sent": len(sent), "error": outcome.error}


@app.task(name="babelwire.ingest_item", **TASK_OPTIONS)
def ingest_item_task(item_id: int) -> dict[str, Any]:
    """Fetch, extract and store one queued URL; send a new revision on to translation."""
    ctx = _context
    try:
        outcome = ingest_item(ctx.store, ctx.fetcher, item_id, ctx.settings)
        if outcome.revision_id and pending_jobs(ctx.store, ctx.settings, revision_ids=[outcome.revision_id]):
            ctx.dispatcher.translations([outcome.revision_id])
        elif outcome.revision_id and ctx.settings.stories.enabled and outcome.article_id and pending_articles(
                ctx.store, ctx.settings, among=[outcome.article_id]):
            ctx.dispatcher.grouping([outcome.revision_id])  # already in the target language
        elif outcome.revision_id:
            ctx.dispatcher.notify()  # nothing to translate or group: straight to the watches
    finally:
        ctx.leases.release("ingest", [item_id])
    return {"status": outcome.status, "article_id": outcome.article_id, "revision_id": outcome.revision_id}


@app.task(name="babelwire.translate_revisions", **TASK_OPTIONS)
def translate_revisions_task(revision_ids: list[int]) -> dict[str, Any]:
    """Translate these revisions plus other pending ones, as one cross-article batch."""
    ctx = _context
    try:
        others = pending_revision_ids(ctx.store, ctx.settings, limit=4 * REVISIONS_PER_TASK)
        candidates = list(dict.fromkeys([*revision_ids, *others]))[:max(REVISIONS_PER_TASK, len(revision_ids))]
        # "running" leases: a second translate worker grabbing "everything pending" skips these.
        claimed = ctx.leases.take("translating", candidates, hold=True)
        try:
            summary = translate_pending(ctx.store, ctx.settings, ctx.engines, revision_ids=claimed)
        finally:
            ctx.leases.release("translating", claimed)
        if claimed and ctx.settings.stories.enabled:
            ctx.dispatcher.grouping(claimed)
        elif claimed:
            ctx.dispatcher.notify()
    finally:
        ctx.leases.release("translate", revision_ids)
    log.info("translated %d revisions (%d sentences, %d from memory, %d failed)", summary.translated,
             summary.sentences, summary.from_memory, summary.failed)
    return {"translated": summary.translated, "failed": summary.failed, "revisions": len(claimed)}


@app.task(name="babelwire.group_stories", **TASK_OPTIONS)
def group_stories_task(revision_ids: list[int]) -> dict[str, Any]:
    """Place pending articles in stories; re-place the articles of these (updated) revisions."""
    ctx = _context
    ctx.leases.release("group", [0])  # a grouping sent from now on sees what this one misses
    placed = regroup_pending(ctx.store, ctx.settings, updated=articles_of_revisions(ctx.store, revision_ids))
    log.info("grouped %d articles into stories", placed)
    ctx.dispatcher.notify()  # the watches see the article with its story
    return {"placed": placed}


@app.task(name="babelwire.notify", **TASK_OPTIONS)
def notify_task() -> dict[str, Any]:
    """Match the revisions not matched yet against every watch; send the alerts that are due."""
    ctx = _context
    ctx.leases.release("notify", [0])  # a notify sent from now on sees what this one misses
    summary = notify(ctx.store, ctx.settings)
    return {"scanned": summary.scanned, "matched": summary.matched, "sent": summary.sent, "failed": summary.failed}


def enqueue_poll(settings: Settings, store: Store, *, all_sources: bool = False) -> dict[str, int]:
    """One scheduler tick: send listings for due sources and re-send pending work not in flight."""
    configure(settings)
    sent = {"listings": len(_context.dispatcher.listings(due_sources(store, all_sources=all_sources)))}
    sent.update(_resend_pending(settings, store))
    return sent


def _resend_pending(settings: Settings, store: Store) -> dict[str, int]:
    dispatcher = _context.dispatcher
    leases = _context.leases
    sent = {"ingests": 0, "translations": 0, "groupings": 0, "notifications": 0}
    # Re-send only when a stage's queue is empty: then whatever is pending and not leased was
    # lost (broker restart, crash between a commit and a send); a busy queue will reach it.
    if queue_length(leases.client, TASK_QUEUES["babelwire.ingest_item"]) == 0:
        sent["ingests"] = len(dispatcher.ingests(pending_items(store)))
    if queue_length(leases.client, TASK_QUEUES["babelwire.translate_revisions"]) == 0:
        pending = pending_revision_ids(store, settings)
        running = leases.held("translating", pending)
        sent["translations"] = len(dispatcher.translations([r for r in pending if r not in running]))
    if settings.stories.enabled and queue_length(leases.client, TASK_QUEUES["babelwire.group_stories"]) == 0 \
            and pending_articles(store, settings, limit=1):
        sent["groupings"] = int(dispatcher.grouping())
    if queue_length(leases.client, TASK_QUEUES["babelwire.notify"]) == 0 and notify_pending(store):
        sent["notifications"] = int(dispatcher.notify())
    return sent


def _still_pending(store: Store, settings: Settings, kind: str, ids: list[int]) -> list[int]:
    """Those of ``ids`` whose work (of this lease kind) the store still has to do."""
    if kind == "ingest":
        found = pending_among(store, ids)
    elif kind in ("translate", "translating"):
        found = set(pending_revision_ids(store, settings, limit=None)) & set(ids)
    elif kind == "list":
        found = existing_sources(store, ids)
    elif kind == "group":
        found = set(ids) if settings.stories.enabled and pending_articles(store, settings, limit=1) else set()
    elif kind == "notify":
        found = set(ids) if notify_pending(store) else set()
    else:
        found = set()
    return [i for i in ids if i in found]


def recover_lost_work(settings: Settings, store: Store) -> list[StoppedWorker]:
    """One sweep: notice workers whose heartbeat stopped, put the messages they held back at the
    head of their queues, send again the work they held that no message carries any more, and, when
    anything was found, re-send whatever else is pending at once (the dead worker may have died
    between storing a result and sending the next stage's task). Returns the dead workers noticed,
    also kept for ``babelwire status`` and recorded in the store's errors."""
    configure(settings)
    leases = _context.leases
    with app.connection_for_write() as connection:
        qos = connection.default_channel.qos  # kombu's own restore: the message goes back as it was
        sweep = sweep_workers(leases, lambda tag: qos.restore_by_tag(tag, leftmost=False),
                              timeout=lease_timeout(settings))
    send = {"ingest": _context.dispatcher.ingests, "translate": _context.dispatcher.translations,
            "translating": _context.dispatcher.translations, "list": _context.dispatcher.listings,
            "group": lambda ids: [0] if _context.dispatcher.grouping() else [],
            "notify": lambda ids: [0] if _context.dispatcher.notify() else []}
    for kind, pairs in sweep.orphans.items():
        if kind not in send:
            continue
        ids = _still_pending(store, settings, kind, list(dict.fromkeys(i for i, _worker in pairs)))
        sent = set(send[kind](ids)) if ids else set()
        for item, worker in pairs:
            if item in sent:
                counts = sweep.noticed(worker).resent
                counts[STAGES[kind]] = counts.get(STAGES[kind], 0) + 1
                sent.discard(item)
    _resend_lost_sends(settings, store)
    stopped = list(sweep.stopped.values())
    if not stopped:
        return []
    extra = _resend_pending(settings, store)
    record_stopped(leases.client, stopped)
    with store.transaction() as session:
        for worker in stopped:
            record_error(session, "worker", describe_stopped(worker))
    if any(extra.values()):
        log.info("after a dead worker, re-sent pending work: %(ingests)d ingests, %(translations)d "
                 "translation batches, %(groupings)d groupings", extra)
    return stopped


def _resend_lost_sends(settings: Settings, store: Store) -> dict[str, int]:
    """Send again the messages lost between a queue and a worker (:func:`reclaim_lost_sends`) whose
    work the store still has to do; the leases of the others are dropped."""
    leases = _context.leases
    resent: dict[str, int] = {}
    for kind, ids in reclaim_lost_sends(leases, older_than=lease_timeout(settings)).items():
        pending = _still_pending(store, settings, kind, ids)
        leases.release(kind, [i for i in ids if i not in pending])
        if pending:
            _context.dispatcher.send(kind, pending)
            resent[STAGES[kind]] = len(pending)
    if resent:
        log.warning("messages lost between the broker and a worker (killed after taking them off the queue), "
                    "sent again: %s", ", ".join(f"{n} {stage}" for stage, n in sorted(resent.items())))
    return resent


def describe_stopped(worker: StoppedWorker) -> str:
    """One line for the log and the errors list: which worker, since when, what was given back."""
    last = time.strftime("%H:%M:%S", time.gmtime(worker.last_heartbeat)) + " UTC" if worker.last_heartbeat else "?"
    back = ", ".join(f"{n} {stage}" for stage, n in sorted(worker.put_back.items())) or "nothing"
    resent = ", ".join(f"{n} {stage}" for stage, n in sorted(worker.resent.items())) or "nothing"
    who = f"worker {worker.worker}"
    if worker.worker == "unknown":
        who = "a worker that died while taking messages off the queue"
    return (f"{who} stopped (no heartbeat since {last}): put back at the head of the queue: {back}; "
            f"sent again: {resent}")


def run_scheduler(settings: Settings, *, stop: threading.Event | None = None) -> None:
    """Every ``[broker] sweep_interval``, look for dead workers and give their work back
    (:func:`recover_lost_work`); every ``[poll] tick``, run :func:`enqueue_poll`; until ``stop`` is set."""
    configure(settings)
    stop = stop or threading.Event()
    tick, sweep = settings.poll.tick.total_seconds(), sweep_interval(settings)
    store = Store(settings.database_url)
    log.info("scheduler: sending due sources and pending work to %s every %ss, looking for dead workers "
             "every %ss (dead after %ss without a heartbeat)", redacted_broker(settings), tick, sweep,
             lease_timeout(settings))
    next_tick = time.monotonic()
    try:
        while not stop.is_set():
            try:
                scheduler_beat(_context.leases.client, sweep)
                recover_lost_work(settings, store)  # each dead worker is logged as it is recorded
            except Exception:  # the broker or the database away: the next sweep tries again
                log.exception("looking for dead workers failed")
            if time.monotonic() >= next_tick:
                next_tick = time.monotonic() + tick
                _tick(settings, store)
            stop.wait(max(0.0, min(sweep, next_tick - time.monotonic())))
    finally:
        store.close()


def _tick(settings: Settings, store: Store) -> None:
    try:
        sent = enqueue_poll(settings, store)
        if any(sent.values()):
            log.info("scheduler sent %(listings)d listings, %(ingests)d ingests, "
                     "%(translations)d translation batches, %(groupings)d groupings", sent)
    except Exception as exc:  # one failed tick (database or broker away) must not end the loop
        log.exception("scheduler tick failed")
        try:
            with store.transaction() as session:
                record_error(session, "scheduler", f"{type(exc).__name__}: {exc}")
        except Exception:
            log.exception("could not record the scheduler failure")


def run_worker(
    settings: Settings, queues: Sequence[str], concurrency: int | None = None, *, pool: str = "threads",
    loglevel: str = "INFO",
) -> None:
    """Run a Celery worker consuming ``queues`` until it is stopped (blocks)."""
    unknown = sorted(set(queues) - set(QUEUES))
    if not queues or unknown:
        raise ConfigError(f"unknown queue(s) {', '.join(unknown) or '(none)'}: choose from {', '.join(QUEUES)}")
    queues = list(dict.fromkeys(queues))
    if "translate" in queues and "group" not in queues:
        # Grouping follows translation and is cheap, so a translate worker also consumes ``group``
        # (a dedicated `--queues group` worker may share the queue: placements are serialised).
        queues.append("group")
    if "group" in queues and "notify" not in queues:
        queues.append("notify")  # matching watches follows grouping and is cheap too
    configure(settings)
    if settings.database_url.startswith("sqlite"):
        log.warning("the store is SQLite (%s): fine on one machine; workers on other machines need "
                    "BABELWIRE_DATABASE_URL=postgresql+psycopg://...", settings.database_url)
    fetching = bool({"fetch", "extract"} & set(queues))
    # Threads by default: fetching is I/O-bound and a translate worker should hold one model per
    # process (EngineCache), not one per forked child. Add processes to use more cores.
    concurrency = concurrency or (max(1, settings.poll.workers) if fetching else 1)
    name = f"babelwire-{'-'.join(queues)}-{os.getpid()}@%h"
    app.worker_main([
        "worker", f"--queues={','.join(queues)}", f"--concurrency={concurrency}", f"--pool={pool}",
        f"--loglevel={loglevel}", f"--hostname={name}", "--without-gossip", "--without-mingle",
    ])


def redacted_broker(settings: Settings) -> str:
    """The broker URL with its password masked ('' without a broker)."""
    return app.connection_for_write().as_uri() if settings.broker.url else ""
