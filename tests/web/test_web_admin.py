"""Admin API: off without a token, bearer token checked, sources added (probed over HTTP) and removed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from babelwire.config import Settings
from babelwire.loopback import LoopbackServer
from babelwire.pipeline.subscriptions import SourceService
from babelwire.store import Store
from tests.newsfixtures import NewsSite

TOKEN = "correct horse battery staple"


@pytest.fixture
def admin_client(store: Store, settings: Settings) -> Iterator[TestClient]:
    from babelwire.web.app import create_app

    settings.admin.token = TOKEN
    with TestClient(create_app(store, settings, sources=SourceService(store, settings))) as client:
        yield client


def test_admin_is_off_without_a_configured_token(client):
    response = client.post("/api/sources", json={"url": "http://127.0.0.1/feed.xml"},
                           headers={"Authorization": "Bearer anything"})
    assert response.status_code == 403 and "BABELWIRE_ADMIN_TOKEN" in response.json()["detail"]
    assert client.delete("/api/sources/1").status_code == 403


def test_missing_or_wrong_token_is_refused(admin_client, server: LoopbackServer):
    url = NewsSite(server).feed_url
    assert admin_client.post("/api/sources", json={"url": url}).status_code == 401
    assert admin_client.post("/api/sources", json={"url": url},
                             headers={"Authorization": "Basic abc"}).status_code == 401
    assert admin_client.post("/api/sources", json={"url": url},
                             headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert admin_client.delete("/api/sources/1", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert server.requests_to("/site/feed.xml") == []  # nothing was fetched for a refused request
    assert admin_client.get("/api/sources").json() == []


def test_add_then_remove_a_source(admin_client, server: LoopbackServer):
    site = NewsSite(server)
    site.add("otan", "Divergences persistantes entre l'OTAN et la Russie")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    listing = admin_client.get("/api/sources")  # cached before the change

    created = admin_client.post("/api/sources", json={"url": site.feed_url, "name": "Le Journal", "every": "15m"},
                                headers=auth)

    assert created.status_code == 201, created.text
    body = created.json()
    assert body["kind"] == "feed" and body["name"] == "Le Journal" and body["interval"] == 900
    after = admin_client.get("/api/sources", headers={"If-None-Match": listing.headers["etag"]})
    assert after.status_code == 200 and [s["name"] for s in after.json()] == ["Le Journal"]
    assert admin_client.post("/api/sources", json={"url": site.feed_url}, headers=auth).status_code == 409

    assert admin_client.delete(f"/api/sources/{body['id']}", headers=auth).status_code == 204
    assert admin_client.get("/api/sources").json() == []
    assert admin_client.delete(f"/api/sources/{body['id']}", headers=auth).status_code == 404


def test_unusable_url_is_a_readable_422(admin_client, server: LoopbackServer):
    response = admin_client.post("/api/sources", json={"url": server.url("/missing.xml")},
                                 headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 422 and "cannot add" in response.json()["detail"]


@pytest.mark.parametrize("body", [
    {"url": "https://example.org/" + "a" * 2100},
    {"url": "https://example.org/feed.xml", "name": "n" * 301},
    {"url": "https://example.org/feed.xml", "lang": "xx-invalid-42-toolong"},
    {"url": ""},
    {"url": "javascript:alert(1)"},
])
def test_over_long_or_malformed_new_sources_are_422(admin_client, body):
    response = admin_client.post("/api/sources", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 422


def test_an_app_built_without_source_management_says_so(store: Store, settings: Settings):
    from babelwire.web.app import create_app

    settings.admin.token = TOKEN
    with TestClient(create_app(store, settings)) as client:
        response = client.post("/api/sources", json={"url": "https://example.org/feed.xml"},
                               headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 503 and "babelwire serve" in response.json()["detail"]
