"""The OpenAPI document is the API's contract: schemathesis fuzzes every /api operation in process
(ASGI) against a store holding real articles with translations, on SQLite and on PostgreSQL, with
every check it has, and a source's life (create, read, delete) runs as a stateful sequence."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from babelwire.alerts.service import WatchService
from babelwire.config import Settings
from babelwire.pipeline.subscriptions import SourceService, add_source, source_health
from babelwire.store import Store
from babelwire.store.models import Source
from babelwire.store.watches import list_watches, remove_watch
from tests.web.conftest import Newsroom

TOKEN = "contract-token"
EXAMPLED = {"articles", "article", "article_story", "stories", "story", "sources", "search"}
EXAMPLES = 25  # per operation and generation mode: the whole module runs in well under a minute
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FR = ["Les ministres se sont réunis mardi à Bruxelles.", "Ils ont signé un accord de 12 millions d'euros."]
EN = ["The ministers met on Tuesday in Brussels.", "They signed an agreement worth 12 million euros."]
DE = ["Die Minister trafen sich am Dienstag in Brüssel.", "Sie unterzeichneten ein Abkommen über 12 Millionen Euro."]


def _fill(newsroom: Newsroom) -> None:
    """Two outlets, translated articles, a story with both (so it can be compared), one article alone."""
    journal = newsroom.source("Le Journal")
    zeitung = newsroom.source("Die Zeitung", language="de")
    first = newsroom.article(journal, "Réunion à Bruxelles", FR, translation=("Meeting in Brussels", EN))
    second = newsroom.article(zeitung, "Treffen in Brüssel", DE, language="de",
                              translation=("Meeting in Brussels", EN), model="opus-mt-de-en")
    newsroom.revision(first, "Réunion à Bruxelles", [*FR, "Mise à jour."],
                      translation=("Meeting in Brussels", [*EN, "Update."]))
    newsroom.story("Réunion à Bruxelles", [first, second])
    newsroom.article(journal, "Seul", FR[:1], translation=("Alone", EN[:1]))


class OfflineSources(SourceService):
    """The real source service with the probe answered offline: every URL is taken as a feed (the
    fuzzer's URLs must never be fetched), and everything after the probe is the real thing."""

    def add(self, url: str, *, name: str | None = None, lang: str | None = None,
            every: str | None = None) -> Source:
        return add_source(self.store, self.settings, url, "feed", name=name, language=lang, every=every)


@pytest.fixture
def contract_app(store: Store, settings: Settings, newsroom: Newsroom) -> FastAPI:
    from babelwire.web.app import create_app

    _fill(newsroom)
    settings.admin.token = TOKEN
    return create_app(store, settings, sources=OfflineSources(store, settings), watches=WatchService(store, settings))


def fuzz_schema(app: FastAPI, examples: int = EXAMPLES) -> Any:
    """The app's served document, for schemathesis to fuzz in process with every check but response time."""
    api = schemathesis.openapi.from_asgi("/openapi.json", app)
    api.config.checks.update(excluded_check_names=["max_response_time"])  # every check but the timed one
    # A body over the declared 16 KiB is refused unread with its declared 413: a rejection too.
    rejection = api.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, "413"]
    api.config.generation.update(modes=list(GenerationMode), max_examples=examples, deterministic=True)
    return api


