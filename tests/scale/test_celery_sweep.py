"""The scheduler's sweep on real Redis, step by step: a consumer process that takes messages off
the queue and dies (SIGKILL, by its own hand, at a known point) — one message received and held in
its name, one taken but never received — has both put back at the head of the queue once its
heartbeat has lapsed, its translation claims dropped; a live worker's message is left alone; a
second sweep finds nothing; ``collect_status`` reports what was done."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import redis

from babelwire.config import load_settings
from babelwire.pipeline.celery_app import _context, app, configure, recover_lost_work
from babelwire.pipeline.dispatch import HELD, SENT, WORKERS, Heartbeat, Leases
from babelwire.pipeline.status import collect_status
from babelwire.store import Store

DYING = textwrap.dedent("""
    import os, signal, sys
    import redis
    from babelwire.config import load_settings
    from babelwire.pipeline.celery_app import app, configure
    from babelwire.pipeline.dispatch import Heartbeat, Leases

    name = sys.argv[1]
    settings = load_settings()
    configure(settings)
    client = redis.Redis.from_url(settings.broker.url)
    Heartbeat(client, name, queues=["fetch"], interval=0.5, timeout=1.5).beat()  # one beat, then silence
    leases = Leases(client, ttl=3600, holder=name)
    channel = app.connection_for_write().default_channel
    received = channel.basic_get("fetch")  # in kombu's unacked hash from now on
    leases.hold("ingest", [received.decode()[0][0]])  # what the task_received signal does
    channel.basic_get("fetch")  # taken off the queue, never received
    leases.take("translating", [999], hold=True)  # a translate claim in its name
    print("dying", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
""")


def _items(client: redis.Redis, queue: str) -> list[int]:
    """The ingest item ids waiting in a queue, next to be taken first."""
    from base64 import b64decode

    return [json.loads(b64decode(json.loads(raw)["body"]))[0][0] for raw in reversed(client.lrange(queue, 0, -1))]


def _short_leases(home: Path, pg_url: str, broker_url: str, monkeypatch: pytest.MonkeyPatch):
    """Settings with a 0.5 s heartbeat and a 1.5 s lease timeout, the PostgreSQL store, the broker."""
    monkeypatch.setenv("BABELWIRE_DATABASE_URL", pg_url)
    monkeypatch.setenv("BABELWIRE_BROKER_HEARTBEAT_INTERVAL", "0.5s")
    monkeypatch.setenv("BABELWIRE_BROKER_LEASE_TIMEOUT", "1.5s")
    settings = load_settings(home)
    configure(settings)
    return settings, Store(settings.database_url), redis.Redis.from_url(broker_url)


@pytest.mark.services
@pytest.mark.timeout(60)
def test_a_dead_consumers_messages_go_back_to_the_head_of_the_queue(
    home: Path, pg_url: str, broker_url: str, monkeypatch: pytest.MonkeyPatch,
):
    settings, store, client = _short_leases(home, pg_url, broker_url, monkeypatch)
    dispatcher = _context.dispatcher
    assert dispatcher.ingests([101, 102, 103, 104]) == [101, 102, 103, 104]

    dying = subprocess.run([sys.executable, "-c", DYING, "dead@test"], env=dict(os.environ),
                           capture_output=True, text=True, timeout=60)
    assert dying.returncode == -signal.SIGKILL and "dying" in dying.stdout, dying.stderr
    # A live worker (this process) holds 103, and keeps beating.
    alive = Heartbeat(client, "alive@test", queues=["fetch"], interval=0.5, timeout=30)
    alive.beat()
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        held = channel.basic_get("fetch")
        Leases(client, ttl=3600, holder="alive@test").hold("ingest", [held.decode()[0][0]])
        assert _items(client, "fetch") == [104] and client.hlen("unacked") == 3

        assert recover_lost_work(settings, store) == []  # the dead one's heartbeat has not lapsed yet
        time.sleep(1.6)
        alive.beat()
        stopped = {w.worker: w for w in recover_lost_work(settings, store)}

        assert set(stopped) == {"dead@test", "unknown"}
        assert stopped["dead@test"].put_back == {"ingests": 1} and stopped["dead@test"].pid is not None
        assert stopped["unknown"].put_back == {"ingests": 1}
        # Put back where the next worker takes them first, as "sent" (no longer in the dead one's name).
        # (Which of the two comes first is the order of Redis's unacked hash: not promised.)
        assert sorted(_items(client, "fetch")[:2]) == [101, 102] and _items(client, "fetch")[2:] == [104]
        assert client.hlen("unacked") == 1  # the live worker's message only
        assert all(client.get(f"babelwire:lease:ingest:{i}").decode().startswith(SENT) for i in (101, 102))
        assert client.get("babelwire:lease:ingest:103").decode() == f"{HELD}alive@test"
        assert client.get("babelwire:lease:translating:999") is None
        assert client.hkeys(WORKERS) == [b"alive@test"]
        assert recover_lost_work(settings, store) == []  # nothing left to do

        status = collect_status(store, settings)
        assert sorted(w["worker"] for w in status["stopped_workers"]) == ["dead@test", "unknown"]
        assert [(w["worker"], w["alive"]) for w in status["heartbeats"]] == [("alive@test", True)]
        assert any(e["stage"] == "worker" and "dead@test" in e["reason"] for e in status["errors"])
        channel.basic_ack(held.delivery_tag)
    alive.stop()
    assert client.hlen(WORKERS) == 0  # a clean stop unregisters: never reported as dead
    store.close()


IN_TRANSIT = textwrap.dedent("""
    import os, signal, sys
    import redis

    # What kombu's Redis transport does when a message arrives: BRPOP takes it off the queue, and
    # only then is it written to the unacked hash — this worker is killed in between.
    redis.Redis.from_url(sys.argv[1]).brpop(["fetch"], timeout=10)
    print("dying", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
""")


def _kill_in_transit(broker_url: str) -> None:
    dying = subprocess.run([sys.executable, "-c", IN_TRANSIT, broker_url], capture_output=True, text=True, timeout=60)
    assert dying.returncode == -signal.SIGKILL and "dying" in dying.stdout, dying.stderr


@pytest.mark.services
@pytest.mark.timeout(60)
def test_a_message_lost_between_the_queue_and_a_killed_worker_is_sent_again(
    home: Path, pg_url: str, broker_url: str, monkeypatch: pytest.MonkeyPatch,
):
    from babelwire.pipeline.subscriptions import add_source
    from babelwire.store.models import QueueItem

    settings, store, client = _short_leases(home, pg_url, broker_url, monkeypatch)
    source = add_source(store, settings, "http://127.0.0.1:9/feed.xml", "feed", language="fr")
    with store.transaction() as session:
        items = [QueueItem(url=f"http://127.0.0.1:9/{n}.html", source_id=source.id) for n in range(3)]
        session.add_all(items)
        session.flush()
        lost, live, done = (item.id for item in items)

    assert _context.dispatcher.ingests([lost, live]) == [lost, live]
    _kill_in_transit(broker_url)  # takes the oldest message, ``lost``, with it
    assert _items(client, "fetch") == [live]
    assert recover_lost_work(settings, store) == []
    assert _items(client, "fetch") == [live]  # a queue with messages in it is not searched

    with app.connection_for_write() as connection:
        channel = connection.default_channel
        # A live worker has ``live`` in hand: in kombu's unacked hash, its lease held in its name.
        alive = Heartbeat(client, "alive@test", queues=["fetch"], interval=0.5, timeout=30).start()
        received = channel.basic_get("fetch")
        assert received.decode()[0][0] == live and client.llen("fetch") == 0
        Leases(client, ttl=3600, holder="alive@test").hold("ingest", [live])
        recover_lost_work(settings, store)
        assert client.llen("fetch") == 0  # lost for less than a lease timeout: may still be on its way

        time.sleep(1.6)
        recover_lost_work(settings, store)
        assert _items(client, "fetch") == [lost]  # sent again; the one in a worker's hands is not
        assert client.get(f"babelwire:lease:ingest:{lost}").decode().startswith(SENT)
        recover_lost_work(settings, store)
        assert _items(client, "fetch") == [lost]  # once

        # Lost too, but its work was done meanwhile (``babelwire poll`` on another machine): its lease goes.
        again = channel.basic_get("fetch")
        channel.basic_ack(again.delivery_tag)
        Leases(client, ttl=3600).release("ingest", [lost])  # what the task does when it ends
        assert _context.dispatcher.ingests([done]) == [done]
        _kill_in_transit(broker_url)
        with store.transaction() as session:
            session.delete(session.get(QueueItem, done))
        time.sleep(1.6)
        recover_lost_work(settings, store)
        assert client.llen("fetch") == 0 and client.get(f"babelwire:lease:ingest:{done}") is None
        channel.basic_ack(received.delivery_tag)
    alive.stop()
    store.close()
