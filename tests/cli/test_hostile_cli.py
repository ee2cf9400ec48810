"""Bad input on the command line, as a hostile world or a hurried user gives it: every case ends in
one line saying what is wrong (exit 2 for usage and settings, 1 for a failed action), never a
traceback, and settings are refused when loaded, before anything is fetched. The real command in
its own process, real loopback servers, SQLite and PostgreSQL where the store is involved."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from babelwire.config import describe_settings, load_settings
from babelwire.fetch import Fetcher
from babelwire.loopback import LoopbackServer, Response
from babelwire.pipeline.subscriptions import add_source, probe_url
from babelwire.store import Store
from babelwire.store.limits import MAX_SOURCE_NAME, MAX_URL
from tests.cli.test_messages_cli import babelwire
from tests.newsfixtures import NewsSite, rss

RSS = {"Content-Type": "application/rss+xml"}


def one_line_error(result: subprocess.CompletedProcess, code: int) -> str:
    err = result.stderr.decode()
    assert result.returncode == code, (result.returncode, err, result.stdout.decode())
    assert "Traceback" not in err and "Error:" not in err.replace("Error: Invalid value", ""), err
    return " ".join(err.split())


@pytest.mark.parametrize("command", [["init"], ["status"], ["poll"], ["source", "list"], ["article", "list"],
                                     ["errors"]])
def test_a_home_that_cannot_be_created_is_one_line(tmp_path: Path, command: list[str]):
    # /proc refuses new folders even to root: before, every command but init ended in a traceback.
    err = one_line_error(babelwire("--home", "/proc/babelwire-nope", *command, home=tmp_path / "unused"), 1)
    assert "cannot create" in err and "/proc/babelwire-nope" in err and "--home" in err


def test_a_home_that_is_a_file_is_a_settings_error(tmp_path: Path):
    file = tmp_path / "passwd"
    file.write_text("root:x:0:0:root:/root:/bin/bash\n")
    for command in (["config", "show"], ["init"], ["status"]):
        err = one_line_error(babelwire("--home", str(file), *command, home=tmp_path / "unused"), 2)
        assert f"the home folder {file} is a file" in err


def test_ports_out_of_range_are_usage_errors(home: Path):
    err = one_line_error(babelwire("serve", "--port", "99999", home=home), 2)
    assert "--port" in err and "65535" in err
    result = babelwire("serve", home=home, env={"BABELWIRE_WEB_PORT": "-5"})
    err = one_line_error(result, 2)
    assert "BABELWIRE_WEB_PORT: setting [web] port = -5 must be between 0 and 65535" in err


@pytest.mark.parametrize(("toml", "says"), [
    ('[database]\nurl = "nonsense://x"\n', "setting [database] url = 'nonsense://x' must be a sqlite, postgresql "
                                            "or postgres URL"),
    ('[stories]\nrepresentation = "bogus"\n', "setting [stories] representation = 'bogus' must be one of tfidf"),
    ("[poll]\nmax_entries = -1\n", "setting [poll] max_entries = -1 must be at least 1"),
    ("[fetch]\nmax_bytes = -5\n", "setting [fetch] max_bytes = -5 must be at least 1024"),
    ("[fetch]\nread_timeout = 0\n", "setting [fetch] read_timeout = 0.0 must be greater than 0"),
    ('[translate]\nengine = "nonsense"\n', "setting [translate] engine = 'nonsense' must be one of auto"),
])
def test_a_bad_setting_in_the_file_stops_the_poll_before_anything_is_fetched(
        home: Path, server: LoopbackServer, toml: str, says: str):
    site = NewsSite(server)
    site.add("otan", "Divergences persistantes")
    settings = load_settings(home)
    home.mkdir(parents=True, exist_ok=True)
    store = Store(settings.database_url)
    add_source(store, settings, site.feed_url, "feed", language="fr")
    store.close()
    (home / "babelwire.toml").write_text(toml)

    err = one_line_error(babelwire("poll", home=home), 2)

    assert err == f"configuration error: {home / 'babelwire.toml'}: {says}" or err.startswith(
        f"configuration error: {home / 'babelwire.toml'}: {says}"), err
    assert server.requests == []  # refused when loaded: nothing fetched, nothing translated


def test_a_missing_model_error_keeps_its_bracketed_setting_name(home: Path):
    # Rich markup once swallowed "[translate]": the message read "or set  model".
    result = babelwire("translate", "--from", "fr", "--to", "en", "--engine", "ct2", home=home, stdin=b"Bonjour.")
    err = one_line_error(result, 2)
    assert "or set [translate] model" in err


def test_an_unknown_host_is_named_as_a_dns_failure_and_nothing_is_added(home: Path):
    err = one_line_error(babelwire("source", "add", "http://no-such-host.invalid/feed.xml", home=home), 1)
    assert "DNS lookup failed for no-such-host.invalid" in err and "nothing was added" in err
    assert "robots.txt" not in err and "retried" not in err
    assert json.loads(babelwire("source", "list", "--json", home=home).stdout) == []


def test_poll_says_what_is_retried(home: Path, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BABELWIRE_FETCH_RETRIES", "0")
    monkeypatch.setenv("BABELWIRE_TRANSLATE_ENABLED", "0")
    broken = server.route("/broken.html", Response(b"oops", 503))
    feed = server.route("/feed.xml", Response(rss([(broken, "Une page en panne")]), headers=RSS))
    settings = load_settings(home)
    store = Store(settings.database_url)
    add_source(store, settings, feed, "feed", language="fr")
    add_source(store, settings, "http://127.0.0.1:9/feed.xml", "feed", language="fr")  # refused
    store.close()

    result = babelwire("poll", home=home, env={"BABELWIRE_FETCH_RETRIES": "0", "BABELWIRE_TRANSLATE_ENABLED": "0"})

    out = " ".join(result.stdout.decode().split())
    assert result.returncode == 0, result.stderr.decode()
    assert "connection refused" in out and "HTTP 503" in out
    assert "failed sources are retried at their next poll" in out
    assert f"failed article pages are retried by the next polls, {settings.poll.max_attempts} attempts in all" in out


def test_config_show_at_80_columns_names_every_variable_whole(home: Path):
    out = babelwire("config", "show", home=home).stdout.decode()
    for key, env, _default, _doc in describe_settings():
        assert f"{env}:" in out, env
        section = key.split("]")[0] + "]"
        assert section in out, section


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_overlong_source_fields_from_the_command_line_on_both_databases(
        home: Path, server: LoopbackServer, database: str, request: pytest.FixtureRequest,
        monkeypatch: pytest.MonkeyPatch):
    url = f"sqlite:///{home / 'babelwire.db'}" if database == "sqlite" else request.getfixturevalue("pg_url")
    monkeypatch.setenv("BABELWIRE_DATABASE_URL", url)
    title = " ".join(["Informations"] * 40)[:400]
    feed = server.route("/feed.xml", Response(rss([(server.url("/a.html"), "a")], title=title), headers=RSS))
    other = server.route("/other.xml", Response(rss([(server.url("/b.html"), "b")]), headers=RSS))
    long_url = server.url("/" + "x" * MAX_URL)
    server.route(long_url.removeprefix(server.base_url), Response(rss([(server.url("/c.html"), "c")]), headers=RSS))

    assert babelwire("source", "add", feed, "--no-translate", home=home).returncode == 0  # title of 400
    named = babelwire("source", "add", other, "--name", "N" * 400, "--no-translate", home=home)
    assert named.returncode == 0, named.stderr.decode()
    err = one_line_error(babelwire("source", "add", long_url, "--no-translate", home=home), 1)
    assert f"URL longer than {MAX_URL} characters" in err
    err = one_line_error(babelwire("source", "add", other + "?x", "--lang", "fr-" + "x" * 20, home=home), 2)
    assert "--lang" in err

    rows = json.loads(babelwire("source", "list", "--json", home=home).stdout)
    assert len(rows) == 2 and all(len(r["name"]) <= MAX_SOURCE_NAME for r in rows)
    assert rows[0]["name"].startswith("Informations") and rows[1]["name"].startswith("NNN")


def test_discovery_reports_each_probe_and_probes_only_when_nothing_is_declared(home: Path, server: LoopbackServer):
    site = NewsSite(server)
    site.add("otan", "Divergences persistantes")
    sitemap = server.route("/sitemap.xml", Response(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{site.server.url("/site/otan.html")}'
        f"</loc></url></urlset>".encode(), headers={"Content-Type": "application/xml"}))
    server.route("/", Response(
        f'<html><head><title>Le Journal</title><link rel="alternate" type="application/rss+xml" '
        f'href="{site.feed_url}"></head><body><p>Accueil</p></body></html>'.encode()))
    server.route("/nu/", Response(b"<html><head><title>Rien</title></head><body><p>Rien</p></body></html>"))
    settings = load_settings(home)

    probed: list[str] = []
    with Fetcher(settings.fetch) as fetcher:
        declared = probe_url(fetcher, server.url("/"), settings, on_probe=probed.append)
    assert [f.url for f in declared.feeds] == [site.feed_url] and probed == []
    assert not any(r.path == "/sitemap.xml" for r in server.requests)

    with Fetcher(settings.fetch) as fetcher:
        guessed = probe_url(fetcher, server.url("/nu/"), settings, on_probe=probed.append)
    assert sitemap in [f.url for f in guessed.feeds]
    fetched = {server.url(r.path + (f"?{r.query}" if r.query else "")) for r in server.requests}
    assert probed and set(probed) <= fetched  # every probe is announced before it is fetched


def test_article_show_prints_a_bracketed_source_name_as_written(home: Path, server: LoopbackServer):
    # "[/Soir]" closes a tag that was never opened: read as markup it is a MarkupError traceback.
    site = NewsSite(server)
    site.add("otan", "Divergences persistantes")
    name = "[bold]Le Journal[/bold] du [/Soir]"
    env = {"BABELWIRE_TRANSLATE_ENABLED": "0"}
    assert babelwire("source", "add", site.feed_url, "--lang", "fr", "--name", name, home=home, env=env).returncode == 0
    assert babelwire("poll", home=home, env=env).returncode == 0
    shown = babelwire("article", "show", "1", home=home, env=env)
    assert shown.returncode == 0, shown.stderr.decode()
    assert f"from {name} · {site.server.url('/site/otan.html')}" in " ".join(shown.stdout.decode().split())


@pytest.mark.parametrize("bench", ["ingest", "scale"])
def test_a_missing_bench_dataset_says_where_to_get_one(home: Path, tmp_path: Path, bench: str):
    err = one_line_error(babelwire("bench", bench, "--dataset", str(tmp_path / "absent"), home=home), 2)
    assert "evaldata.json" in err and "extraction-news" in err and "babelwire eval download DIR" in err


BEYOND = "99999999999999999999999"  # more than any 64-bit id: an OverflowError in the driver before


@pytest.mark.parametrize("command", [
    ["source", "remove", BEYOND], ["source", "edit", BEYOND, "--name", "x"], ["poll", "--source", BEYOND],
    ["article", "list", "--source", BEYOND], ["article", "list", "--limit", BEYOND], ["errors", "--limit", BEYOND],
    ["story", "list", "--limit", BEYOND], ["story", "list", "--limit", "0"], ["errors", "--limit", "-1"],
])
def test_ids_and_limits_no_row_can_have_are_one_line(home: Path, command: list[str]):
    err = one_line_error(babelwire(*command, home=home), 2)
    assert f"no source {BEYOND}" in err or "Invalid value for '--" in err, err


def test_the_largest_id_is_still_an_id(home: Path):
    result = babelwire("article", "list", "--source", str(2**63 - 1), home=home)
    assert result.returncode == 0 and result.stdout.decode().strip() == "no articles"
