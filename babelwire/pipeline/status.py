"""``babelwire status``: queue depths, workers and recent errors, from the store and the broker;
with a broker, also the workers' heartbeats, the dead workers the scheduler noticed and what it did
about their work (see :mod:`babelwire.pipeline.dispatch`)."""

from __future__ import annotations

import logging
from typing import Any

import redis
from kombu.exceptions import OperationalError as BrokerError

from babelwire.config import Settings
from babelwire.errors import ConfigError
from babelwire.pipeline.translation import count_pending
from babelwire.store import Store
from babelwire.store.status import fetch_queue_status

log = logging.getLogger(__name__)
RECENT_ERRORS = 10
RECENT_STOPPED = 10


def _store_status(store: Store, settings: Settings) -> dict[str, Any]:
    queue = fetch_queue_status(store, recent_errors=RECENT_ERRORS)
    return {
        "fetch_queue": {"pending": queue.pending, "given_up": queue.given_up},
        "translations_pending": count_pending(store, settings),
        "errors": [{"at": error.at.isoformat(), "stage": error.stage, "url": error.url, "reason": error.reason}
                   for error in queue.errors],
    }


def _broker_status(settings: Settings, timeout: float) -> dict[str, Any]:
    from babelwire.pipeline.celery_app import configure, heartbeat_interval, lease_timeout, sweep_interval
    from babelwire.pipeline.dispatch import (
        QUEUES,
        queue_length,
        scheduler_status,
        stopped_workers,
        worker_heartbeats,
    )

    app = configure(settings)
    client = redis.Redis.from_url(settings.broker.url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        queues = {name: queue_length(client, name) for name in QUEUES}
        unacked = int(client.hlen("unacked"))  # kombu's hash of delivered, not yet acknowledged messages
        recovery = {
            "heartbeats": worker_heartbeats(client),
            "stopped_workers": stopped_workers(client, RECENT_STOPPED),
            "scheduler": scheduler_status(client),
            "recovery": {"heartbeat_interval": heartbeat_interval(settings), "lease_timeout": lease_timeout(settings),
                         "sweep_interval": sweep_interval(settings)},
        }
    finally:
        client.close()
    inspect = app.control.inspect(timeout=timeout)
    pings = inspect.ping() or {}
    active = inspect.active() or {}
    workers = [
        {"name": name, "active": len(active.get(name, [])),
         "tasks": [f"{t.get('name')}{tuple(t.get('args') or ())}" for t in active.get(name, [])]}
        for name in sorted(pings)
    ]
    return {"queues": queues, "unacknowledged": unacked, "workers": workers, **recovery}


def collect_status(store: Store, settings: Settings, *, timeout: float = 1.0) -> dict[str, Any]:
    """Pending work, workers and recent errors (broker parts only when a broker is configured).

    Broker parts: ``queues`` (depths), ``unacknowledged``, ``workers`` (answering a ping, with their
    running tasks), ``heartbeats`` (registered worker processes: ``worker, host, pid, queues,
    started_at, last_heartbeat, alive``), ``stopped_workers`` (dead workers the scheduler noticed,
    newest first: ``worker, host, pid, queues, started_at, last_heartbeat, noticed_at, put_back,
    resent``, the last two counting ``ingests``/``translations``/``listings``/``groupings``),
    ``scheduler`` (``host, pid, last_sweep, sweep_interval``; None when no scheduler sweeps) and
    ``recovery`` (the three ``[broker]`` intervals, in seconds)."""
    status: dict[str, Any] = {
        "runner": "celery" if settings.broker.url else "local",
        "database": store.engine.url.render_as_string(hide_password=True),
        "broker": None, "queues": None, "unacknowledged": None, "workers": None, "broker_error": None,
        "heartbeats": None, "stopped_workers": None, "scheduler": None, "recovery": None,
    }
    status.update(_store_status(store, settings))
    if settings.broker.url:
        from babelwire.pipeline.celery_app import redacted_broker

        try:
            status.update(_broker_status(settings, timeout))
            status["broker"] = redacted_broker(settings)
        except (redis.exceptions.RedisError, BrokerError, OSError, ConfigError) as exc:  # renders with the broker down
            log.warning("broker unreachable: %s", exc)
            status["broker_error"] = f"{type(exc).__name__}: {exc}"
    return status
