"""Pagination: ``?page=`` on pages, ``?limit=&offset=`` (or ``page``) on the API, with next links."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request

MAX_LIMIT = 100


@dataclass(frozen=True)
class Window:
    limit: int
    offset: int

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1 if self.limit else 1


def window(page_size: int, *, page: int | None = None, limit: int | None = None, offset: int | None = None) -> Window:
    """The rows a request asks for: explicit limit/offset win over page numbers."""
    size = max(1, min(limit or page_size, MAX_LIMIT))
    if offset is not None:
        return Window(size, max(0, offset))
    return Window(size, (max(1, page or 1) - 1) * size)


def links(request: Request, w: Window, has_next: bool, *, base: str) -> tuple[str | None, str | None]:
    """(next, previous) URLs of the same query with another offset, under ``base`` (the reader's
    checked base URL: never the request's own Host or X-Forwarded-* headers)."""
    path, root = request.scope["path"], request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root):]  # the path below the root the base URL already holds

    def at(offset: int) -> str:
        params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "offset", "limit")]
        return f"{base}{path}?{urlencode([*params, ('limit', w.limit), ('offset', offset)])}"

    return (at(w.offset + w.limit) if has_next else None,
            at(max(0, w.offset - w.limit)) if w.offset > 0 else None)


def optional_int(value: str | None) -> int | None:
    """A filter value from a form: empty or non-numeric means no filter."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


def optional_text(value: str | None, *, max_length: int = 16) -> str | None:
    value = (value or "").strip()
    return value[:max_length] if value else None
