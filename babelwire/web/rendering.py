"""Jinja2 templates (autoescaped) and the filters they use."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from babelwire.languages import language_name
from babelwire.web.caching import check_cancelled
from babelwire.web.security import safe_href

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHECK_EVERY = 256  # template chunks between two cancellation points


def when(value: str | datetime | None) -> str:
    """A timestamp as readers read it: ``12 Jan 2022, 17:30 UTC``."""
    if value is None:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.strftime("%-d %b %Y, %H:%M") + (" UTC" if moment.utcoffset() is not None else "")


def host(url: str | None) -> str:
    """The host name of a URL, for link captions."""
    return urlsplit(url or "").netloc or (url or "")


def query(params: dict[str, Any], **changes: Any) -> str:
    """``?a=1&b=2`` from the current parameters with ``changes`` applied (None removes)."""
    merged = {**params, **changes}
    pairs = [(k, v) for k, v in merged.items() if v not in (None, "")]
    return "?" + urlencode(pairs) if pairs else ""


def mark_numbers(text: str | None, numbers: Iterable[str] | None) -> Markup:
    """``text`` escaped, with each of ``numbers`` (whole, not inside a longer number or word) in
    ``<mark class="number">``: the numbers another outlet contradicts."""
    wanted = sorted({n for n in numbers or () if n}, key=len, reverse=True)
    if not text or not wanted:
        return Markup(escape(text or ""))
    pattern = re.compile(r"(?<![\w.,])(?:" + "|".join(re.escape(n) for n in wanted) + r")(?![\w]|[.,]\d)")
    out: list[str] = []
    cursor = 0
    for match in pattern.finditer(text):
        out.append(str(escape(text[cursor:match.start()])))
        out.append(f'<mark class="number">{escape(match.group())}</mark>')
        cursor = match.end()
    out.append(str(escape(text[cursor:])))
    return Markup("".join(out))


def make_environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "xml"]),
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.filters.update(when=when, langname=lambda code: language_name(code) if code else "unknown language",
                       safe_href=safe_href, host=host, mark_numbers=mark_numbers)
    env.globals.update(query=query)
    return env


class Renderer:
    """Renders a template into an HTML response with the common context."""

    def __init__(self, site_name: str = "babelwire") -> None:
        self.env = make_environment()
        self.site_name = site_name

    def page(self, request: Request, name: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        """The template rendered; a render whose readers have all gone stops within a few hundred
        chunks (see ``caching.check_cancelled``)."""
        params = dict(request.query_params)
        check_cancelled()
        chunks: list[str] = []
        for chunk in self.env.get_template(name).generate(
                root=request.scope.get("root_path", ""), site_name=self.site_name, params=params, **context):
            chunks.append(chunk)
            if len(chunks) % CHECK_EVERY == 0:
                check_cancelled()
        return HTMLResponse("".join(chunks), status_code=status)
