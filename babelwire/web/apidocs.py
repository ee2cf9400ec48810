"""``/docs``: the API's interactive documentation, Swagger UI served from the package's own
static files (``static/swagger-ui``, vendored from ``swagger-ui-dist``): no CDN, no inline script."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from starlette.requests import Request

from babelwire.web.security import CONTENT_SECURITY_POLICY

router = APIRouter(include_in_schema=False)
# Swagger UI's stylesheet draws its icons as data: SVG images; scripts stay 'self' only.
DOCS_POLICY = CONTENT_SECURITY_POLICY.replace("img-src 'self'", "img-src 'self' data:")
_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>babelwire API</title>
<link rel="stylesheet" href="{root}/static/swagger-ui/swagger-ui.css">
</head>
<body>
<noscript><p>This page needs JavaScript. The API's contract is <a href="{root}/openapi.json">/openapi.json</a>.</p>
</noscript>
<div id="swagger-ui" data-openapi="{root}/openapi.json"></div>
<script src="{root}/static/swagger-ui/swagger-ui-bundle.js"></script>
<script src="{root}/static/swagger-ui/babelwire-docs.js"></script>
</body>
</html>
"""


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI over /openapi.json."""
    root = escape(request.scope.get("root_path", "").rstrip("/"), quote=True)
    return HTMLResponse(_PAGE.format(root=root), headers={"Content-Security-Policy": DOCS_POLICY})
