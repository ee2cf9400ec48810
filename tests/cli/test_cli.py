"""The babelwire command as a user runs it: init, sources, poll, articles, OPML, extract."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from babelwire.cli import app
from babelwire.loopback import LoopbackServer, Response
from tests.newsfixtures import PARAGRAPHS, NewsSite, article_html

runner = CliRunner()


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.stdout


def test_init_creates_config_and_database(home: Path):
    run("init")
    assert (home / "babelwire.toml").exists() and (home / "babelwire.db").exists()
    assert "[fetch]" in (home / "babelwire.toml").read_text()


def test_home_option_overrides_environment(home: Path, tmp_path: Path):
    other = tmp_path / "other"
    run("--home", str(other), "init")
    assert (other / "babelwire.db").exists() and not home.exists()


def test_bad_config_is_a_configuration_error(home: Path):
    home.mkdir(parents=True)
    (home / "babelwire.toml").write_text("[fetch]\nmax_redirects = 'many'\n")
    result = runner.invoke(app, ["source", "list"])
    assert result.exit_code == 2
    assert "max_redirects" in result.output


def test_add_poll_list_show(home: Path, server: LoopbackServer):
    site = NewsSite(server)
    site.add("otan-russie", "Divergences persistantes entre l'OTAN et la Russie")
    out = run("source", "add", site.feed_url, "--lang", "fr", "--name", "Le Journal", "--every", "15m")
    assert "added source 1" in out and "feed" in out
    run("poll")
    articles = json.loads(run("article", "list", "--json"))
    assert [(a["title"], a["language"], a["source"], a["revisions"]) for a in articles] == [
        ("Divergences persistantes entre l'OTAN et la Russie", "fr", "Le Journal", 1)]
    shown = json.loads(run("article", "show", str(articles[0]["id"]), "--json"))
    assert {"id", "url", "source", "language", "title", "revisions"} <= shown.keys()
    revision = shown["revisions"][0]
    assert {"fetched_at", "content_hash", "document"} <= revision.keys()
    assert set(revision["document"]) >= {"title", "blocks", "text", "language", "author", "published",
                                         "modified", "url"}
    sources = json.loads(run("source", "list", "--json"))
    assert sources[0]["articles"] == 1 and sources[0]["last_success_at"] and sources[0]["interval"] == 900


def test_duplicate_source_and_unknown_ids_are_usage_errors(home: Path, server: LoopbackServer):
    site = NewsSite(server)
    run("source", "add", site.feed_url)
    run("source", "add", site.feed_url, code=2)
    run("article", "show", "99", code=2)
    run("source", "remove", "99", code=2)


def test_broken_source_does_not_fail_poll(home: Path, server: LoopbackServer):
    url = server.route("/feed.xml", Response(b"<rss><channel><item><link>http://x", 200,
                                             {"Content-Type": "application/rss+xml"}))
    run("source", "add", server.url("/page.html"), code=1)  # 404 at add time: a clear error, nothing added
    page = server.route("/page.html", Response(article_html("Titre", PARAGRAPHS)))
    run("source", "add", page)
    server.route("/page.html", Response(b"gone", 410, {"Content-Type": "text/plain"}))
    run("poll")  # exit code 0 although the only source fails
    (source,) = json.loads(run("source", "list", "--json"))
    assert source["article_errors"] == 1
    errors = json.loads(run("errors", "--json"))
    assert errors[0]["stage"] == "article" and "410" in errors[0]["reason"]
    assert "410" in run("errors")
    assert url


def test_opml_export_import_round_trip(home: Path, server: LoopbackServer, tmp_path: Path):
    site = NewsSite(server)
    run("source", "add", site.feed_url, "--name", "Le Journal", "--lang", "fr")
    opml = tmp_path / "sources.opml"
    run("source", "export", "-o", str(opml))
    run("source", "remove", "1")
    out = run("source", "import", str(opml))
    assert "imported 1" in out
    (source,) = json.loads(run("source", "list", "--json"))
    assert (source["url"], source["name"], source["language"]) == (site.feed_url, "Le Journal", "fr")


def test_extract_json_from_file(home: Path, tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_bytes(article_html("Divergences persistantes", PARAGRAPHS, url="https://example.org/a"))
    data = json.loads(run("extract", str(page), "--json"))
    assert data["title"] == "Divergences persistantes"
    assert data["language"] == "fr" and data["url"] == "https://example.org/a"
    assert [b["type"] for b in data["blocks"]] == ["paragraph"] * len(PARAGRAPHS)
    assert data["text"] == "\n\n".join(b["text"] for b in data["blocks"])


def test_config_show_lists_environment_names(home: Path):
    rows = {r["env"]: r for r in json.loads(run("config", "show", "--json"))}
    assert rows["BABELWIRE_FETCH_ALLOW_PRIVATE"]["current"] is True  # set by the home fixture
    assert rows["BABELWIRE_FETCH_MAX_REDIRECTS"]["current"] == 5


def test_add_detects_kind_and_discovers_feeds_on_a_home_page(home: Path, server: LoopbackServer):
    site = NewsSite(server)
    site.add("otan-russie", "Divergences persistantes entre l'OTAN et la Russie")
    sitemap = server.route("/sitemap.xml", Response(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{server.url('/site/otan-russie.html')}</loc></url></urlset>".encode(),
        headers={"Content-Type": "application/xml"}))
    server.route("/", Response(
        f'<html><head><title>Le Journal</title><link rel="alternate" type="application/rss+xml" '
        f'href="{site.feed_url}"></head><body><p>Accueil</p></body></html>'.encode()))

    assert "(sitemap," in run("source", "add", sitemap)
    assert "(page," in run("source", "add", server.url("/site/otan-russie.html"))
    # The home page declares one feed: it is taken, and common paths (/sitemap.xml) are not tried.
    out = run("source", "add", server.url("/"))
    assert "(feed," in out and site.feed_url in out
    kinds = sorted(s["kind"] for s in json.loads(run("source", "list", "--json")))
    assert kinds == ["feed", "page", "sitemap"]


def test_several_declared_feeds_must_be_chosen_and_none_declared_are_probed(home: Path, server: LoopbackServer):
    site = NewsSite(server)
    site.add("otan-russie", "Divergences persistantes entre l'OTAN et la Russie")
    server.route("/two", Response(
        f'<html><head><title>Le Journal</title>'
        f'<link rel="alternate" type="application/rss+xml" href="{site.feed_url}">'
        f'<link rel="alternate" type="application/atom+xml" href="{server.url("/sitemap.xml")}">'
        f'</head><body><p>Accueil</p></body></html>'.encode()))
    server.route("/sitemap.xml", Response(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{server.url('/site/otan-russie.html')}</loc></url></urlset>".encode(),
        headers={"Content-Type": "application/xml"}))
    result = runner.invoke(app, ["source", "add", server.url("/two")])  # not a TTY: must choose
    assert result.exit_code == 2 and "--pick" in result.output
    assert site.feed_url in result.stdout
    assert "(feed," in run("source", "add", server.url("/two"), "--pick", "1")

    server.route("/", Response(b"<html><head><title>Accueil</title></head><body><p>Rien</p></body></html>"))
    before = len(server.requests)
    out = run("source", "add", server.url("/"))  # nothing declared: common paths are probed
    assert "(sitemap," in out
    assert any(r.path == "/sitemap.xml" for r in server.requests[before:])
