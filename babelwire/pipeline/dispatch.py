"""Sending stage tasks to Celery at most once per unit of work, with leases kept in Redis, and
noticing workers that stopped so that their unfinished work is done at once.

The store says *what* is pending (``fetch_queue`` rows, revisions without a translation); the
broker only carries *nudges* whose argument is the id of that work. A nudge can be lost (a broker
restart without persistence) or duplicated (a redelivery after a worker died): both are harmless
because every stage re-reads the store and is idempotent, and the store's unique constraints (URLs,
revision numbers, translations) make "exactly once" a property of the store, not of the broker.
Leases keep the duplicates rare; ``babelwire:lease:<kind>:<id>`` is

- ``sent:<unix time>`` from when a task for that id is sent (SET NX), so the scheduler's sweep does
  not send a second one while the first is queued;
- ``held:<worker>`` from when a worker process receives the message (Celery's ``task_received``,
  also for prefetched messages) until the task ends (DEL);
- ``translating:<revision>`` is taken (``held:<worker>``) by the translate worker that translates a
  revision, so two GPU workers batching "everything pending" never translate the same revision together.

**Dead workers.** A worker process rewrites ``babelwire:worker:<name>`` every
``[broker] heartbeat_interval`` with a TTL of ``[broker] lease_timeout`` (:class:`Heartbeat`) and is
registered in ``babelwire:workers``; a ``held:`` lease is valid while its holder's heartbeat key
exists. Every ``[broker] sweep_interval`` the scheduler (:func:`sweep_workers`) puts back at the head
of its queue each delivered, unacknowledged message (kombu's ``unacked`` hash) whose leases are held
by a worker without a heartbeat — or still only ``sent`` a lease timeout after its delivery: its
worker died between taking it off the queue and receiving it — exactly as Redis would after the
visibility timeout, only at once; drops the other leases of dead workers (translation claims) so
their work is sent again; records each dead worker for ``babelwire status``; and, when a queue is
empty, sends again the work of ``sent`` leases that no message carries any more
(:func:`reclaim_lost_sends`: kombu loses a message popped by a worker killed before it wrote it to
``unacked``).

Why our own heartbeat and owner-tagged leases rather than Celery's worker events or ``inspect``:
``inspect`` is a broadcast answered within a timeout, so a busy or far worker looks dead; a SIGKILLed
worker sends no ``worker-offline``, and heartbeat events are fire-and-forget messages that only an
event receiver running at that moment sees (a restarted scheduler has forgotten who was alive) and
that need ``-E`` on every worker; and neither can say which messages a dead worker held — a dead
worker cannot be asked for its reserved tasks. Renewing every lease instead would cost one write per
item per interval and cannot cover messages still waiting behind a backlog (nobody holds them). One
key per worker process, with the holder's name in each lease, is one write per worker per interval,
lives in Redis (a scheduler restart loses nothing), and tells the scheduler exactly which messages
to put back. A worker that is only cut off from Redis for a lease timeout is taken for dead too: its
work is then done twice, which the store turns into once.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis
from celery import Celery

log = logging.getLogger(__name__)
PREFIX = "babelwire:lease:"
SENT = "sent:"
HELD = "held:"
WORKER_PREFIX = "babelwire:worker:"  # heartbeat key of one worker process (TTL: the lease timeout)
WORKERS = "babelwire:workers"  # registry: worker name → its description and last heartbeat
STOPPED = "babelwire:stopped-workers"  # what the scheduler noticed and did, newest first
SCHEDULER = "babelwire:scheduler"  # the scheduler's own heartbeat, for `babelwire status`
KEEP_STOPPED = 50
# kombu's Redis transport: delivered, not yet acknowledged messages (tag → [message, exchange,
# routing key]) and when each was delivered (tag → unix time).
UNACKED, UNACKED_INDEX = "unacked", "unacked_index"

#: Stage → Celery queue. ``ingest_item`` fetches, extracts and stores in one task (the raw page is
#: never stored, so a separate extract task would ship HTML through the broker); ``extract`` is
#: declared so fetch workers can already listen on it.
QUEUES = ("fetch", "extract", "translate", "group", "notify")
TASK_QUEUES = {
    "babelwire.list_source": "fetch",
    "babelwire.ingest_item": "fetch",
    "babelwire.translate_revisions": "translate",
    "babelwire.group_stories": "group",
    "babelwire.notify": "notify",
}
#: Lease kind of a message → its task (``translating`` is a claim, not a message).
KIND_TASKS = {"list": "babelwire.list_source", "ingest": "babelwire.ingest_item",
              "translate": "babelwire.translate_revisions", "group": "babelwire.group_stories",
              "notify": "babelwire.notify"}
#: Lease kind → the name its work has in scheduler counts and ``babelwire status``.
STAGES = {"list": "listings", "ingest": "ingests", "translate": "translations", "translating": "translations",
          "group": "groupings", "notify": "notifications"}

# Replace a lease only if it still has the value we saw (ARGV[1]; '' = absent): ARGV[2] is the new
# value ('' = delete), ARGV[3] its TTL in ms. 1 when replaced.
_REPLACE = """
local current = redis.call('GET', KEYS[1])
if (current or '') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1])
else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
"""


def lease_of(task: str | None, args: Sequence[Any] | None) -> tuple[str, list[int]] | None:
    """The lease (kind, ids) that a stage task message stands for (None: not one of ours)."""
    try:
        if task == "babelwire.list_source":
            return "list", [int(args[0])]
        if task == "babelwire.ingest_item":
            return "ingest", [int(args[0])]
        if task == "babelwire.translate_revisions":
            return "translate", [int(r) for r in args[0]]
        if task == "babelwire.group_stories":
            return "group", [0]
        if task == "babelwire.notify":
            return "notify", [0]
    except (TypeError, ValueError, IndexError, KeyError):
        return None
    return None


def iso_time(t: float | None) -> str | None:
    """A unix time as ISO 8601 UTC (None stays None)."""
    return None if t is None else datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds")


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


class Leases:
    """Claims on units of work, as Redis keys with a TTL (a backstop: a ``held:`` lease lapses as
    soon as its holder's heartbeat does, see the module documentation)."""

    def __init__(self, client: redis.Redis, ttl: float, holder: str | None = None) -> None:
        self.client = client
        self.ttl = max(1, int(ttl))
        #: The worker name leases are held in; None outside a worker (leases taken are then ``sent``).
        self.holder = holder
        self._replace = client.register_script(_REPLACE)

    @staticmethod
    def key(kind: str, item: int) -> str:
        return f"{PREFIX}{kind}:{item}"

    def take(self, kind: str, ids: Iterable[int], *, hold: bool = False) -> list[int]:
        """The ids whose lease this call took (the others are held by someone else); ``hold``: in the
        name of this worker (it does the work itself), else as ``sent`` (a message carries it)."""
        ids = list(ids)
        if not ids:
            return []
        value = f"{HELD}{self.holder}" if hold and self.holder else f"{SENT}{time.time():.3f}"
        pipe = self.client.pipeline(transaction=False)
        for item in ids:
            pipe.set(self.key(kind, item), value, nx=True, ex=self.ttl)
        return [item for item, ok in zip(ids, pipe.execute(), strict=True) if ok]

    def hold(self, kind: str, ids: Iterable[int]) -> None:
        """Mark these leases as held by this worker (it received their message), whoever had them."""
        if not self.holder:
            return
        pipe = self.client.pipeline(transaction=False)
        for item in ids:
            pipe.set(self.key(kind, item), f"{HELD}{self.holder}", ex=self.ttl)
        pipe.execute()

    def release(self, kind: str, ids: Iterable[int]) -> None:
        """Drop the leases on these ids (the work is done, or was given back)."""
        keys = [self.key(kind, item) for item in ids]
        if keys:
            self.client.delete(*keys)

    def held(self, kind: str, ids: Sequence[int]) -> set[int]:
        """The ids among ``ids`` that are leased right now."""
        if not ids:
            return set()
        values = self.client.mget([self.key(kind, item) for item in ids])
        return {item for item, value in zip(ids, values, strict=True) if value is not None}

    def replace(self, key: str, seen: str | None, new: str | None) -> bool:
        """Set ``key`` to ``new`` (None: delete) only if it still holds ``seen`` (None: absent)."""
        return bool(self._replace(keys=[key], args=[seen or "", new or "", self.ttl * 1000]))


class Heartbeat:
    """A worker process's "alive": ``babelwire:worker:<name>`` rewritten every ``interval`` seconds
    with a TTL of ``timeout``, and its entry in the ``babelwire:workers`` registry (kept until the
    worker stops cleanly, or the scheduler finds it dead)."""

    def __init__(self, client: redis.Redis, name: str, *, queues: Sequence[str], interval: float,
                 timeout: float) -> None:
        self.client = client
        self.name = name
        self.interval = interval
        self.timeout = timeout
        self.info = {"worker": name, "host": socket.gethostname(), "pid": os.getpid(), "queues": list(queues),
                     "started_at": time.time()}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="babelwire-heartbeat", daemon=True)

    def beat(self) -> None:
        data = json.dumps({**self.info, "last_heartbeat": time.time()})
        pipe = self.client.pipeline(transaction=False)
        pipe.set(WORKER_PREFIX + self.name, data, px=max(1, int(self.timeout * 1000)))
        pipe.hset(WORKERS, self.name, data)
        pipe.execute()

    def start(self) -> Heartbeat:
        self.beat()  # before any lease is held in this name
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.beat()
            except Exception as exc:  # Redis away for a moment: the next beat may reach it
                log.warning("worker heartbeat failed: %s", exc)

    def stop(self) -> None:
        """Stop beating and unregister: a worker that stops cleanly is not reported as dead."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(self.interval + 1)
        try:
            self.client.pipeline(transaction=False).delete(WORKER_PREFIX + self.name).hdel(WORKERS, self.name).execute()
        except redis.RedisError as exc:
            log.warning("could not unregister worker %s: %s", self.name, exc)


def _message_lease(raw: bytes) -> tuple[str, list[int]] | None:
    """The lease of a message in kombu's ``unacked`` hash ([message, exchange, routing key])."""
    try:
        message = json.loads(raw)[0]
        body: Any = message["body"]
        if (message.get("properties") or {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        decoded = json.loads(body)
        args = decoded[0] if isinstance(decoded, list) else decoded.get("args")  # task protocol 2 or 1
        return lease_of((message.get("headers") or {}).get("task"), args)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None


@dataclass
class StoppedWorker:
    """A worker process the scheduler found without a heartbeat, and what it did about its work."""

    worker: str
    host: str = ""
    pid: int | None = None
    queues: list[str] = field(default_factory=list)
    started_at: float | None = None
    last_heartbeat: float | None = None
    noticed_at: float = 0.0
    put_back: dict[str, int] = field(default_factory=dict)  # messages back at the head of their queue
    resent: dict[str, int] = field(default_factory=dict)  # work sent again in a new message

    def to_dict(self) -> dict[str, Any]:
        iso = iso_time
        return {"worker": self.worker, "host": self.host, "pid": self.pid, "queues": self.queues,
                "started_at": iso(self.started_at), "last_heartbeat": iso(self.last_heartbeat),
                "noticed_at": iso(self.noticed_at), "put_back": self.put_back, "resent": self.resent}


@dataclass
class Sweep:
    """What one :func:`sweep_workers` found: dead workers, and the work nobody holds any more."""

    stopped: dict[str, StoppedWorker] = field(default_factory=dict)
    #: lease kind → [(id, dead worker)] of dropped leases whose work no message carries now: the
    #: caller sends it again if the store says it is still pending.
    orphans: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def noticed(self, name: str, info: dict[str, Any] | None = None) -> StoppedWorker:
        if name not in self.stopped:
            info = info or {}
            self.stopped[name] = StoppedWorker(
                worker=name, host=info.get("host", name.rpartition("@")[2] if "@" in name else ""),
                pid=info.get("pid"), queues=list(info.get("queues") or []), started_at=info.get("started_at"),
                last_heartbeat=info.get("last_heartbeat"), noticed_at=time.time())
        return self.stopped[name]

    @property
    def put_back(self) -> int:
        return sum(sum(w.put_back.values()) for w in self.stopped.values())


def sweep_workers(leases: Leases, restore: Callable[[str], Any], *, timeout: float) -> Sweep:
    """Notice dead workers and give back their work (see the module documentation): each message
    they held goes back to the head of its queue through ``restore(delivery_tag)`` (kombu's
    ``QoS.restore_by_tag``, what Redis itself does after the visibility timeout); the other leases
    they held are dropped and returned in ``Sweep.orphans``. Dead workers are unregistered; the
    caller records them (:func:`record_stopped`)."""
    client = leases.client
    now = time.time()
    sweep = Sweep()
    registry = {_text(name): json.loads(raw) for name, raw in client.hgetall(WORKERS).items()}
    alive: dict[str, bool] = {}

    def check(names: Iterable[str]) -> None:
        unknown = sorted({n for n in names if n not in alive})
        if unknown:
            pipe = client.pipeline(transaction=False)
            for name in unknown:
                pipe.exists(WORKER_PREFIX + name)
            alive.update(zip(unknown, (bool(x) for x in pipe.execute()), strict=True))

    check(registry)
    # 1. Delivered, unacknowledged messages held by nobody alive.
    delivered = {_text(tag): score for tag, score in client.zrange(UNACKED_INDEX, 0, -1, withscores=True)}
    messages: list[tuple[str, str, list[str]]] = []  # (tag, kind, lease keys)
    for tag, raw in client.hgetall(UNACKED).items():
        lease = _message_lease(raw)
        if lease is not None:
            messages.append((_text(tag), lease[0], [leases.key(lease[0], i) for i in lease[1]]))
    keys = sorted({key for _tag, _kind, message_keys in messages for key in message_keys})
    values = dict(zip(keys, (_text(v) for v in client.mget(keys)), strict=True)) if keys else {}
    check(v[len(HELD):] for v in values.values() if v and v.startswith(HELD))
    lost: list[tuple[str, str, list[str], str]] = []  # (tag, kind, keys, dead holder or "")
    for tag, kind, message_keys in messages:
        holders = {values[k][len(HELD):] for k in message_keys if values[k] and values[k].startswith(HELD)}
        if any(alive[h] for h in holders):
            continue
        if holders:
            lost.append((tag, kind, message_keys, sorted(holders)[0]))
        elif any(values[k] and values[k].startswith(SENT) for k in message_keys) \
                and delivered.get(tag, now) < now - timeout:
            # Taken off the queue a lease timeout ago and never received: its worker died in between.
            lost.append((tag, kind, message_keys, ""))
    dead = {name for name, ok in alive.items() if not ok}
    # 2. Other leases of these dead workers (translation claims; messages Redis no longer has):
    # dropped first, so that a message put back and received at once finds its revisions free.
    # (Only theirs: a worker that stopped cleanly may have left leases on messages that kombu put
    # back in the queue at its shutdown; those are held again by whoever receives them.)
    if dead:
        covered = {key for _tag, _kind, message_keys, _holder in lost for key in message_keys}
        found = [_text(k) for k in client.scan_iter(match=PREFIX + "*", count=1000)]
        for start in range(0, len(found), 1000):
            chunk = [k for k in found[start:start + 1000] if k not in covered]
            for key, value in zip(chunk, (_text(v) for v in client.mget(chunk)) if chunk else (), strict=True):
                holder = value[len(HELD):] if value and value.startswith(HELD) else None
                if holder not in dead or not leases.replace(key, value, None):
                    continue
                kind, _, item = key[len(PREFIX):].rpartition(":")
                sweep.orphans.setdefault(kind, []).append((int(item), holder))
    # 3. The lost messages back to the head of their queues, with their leases as "sent".
    sent = f"{SENT}{now:.3f}"
    for tag, kind, message_keys, holder in lost:
        if not any([leases.replace(k, values[k], sent) for k in message_keys]):
            continue  # the leases changed since we looked: someone is on it
        restore(tag)
        stopped = sweep.noticed(holder or "unknown", registry.get(holder))
        stopped.put_back[STAGES[kind]] = stopped.put_back.get(STAGES[kind], 0) + 1
    for name in dead:
        sweep.noticed(name, registry.get(name))
    gone = [name for name in sweep.stopped if name in registry]
    if gone:
        client.hdel(WORKERS, *gone)
    return sweep


def reclaim_lost_sends(leases: Leases, *, older_than: float) -> dict[str, list[int]]:
    """Messages lost between the queue and a worker, their leases renewed for the caller to send again.

    kombu's Redis transport takes a message off its queue with ``BRPOP`` and only then writes it to
    the ``unacked`` hash; Redis may already have popped it into the socket of a worker that is
    killed before that write, and then no queue, no ``unacked`` entry and no ``held:`` lease is left
    of it — only its ``sent:`` lease, which would keep the work from being sent again until the
    lease's TTL (twice the visibility timeout). For each kind whose queue is empty (a message waiting
    behind a backlog keeps a ``sent`` lease however long it waits), a lease still only ``sent`` more
    than ``older_than`` seconds ago (the lease timeout: a live worker writes a message to ``unacked``
    within milliseconds of taking it) that no delivered message carries is such a loss. Its lease is
    renewed with compare-and-set, so that two sweeps never both send it; a rare double delivery (a
    message popped a moment before this look, written to ``unacked`` a moment after) is harmless:
    every stage re-reads the store."""
    client = leases.client
    kinds = [kind for kind, task in KIND_TASKS.items() if queue_length(client, TASK_QUEUES[task]) == 0]
    if not kinds:
        return {}

    def carried() -> set[str]:
        keys: set[str] = set()
        for raw in client.hvals(UNACKED):
            lease = _message_lease(raw)
            if lease is not None:
                keys.update(leases.key(lease[0], i) for i in lease[1])
        return keys

    in_hand = carried()
    now = time.time()
    stale: list[tuple[str, str]] = []  # (key, value seen)
    for kind in kinds:
        found = [_text(k) for k in client.scan_iter(match=f"{PREFIX}{kind}:*", count=1000)]
        for start in range(0, len(found), 1000):
            chunk = found[start:start + 1000]
            for key, value in zip(chunk, (_text(v) for v in client.mget(chunk)), strict=True):
                if value and value.startswith(SENT) and key not in in_hand and _sent_at(value) < now - older_than:
                    stale.append((key, value))
    if not stale:
        return {}
    in_hand |= carried()  # written to ``unacked`` while we looked: in a worker's hands after all
    renewed = f"{SENT}{now:.3f}"
    lost: dict[str, list[int]] = {}
    for key, value in stale:
        if key in in_hand or not leases.replace(key, value, renewed):
            continue
        kind, _, item = key[len(PREFIX):].rpartition(":")
        lost.setdefault(kind, []).append(int(item))
    return lost


def _sent_at(value: str) -> float:
    try:
        return float(value[len(SENT):])
    except ValueError:
        return 0.0


def record_stopped(client: redis.Redis, stopped: Iterable[StoppedWorker]) -> None:
    """Keep what the scheduler noticed for ``babelwire status`` (the newest :data:`KEEP_STOPPED`)."""
    events = [json.dumps(w.to_dict()) for w in stopped]
    if events:
        client.pipeline(transaction=False).lpush(STOPPED, *events).ltrim(STOPPED, 0, KEEP_STOPPED - 1).execute()


def stopped_workers(client: redis.Redis, limit: int = 10) -> list[dict[str, Any]]:
    """The dead workers noticed most recently, newest first, with the work put back or re-sent."""
    return [json.loads(raw) for raw in client.lrange(STOPPED, 0, limit - 1)]


def worker_heartbeats(client: redis.Redis) -> list[dict[str, Any]]:
    """Registered worker processes, their last heartbeat (ISO 8601) and whether it is still valid."""
    registry = sorted((_text(name), json.loads(raw)) for name, raw in client.hgetall(WORKERS).items())
    if not registry:
        return []
    pipe = client.pipeline(transaction=False)
    for name, _info in registry:
        pipe.exists(WORKER_PREFIX + name)
    rows = []
    for (name, info), ok in zip(registry, pipe.execute(), strict=True):
        rows.append({"worker": name, "host": info.get("host", ""), "pid": info.get("pid"),
                     "queues": list(info.get("queues") or []), "started_at": iso_time(info.get("started_at")),
                     "last_heartbeat": iso_time(info.get("last_heartbeat")), "alive": bool(ok)})
    return rows


def scheduler_beat(client: redis.Redis, interval: float) -> None:
    """The scheduler's own heartbeat (a status shows whether anybody is sweeping)."""
    info = {"host": socket.gethostname(), "pid": os.getpid(), "last_sweep": time.time(), "sweep_interval": interval}
    client.set(SCHEDULER, json.dumps(info), px=max(1000, math.ceil(3 * interval * 1000)))


def scheduler_status(client: redis.Redis) -> dict[str, Any] | None:
    raw = client.get(SCHEDULER)
    if raw is None:
        return None
    info = json.loads(raw)
    return {**info, "last_sweep": iso_time(info.get("last_sweep"))}


def queue_length(client: redis.Redis, queue: str) -> int:
    """Messages waiting in a Celery queue on a Redis broker (the list named after the queue)."""
    return int(client.llen(queue))


class Dispatcher:
    """Sends stage tasks by name, taking a ``sent`` lease per id first."""

    def __init__(self, app: Celery, leases: Leases) -> None:
        self.app = app
        self.leases = leases

    def listings(self, source_ids: Iterable[int]) -> list[int]:
        """Send ``list_source`` for these sources unless one is already in flight."""
        return self.send("list", self.leases.take("list", source_ids))

    def ingests(self, item_ids: Iterable[int]) -> list[int]:
        """Send ``ingest_item`` for these fetch_queue ids unless one is already in flight."""
        return self.send("ingest", self.leases.take("ingest", item_ids))

    def translations(self, revision_ids: Iterable[int]) -> list[int]:
        """Send ``translate_revisions`` in chunks for the revisions not already in flight."""
        return self.send("translate", self.leases.take("translate", revision_ids))

    def grouping(self, revision_ids: Iterable[int] = ()) -> bool:
        """Send one ``group_stories`` (articles of these revisions re-placed, pending ones placed)
        unless one is already queued; grouping is serialised in the store, so one in flight is enough."""
        if not self.leases.take("group", [0]):
            return False
        self.app.send_task("babelwire.group_stories", args=[list(revision_ids)],
                           queue=TASK_QUEUES["babelwire.group_stories"])
        return True

    def notify(self) -> bool:
        """Send one ``notify`` (match new revisions against the watches, deliver what is due) unless
        one is already queued: it works on everything pending, so one in flight is enough."""
        if not self.leases.take("notify", [0]):
            return False
        self.app.send_task("babelwire.notify", queue=TASK_QUEUES["babelwire.notify"])
        return True

    def send(self, kind: str, ids: Sequence[int], *, chunk: int = 32) -> list[int]:
        """Send the messages of lease ``kind`` for ``ids``, whose ``sent`` leases the caller holds
        (just taken, or renewed by :func:`reclaim_lost_sends`)."""
        ids = list(ids)
        if kind == "translate":
            for start in range(0, len(ids), chunk):
                self.app.send_task("babelwire.translate_revisions", args=[ids[start:start + chunk]],
                                   queue=TASK_QUEUES["babelwire.translate_revisions"])
        elif kind == "group":
            for _ in ids[:1]:
                self.app.send_task("babelwire.group_stories", args=[[]], queue=TASK_QUEUES["babelwire.group_stories"])
        elif kind == "notify":
            for _ in ids[:1]:
                self.app.send_task("babelwire.notify", queue=TASK_QUEUES["babelwire.notify"])
        else:
            task = KIND_TASKS[kind]
            for item in ids:
                self.app.send_task(task, args=[item], queue=TASK_QUEUES[task])
        return ids
