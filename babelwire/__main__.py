"""``python -m babelwire`` is the ``babelwire`` command."""

from babelwire.cli import main

main()