@pytest.fixture
def api_schema(contract_app: FastAPI) -> Any:
    return fuzz_schema(contract_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_every_operation_keeps_its_contract(case: Any) -> None:
    case.call_and_validate(headers=AUTH, excluded_checks=query_syntax(case))


def query_syntax(case: Any) -> list[Any] | None:
    """The check to leave out for ``case``: a schema-valid string can be an invalid watch query (an
    unclosed parenthesis), which is the documented 422 with the error's position, not a valid
    request rejected."""
    return [positive_data_acceptance] if (case.method, case.path) == ("POST", "/api/v1/watches") else None


def test_sources_are_created_read_and_deleted_statefully(api_schema: Any, contract_app: FastAPI) -> None:
    """Schemathesis follows the document's links: POST /api/sources, then GET /api/sources and
    DELETE /api/sources/{id} of the source it created, every answer checked against the document."""
    web = contract_app.state.web
    initial = {source.id for source in source_health(web.store)}

    calls: list[tuple[str, str, int]] = []

    class SourceLife(api_schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": AUTH}

        def after_call(self, response: Any, case: Any) -> None:
            calls.append((case.method, case.path, response.status_code))

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(response, additional_checks=additional_checks, excluded_checks=query_syntax(case),
                                   transport_kwargs=kwargs)

        def teardown(self) -> None:
            # Each scenario starts from the same store: what one added must not be a 409 in the next.
            for source in source_health(web.store):
                if source.id not in initial:
                    web.sources.remove(source.id)
            for watch in list_watches(web.store):  # the store starts without watches
                remove_watch(web.store, watch.name)
            web.clock.invalidate()

    SourceLife.run(settings=settings(max_examples=EXAMPLES, derandomize=True, deadline=None, stateful_step_count=5,
                                     suppress_health_check=list(HealthCheck)))
    # The links were followed: sources were created, and one of them deleted by the id it came with.
    assert ("POST", "/api/v1/sources", 201) in calls and ("DELETE", "/api/v1/sources/{source_id}", 204) in calls


def test_a_source_added_through_the_api_is_listed_then_gone(contract_app: FastAPI) -> None:
    """The same sequence, spelled out: each answer has the status and shape the document declares."""
    with TestClient(contract_app) as client:
        document = client.get("/openapi.json").json()
        created = client.post("/api/sources", json={"url": "https://radio.example/rss.xml", "every": "15m"},
                              headers=AUTH)
        assert created.status_code == 201, created.text
        source = created.json()
        assert source["url"] == "https://radio.example/rss.xml" and source["interval"] == 900
        assert source["id"] in [s["id"] for s in client.get("/api/sources").json()]
        assert client.post("/api/sources", json={"url": "https://radio.example/rss.xml"},
                           headers=AUTH).status_code == 409

        assert client.delete(f"/api/sources/{source['id']}", headers=AUTH).status_code == 204
        assert source["id"] not in [s["id"] for s in client.get("/api/sources").json()]
        gone = client.delete(f"/api/sources/{source['id']}", headers=AUTH)
        assert gone.status_code == 404 and gone.headers["content-type"] == "application/problem+json"
        assert gone.json() == {"type": "about:blank", "title": "Not Found", "status": 404,
                               "detail": f"no source {source['id']}", "instance": f"/api/sources/{source['id']}"}
        declared = document["paths"]["/api/v1/sources/{source_id}"]["delete"]["responses"]
        assert {"204", "401", "403", "404"} <= set(declared)


def test_every_api_operation_declares_its_errors_as_problem_details(contract_app: FastAPI) -> None:
    """A route added later without its contract fails here: every /api operation is documented with
    a summary, a tag, an example-bearing success answer and each error code as problem details."""
    from babelwire.web import api

    with TestClient(contract_app) as client:
        document = client.get("/openapi.json").json()
    # Every route under /api, whichever router brought it: each is served under /api/v1 too.
    routes = [route for included in contract_app.routes for route in
              getattr(getattr(included, "original_router", None), "routes", [included])]
    served = {(method.lower(), "/api/v1" + route.path.removeprefix("/api")) for route in routes
              if isinstance(route, APIRoute) and route.path.startswith("/api/")
              for method in route.methods if method != "HEAD"}
    declared = {(method, path) for path, operations in document["paths"].items() for method in operations}
    assert served == declared
    assert "ProblemDetails" in document["components"]["schemas"]
    assert document["components"]["securitySchemes"]["adminToken"]["scheme"] == "bearer"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["tags"] and operation["summary"] and operation["description"], (method, path)
            codes = {int(code) for code in operation["responses"]}
            assert {400, 500} <= codes, (method, path)
            if operation.get("parameters") or operation.get("requestBody"):
                assert 422 in codes, (method, path)
            if "{" in path:
                assert 404 in codes, (method, path)
            if operation["tags"] == ["admin"]:
                assert {401, 403, 503} <= codes and operation["security"] == [{"adminToken": []}]
            for code, answer in operation["responses"].items():
                if int(code) >= 400:
                    assert list(answer["content"]) == ["application/problem+json"], (method, path, code)
            if method == "get" or operation["operationId"] in EXAMPLED:  # a reader of /docs sees an answer
                content = operation["responses"]["200"]["content"]["application/json"]
                assert content.get("example") or content.get("examples"), (method, path)
            if operation["operationId"] in ("articles", "stories", "search"):
                assert "Link" in operation["responses"]["200"]["headers"], (method, path)
            for parameter in operation.get("parameters", []):
                if parameter["name"] in api.ID_PARAMETERS:
                    integer = next(b for b in [parameter["schema"], *parameter["schema"].get("anyOf", [])]
                                   if b.get("type") == "integer")
                    assert integer["minimum"] == 0 and integer["maximum"] == contract_app.state.web.store.max_id


@pytest.mark.parametrize(("method", "path", "status"), [
    ("get", "/api/articles?limit=0", 422),
    ("get", "/api/v1/articles?limit=0", 422),
    ("get", "/api/v1/articles?cursor=not-a-cursor", 422),
    ("get", "/api/v1/articles/12345", 404),
    ("get", "/api/v1/stories/99999999999999999999", 404),
    ("get", "/api/v1/nowhere", 404),
    ("post", "/api/v1/articles", 405),
    ("post", "/api/v1/sources", 401),
    ("get", "/api/articles/abc", 422),
    ("get", "/api/articles?lang=%3Cscript%3E", 422),
    ("get", "/api/articles/99999999999999999999", 404),
    ("get", "/api/nowhere", 404),
    ("get", "/feeds/stories/424242.atom", 404),
    ("post", "/api/articles", 405),
    ("post", "/api/sources", 401),
])
def test_errors_under_api_and_feeds_are_problem_details(contract_app: FastAPI, method: str, path: str,
                                                        status: int) -> None:
    with TestClient(contract_app) as client:
        response = client.request(method, path, json={"url": "https://example.org/feed.xml"})
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "about:blank" and body["status"] == status and body["title"] and body["detail"]
    assert body["instance"] == path.partition("?")[0]


def test_a_validation_problem_says_where_and_why(contract_app: FastAPI) -> None:
    with TestClient(contract_app) as client:
        body = client.post("/api/sources", json={"url": "", "every": "0m"}, headers=AUTH).json()
    assert body["status"] == 422 and body["detail"].startswith("Invalid body url:")
    assert {tuple(e["loc"]) for e in body["errors"]} == {("body", "url"), ("body", "every")}
    assert all(e["msg"] and e["type"] for e in body["errors"])


def test_405_allows_every_method_the_path_serves(contract_app: FastAPI) -> None:
    """GET /api/sources and POST /api/sources come from two routers: Allow names both."""
    with TestClient(contract_app) as client:
        response = client.request("OPTIONS", "/api/sources")
        page = client.request("PUT", "/sources")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
    assert page.status_code == 405 and page.headers["content-type"].startswith("text/html")
    assert set(page.headers["allow"].split(", ")) == {"GET", "HEAD"}


def test_a_refused_host_is_a_problem_under_api(contract_app: FastAPI) -> None:
    with TestClient(contract_app) as client:
        response = client.get("/api/articles", headers={"Host": "evil.example"})
    assert response.status_code == 400 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Bad Request" and response.json()["instance"] == "/api/articles"


def test_the_documented_examples_are_valid_answers() -> None:
    from babelwire.store.readmodels import ArticleDetail, SourceHealth, StoryComparison, StoryDetail
    from babelwire.web import schemas

    ArticleDetail.model_validate(schemas.ARTICLE_EXAMPLE)
    StoryDetail.model_validate(schemas.STORY_EXAMPLE)
    StoryDetail.model_validate(schemas.LONE_STORY_EXAMPLE)
    StoryComparison.model_validate(schemas.COMPARE_EXAMPLE)
    schemas.ArticlePage.model_validate(schemas.ARTICLE_PAGE_EXAMPLE)
    schemas.StoryPage.model_validate(schemas.STORY_PAGE_EXAMPLE)
    schemas.SearchPage.model_validate(schemas.SEARCH_PAGE_EXAMPLE)
    [SourceHealth.model_validate(row) for row in schemas.SOURCES_EXAMPLE]
    schemas.NewSource.model_validate(schemas.NewSource.model_config["json_schema_extra"]["examples"][0])
    schemas.CreatedSource.model_validate(schemas.CreatedSource.model_config["json_schema_extra"]["examples"][0])


def test_a_body_over_the_limit_is_a_413_problem(contract_app: FastAPI) -> None:
    body = b'{"url": "https://example.org/' + b"a" * 20_000 + b'"}'
    with TestClient(contract_app) as client:
        response = client.post("/api/sources", content=body,
                               headers={**AUTH, "Content-Type": "application/json"})
        listed = client.get("/api/sources").json()
    assert response.status_code == 413 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 413 and response.json()["instance"] == "/api/sources"
    assert [s["name"] for s in listed] == ["Le Journal", "Die Zeitung"]
