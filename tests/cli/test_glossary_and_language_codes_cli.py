"""Language codes where a user types them for the glossary and translate: ``auto`` where a real
language is needed, and codes babelwire does not know, in options and in CSV rows (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from babelwire.cli import app

runner = CliRunner()


def run(*args: str, code: int = 0, stdin: str | None = None):
    result = runner.invoke(app, list(args), input=stdin, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def test_auto_is_refused_where_a_language_is_needed(database_url: str):
    for args in (
        ["glossary", "add", "a", "b", "--from", "auto", "--to", "en"],
        ["glossary", "list", "--to", "auto"],
        ["translate", "--from", "fr", "--to", "auto"],
    ):
        result = run(*args, code=2, stdin="Bonjour.")
        assert "not 'auto'" in result.output, args
    assert json.loads(run("glossary", "list", "--json").stdout) == []


def test_csv_rows_with_unknown_language_codes_are_refused_with_the_supported_list(database_url: str, tmp_path: Path):
    csv = tmp_path / "glossary.csv"
    csv.write_text(
        "source_lang,target_lang,term,translation,source\nfr,en,Grouchko,Grushko,\nxx,en,Foo,Bar,\nfr,qq,Otan,NATO,\n",
        encoding="utf-8",
    )
    result = run("glossary", "import", str(csv), code=2)
    errors = " ".join(result.stderr.split())
    assert f"{csv}:3: unknown language code 'xx'" in errors and f"{csv}:4: unknown language code 'qq'" in errors
    assert "supported language codes: af, " in errors and "nothing imported: 2 bad row(s)" in errors
    assert json.loads(run("glossary", "list", "--json").stdout) == []  # all or nothing
    csv.write_text("source_lang,target_lang,term,translation,source\nFR,en-GB,Grouchko,Grushko,\n", encoding="utf-8")
    run("glossary", "import", str(csv))
    [entry] = json.loads(run("glossary", "list", "--json").stdout)
    assert (entry["source_lang"], entry["target_lang"]) == ("fr", "en")
