"""The ``babelwire`` command: parse, call a service, render with Rich.

``app`` defines the command groups; each module registers the commands of its group on them:

    setup.py        init, config show
    polling.py      poll, errors
    articles.py     extract, article list/show
    translation.py  translate
    serving.py      serve, run, demo, render
    scaleout.py     worker, scheduler, status
    sources.py      source add/edit/list/remove/import/export
    stories.py      story list/show
    models.py       models pull/import/list/...
    glossary.py     glossary ...
    watch.py        watch add/list/show/remove/test
    evaluation.py   eval extraction/translation/stories
    benchmarks.py   bench ingest/translate/text/stories/web/scale
    app.py          the Typer app, its groups, and the helpers and option checks the modules share

``babelwire --help`` lists the top-level commands in the order these modules are imported below.
"""

from __future__ import annotations

from rich.markup import escape

# Importing a module registers its commands; this order is the order `babelwire --help` lists them in.
# isort: off
from babelwire.cli import (  # noqa: F401
    setup,
    polling,
    articles,
    translation,
    serving,
    scaleout,
    sources,
    stories,
    models,
    glossary,
    watch,
    evaluation,
    benchmarks,
)

# isort: on
from babelwire.cli.app import app, err_console
from babelwire.errors import BabelwireError

__all__ = ["app", "main"]


def main() -> None:
    try:
        app()
    except BabelwireError as exc:  # a documented error that no command caught: show it plainly
        err_console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise SystemExit(1) from exc
