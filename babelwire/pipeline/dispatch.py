"""Sending stage tasks to Celery at most once per unit of work, with leases kept in Redis.

The store says *what* is pending (``fetch_queue`` rows, revisions without a translation); the
broker only carries *nudges* whose argument is the id of that work. A nudge can be lost (a broker
restart without persistence) or duplicated (a redelivery after a worker died): both are harmless
because every stage re-reads the store and is idempotent. Leases keep the duplicates rare:

- ``queued:<kind>:<id>`` is set (SET NX, with a TTL) when a task for that id is sent and removed
  when the task ends, so the scheduler's sweep does not send a second one while the first is
  queued, reserved or running. If a worker is SIGKILLed the message comes back after the
  broker's visibility timeout and the lease simply outlives it until then.
- ``running:translate:<revision>`` is taken by the translate worker that translates a revision,
  so two GPU workers batching "everything pending" never translate the same revision together.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterable, Sequence

import redis
from celery import Celery

log = logging.getLogger(__name__)
PREFIX = "babelwire:lease:"

#: Stage → Celery queue. ``ingest_item`` fetches, extracts and stores in one task (the raw page is
#: never stored, so a separate extract task would ship HTML through the broker); ``extract`` is
#: declared so fetch workers can already listen on it.
QUEUES = ("fetch", "extract", "translate", "group")
TASK_QUEUES = {
    "babelwire.list_source": "fetch",
    "babelwire.ingest_item": "fetch",
    "babelwire.translate_revisions": "translate",
    "babelwire.group_stories": "group",
}


class Leases:
    """Short-lived claims on units of work, as Redis keys with a TTL."""

    def __init__(self, client: redis.Redis, ttl: float) -> None:
        self.client = client
        self.ttl = max(1, int(ttl))
        self.owner = f"{socket.gethostname()}:{os.getpid()}"

    def take(self, kind: str, ids: Iterable[int]) -> list[int]:
        """The ids whose lease this call took (the others are held by someone else)."""
        ids = list(ids)
        if not ids:
            return []
        pipe = self.client.pipeline(transaction=False)
        for item in ids:
            pipe.set(f"{PREFIX}{kind}:{item}", self.owner, nx=True, ex=self.ttl)
        return [item for item, ok in zip(ids, pipe.execute(), strict=True) if ok]

    def release(self, kind: str, ids: Iterable[int]) -> None:
        """Drop the leases on these ids (the work is done, or was given back)."""
        keys = [f"{PREFIX}{kind}:{item}" for item in ids]
        if keys:
            self.client.delete(*keys)

    def held(self, kind: str, ids: Sequence[int]) -> set[int]:
        """The ids among ``ids`` that are leased right now."""
        if not ids:
            return set()
        values = self.client.mget([f"{PREFIX}{kind}:{item}" for item in ids])
        return {item for item, value in zip(ids, values, strict=True) if value is not None}


def queue_length(client: redis.Redis, queue: str) -> int:
    """Messages waiting in a Celery queue on a Redis broker (the list named after the queue)."""
    return int(client.llen(queue))


class Dispatcher:
    """Sends stage tasks by name, taking a ``queued`` lease per id first."""

    def __init__(self, app: Celery, leases: Leases) -> None:
        self.app = app
        self.leases = leases

    def listings(self, source_ids: Iterable[int]) -> list[int]:
        """Send ``list_source`` for these sources unless one is already in flight."""
        sent = self.leases.take("list", source_ids)
        for source_id in sent:
            self.app.send_task("babelwire.list_source", args=[source_id], queue=TASK_QUEUES["babelwire.list_source"])
        return sent

    def ingests(self, item_ids: Iterable[int]) -> list[int]:
        """Send ``ingest_item`` for these fetch_queue ids unless one is already in flight."""
        sent = self.leases.take("ingest", item_ids)
        for item_id in sent:
            self.app.send_task("babelwire.ingest_item", args=[item_id], queue=TASK_QUEUES["babelwire.ingest_item"])
        return sent

    def translations(self, revision_ids: Iterable[int], *, chunk: int = 32) -> list[int]:
        """Send ``translate_revisions`` in chunks for the revisions not already in flight."""
        sent = self.leases.take("translate", revision_ids)
        for start in range(0, len(sent), chunk):
            self.app.send_task("babelwire.translate_revisions", args=[sent[start:start + chunk]],
                               queue=TASK_QUEUES["babelwire.translate_revisions"])
        return sent

    def grouping(self, revision_ids: Iterable[int] = ()) -> bool:
        """Send one ``group_stories`` (articles of these revisions re-placed, pending ones placed)
        unless one is already queued; grouping is serialised in the store, so one in flight is enough."""
        if not self.leases.take("group", [0]):
            return False
        self.app.send_task("babelwire.group_stories", args=[list(revision_ids)],
                           queue=TASK_QUEUES["babelwire.group_stories"])
        return True
