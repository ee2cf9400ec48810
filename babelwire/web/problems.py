"""The one shape of every error the JSON API and the feeds answer: RFC 9457 problem details
(``application/problem+json``), and the status codes each route declares in the OpenAPI document."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDetails"}
PATH_SCOPE_KEY = "babelwire.path"  # the path the client sent, when /api/v1 was mapped onto /api


def client_path(scope: Scope) -> str:
    """The path as the client sent it (``/api/v1/…`` or its alias ``/api/…``)."""
    return str(scope.get(PATH_SCOPE_KEY) or scope.get("path", ""))


class ProblemDetails(BaseModel):
    """An error answer (RFC 9457)."""

    type: str = Field(default="about:blank", description="A URI naming the kind of problem; about:blank: "
                                                         "the status code says it all.")
    title: str = Field(description="The status code's reason phrase.", examples=["Not Found"])
    status: int = Field(ge=100, le=599, description="The HTTP status code.", examples=[404])
    detail: str = Field(description="What went wrong with this request, for a human.",
                        examples=["no article 12345"])
    instance: str = Field(description="The path of the request.", examples=["/api/articles/12345"])
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="422 only: each invalid input (loc: where, msg: why, type: which rule).")


def problem(request: Request, status: int, detail: str, *, headers: dict[str, str] | None = None,
            errors: list[dict[str, Any]] | None = None) -> JSONResponse:
    """The problem-details answer to ``request``."""
    body: dict[str, Any] = {"type": "about:blank", "title": _phrase(status), "status": status, "detail": detail,
                            "instance": client_path(request.scope)}
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def problem_response(scope: Scope, status: int, detail: str, *, headers: dict[str, str] | None = None) -> JSONResponse:
    """The same answer, for middleware that answers before a Request exists."""
    return JSONResponse(problem_body(status, detail, client_path(scope)), status_code=status, headers=headers,
                        media_type=PROBLEM_JSON)


def problem_body(status: int, detail: str, path: str) -> dict[str, Any]:
    """The same body, for middleware that answers before a Request exists."""
    return {"type": "about:blank", "title": _phrase(status), "status": status, "detail": detail, "instance": path}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class ProblemOnlyMiddleware:
    """ASGI middleware: an error answer under the JSON paths that some layer wrote in another shape
    (Starlette's own 413 for a body over a route's ``max_body_size`` is plain text) is rewritten as
    problem details, its text kept as the detail."""

    def __init__(self, app: ASGIApp, prefixes: tuple[str, ...]) -> None:
        self.app = app
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        held: Message | None = None
        text: list[bytes] = []

        async def send_problem(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                kinds = [v for k, v in message.get("headers", []) if k.lower() == b"content-type"]
                if message["status"] >= 400 and not (kinds and kinds[0].startswith(PROBLEM_JSON.encode())):
                    held = message  # rewritten once its body is complete
                    return
            elif held is not None and message["type"] == "http.response.body":
                text.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                status = held["status"]
                detail = b"".join(text).decode("utf-8", "replace").strip()[:500] or _phrase(status)
                body = json.dumps(problem_body(status, detail, client_path(scope)), ensure_ascii=False,
                                  separators=(",", ":")).encode()
                if scope.get("method") == "HEAD":
                    body = b""
                headers = [(k, v) for k, v in held.get("headers", [])
                           if k.lower() not in (b"content-type", b"content-length")]
                headers += [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
                await send({**held, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, send_problem)


def validation_errors(errors: Any) -> tuple[str, list[dict[str, Any]]]:
    """(detail, errors) of a request that failed validation: where and why, never the input itself."""
    items = [{"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", "")),
              "type": str(e.get("type", ""))} for e in errors]
    first = items[0] if items else {"loc": [], "msg": "invalid request"}
    where = " ".join(first["loc"]) or "request"
    more = f" (and {len(items) - 1} more)" if len(items) > 1 else ""
    return f"Invalid {where}: {first['msg']}{more}", items


def allowed_methods(routes: list[Any], scope: dict[str, Any]) -> list[str]:
    """Every method some route serves at the request's path (routers split one path across routes,
    and Starlette's own 405 names the first route's methods only)."""
    methods: set[str] = set()
    for route in routes:
        match, _ = route.matches({**scope, "method": "GET"})
        route_methods = getattr(route, "methods", None)
        if match != Match.NONE and route_methods:
            methods |= set(route_methods)
    if "GET" in methods:
        methods.add("HEAD")  # every GET is answered to HEAD too (the cache middleware serves it)
    return sorted(methods)


_DESCRIPTIONS = {
    304: "Not modified: the ETag sent in If-None-Match is still current (no body).",
    400: "Bad request: the Host header is not one the reader answers to.",
    401: "No admin token: send it as 'Authorization: Bearer <token>'.",
    403: "The admin API is off (no token configured), or the token is wrong.",
    429: "Too many requests from this token or client ([api] rate_limit, anonymous_rate_limit): retry after "
         "Retry-After seconds.",
    404: "Not found (also for an id no row can have: negative, or beyond the database's id range).",
    409: "This URL is already watched.",
    413: "The request body is larger than 16 KiB.",
    422: "Invalid input: a parameter or the body breaks the constraints this document declares.",
    500: "Something went wrong on the server.",
    503: "This server was started without source management (use babelwire serve or run).",
}
_EXAMPLES = {
    400: "Invalid Host header. Add the host name to [web] allowed_hosts (BABELWIRE_WEB_ALLOWED_HOSTS) or set "
         "[web] base_url.",
    401: "Send the admin token as 'Authorization: Bearer <token>'.",
    403: "Wrong admin token.",
    404: "There is no page at this address.",
    409: "https://example.org/feed.xml is already a source (#3)",
    429: "Too many requests: at most 600 a minute per token. Retry in 2 s.",
    422: "Invalid query limit: Input should be less than or equal to 100",
    500: "Something went wrong while preparing this answer. Try again later.",
    503: "This app was built without source management (babelwire serve and run provide it).",
}
READ = (304, 400, 422, 500)  # every read route: conditional GET, Host check, parameters, server errors
ADMIN = (400, 401, 403, 422, 500, 503)


def responses(*codes: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: each status code with its description and, for errors, the
    problem-details body. ``descriptions`` (``d404="..."``) override the shared wording."""
    declared: dict[int | str, dict[str, Any]] = {}
    for code in sorted(set(codes)):
        text = descriptions.get(f"d{code}", _DESCRIPTIONS[code])
        if code < 400:
            declared[code] = {"description": text}
            continue
        example = problem_body(code, _EXAMPLES.get(code, text), "/api/v1/…")
        declared[code] = {"description": text,
                          "content": {PROBLEM_JSON: {"schema": PROBLEM_REF, "example": example}}}
        if code == 429:
            declared[code]["headers"] = {"Retry-After": RETRY_AFTER}
    return declared


RETRY_AFTER = {"required": True, "schema": {"type": "integer", "minimum": 1},
               "description": "Seconds to wait before the next request is allowed."}
# Read routes' extra answers when [api] read_tokens is set (web.app adds them to the document).
READ_TOKEN_ANSWERS = {
    401: "No read token: send one of [api] read_tokens as 'Authorization: Bearer <token>'.",
    403: "Unknown read token.",
}


def declared(code: int, description: str) -> dict[str, Any]:
    """One error answer as ``responses`` declares it, with a description of its own."""
    return responses(code, **{f"d{code}": description})[code]
