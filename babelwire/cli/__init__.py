"""The ``babelwire`` command: parse, call a service, render with Rich.

``app`` defines the command groups; each module registers the commands of its group on them.
"""

from __future__ import annotations

from rich.markup import escape

from babelwire.cli import commands, glossary, models  # noqa: F401  (they register their commands)
from babelwire.cli.app import app, err_console
from babelwire.errors import BabelwireError

__all__ = ["app", "main"]


def main() -> None:
    try:
        app()
    except BabelwireError as exc:  # a documented error that no command caught: show it plainly
        err_console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise SystemExit(1) from exc
