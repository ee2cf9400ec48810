"""The bundled sample outlets: shipped pages, feeds, and extraction that removes their clutter."""

from __future__ import annotations

import httpx

from babelwire.demo.site import DemoSite, load_manifest, pages_dir
from babelwire.extract import extract_document
from babelwire.sources import parse_listing

CLUTTER = ["cookie", "Partager", "À lire aussi", "Les plus lus", "Je m'inscris", "Je m'abonne",
           "Mentions légales", "Aller au contenu", "fictif", "Accueil", "Mots-clés"]


def test_every_page_in_the_manifest_ships_with_the_package():
    manifest = load_manifest()
    files = [f for o in manifest["outlets"] for a in o["articles"] for f in (a["file"], a.get("update")) if f]
    assert len(manifest["outlets"]) == 2 and len(files) == 7
    for name in files:
        assert pages_dir().joinpath(name).is_file(), name


def test_feeds_list_each_outlets_articles_and_the_update_changes_one_page():
    with DemoSite() as site:
        for outlet in site.outlets:
            response = httpx.get(outlet.feed_url)
            assert response.status_code == 200
            listing = parse_listing(response.content, outlet.feed_url)
            assert len(listing.entries) == 3
            assert all(e.url.startswith(site.server.base_url) for e in listing.entries)
        (path,) = site.updated_paths
        before = httpx.get(site.url(path))
        assert httpx.get(site.url(path), headers={"If-None-Match": before.headers["ETag"]}).status_code == 304
        site.publish_update()
        after = httpx.get(site.url(path), headers={"If-None-Match": before.headers["ETag"]})
        assert after.status_code == 200 and "Détails à suivre" not in after.text
        assert "Détails à suivre" in before.text


def test_extraction_keeps_the_story_and_drops_the_clutter():
    manifest = load_manifest()
    for outlet in manifest["outlets"]:
        for article in outlet["articles"]:
            for name in filter(None, (article["file"], article.get("update"))):
                html = pages_dir().joinpath(name).read_text(encoding="utf-8")
                document = extract_document(html, "http://127.0.0.1:8000" + article["path"])
                assert document.title == article["title"]
                assert document.language == "fr"
                assert 5 <= len(document.blocks) <= 14, name
                assert document.url == "http://127.0.0.1:8000" + article["path"]
                for word in CLUTTER:
                    assert word not in document.text, (name, word)
