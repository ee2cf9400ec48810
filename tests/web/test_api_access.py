"""Access for integrators: read tokens, per-token and per-client rate limits (429 + Retry-After as
problem details), CORS origins, the local Swagger UI at /docs, conditional GETs — through the real
app under uvicorn on loopback (httpx) and in process, on SQLite and PostgreSQL; and the contract
fuzzed with read tokens on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from babelwire.config import Settings, load_settings
from babelwire.store import Store
from babelwire.web.access import RateLimiter
from tests.web.conftest import Newsroom
from tests.web.test_api_contract import AUTH, TOKEN, OfflineSources, _fill, fuzz_schema

READ = "reader-token-1"


def _app(store: Store, settings: Settings) -> FastAPI:
    from babelwire.web.app import create_app

    return create_app(store, settings, sources=OfflineSources(store, settings))


@pytest.fixture
def served(store: Store, settings: Settings, newsroom: Newsroom) -> Iterator[tuple[str, Settings]]:
    """The reader under uvicorn on a loopback port, read tokens on, three requests a minute per token."""
    from babelwire.server import ReaderServer

    _fill(newsroom)
    settings.api.read_tokens = [READ, "reader-token-2"]
    settings.api.rate_limit = 3
    with ReaderServer(_app(store, settings), host="127.0.0.1", port=0) as server:
        yield server.url, settings


def test_read_tokens_guard_the_api_only(served: tuple[str, Settings]) -> None:
    url, _ = served
    with httpx.Client(base_url=url, timeout=10) as http:
        missing = http.get("/api/v1/articles")
        assert missing.status_code == 401 and missing.headers["content-type"] == "application/problem+json"
        assert missing.headers["www-authenticate"].startswith("Bearer")
        assert missing.json()["instance"] == "/api/v1/articles" and "read token" in missing.json()["detail"]
        wrong = http.get("/api/articles", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 403 and wrong.json()["detail"] == "Unknown read token."
        ok = http.get("/api/v1/articles", headers={"Authorization": f"Bearer {READ}"})
        assert ok.status_code == 200 and ok.json()["items"]
        # A cached answer is not handed to a client without a token either.
        assert http.get("/api/v1/articles").status_code == 401
        # Pages, feeds and the contract stay public.
        assert http.get("/").status_code == 200 and http.get("/feeds/all.atom").status_code == 200
        assert http.get("/openapi.json").status_code == 200


def test_each_token_has_its_own_rate_limit(served: tuple[str, Settings]) -> None:
    url, _ = served
    with httpx.Client(base_url=url, timeout=10) as http:
        first = [http.get("/api/v1/stories", headers={"Authorization": f"Bearer {READ}"}) for _ in range(3)]
        assert [r.status_code for r in first] == [200, 200, 200]
        assert [r.headers["ratelimit-remaining"] for r in first] == ["2", "1", "0"]
        over = http.get("/api/v1/sources", headers={"Authorization": f"Bearer {READ}"})
        assert over.status_code == 429 and over.headers["content-type"] == "application/problem+json"
        assert int(over.headers["retry-after"]) >= 1 and over.headers["ratelimit-limit"] == "3"
        assert over.json()["status"] == 429 and over.json()["instance"] == "/api/v1/sources"
        assert "content-security-policy" in over.headers
        # The other token is not held back by the first one's requests.
        assert http.get("/api/v1/stories", headers={"Authorization": "Bearer reader-token-2"}).status_code == 200


def test_anonymous_clients_are_limited_per_address(store: Store, settings: Settings) -> None:
    settings.api.anonymous_rate_limit = 2
    with TestClient(_app(store, settings)) as client:
        codes = [client.get("/api/v1/sources").status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert client.get("/sources").status_code == 200  # the pages are not the API: not limited
        document = client.get("/openapi.json").json()
    assert "429" in document["paths"]["/api/v1/sources"]["get"]["responses"]
    assert "Retry-After" in document["paths"]["/api/v1/sources"]["get"]["responses"]["429"]["headers"]


def test_rate_limiter_refills_over_the_minute() -> None:
    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0])
    assert all(limiter.take("k")[0] for _ in range(60))
    allowed, left, wait = limiter.take("k")
    assert not allowed and left == 0 and 0 < wait <= 1.0
    now[0] += 1.0  # one more request a second
    assert limiter.take("k")[0] and not limiter.take("k")[0]
    assert limiter.take("other")[0]


def test_without_tokens_the_api_is_public_and_unlimited(store: Store, settings: Settings) -> None:
    assert settings.api.read_tokens == [] and settings.api.anonymous_rate_limit == 0 and settings.api.cors_origins == []
    with TestClient(_app(store, settings)) as client:
        assert all(client.get("/api/v1/stories").status_code == 200 for _ in range(50))
        document = client.get("/openapi.json").json()
    assert "readToken" not in document["components"].get("securitySchemes", {})
    assert "429" not in document["paths"]["/api/v1/stories"]["get"]["responses"]


def test_tokens_are_declared_in_the_document_when_set(store: Store, settings: Settings) -> None:
    settings.api.read_tokens = [READ]
    with TestClient(_app(store, settings)) as client:
        document = client.get("/openapi.json").json()
    assert document["components"]["securitySchemes"]["readToken"]["scheme"] == "bearer"
    operation = document["paths"]["/api/v1/articles"]["get"]
    assert operation["security"] == [{"readToken": []}]
    assert {"401", "403", "429"} <= set(operation["responses"])


def test_cors_origins_let_a_dashboard_read_the_api(store: Store, settings: Settings) -> None:
    settings.api.cors_origins = ["https://dashboard.example.org"]
    origin = {"Origin": "https://dashboard.example.org"}
    with TestClient(_app(store, settings)) as client:
        preflight = client.options(
            "/api/v1/articles",
            headers={
                **origin,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "Authorization",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://dashboard.example.org"
        assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
        answer = client.get("/api/v1/articles", headers=origin)
        assert answer.headers["access-control-allow-origin"] == "https://dashboard.example.org"
        assert "Link" in answer.headers["access-control-expose-headers"]
        stranger = client.get("/api/v1/articles", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in stranger.headers
        assert "access-control-allow-origin" not in client.get("/", headers=origin).headers  # pages: no CORS


def test_no_cors_by_default(store: Store, settings: Settings) -> None:
    with TestClient(_app(store, settings)) as client:
        answer = client.get("/api/v1/articles", headers={"Origin": "https://dashboard.example.org"})
    assert "access-control-allow-origin" not in answer.headers


def test_swagger_ui_is_served_from_local_files(store: Store, settings: Settings) -> None:
    with TestClient(_app(store, settings)) as client:
        page = client.get("/docs")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        html = page.text
        assert "<script>" not in html and "http" not in html  # no inline script, nothing from elsewhere
        policy = page.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
        for asset in (
            "/static/swagger-ui/swagger-ui-bundle.js",
            "/static/swagger-ui/swagger-ui.css",
            "/static/swagger-ui/babelwire-docs.js",
        ):
            assert f'"{asset}"' in html
            assert client.get(asset).status_code == 200
        assert "Apache License" in client.get("/static/swagger-ui/LICENSE").text
        again = client.get("/docs", headers={"If-None-Match": page.headers["etag"]})
        assert again.status_code == 304


def test_docs_can_be_turned_off(store: Store, settings: Settings) -> None:
    settings.api.docs = False
    with TestClient(_app(store, settings)) as client:
        assert client.get("/docs").status_code == 404


def test_every_get_answers_conditionally(store: Store, settings: Settings, newsroom: Newsroom) -> None:
    _fill(newsroom)
    with TestClient(_app(store, settings)) as client:
        document = client.get("/openapi.json").json()
        paths = [
            "/openapi.json",
            "/docs",
            "/api/v1/articles",
            "/api/v1/articles/1",
            "/api/v1/articles/1/story",
            "/api/v1/stories",
            "/api/v1/stories/1",
            "/api/v1/stories/1/compare",
            "/api/v1/sources",
            "/api/v1/search?q=Bruxelles",
        ]
        assert {p.partition("?")[0].replace("/1", "/{article_id}", 1) for p in paths if "articles/" in p} <= set(
            document["paths"]
        )
        for path in paths:
            first = client.get(path)
            assert first.status_code == 200 and first.headers.get("etag"), path
            assert client.get(path, headers={"If-None-Match": first.headers["etag"]}).status_code == 304, path


def test_the_settings_are_read_from_the_environment(tmp_path: Any) -> None:
    settings = load_settings(
        tmp_path,
        environ={
            "BABELWIRE_API_READ_TOKENS": "a,b",
            "BABELWIRE_API_CORS_ORIGINS": "https://a.example",
            "BABELWIRE_API_RATE_LIMIT": "60",
        },
    )
    assert settings.api.read_tokens == ["a", "b"] and settings.api.cors_origins == ["https://a.example"]
    assert settings.api.rate_limit == 60


# --- the contract with read tokens on ------------------------------------------------------------
@pytest.fixture
def token_app(store: Store, settings: Settings, newsroom: Newsroom) -> FastAPI:
    _fill(newsroom)
    settings.admin.token = TOKEN
    settings.api.read_tokens = [READ]
    settings.api.rate_limit = 0  # the fuzzer sends more than a minute's worth; limits are tested above
    return _app(store, settings)


@pytest.fixture
def token_schema(token_app: FastAPI) -> Any:
    return fuzz_schema(token_app, examples=10)


token_contract = schemathesis.pytest.from_fixture("token_schema")


@token_contract.exclude(path_regex="/watches").parametrize()
@hypothesis_settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_the_contract_holds_with_read_tokens(case: Any) -> None:
    """Every operation fuzzed with the admin token, which also reads; schemathesis' auth checks
    send requests without it too and expect the 401 the document declares."""
    case.call_and_validate(headers=AUTH)
