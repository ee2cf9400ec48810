"""``babelwire worker``, ``scheduler`` and ``status``: the Celery runner and its queues."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from babelwire.cli.app import app, console, fail, open_store, print_json, settings, short_time
from babelwire.errors import ConfigError


@app.command()
def worker(
    queues: Annotated[str, typer.Option("--queues", help="Comma-separated: fetch, extract, translate, group.")]
    = "fetch,extract",
    concurrency: Annotated[int | None, typer.Option("--concurrency", help="Threads (fetch) or 1 (translate).")]
    = None,
    pool: Annotated[str, typer.Option("--pool", help="threads, prefork or solo.")] = "threads",
) -> None:
    """Run a Celery worker for these stage queues (needs BABELWIRE_BROKER_URL)."""
    from babelwire.pipeline.celery_app import run_worker

    cfg = settings()
    try:
        run_worker(cfg, [q.strip() for q in queues.split(",") if q.strip()], concurrency, pool=pool)
    except ConfigError as exc:
        raise fail(exc.reason) from exc


@app.command()
def scheduler() -> None:
    """Send due sources and pending work to the Celery workers every [poll] tick (needs a broker)."""
    from babelwire.pipeline.celery_app import run_scheduler

    cfg = settings()
    logging.getLogger("babelwire").setLevel(logging.INFO)
    try:
        run_scheduler(cfg)
    except ConfigError as exc:
        raise fail(exc.reason) from exc
    except KeyboardInterrupt:
        pass


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Queue depths, workers and recent errors."""
    from babelwire.pipeline.status import collect_status

    cfg = settings()
    data = collect_status(open_store(cfg), cfg)
    if as_json:
        print_json(data)
        return
    table = Table(title=f"babelwire status ({data['runner']} runner)", show_header=False)
    table.add_row("database", data["database"])
    table.add_row("articles waiting to be fetched", str(data["fetch_queue"]["pending"]))
    table.add_row("articles given up", str(data["fetch_queue"]["given_up"]))
    table.add_row("translations pending", str(data["translations_pending"]))
    if data["runner"] == "celery":
        table.add_row("broker", data["broker"] or "")
        if data["broker_error"]:
            table.add_row("broker error", f"[red]{escape(data['broker_error'])}[/red]")
        else:
            for name, depth in data["queues"].items():
                table.add_row(f"queue {name}", str(depth))
            table.add_row("delivered, not yet acknowledged", str(data["unacknowledged"]))
            for w in data["workers"]:
                table.add_row(f"worker {w['name']}", f"{w['active']} active " + " ".join(w["tasks"][:3]))
            if not data["workers"]:
                table.add_row("workers", "[yellow]none answering[/yellow]")
            recovery = data["recovery"]
            table.add_row("dead-worker recovery", f"heartbeat every {recovery['heartbeat_interval']:g}s, dead after "
                          f"{recovery['lease_timeout']:g}s of silence, swept every {recovery['sweep_interval']:g}s")
            scheduler = data["scheduler"]
            table.add_row("scheduler", f"last sweep {short_time(scheduler['last_sweep'])} UTC "
                          f"({escape(scheduler['host'])}, pid {scheduler['pid']})" if scheduler else
                          "[yellow]none sweeping: dead workers are not noticed, due sources not sent[/yellow]")
            for w in data["heartbeats"]:
                if not w["alive"]:
                    table.add_row(f"worker {escape(w['worker'])}", f"[red]no heartbeat since "
                                  f"{short_time(w['last_heartbeat'])} UTC[/red] (its work is given back on the "
                                  "next sweep)")

            def counts(numbers: dict[str, int]) -> str:
                return ", ".join(f"{n} {stage}" for stage, n in sorted(numbers.items()) if n) or "nothing"

            for w in data["stopped_workers"][:5]:
                table.add_row(f"stopped worker {escape(w['worker'])}",
                              f"[yellow]noticed {short_time(w['noticed_at'])} UTC[/yellow] (last heartbeat "
                              f"{short_time(w['last_heartbeat']) or '?'}): put back {counts(w['put_back'])}; "
                              f"sent again {counts(w['resent'])}")
    console.print(table)
    for error in data["errors"]:
        console.print(f"  [red]✗[/red] {short_time(error['at'])} {error['stage']} "
                      f"{escape(error['url'] or '')}: {escape(error['reason'])}")
