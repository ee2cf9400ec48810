"""``config show`` says whether a secret is set, never what it is (text and JSON)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from babelwire.cli import app

runner = CliRunner()
SECRETS = {"BABELWIRE_ADMIN_TOKEN": "admin-s3cret", "BABELWIRE_API_READ_TOKENS": "read-s3cret-1,read-s3cret-2",
           "BABELWIRE_DATABASE_URL": "postgresql+psycopg://babel:db-s3cret@127.0.0.1:5432/test"}


def test_secrets_are_masked_in_config_show(home: Path) -> None:
    text = runner.invoke(app, ["config", "show"], env=SECRETS, terminal_width=80)
    assert text.exit_code == 0, text.output
    as_json = runner.invoke(app, ["config", "show", "--json"], env=SECRETS)
    assert as_json.exit_code == 0, as_json.output
    for output in (text.stdout, as_json.stdout):
        assert "s3cret" not in output
    rows = {row["setting"]: row["current"] for row in json.loads(as_json.stdout)}
    assert rows["[admin] token"] == "********"
    assert rows["[api] read_tokens"] == ["********", "********"]
    assert rows["[database] url"] == "postgresql+psycopg://babel:********@127.0.0.1:5432/test"
    unset = json.loads(runner.invoke(app, ["config", "show", "--json"]).stdout)
    assert {row["setting"]: row["current"] for row in unset}["[admin] token"] == ""  # not set: shown as not set
