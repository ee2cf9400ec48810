"""Pagination: ``?page=`` on pages; on the API, opaque keyset cursors (``?cursor=``) with ``next``
and ``previous`` links in the body and in an RFC 8288 ``Link`` header.

A cursor names a position in a list — the sort time and id of the item it continues from — and a
direction. Items inserted elsewhere in the order never shift a position, so walking the pages
while articles arrive neither repeats nor skips one. A cursor is 24 URL-safe characters (18
bytes); every such string is a position (times outside the calendar are clamped), so any cursor
that fits the declared pattern is answered, possibly with an empty page.
"""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from starlette.requests import Request

MAX_LIMIT = 100
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{24}$"
API_PREFIX = "/api/v1"  # the API's public, versioned prefix; /api is its alias
_CURSOR = struct.Struct(">BBqq")  # flags, format version, microseconds since the epoch, id
_BACKWARD, _NO_TIME = 1, 2
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MIN_US = (datetime.min.replace(tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)
_MAX_US = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)


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


# --- cursors --------------------------------------------------------------------------------------
class BadCursor(ValueError):
    """A cursor that is not 24 URL-safe base64 characters."""


@dataclass(frozen=True)
class Cursor:
    """A position in a list (``at``, ``id``) and whether the page wanted is before it."""

    at: datetime | None
    id: int
    backward: bool = False

    def encode(self) -> str:
        flags = (_BACKWARD if self.backward else 0) | (_NO_TIME if self.at is None else 0)
        micros = 0 if self.at is None else (self.at.astimezone(UTC) - _EPOCH) // timedelta(microseconds=1)
        return base64.urlsafe_b64encode(_CURSOR.pack(flags, 1, micros, self.id)).decode()

    @classmethod
    def decode(cls, text: str) -> Cursor:
        if len(text) != 24:
            raise BadCursor("a cursor is 24 characters, as the next and previous links give it")
        try:
            raw = base64.urlsafe_b64decode(text.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise BadCursor("a cursor is URL-safe base64, as the next and previous links give it") from exc
        flags, _version, micros, ident = _CURSOR.unpack(raw)
        at = None if flags & _NO_TIME else _EPOCH + timedelta(microseconds=min(max(micros, _MIN_US), _MAX_US))
        return cls(at=at, id=ident, backward=bool(flags & _BACKWARD))


@dataclass(frozen=True)
class KeysetPage:
    """One page of a keyset list: the keys shown and the cursors of its neighbours (None: none)."""

    keys: list[tuple[datetime | None, int]]
    next: Cursor | None
    previous: Cursor | None


def keyset_page(
    keys: list[tuple[datetime | None, int]], cursor: Cursor | None, limit: int, *, offset: int = 0
) -> KeysetPage:
    """The page among ``keys`` — up to ``limit + 1`` keys read after the cursor's position (or, for
    a backward cursor, before it, in display order): one key more than the page means a neighbour
    on that side; the position a cursor came from is a neighbour on the other side."""
    backward = cursor is not None and cursor.backward
    more = len(keys) > limit
    shown = (keys[-limit:] if more else keys) if backward else keys[:limit]
    if not shown:  # past either end: the way back is the cursor's own position
        if cursor is None:
            return KeysetPage([], None, None)
        back = Cursor(cursor.at, cursor.id, backward=not cursor.backward)
        return KeysetPage([], back if backward else None, None if backward else back)
    first, last = shown[0], shown[-1]
    has_next = True if backward else more
    has_previous = more if backward else (cursor is not None or offset > 0)
    return KeysetPage(
        shown, Cursor(*last) if has_next else None, Cursor(*first, backward=True) if has_previous else None
    )


# --- links ----------------------------------------------------------------------------------------
def public_path(request: Request) -> str:
    """The request's path as integrators address it: under ``/api/v1`` (``/api`` is an alias, and
    links always name the versioned path), below the root the base URL already holds."""
    path, root = request.scope["path"], request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    if path.startswith("/api/") and not path.startswith(f"{API_PREFIX}/"):
        path = API_PREFIX + path[len("/api") :]
    return path


def page_url(request: Request, base: str, **params: str | int) -> str:
    """The same query with ``params`` instead of any paging parameter, under ``base`` (the reader's
    checked base URL: never the request's own Host or X-Forwarded-* headers)."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "offset", "limit", "cursor")]
    return f"{base}{public_path(request)}?{urlencode([*kept, *params.items()])}"


def links(request: Request, w: Window, has_next: bool, *, base: str) -> tuple[str | None, str | None]:
    """(next, previous) URLs of the same query with another offset."""
    return (
        page_url(request, base, limit=w.limit, offset=w.offset + w.limit) if has_next else None,
        page_url(request, base, limit=w.limit, offset=max(0, w.offset - w.limit)) if w.offset > 0 else None,
    )


def cursor_links(request: Request, page: KeysetPage, limit: int, *, base: str) -> tuple[str | None, str | None]:
    """(next, previous) URLs of a keyset page."""
    return (
        page_url(request, base, limit=limit, cursor=page.next.encode()) if page.next else None,
        page_url(request, base, limit=limit, cursor=page.previous.encode()) if page.previous else None,
    )


def link_header(next_url: str | None, previous_url: str | None) -> str | None:
    """The RFC 8288 ``Link`` header of a page: ``<url>; rel="next", <url>; rel="prev"``."""
    parts = [f'<{url}>; rel="{rel}"' for url, rel in ((next_url, "next"), (previous_url, "prev")) if url]
    return ", ".join(parts) or None


def optional_int(value: str | None) -> int | None:
    """A filter value from a form: empty or non-numeric means no filter."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


def optional_text(value: str | None, *, max_length: int = 16) -> str | None:
    value = (value or "").strip()
    return value[:max_length] if value else None
