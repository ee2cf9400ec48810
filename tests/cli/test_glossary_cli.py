"""``babelwire glossary`` as a user runs it, on SQLite then PostgreSQL: add, list, export, remove,
import, and the errors (bad rows by line number, exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from babelwire.cli import app
from babelwire.loopback import LoopbackServer
from tests.newsfixtures import NewsSite

runner = CliRunner()


def run(*args: str, code: int = 0, stdin: str | None = None):
    result = runner.invoke(app, list(args), input=stdin, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def test_round_trip_add_list_export_remove_import(database_url: str, server: LoopbackServer, tmp_path: Path):
    site = NewsSite(server)
    run("source", "add", site.feed_url, "--lang", "fr", "--name", "Le Journal")
    out = run("glossary", "add", "Grouchko", "Grushko", "--from", "fr", "--to", "en").stdout
    assert "added glossary entry 1: fr→en Grouchko → Grushko (all sources)" in out
    run("glossary", "add", "Otan", "NATO", "--from", "fr", "--to", "en")
    out = run("glossary", "add", "Grouchko", "Grouchko", "--from", "fr", "--to", "en", "--source",
              site.feed_url).stdout
    assert "(source 1)" in out
    # Rich markup in a term is shown as typed, never interpreted.
    run("glossary", "add", "[bold]Le Monde[/bold]", "[red]Le Monde", "--from", "fr", "--to", "en")
    out = run("glossary", "add", "Otan", "N.A.T.O.", "--from", "fr", "--to", "en").stdout
    assert out.startswith("updated glossary entry 2")

    listed = json.loads(run("glossary", "list", "--json").stdout)
    assert [(e["term"], e["translation"], e["source_id"]) for e in listed if e["term"] != "Otan"][:2] == [
        ("Grouchko", "Grushko", None), ("Grouchko", "Grouchko", 1)]  # global before per source
    assert sorted((e["term"], e["translation"]) for e in listed) == [
        ("Grouchko", "Grouchko"), ("Grouchko", "Grushko"), ("Otan", "N.A.T.O."),
        ("[bold]Le Monde[/bold]", "[red]Le Monde")]
    assert listed[0]["source_lang"] == "fr" and listed[0]["target_lang"] == "en"
    assert {e["source"] for e in listed if e["source_id"]} == {site.feed_url}
    assert json.loads(run("glossary", "list", "--to", "de", "--json").stdout) == []
    assert [e["term"] for e in json.loads(run("glossary", "list", "--source", "1", "--json").stdout)] == ["Grouchko"]

    table = run("glossary", "list").stdout
    assert "[bold]Le Monde[/bold]" in table and "[red]Le Monde" in table
    assert max(len(line) for line in table.splitlines()) <= 80  # CliRunner's terminal is 80 wide

    csv_file = tmp_path / "glossary.csv"
    out = run("glossary", "export", str(csv_file)).stdout
    assert "wrote 4 glossary entries" in out
    exported = csv_file.read_text(encoding="utf-8")
    assert exported.splitlines()[0] == "source_lang,target_lang,term,translation,source"
    assert f"fr,en,Grouchko,Grouchko,{site.feed_url}" in exported
    assert run("glossary", "export", "-").stdout == exported

    out = run("glossary", "remove", "Grouchko", "2").stdout
    assert out.count("removed glossary entry") == 3
    assert [e["term"] for e in json.loads(run("glossary", "list", "--json").stdout)] == ["[bold]Le Monde[/bold]"]
    result = run("glossary", "remove", "Grouchko", code=2)
    assert "no glossary entry Grouchko" in result.output

    out = run("glossary", "import", str(csv_file)).stdout
    assert "3 added, 0 updated, 1 unchanged" in out
    again = json.loads(run("glossary", "list", "--json").stdout)
    assert sorted((e["term"], e["translation"], e["source_id"] or 0) for e in again) == sorted(
        (e["term"], e["translation"], e["source_id"] or 0) for e in listed)
    assert "0 added, 0 updated, 4 unchanged" in run("glossary", "import", "-", stdin=exported).stdout


def test_bad_csv_rows_are_reported_by_line_and_nothing_is_imported(database_url: str, tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("source_lang,target_lang,term,translation,source\n"
                   "fr,en,Otan,NATO,\n"
                   "fr,en,,vide,\n"
                   "fr,en,Grouchko,Grushko,99\n", encoding="utf-8")
    result = run("glossary", "import", str(bad), code=2)
    assert f"{bad}:3: the term is empty" in result.stderr
    assert f"{bad}:4: no source '99'" in result.stderr
    assert "nothing imported: 2 bad row(s)" in result.stderr
    assert json.loads(run("glossary", "list", "--json").stdout) == []

    (tmp_path / "latin1.csv").write_bytes("source_lang,target_lang,term,translation\nfr,en,é,e\n".encode("latin-1"))
    assert "not UTF-8" in run("glossary", "import", str(tmp_path / "latin1.csv"), code=2).stderr
    assert "cannot read" in run("glossary", "import", str(tmp_path / "missing.csv"), code=2).stderr


def test_usage_errors_exit_2(database_url: str):
    assert "both 'fr'" in run("glossary", "add", "a", "b", "--from", "fr", "--to", "fr", code=2).stderr
    assert "unknown language code" in run("glossary", "add", "a", "b", "--from", "français", "--to", "en",
                                        code=2).stderr
    assert "no source 7" in run("glossary", "add", "a", "b", "--from", "fr", "--to", "en", "--source", "7",
                                code=2).stderr
    assert "no glossary entries" in run("glossary", "list").stdout
